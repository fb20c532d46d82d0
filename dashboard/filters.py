"""The global sidebar filters (period, departments, regions), drawn once by app.py and read by every page.

They persist across pages (app.py draws them on every run) and are mirrored in the URL query string
(?start=2025-01-01&end=2025-03-31&dept=SAL-NOR&region=North), so a copied link opens the same view.
"""

from datetime import date, timedelta

import pandas as pd
import streamlit as st

from dashboard import auth, safe
from dashboard import queries as q
from dashboard.formatting import count
from dashboard.i18n import N_, _, language, ngettext
from dashboard.queries import Filters, operations

DEFAULT_DAYS = 90
STATE_KEY = "filters"
PERIOD, DEPARTMENTS, REGIONS = "filter_period", "filter_departments", "filter_regions"


def _from_url(first: date, last: date, departments: list[str], regions: list[str]) -> None:
    """Set the widgets' first values from the URL, or from the defaults where the URL says nothing valid."""
    params = st.query_params
    start, end = max(first, last - timedelta(days=DEFAULT_DAYS - 1)), last
    try:
        start = min(max(date.fromisoformat(params["start"]), first), last) if "start" in params else start
        end = min(max(date.fromisoformat(params["end"]), start), last) if "end" in params else end
    except ValueError:
        pass
    st.session_state[PERIOD] = (start, end)
    st.session_state[DEPARTMENTS] = [d for d in params.get_all("dept") if d in departments]
    st.session_state[REGIONS] = [r for r in params.get_all("region") if r in regions]


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
    if PERIOD not in st.session_state:
        _from_url(first, last, list(names), regions)
    else:  # after a load of other data, a remembered period may lie outside the new data: start afresh
        remembered = st.session_state[PERIOD]
        if not remembered or remembered[0] > last or remembered[-1] < first:
            st.session_state[PERIOD] = (max(first, last - timedelta(days=DEFAULT_DAYS - 1)), last)
    period = st.sidebar.date_input(
        "Period", min_value=first, max_value=last, key=PERIOD, format="YYYY-MM-DD",
        help="Every page shows this period; changes compare it with the period of the same length before it.")
    start, end = (period[0], period[-1]) if isinstance(period, (tuple, list)) and period else (first, last)
    chosen = st.sidebar.multiselect("Departments", list(names), format_func=lambda d: names.get(d, d),
                                    key=DEPARTMENTS, placeholder="All departments" if allowed is None else
                                    "All your departments")
    chosen_regions = st.sidebar.multiselect("Regions", regions, key=REGIONS, placeholder="All regions")
    filters = Filters(start, end, tuple(sorted(chosen)), tuple(sorted(chosen_regions)), allowed)
    st.query_params.from_dict({"lang": language(), "start": start.isoformat(), "end": end.isoformat(),
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


def drill(values: list) -> None:
    """A click on a time bucket (its first day in the customdata) narrows the period to the buckets clicked: a
    month shows its weeks, a week its days (see Filters.grain)."""
    chosen = current()
    if chosen is None or not values:
        return
    grain = chosen.grain
    starts = sorted(pd.Timestamp(v) for v in values)
    last = starts[-1] + (pd.offsets.MonthEnd(0) if grain == "month" else pd.Timedelta(days=6 if grain == "week" else 0))
    start, end = max(starts[0].date(), chosen.start), min(last.date(), chosen.end)
    if (start, end) != (chosen.start, chosen.end):
        st.session_state[PERIOD] = (start, end)


NOTHING_LOADED = N_("The warehouse holds nothing yet: load data with `make etl`, then reload this page.")


def require(table: str | None = None, missing: str | None = None) -> Filters:
    """The page's filters; when nothing is loaded, or the table the page needs is empty, say so (``missing``,
    translated by the caller; by default that nothing is loaded) and stop. Otherwise say in one line what the
    loaded data excludes and why."""
    chosen = current()
    if chosen is None or (table is not None and not q.has_rows(table)):
        st.info(missing or _(NOTHING_LOADED))
        st.stop()
    exclusions = data_exclusions()
    if exclusions:
        st.caption(exclusions)
    return chosen


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
