"""How numbers read on screen: currency, percentages and counts, and the KPI cards built from them."""

import functools
import re
from dataclasses import dataclass

import pandas as pd
from babel.dates import format_date, format_time
from babel.numbers import format_compact_decimal, format_decimal, get_decimal_symbol, get_group_symbol

from dashboard.i18n import N_, _, language, locale, ngettext
from etl.kpi import CAPTIONS, change, known, ratio
from forecasting.models import MODEL_LABELS

SYMBOLS = {"GBP": "£", "USD": "$", "EUR": "€", "BRL": "R$", "UAH": "₴"}
NBSP = "\u00a0"


def _symbol(currency: str | None) -> str:
    return SYMBOLS.get(currency or "", currency or "")


def _with_symbol(number: str, currency: str | None, after: bool | None = None) -> str:
    """'£1,234' in English, '1 234 £' in Ukrainian (``after``: the symbol follows the number; by default as the
    session's language writes it); the ISO code where there is no symbol."""
    symbol = _symbol(currency)
    if not symbol:
        return number
    sign, digits = ("-", number[1:]) if number.startswith("-") else ("", number)
    if language() == "uk" if after is None else after:
        return f"{sign}{digits}{NBSP}{symbol}"
    return f"{sign}{symbol}{'' if symbol in SYMBOLS.values() else ' '}{digits}"


@functools.cache
def _separators(where: str) -> dict[int, str]:
    """A str.translate table from Python's '1,234.5' to the locale's group and decimal signs (CLDR, via Babel)."""
    return {ord(","): get_group_symbol(where), ord("."): get_decimal_symbol(where)}


def number(value: float, digits: int = 0, where: str | None = None) -> str:
    """A number with the locale's separators (``where``: a Babel locale; the session's by default): 1,234.5 /
    1 234,5. Python formats and Babel's signs replace its own, so a table of thousands of cells stays fast."""
    return f"{value:,.{digits}f}".translate(_separators(where or locale()))


def money(value: float | None, currency: str | None, compact: bool = True) -> str:
    """£1.23M / £45.6K / £950 (compact) or £1,234,567 (full), in Ukrainian 1,23 млн £ / 1 234 567 £; the ISO
    code when there is no symbol; – when unknown."""
    value = known(value)
    if value is None:
        return "–"
    if compact and abs(value) >= 1e4:
        text = format_compact_decimal(value, format_type="short", fraction_digits=2 if abs(value) >= 1e6 else 1,
                                      locale=locale())
    else:
        text = number(value)
    return _with_symbol(text, currency)


def caption(key: str) -> str:
    """A KPI's definition (etl.kpi.CAPTIONS) in the session's language."""
    return _(CAPTIONS[key])


def percent(value: float | None, digits: int = 1, where: str | None = None) -> str:
    """0.1234 -> '12.3%' ('12,3%')."""
    return "–" if known(value) is None else number(value * 100, digits, where) + "%"


def count(value: float | None) -> str:
    """12345 -> '12,345' ('12 345')."""
    return "–" if known(value) is None else number(value)


def duration(value: float | None, unit: str = "days", digits: int = 1) -> str:
    """3.25 -> '3.2 days' ('3,2 дн.'); '–' when unknown. ``unit``: 'days' or 'hours'."""
    if known(value) is None:
        return "–"
    return (_("{value} days") if unit == "days" else _("{value} hours")).format(value=number(value, digits))


def times_a_year(value: float | None) -> str:
    """14.83 -> '14.8× a year'; '–' when unknown."""
    return "–" if known(value) is None else _("{value}× a year").format(value=number(value, 1))


def day(value) -> str:
    """A date as people read it: '8 Mar 2026' / '8 бер. 2026 р.'."""
    return _day(pd.Timestamp(value).date(), locale())


def day_time(value) -> str:
    """A moment to the minute: '8 Mar 2026, 14:05' / '8 бер. 2026 р., 14:05'."""
    return _day_time(pd.Timestamp(value).to_pydatetime().replace(second=0, microsecond=0), locale())


@functools.lru_cache(maxsize=8192)  # a table's dates repeat: each is worded once per locale
def _day(value, where: str) -> str:
    return format_date(value, "medium", locale=where)


@functools.lru_cache(maxsize=8192)
def _day_time(moment, where: str) -> str:
    return f"{_day(moment.date(), where)}, {format_time(moment.time(), 'HH:mm', locale=where)}"


def month(value) -> str:
    """A month: 'Mar 2026' / 'бер. 2026'."""
    return format_date(pd.Timestamp(value).date(), "LLL y", locale=locale())


def period(start, end) -> str:
    """'1 Mar 2026 – 31 Mar 2026'."""
    return f"{day(start)} – {day(end)}"


def signed_percent(relative: float) -> str:
    """0.032 -> '+3.2%'."""
    return ("+" if relative >= 0 else "") + percent(relative)


def column_formatter(kind: str, currency: str | None = None):
    """How a table column's cells read: kind 'money', 'money0' (no decimals), 'count', 'number' (two decimals),
    'percent', 'days', 'date', 'datetime' (to the minute), 'text'. The session's locale is read once here, not
    once a cell."""
    where, after = locale(), language() == "uk"
    formatters = {
        "money": lambda v: _with_symbol(number(v, 2, where), currency, after),
        "money0": lambda v: _with_symbol(number(v, 0, where), currency, after),
        "count": lambda v: number(v, 0, where),
        "number": lambda v: number(v, 2, where),
        "percent": lambda v: percent(v, 1, where),
        "days": lambda v: number(v, 1, where),
        "date": lambda v: _day(pd.Timestamp(v).date(), where),
        "datetime": lambda v: _day_time(pd.Timestamp(v).to_pydatetime().replace(second=0, microsecond=0), where),
    }
    chosen = formatters.get(kind)
    if chosen is None:
        return lambda v: "" if v is None or (not isinstance(v, str) and pd.isna(v)) else str(v)
    return lambda v: "" if known(v) is None else chosen(v)


IMPACT_UNITS = {"units": N_("{value} units"), "days": N_("{value} days"), "orders": N_("{value} orders"),
                "customers": N_("{value} customers"), "mentions": N_("{value} mentions")}


def impact_amount(amount: float | None, unit: str | None, currency: str | None) -> str:
    """An alert impact's amount in words: money in the currency, or a count with its unit; blank when none."""
    if known(amount) is None:
        return ""
    if unit == "currency":
        return money(amount, currency, compact=False)
    value = format_decimal(amount, "#,##0.##", locale=locale())
    return _(IMPACT_UNITS[unit]).format(value=value) if unit in IMPACT_UNITS else value


def alert_formats(currency: str | None) -> dict:
    """How the numbers and dates in alert texts read in this session (the kinds of alerts.texts.Wording)."""
    return {"int": number, "dec1": lambda v: number(v, 1), "dec2": lambda v: number(v, 2),
            "g": lambda v: format_decimal(v, "#,##0.##", locale=locale()),
            "money": lambda v: money(v, currency, compact=False), "money_short": lambda v: money(v, currency),
            "signed_money": lambda v: ("+" if v > 0 else "") + money(v, currency, compact=False),
            "percent0": lambda v: percent(v, 0), "percent1": lambda v: percent(v, 1), "day": day}


@dataclass
class Card:
    """One KPI card: label, formatted value, formatted change, and whether up is good."""

    label: str
    value: str
    delta: str | None
    help: str
    delta_color: str = "normal"


def _delta(current: float | None, previous: float | None) -> str | None:
    """The relative change as '+3.2%', None when it cannot be computed (nothing before, or unknown)."""
    relative = change(current, previous)
    return None if relative is None else signed_percent(relative)


def _point_delta(current: float | None, previous: float | None) -> str | None:
    """The change of a rate in percentage points: '+1.5 pts' ('+1,5 п. п.'), None when either is unknown."""
    if current is None or previous is None:
        return None
    points = (current - previous) * 100
    return _("{points} pts").format(points=("+" if points >= 0 else "") + number(points, 1))


def overview_cards(now: dict, before: dict, currency: str | None, captions: dict[str, str],
                   against: str = "") -> list[Card]:
    """The executive KPI cards for a period, each with its change against the baseline period; ``captions`` are
    the KPI definitions (translated here), ``against`` a sentence saying what the change compares with (it ends
    every card's help)."""
    margin_now = ratio(now["gross_margin"], now["net_revenue"])
    margin_before = ratio(before["gross_margin"], before["net_revenue"])
    on_time_now, on_time_before = ratio(now["on_time"], now["delivered"]), ratio(before["on_time"], before["delivered"])

    def helped(key: str) -> str:
        return f"{_(captions[key])} {against}".strip()

    return [
        Card(_("Net revenue"), money(now["net_revenue"], currency),
             _delta(now["net_revenue"], before["net_revenue"]), helped("net_revenue")),
        Card(_("Gross margin"), percent(margin_now), _point_delta(margin_now, margin_before), helped("gross_margin")),
        Card(_("Orders"), count(now["orders"]), _delta(now["orders"], before["orders"]), helped("orders")),
        Card(_("Active customers"), count(now["active_customers"]),
             _delta(now["active_customers"], before["active_customers"]), helped("active_customers")),
        Card(_("On-time delivery"), percent(on_time_now), _point_delta(on_time_now, on_time_before),
             helped("on_time")),
    ]


def model_name(model: str | None) -> str:
    """A forecast model's name in this session's language ('none' when the series has no model)."""
    return _(MODEL_LABELS[model]) if model in MODEL_LABELS else _("none")


def days_count(n: int) -> str:
    """'28 days' / '28 днів' (for a placeholder in a sentence about a span of days)."""
    return ngettext("{count} day", "{count} days", n).format(count=count(n))


def forecast_sentence(backtests: pd.DataFrame, model: str | None, horizon: int) -> str:
    """How far the forecast can be trusted, in one plain paragraph, from the as-deployed ('nested') backtests."""
    scores = backtests.set_index("model") if not backtests.empty else backtests
    if model is None:
        return _("This series could not be forecast.")
    if "nested" not in scores.index:
        return _("This series has too little history to backtest, so the forecast simply repeats last week "
                 "({model}); treat it as a rough guide.").format(model=model_name(model).lower())
    used, cutoffs = scores.loc["nested"], int(scores.loc["nested", "cutoffs"])
    values = {"cutoffs": count(cutoffs), "days": days_count(horizon), "smape": percent(used["smape"], 0),
              "mase": number(used["mase"], 2), "coverage": percent(used["coverage"], 0)}
    if "seasonal_naive" not in scores.index:
        return ngettext(
            "Chosen and scored as deployed at {cutoffs} weekly backtest (each choice made only on data before it), "
            "the forecast for {days} was off by {smape} on trading days. The 80% band held the actual on "
            "{coverage} of trading days.",
            "Chosen and scored as deployed at {cutoffs} weekly backtests (each choice made only on data before it), "
            "the forecast for {days} was off by {smape} on trading days. The 80% band held the actual on "
            "{coverage} of trading days.", cutoffs).format(**values)
    naive = scores.loc["seasonal_naive"]
    return ngettext(
        "Chosen and scored as deployed at {cutoffs} weekly backtest (each choice made only on data before it), the "
        "forecast for {days} was off by {smape} on trading days (MASE {mase}; repeating last week: {naive_smape}, "
        "MASE {naive_mase}). The 80% band held the actual on {coverage} of trading days.",
        "Chosen and scored as deployed at {cutoffs} weekly backtests (each choice made only on data before it), the "
        "forecast for {days} was off by {smape} on trading days (MASE {mase}; repeating last week: {naive_smape}, "
        "MASE {naive_mase}). The 80% band held the actual on {coverage} of trading days.", cutoffs).format(
        naive_smape=percent(naive["smape"], 0), naive_mase=number(naive["mase"], 2), **values)


# The reasons the forecaster stores (forecasting/backtest.py) are English; these patterns read them back, so the
# page says them in the session's language. A reason of another form is shown as stored, with the models named.
_SCORE = r"([0-9.]+|inf|nan)"
_CHOICE = re.compile(rf"lowest MASE over the last (\d+) weekly backtests: (\w+) {_SCORE}(?: \(against (.+)\))?$")
_PROPHET_SHORT = re.compile(r"only (\d+) days of history \(Prophet needs (\d+)\)$")
_SPARSE = re.compile(r"(\d+)% of days have no sales \(too sparse for Prophet\)$")
_SKIPPED = re.compile(r"skipped: only (\d+) days of history; a forecast needs at least (\d+)$")


def _weakness(text: str) -> str | None:
    """Why Prophet was not tried, or why there was no backtest, in this session's language."""
    if found := _PROPHET_SHORT.match(text):
        days = int(found[1])
        return ngettext("only {days} day of history (Prophet needs {needed})",
                        "only {days} days of history (Prophet needs {needed})", days).format(
            days=count(days), needed=count(int(found[2])))
    if found := _SPARSE.match(text):
        return _("{share} of days have no sales (too sparse for Prophet)").format(share=percent(int(found[1]) / 100, 0))
    return {"not used at this level": _("not used at this level"),
            "too little history to backtest": _("too little history to backtest")}.get(text)


def _choice(text: str) -> str | None:
    """'lowest MASE over the last 4 weekly backtests: ets 0.81 (against prophet 0.9)', translated."""
    found = _CHOICE.match(text)
    if not found:
        return None
    backtests, values = int(found[1]), {"backtests": count(int(found[1])), "model": model_name(found[2]),
                                        "score": number(float(found[3]), 2)}
    if not found[4]:
        return ngettext("lowest MASE over the last {backtests} weekly backtest: {model} {score}",
                        "lowest MASE over the last {backtests} weekly backtests: {model} {score}", backtests
                        ).format(**values)
    pairs = (part.rsplit(" ", 1) for part in found[4].split(", "))
    others = ", ".join(f"{model_name(m)} {number(float(v), 2)}" for m, v in pairs)
    return ngettext("lowest MASE over the last {backtests} weekly backtest: {model} {score} (against {others})",
                    "lowest MASE over the last {backtests} weekly backtests: {model} {score} (against {others})",
                    backtests).format(others=others, **values)


def readable_reason(reason: str) -> str:
    """Why the forecaster chose a series' model (or fell back, or skipped it), in this session's language and
    with the models' names instead of their ids."""
    if found := _SKIPPED.match(reason):
        days = int(found[1])
        return ngettext("skipped: only {days} day of history; a forecast needs at least {needed}",
                        "skipped: only {days} days of history; a forecast needs at least {needed}", days).format(
            days=count(days), needed=count(int(found[2])))
    if reason.startswith("fallback: ") and (why := _weakness(reason.removeprefix("fallback: "))):
        return _("fallback: {why}").format(why=why)
    if reason.startswith("Prophet not tried: ") and "; " in reason:
        weak, choice = reason.removeprefix("Prophet not tried: ").split("; ", 1)
        if (why := _weakness(weak)) and (chosen := _choice(choice)):
            return _("Prophet not tried: {why}; {choice}").format(why=why, choice=chosen)
    if chosen := _choice(reason):
        return chosen
    for model in sorted(MODEL_LABELS, key=len, reverse=True):
        reason = reason.replace(model, model_name(model))
    return reason


SCORER_METHODS = (  # etl.sentiment's MODEL_METHOD and LEXICON_METHOD, as stored in mart_sentiment_scorer
    N_("TF-IDF (words and characters) + logistic regression, learned from people's labels"),
    N_("VADER lexicon (handles and brand names removed first)"),
)
LABEL_SOURCES = {"person": N_("people labelled {count}"), "model": N_("the model {count}"),
                 "lexicon": N_("the lexicon {count}")}
SCORED_BY = {  # (scorer, whether its agreement with people could be measured) -> the sentence
    ("model", False): N_("Mentions without a person's label are scored by a learned model ({method}); with fewer "
                         "than 30 labelled mentions its agreement with people cannot be measured."),
    ("lexicon", False): N_("Mentions without a person's label are scored by a lexicon ({method}); with fewer than "
                           "30 labelled mentions its agreement with people cannot be measured."),
    ("model", True): N_("Mentions without a person's label are scored by a learned model ({method}): it agrees "
                        "with people on {accuracy} of the later {test} labelled mentions after learning from the "
                        "earlier {train} (macro-F1 {f1}); the lexicon agrees on {lexicon_accuracy} (macro-F1 "
                        "{lexicon_f1})."),
    ("lexicon", True): N_("Mentions without a person's label are scored by a lexicon ({method}): it agrees with "
                          "people on {accuracy} of the later {test} labelled mentions after learning from the "
                          "earlier {train} (macro-F1 {f1})."),
}


def scorer_sentence(scorer: pd.Series | None, sources: dict[str, int]) -> str:
    """Where the period's labels come from, which scorer labels the rest, and how often it agrees with people."""
    total = sum(sources.values())
    parts = [_(label).format(count=count(sources[s])) for s, label in LABEL_SOURCES.items() if sources.get(s)]
    said = ngettext("Of {total} mention, {sources}.", "Of {total} mentions, {sources}.", total).format(
        total=count(total), sources=", ".join(parts)) if total else ""
    if scorer is None:
        return said
    measured = not (scorer["accuracy"] is None or pd.isna(scorer["accuracy"]))
    sentence, method = SCORED_BY[scorer["scorer"], measured], scorer["method"]
    used = _(sentence).format(
        method=_(method), accuracy=percent(scorer["accuracy"]), test=count(scorer["test_rows"]),
        train=count(scorer["train_rows"]), f1=_f1(scorer["macro_f1"]),
        lexicon_accuracy=percent(scorer.get("lexicon_accuracy")), lexicon_f1=_f1(scorer.get("lexicon_macro_f1")))
    return f"{said} {used}".strip()


def _f1(value: float | None) -> str:
    return "–" if known(value) is None else number(value, 2)


def unmapped_sentence(countries: pd.DataFrame, currency: str | None) -> str:
    """How many countries the map shows, and the revenue of those it cannot (no map id)."""
    unmapped = countries[countries["map_id"].isna()]
    said = ngettext("{mapped} of {total} country on the map.", "{mapped} of {total} countries on the map.",
                    len(countries)).format(mapped=count(len(countries) - len(unmapped)), total=count(len(countries)))
    if unmapped.empty:
        return " ".join((said, _("Every country is on the map.")))
    lost, total = unmapped["net_revenue"].sum(), countries["net_revenue"].sum()
    return f"{said} " + _("Not on the map (not one country, or no country given): {countries}, with {money} of net "
                          "revenue ({share}).").format(countries=", ".join(unmapped["country"]),
                                                       money=money(lost, currency), share=percent(ratio(lost, total)))
