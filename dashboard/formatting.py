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
    """How far the forecast can be trusted, in one plain paragraph, from the backtest summary per model."""
    scores = backtests.set_index("model") if not backtests.empty else backtests
    if model is None:
        return "This series could not be forecast."
    if model not in scores.index:
        return (f"This series has too little history to backtest, so the forecast simply repeats last week "
                f"({MODEL_LABELS[model].lower()}); treat it as a rough guide.")
    used = scores.loc[model]
    months = max(1, round(used["cutoffs"] * horizon / 30.4))
    period = "the last month" if months == 1 else f"the last {months} months"
    text = (f"Over {period} ({int(used['cutoffs'])} backtests), the "
            f"{horizon}-day forecast ({MODEL_LABELS[model]}) was off by {used['smape']:.0%} on average")
    if model != "seasonal_naive" and "seasonal_naive" in scores.index:
        text += f"; the simple weekly repeat was off by {scores.loc['seasonal_naive', 'smape']:.0%}"
    return text + (f". Actual sales fell inside the 80% band on {used['coverage']:.0%} of days.")


def readable_reason(reason: str) -> str:
    """A model choice's reason with the models' names instead of their ids."""
    for model, label in sorted(MODEL_LABELS.items(), key=lambda item: -len(item[0])):
        reason = reason.replace(model, label)
    return reason
