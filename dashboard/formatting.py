"""What the pages say around their numbers: KPI captions, the overview's cards with their changes, the forecast's
and the scorer's sentences (the numbers themselves read through i18n.formats)."""

import re
from dataclasses import dataclass

import pandas as pd

from etl.kpi import CAPTIONS, change, ratio
from forecasting.models import MODEL_LABELS
from i18n import N_, _, ngettext
from i18n.formats import count, days_count, known, money, number, percent, signed_percent


def caption(key: str) -> str:
    """A KPI's definition (etl.kpi.CAPTIONS) in the session's language."""
    return _(CAPTIONS[key])


@dataclass
class Card:
    """One KPI card: label, formatted value, formatted change, and whether up is good."""

    label: str
    value: str
    delta: str | None
    help: str
    delta_color: str = "normal"


def delta(current: float | None, previous: float | None, points: bool = False) -> str | None:
    """A card's change against the comparison period: relative ('+3.2%') or, for a rate, in percentage points
    ('+1.5 pts'); None without a value to compare (no comparison period the data supports, or unknown)."""
    return _point_delta(current, previous) if points else _delta(current, previous)


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


def overview_cards(now: dict, before: dict | None, currency: str | None, captions: dict[str, str],
                   against: str = "") -> list[Card]:
    """The executive KPI cards for a period, each with its change against the baseline period (none without a
    baseline the data supports); ``captions`` are the KPI definitions (translated here), ``against`` a sentence
    saying what the change compares with, or why there is none (it ends every card's help)."""
    before = before or dict.fromkeys(now)
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
             f"{_no_on_time(now)} {helped('on_time')}".strip()),
    ]


def _no_on_time(now: dict) -> str:
    """Why the on-time card shows no rate ('–'): no order of the period is delivered yet, or none was placed."""
    if now["delivered"]:
        return ""
    if not now["orders"]:
        return _("No order was placed in the period, so there is no on-time rate.")
    return _("No order of the period has been delivered yet, so there is no on-time rate.")


def model_name(model: str | None) -> str:
    """A forecast model's name in this session's language ('none' when the series has no model)."""
    return _(MODEL_LABELS[model]) if model in MODEL_LABELS else _("none")


def forecast_sentence(backtests: pd.DataFrame, model: str | None, horizon: int) -> str:
    """How far the forecast can be trusted, in one plain paragraph, from the as-deployed ('nested') backtests:
    sMAPE, MASE and its ratio to repeating last week and to ETS, and the band's coverage with its range over the
    origins."""
    scores = backtests.set_index("model") if not backtests.empty else backtests
    if model is None:
        return _("This series could not be forecast.")
    if "nested" not in scores.index:
        return _("This series has too little history to backtest, so the forecast simply repeats last week "
                 "({model}); treat it as a rough guide.").format(model=model_name(model).lower())
    used, cutoffs = scores.loc["nested"], int(scores.loc["nested", "cutoffs"])
    values = {"cutoffs": count(cutoffs), "days": days_count(horizon), "smape": percent(used["smape"], 0),
              "mase": number(used["mase"], 2), "coverage": percent(used["coverage"], 0),
              "low": percent(used["coverage_low"], 0), "high": percent(used["coverage_high"], 0)}
    said = ngettext(
        "Chosen and scored as deployed at {cutoffs} weekly backtest (each choice made only on data before it), the "
        "forecast for {days} was off by {smape} on trading days (MASE {mase}).",
        "Chosen and scored as deployed at {cutoffs} weekly backtests (each choice made only on data before it), the "
        "forecast for {days} was off by {smape} on trading days (MASE {mase}).", cutoffs).format(**values)
    against = {name: _(label) for name, label in (("seasonal_naive", N_("repeating last week")), ("ets", N_("ETS")))
               if name in scores.index and scores.loc[name, "mase"] > 0}
    if against:
        ratios = [_("{ratio}× that of {model}").format(ratio=number(used["mase"] / scores.loc[name, "mase"], 2),
                                                      model=label) for name, label in against.items()]
        said += " " + _("Its error over the same backtests was {ratios}.").format(ratios=_(" and ").join(ratios))
    return said + " " + _("The 80% band held the actual on {coverage} of trading days ({low} to {high} at single "
                          "backtests).").format(**values)


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
    N_("VADER lexicon for English, the project's Ukrainian lexicon over lemmas for Ukrainian (handles and brand "
       "names removed first)"),
)
LABEL_SOURCES = {"person": N_("people labelled {count}"), "model": N_("the model {count}"),
                 "lexicon": N_("the lexicon {count}"), "none": N_("not scored {count}")}
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
