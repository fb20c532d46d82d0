"""The global sidebar filters (period, comparison, departments, regions), drawn once by app.py and read by every page.

They persist across pages (app.py draws them on every run) and are mirrored in the URL query string
(?preset=ytd&compare=yoy&dept=SAL-NOR&region=North, or ?preset=custom&start=2025-01-01&end=2025-03-31), so a
copied link opens the same view. A preset's dates follow the data's last day, so a link to "year to date" shows
the year to date of whatever data is loaded when it is opened.
"""

import contextlib
from datetime import date, timedelta

import pandas as pd
import streamlit as st

from dashboard import auth, safe
from dashboard import queries as q
from dashboard.queries import COMPARISONS, Filters, months_before, operations
from i18n import LANGUAGE_KEY, LANGUAGES, N_, _, from_browser, language, ngettext
from i18n.formats import count, day, period

PRESETS = {
    "this_month": N_("This month"),
    "last_month": N_("Last month"),
    "qtd": N_("Quarter to date"),
    "ytd": N_("Year to date"),
    "last_90_days": N_("Last 90 days"),
    "last_12_months": N_("Last 12 months"),
    "last_year": N_("Last calendar year"),
    "custom": N_("Custom dates"),
}
"""The period presets (their URL value -> label), each ending on the data's last day or, for last month and last
year, before its month or year."""
CUSTOM = "custom"
DEFAULT_PRESET = "last_90_days"  # always a quarter's worth of days: month or quarter to date can be a day or two
COMPARISON_LABELS = {"previous": N_("Previous period"), "yoy": N_("Same period last year")}
STATE_KEY = "filters"
PERIOD, DEPARTMENTS, REGIONS = "filter_period", "filter_departments", "filter_regions"
PRESET, COMPARE = "filter_preset", "filter_compare"
SHOWN = "filter_period_shown"  # the period the sidebar last drew: any other value was set by a person or a click
NOTICE = "filter_notice"  # what the sidebar could not do as a link asked, said once on the page


def draw_language() -> str:
    """Settle this session's language and draw the switch at the top of the sidebar: on the first run from the
    URL's ``?lang=`` or else the browser's locale; afterwards the switch decides. The URL follows the choice."""
    if LANGUAGE_KEY not in st.session_state:
        wanted = st.query_params.get("lang")
        st.session_state[LANGUAGE_KEY] = wanted if wanted in LANGUAGES else from_browser(st.context.locale)
    st.sidebar.radio("Мова / Language", list(LANGUAGES), format_func=LANGUAGES.get, key=LANGUAGE_KEY, horizontal=True,
                     label_visibility="collapsed")
    st.query_params["lang"] = st.session_state[LANGUAGE_KEY]
    return st.session_state[LANGUAGE_KEY]


def preset_period(preset: str, first: date, last: date) -> tuple[date, date]:
    """A preset's dates for data from ``first`` to ``last``, calendar-aligned and within the data: this month =
    the 1st of the last day's month to that day, last month = the whole month before it, quarter and year to date
    from the quarter's or year's first day, the last 90 days and the last 12 months up to the last day."""
    start, end = {
        "this_month": lambda: (last.replace(day=1), last),
        "last_month": lambda: ((last.replace(day=1) - timedelta(days=1)).replace(day=1),
                               last.replace(day=1) - timedelta(days=1)),
        "qtd": lambda: (date(last.year, (last.month - 1) // 3 * 3 + 1, 1), last),
        "ytd": lambda: (date(last.year, 1, 1), last),
        "last_12_months": lambda: (months_before(last, 12) + timedelta(days=1), last),
        "last_year": lambda: (date(last.year - 1, 1, 1), date(last.year - 1, 12, 31)),
    }.get(preset, lambda: (last - timedelta(days=89), last))()
    return _within(start, first, last), _within(end, first, last)


def _within(value: date, first: date, last: date) -> date:
    return min(max(value, first), last)


def _from_url(first: date, last: date, departments: list[str], regions: list[str]) -> None:
    """Set the widgets' first values from the URL, ignoring what it says that is not valid: a preset, or dates
    (a link with dates and no preset is a custom period), a comparison, departments and regions."""
    params = st.query_params
    dates = {}
    for name in ("start", "end"):
        with contextlib.suppress(KeyError, ValueError):  # missing or not a date: ignored
            dates[name] = date.fromisoformat(params[name])
    dates = _inside_data(dates, first, last)
    preset = params.get("preset") if params.get("preset") in PRESETS else None
    if preset is None or (preset == CUSTOM and not dates):
        preset = CUSTOM if dates else DEFAULT_PRESET
    if preset == CUSTOM:
        start = dates.get("start", first)
        st.session_state[PERIOD] = (start, max(dates.get("end", last), start))
    st.session_state[PRESET] = preset
    st.session_state[COMPARE] = params.get("compare") if params.get("compare") in COMPARISONS else COMPARISONS[0]
    st.session_state[DEPARTMENTS] = [d for d in params.get_all("dept") if d in departments]
    st.session_state[REGIONS] = [r for r in params.get_all("region") if r in regions]


def _inside_data(dates: dict[str, date], first: date, last: date) -> dict[str, date]:
    """A link's dates within the data, and a notice when they were not: a period wholly outside it gives way to the
    default period, one partly outside is cut to the data; either way the page says so (never silently another)."""
    if not dates:
        return dates
    asked = dates.get("start", first), dates.get("end", last)
    wanted = {"asked": period(*asked), "data": period(first, last)}
    if asked[1] < first or asked[0] > last:
        st.session_state[NOTICE] = _("The link asks for {asked}, which the data does not reach (it runs {data}): the "
                                     "page shows the default period instead.").format(**wanted)
        return {}
    inside = {name: _within(value, first, last) for name, value in dates.items()}
    if (inside.get("start", first), inside.get("end", last)) != asked:
        st.session_state[NOTICE] = _("The link asks for {asked}; the data runs {data}, so the page shows the part "
                                     "inside it.").format(**wanted)
    return inside


def _settle_period(first: date, last: date) -> None:
    """Before the widgets are drawn: a period set by a person or a click (not the one the sidebar drew) makes the
    preset custom; a preset's dates follow the data's last day; custom dates stay within the data, and custom
    dates wholly outside it (after a load of other data) give way to the default preset."""
    period = st.session_state.get(PERIOD)
    period = None if period is None else tuple(period)
    if period is not None and period != st.session_state.get(SHOWN):
        st.session_state[PRESET] = CUSTOM
    if st.session_state.get(PRESET) == CUSTOM and (not period or period[0] > last or period[-1] < first):
        st.session_state[PRESET] = DEFAULT_PRESET
    if st.session_state.get(PRESET) == CUSTOM:
        st.session_state[PERIOD] = tuple(_within(d, first, last) for d in period)
    else:
        st.session_state[PERIOD] = preset_period(st.session_state.get(PRESET, DEFAULT_PRESET), first, last)


def _draw_period(first: date, last: date) -> tuple[date, date, str, str]:
    """The period preset, its dates (editing them makes the period custom) and the comparison; returns start, end,
    preset and comparison."""
    sidebar = st.sidebar
    presets, comparisons = ({k: _(v) for k, v in labels.items()} for labels in (PRESETS, COMPARISON_LABELS))
    preset = sidebar.selectbox(_("Period"), list(presets), format_func=presets.get, key=PRESET,
                               help=_("Presets are calendar periods ending on the data's last day, {day}. Editing "
                                      "the dates below makes the period custom.").format(day=day(last)))
    period = sidebar.date_input(_("Dates"), min_value=first, max_value=last, key=PERIOD, format="YYYY-MM-DD",
                                label_visibility="collapsed")
    start, end = (period[0], period[-1]) if isinstance(period, (tuple, list)) and period else (first, last)
    st.session_state[SHOWN] = tuple(period) if isinstance(period, (tuple, list)) else (period,)
    compare = sidebar.radio(
        _("Compare with"), COMPARISONS, format_func=comparisons.get, key=COMPARE,
        help=_("What the changes on the pages compare the period with. The previous period is the month, quarter "
               "or year before for calendar periods, else as many days just before; the same period last year is "
               "the same dates a year earlier."))
    return start, end, preset, compare


def draw_sidebar() -> Filters | None:
    """Draw the filters in the sidebar and remember the choice; None when the warehouse holds nothing to show."""
    bounds = q.date_bounds() if q.has_data() else None
    if bounds is None:
        st.session_state.pop(STATE_KEY, None)
        return None
    first, last = bounds
    principal = auth.current()
    allowed = () if principal is None else principal.allowed()
    options = q.department_options()
    names = {d: n for d, n in zip(options["department_id"], options["name"]) if allowed is None or d in allowed}
    regions = q.region_options()
    if PRESET not in st.session_state:
        _from_url(first, last, list(names), regions)
    _settle_period(first, last)
    start, end, preset, compare = _draw_period(first, last)
    chosen = st.sidebar.multiselect(_("Departments"), list(names), format_func=lambda d: names.get(d, d),
                                    key=DEPARTMENTS, placeholder=_("All departments") if allowed is None else
                                    _("All your departments"))
    chosen_regions = st.sidebar.multiselect(_("Regions"), regions, key=REGIONS, placeholder=_("All regions"))
    filters = Filters(start, end, tuple(sorted(chosen)), tuple(sorted(chosen_regions)), allowed, compare, preset)
    st.query_params.from_dict({"lang": language(), "preset": preset, "compare": compare,
                               **({"start": start.isoformat(), "end": end.isoformat()} if preset == CUSTOM else {}),
                               "dept": list(filters.departments), "region": list(filters.regions)})
    st.session_state[STATE_KEY] = filters
    return filters


# Click-to-filter and drill-down: chart callbacks (see show.chart's on_click). They run before the next run draws
# the sidebar, so they may set its widgets' values; what a click chose then shows in the sidebar and the URL.

def pick_departments(values: list) -> None:
    """A click on departments (their ids in the points' customdata) filters every page to them."""
    allowed = current().allowed if current() is not None else ()
    known = set(q.department_options()["department_id"])
    st.session_state[DEPARTMENTS] = sorted({v for v in values if v in known and (allowed is None or v in allowed)})


def pick_regions(values: list) -> None:
    """A click on regions filters every page to them."""
    known = set(q.region_options())
    st.session_state[REGIONS] = sorted({v for v in values if v in known})


def pick_into(key: str):
    """A click callback for a page's own filter: the clicked values (the points' customdata, once each, in order)
    become the value of the page's widget ``key`` (e.g. the stages whose deals a table lists)."""

    def pick(values: list) -> None:
        st.session_state[key] = list(dict.fromkeys(values))

    return pick


def drill(values: list, grain: str | None = None) -> None:
    """A click on a time bucket (its first day in the customdata) narrows the period to the buckets clicked: a
    month shows its weeks, a week its days (see Filters.grain). ``grain`` names the buckets of a chart that does
    not plot at the period's grain (a monthly chart: 'month')."""
    chosen = current()
    if chosen is None or not values:
        return
    grain = grain or chosen.grain
    starts = sorted(pd.Timestamp(v) for v in values)
    last = starts[-1] + (pd.offsets.MonthEnd(0) if grain == "month" else pd.Timedelta(days=6 if grain == "week" else 0))
    start, end = max(starts[0].date(), chosen.start), min(last.date(), chosen.end)
    if (start, end) != (chosen.start, chosen.end):
        st.session_state[PERIOD] = (start, end)


NOTHING_LOADED = N_("The warehouse holds nothing yet.")
HOW_TO_LOAD = N_("Load this company's own data to fill it: `python -m etl run --source SOURCE.yaml` with a source "
                 "config for its exports (docs/sources.md), or the Data operations page; then reload this page.")
"""Ends every empty state: the data to load is this company's own, never another dataset (a demo, a sample)."""


def empty_state(what: str) -> str:
    """What a page lacks (translated), then how to load this company's own data."""
    return f"{what} {_(HOW_TO_LOAD)}"


def require(table: str | None = None, missing: str | None = None) -> Filters:
    """The page's filters; when nothing is loaded, or the table the page needs is empty, say so (``missing``,
    translated by the caller; by default that nothing is loaded), how to load this company's data, and stop.
    Otherwise say in one line what the loaded data excludes and why."""
    chosen = current()
    if chosen is None or (table is not None and not q.has_rows(table)):
        st.info(empty_state(missing or _(NOTHING_LOADED)))
        st.stop()
    if NOTICE in st.session_state:
        st.warning(st.session_state.pop(NOTICE))
    say_freshness()
    exclusions = data_exclusions()
    if exclusions:
        st.caption(exclusions)
    return chosen


STALE_DAYS = 7  # newer data than this is what a daily or weekly refresh gives; older is said on every page


def say_freshness(today: date | None = None) -> None:
    """When the data was last refreshed and its newest day, in one small line under the sidebar's filters; and on
    the page, one warning when that newest day is more than a week before today (a warehouse whose data ended long
    ago would otherwise forecast from then without a word)."""
    newest = q.date_bounds()[1]
    loaded = operations.last_loaded()
    when = loaded and loaded.get("ended_at")
    said = (_("Data refreshed {when}; its newest day is {day}.").format(
        when=f"{day(when)} {pd.Timestamp(when):%H:%M}", day=day(newest)) if when is not None and pd.notna(when)
        else _("The data's newest day is {day}.").format(day=day(newest)))
    st.sidebar.markdown(f":gray[:small[{said}]]")
    age = ((today or date.today()) - newest).days
    if age > STALE_DAYS:
        st.warning(ngettext("The newest data is from {day}, {age} day ago: every figure, forecast and alert here stops "
                            "there. Refresh the data (Data operations, or `python -m etl run`) to see today.",
                            "The newest data is from {day}, {age} days ago: every figure, forecast and alert here "
                            "stops there. Refresh the data (Data operations, or `python -m etl run`) to see today.",
                            age).format(day=day(newest), age=count(age)))


def comparison(chosen: Filters) -> tuple[Filters, str | None]:
    """The period changes compare this one with, and, when the data covers it only in part, the one sentence that
    replaces every change ('the comparison period holds data for 9 of its 365 days'): a change against days the data
    does not reach would read as growth or collapse."""
    baseline = chosen.baseline()
    first, last = q.date_bounds()
    days = (baseline.end - baseline.start).days + 1
    covered = max(0, (min(baseline.end, last) - max(baseline.start, first)).days + 1)
    if covered == days:
        return baseline, None
    return baseline, ngettext(
        "No change is shown: the comparison period, {period}, holds data for {covered} of its {days} day.",
        "No change is shown: the comparison period, {period}, holds data for {covered} of its {days} days.",
        days).format(period=period(baseline.start, baseline.end), covered=count(covered), days=count(days))


def compared(chosen: Filters) -> Filters | None:
    """The comparison period of a page's cards, when the data supports one, after saying in a caption what the
    changes compare with (or why there are none)."""
    baseline, unsupported = comparison(chosen)
    dates = {"baseline": period(baseline.start, baseline.end)}
    st.caption(unsupported or (_("Changes on the cards are against the same period last year, {baseline}.")
                               if chosen.compare == "yoy" else
                               _("Changes on the cards are against the previous period, {baseline}.")).format(**dates))
    return None if unsupported else baseline


def data_exclusions() -> str:
    """'The loaded data leaves out 7,741 source rows: exact duplicate 5,268; ... (see Data operations).', or ''
    when nothing was rejected."""
    summary = operations.rejected_summary()
    if summary.empty:
        return ""
    by_rule = summary.groupby("rule", sort=False)["rows"].sum().sort_values(ascending=False)
    rules = [safe.md(f"{_short(rule)} {count(rows)}") for rule, rows in by_rule.head(4).items()]
    if len(by_rule) > 4:
        rules.append(ngettext("{count} more reason", "{count} more reasons", len(by_rule) - 4).format(
            count=count(len(by_rule) - 4)))
    total = int(by_rule.sum())
    return ngettext("The loaded data leaves out {count} source row: {rules}. It is kept with its reason under Data "
                    "operations.", "The loaded data leaves out {count} source rows: {rules}. Every one is kept with "
                    "its reason under Data operations.", total).format(count=count(total), rules="; ".join(rules))


def _short(rule: str) -> str:
    """A rejection rule's name without its explanation: 'stock note (price 0, ...): ...' -> 'stock note'."""
    return rule.split(":")[0].split(" (")[0].strip()


def current() -> Filters | None:
    """The filters the sidebar drew on this run (None when the warehouse is empty)."""
    return st.session_state.get(STATE_KEY)


def outside_scope(table: str, what: str) -> bool:
    """When the chosen departments own none of a mart's rows, say which departments do; True in that case.
    ``what`` names the rows, translated by the caller (_("Purchase orders")).

    Rows belong to the department that records them (tickets to Support, purchase orders to Procurement), so a
    department filter shows that department's rows and the departments add up to the whole company.
    """
    chosen = current()
    if chosen is None or chosen.scope is None:
        return False
    if "department_id" not in q.schema.metadata.tables[table].c:  # company-wide rows (see queries.where_scope)
        if chosen.allowed is None:
            return False
        st.info(_("{what} are company-wide, so only roles that see every department see them.").format(what=what))
        return True
    owners = q.owning_departments(table)
    if not owners or set(owners) & set(chosen.scope):
        return False
    st.info(_("{what} are recorded under {departments}, which is not among the departments shown here.").format(
        what=what, departments=safe.md(", ".join(sorted(owners.values())))))
    return True


UNSPLIT = {("departments",): N_("{what} are not split by departments: these figures are company-wide."),
           ("regions",): N_("{what} are not split by regions: these figures are company-wide."),
           ("departments", "regions"): N_("{what} are not split by departments or regions: these figures are "
                                          "company-wide.")}


def unsplit_note(table: str, what: str) -> str:
    """A sentence for a section whose mart cannot apply the chosen department or region filter ('' when it
    applies them all): its figures are then company-wide for that filter. ``what`` is translated by the caller;
    the sentence starts with a space, to follow a caption."""
    chosen = current()
    columns = q.schema.metadata.tables[table].c
    ignored = [name for name, wanted, column in (("departments", chosen.departments, "department_id"),
                                                  ("regions", chosen.regions, "region"))
               if chosen is not None and wanted and column not in columns]
    if not ignored:
        return ""
    return " " + _(UNSPLIT[tuple(ignored)]).format(what=what)
