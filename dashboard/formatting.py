"""How numbers read on screen: currency, percentages and counts, and the KPI cards built from them."""

from dataclasses import dataclass

import pandas as pd

from etl.kpi import change, known, ratio
from forecasting.models import MODEL_LABELS

SYMBOLS = {"GBP": "£", "USD": "$", "EUR": "€", "BRL": "R$"}


def money(value: float | None, currency: str | None, compact: bool = True) -> str:
    """£1.23M / £45.6k / £950 (compact) or £1,234,567 (full); the ISO code when there is no symbol; – when
    unknown."""
    value = known(value)
    if value is None:
        return "–"
    symbol = SYMBOLS.get(currency or "", f"{currency} " if currency else "")
    sign = "-" if value < 0 else ""
    amount = abs(value)
    if compact and amount >= 1e6:
        return f"{sign}{symbol}{amount / 1e6:,.2f}M"
    if compact and amount >= 1e4:
        return f"{sign}{symbol}{amount / 1e3:,.1f}k"
    return f"{sign}{symbol}{amount:,.0f}"


def percent(value: float | None, digits: int = 1) -> str:
    """0.1234 -> '12.3%'."""
    return "–" if known(value) is None else f"{value * 100:.{digits}f}%"


def count(value: float | None) -> str:
    """12345 -> '12,345'."""
    return "–" if known(value) is None else f"{value:,.0f}"


def duration(value: float | None, unit: str = "days", digits: int = 1) -> str:
    """3.25 -> '3.2 days'; '–' when unknown."""
    return "–" if known(value) is None else f"{value:,.{digits}f} {unit}"


def times_a_year(value: float | None) -> str:
    """14.83 -> '14.8× a year'; '–' when unknown."""
    return "–" if known(value) is None else f"{value:,.1f}× a year"


def money_format(currency: str | None, digits: int = 2) -> str:
    """A printf format for money in a table column: '£%,.2f'."""
    symbol = SYMBOLS.get(currency or "", f"{currency} " if currency else "")
    return f"{symbol}%,.{digits}f"


def impact_amount(amount: float | None, unit: str | None, currency: str | None) -> str:
    """An alert impact's amount in words: money in the currency, or a count with its unit; blank when none."""
    if known(amount) is None:
        return ""
    if unit == "currency":
        return money(amount, currency, compact=False)
    return f"{amount:,.2f}".rstrip("0").rstrip(".") + (f" {unit}" if unit else "")


def tick_prefix(currency: str | None) -> str:
    """The prefix for a Plotly money axis."""
    return SYMBOLS.get(currency or "", "")


@dataclass
class Card:
    """One KPI card: label, formatted value, formatted change, and whether up is good."""

    label: str
    value: str
    delta: str | None
    help: str
    delta_color: str = "normal"


def _delta(current: float | None, previous: float | None) -> str | None:
    relative = change(current, previous)
    return None if relative is None else f"{relative * 100:+.1f}%"


def _point_delta(current: float | None, previous: float | None) -> str | None:
    if current is None or previous is None:
        return None
    return f"{(current - previous) * 100:+.1f} pts"


def overview_cards(now: dict, before: dict, currency: str | None, captions: dict[str, str]) -> list[Card]:
    """The executive KPI cards for a period, each with its change against the previous period."""
    margin_now = ratio(now["gross_margin"], now["net_revenue"])
    margin_before = ratio(before["gross_margin"], before["net_revenue"])
    on_time_now, on_time_before = ratio(now["on_time"], now["delivered"]), ratio(before["on_time"], before["delivered"])
    return [
        Card("Net revenue", money(now["net_revenue"], currency), _delta(now["net_revenue"], before["net_revenue"]),
             captions["net_revenue"]),
        Card("Gross margin", percent(margin_now), _point_delta(margin_now, margin_before), captions["gross_margin"]),
        Card("Orders", count(now["orders"]), _delta(now["orders"], before["orders"]), captions["orders"]),
        Card("Active customers", count(now["active_customers"]),
             _delta(now["active_customers"], before["active_customers"]), captions["active_customers"]),
        Card("On-time delivery", percent(on_time_now), _point_delta(on_time_now, on_time_before),
             captions["on_time"]),
    ]


def forecast_sentence(backtests: pd.DataFrame, model: str | None, horizon: int) -> str:
    """How far the forecast can be trusted, in one plain paragraph, from the as-deployed ('nested') backtests."""
    scores = backtests.set_index("model") if not backtests.empty else backtests
    if model is None:
        return "This series could not be forecast."
    if "nested" not in scores.index:
        return (f"This series has too little history to backtest, so the forecast simply repeats last week "
                f"({MODEL_LABELS[model].lower()}); treat it as a rough guide.")
    used = scores.loc["nested"]
    text = (f"Chosen and scored as deployed at {int(used['cutoffs'])} weekly backtests (each choice made only on "
            f"data before it), the {horizon}-day forecast was off by {used['smape']:.0%} on trading days")
    if "seasonal_naive" in scores.index:
        text += (f" (MASE {used['mase']:.2f}; repeating last week: {scores.loc['seasonal_naive', 'smape']:.0%}, "
                 f"MASE {scores.loc['seasonal_naive', 'mase']:.2f})")
    return text + f". The 80% band held the actual on {used['coverage']:.0%} of trading days."


def readable_reason(reason: str) -> str:
    """A model choice's reason with the models' names instead of their ids."""
    for model, label in sorted(MODEL_LABELS.items(), key=lambda item: -len(item[0])):
        reason = reason.replace(model, label)
    return reason


SCORER_NAMES = {"model": "a learned model", "lexicon": "a lexicon"}


def scorer_sentence(scorer: pd.Series | None, sources: dict[str, int]) -> str:
    """Where the period's labels come from, which scorer labels the rest, and how often it agrees with people."""
    total = sum(sources.values())
    parts = [f"{label} {count(sources[s])}" for s, label in
             (("person", "people labelled"), ("model", "the model"), ("lexicon", "the lexicon")) if sources.get(s)]
    said = f"Of {count(total)} mentions, {', '.join(parts)}." if total else ""
    if scorer is None:
        return said
    used = f" Mentions without a person's label are scored by {SCORER_NAMES[scorer['scorer']]} ({scorer['method']})"
    if scorer["accuracy"] is None or pd.isna(scorer["accuracy"]):
        return f"{said}{used}; with fewer than 30 labelled mentions its agreement with people cannot be measured."
    lexicon = "" if scorer["scorer"] == "lexicon" else (
        f"; the lexicon agrees on {percent(scorer['lexicon_accuracy'])} (macro-F1 {scorer['lexicon_macro_f1']:.2f})")
    return (f"{said}{used}: it agrees with people on {percent(scorer['accuracy'])} of the later "
            f"{count(scorer['test_rows'])} labelled mentions after learning from the earlier "
            f"{count(scorer['train_rows'])} (macro-F1 {scorer['macro_f1']:.2f}){lexicon}.")


def unmapped_sentence(countries: pd.DataFrame, currency: str | None) -> str:
    """How many countries the map shows, and the revenue of those it cannot (no map id)."""
    unmapped = countries[countries["map_id"].isna()]
    said = f"{count(len(countries) - len(unmapped))} of {count(len(countries))} countries on the map."
    if unmapped.empty:
        return said + " Every country is on the map."
    lost, total = unmapped["net_revenue"].sum(), countries["net_revenue"].sum()
    return (f"{said} Not on the map (not one country, or no country given): {', '.join(unmapped['country'])}, "
            f"with {money(lost, currency)} of net revenue ({percent(ratio(lost, total))}).")
