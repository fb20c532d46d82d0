"""What alerts say, kept as facts and worded where they are read.

A rule records every title, message and impact description as a ``Text``: a template key and its parameters
(names as data, amounts as numbers, days as ISO dates). The engine stores them together as JSON in
``alerts.message`` and writes the English wording into ``alerts.title`` and ``alert_impacts.description`` for
notifications and readers of the tables. The app words the facts again at display time in the session's
language: the template through ``_``, amounts, numbers and dates through its own formats (``Wording``). Rows
written before the facts were kept (plain English in ``message``) are shown as stored.
"""

import json
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date

import pandas as pd

from i18n import N_

# Each template: its English text (the catalogue's message) and the kind of each number or date it shows
# (``Wording.formats``); parameters not named are data shown as they are (names, ids).
TEMPLATES: dict[str, tuple[str, dict[str, str]]] = {
    # titles
    "late_po": (N_("Late purchase order {po} from {supplier}"), {}),
    "late_po_stockout": (N_("Late purchase order {po} from {supplier}: {product} at risk of a stock-out"), {}),
    "late_po_stockout_money": (N_("Late purchase order {po} from {supplier}: {product} at risk of a stock-out, "
                                  "{money} of sales at risk"), {"money": "money_short"}),
    "stockout": (N_("Stock-out risk: {product}"), {}),
    "stockout_money": (N_("Stock-out risk: {product}, {money} of sales at risk"), {"money": "money_short"}),
    "on_time_title": (N_("On-time delivery {rate} in {department}"), {"rate": "percent0"}),
    "revenue_drop_title": (N_("Revenue down {drop} in {department}: {money} less than the {days} days before"),
                           {"drop": "percent0", "money": "money_short", "days": "int"}),
    "above_forecast_title": (N_("Sales above forecast: {series}"), {}),
    "below_forecast_title": (N_("Sales below forecast: {series}, {money} under the forecast"),
                             {"money": "money_short"}),
    "backlog_title": (N_("Support backlog: {tickets} tickets open over {hours} hours"),
                      {"tickets": "int", "hours": "g"}),
    "resolution_title": (N_("Tickets take {hours} hours to resolve"), {"hours": "int"}),
    "quiet_customer_title": (N_("Valuable customer quiet: {customer}, {money} a year"), {"money": "money_short"}),
    "quiet_customer_loss_title": (N_("Valuable customer quiet: {customer}, expected loss {loss} of {money} a year"),
                                  {"loss": "money_short", "money": "money_short"}),
    "mentions_title": (N_("Negative mentions spike: {count} in {days} days"), {"count": "int", "days": "int"}),
    "all_sales": (N_("all sales"), {}),
    # messages
    "late_po_message": (N_("Expected {expected}, {days} days late."), {"expected": "day", "days": "int"}),
    "stockout_message_forecast": (N_("Needs {need} over its {lead}-day lead time by its forecast, has {have} on "
                                     "hand and on order."), {"need": "int", "lead": "dec1", "have": "int"}),
    "stockout_message_average": (N_("Needs {need} over its {lead}-day lead time by the last {days} days' average, "
                                    "has {have} on hand and on order."),
                                 {"need": "int", "lead": "dec1", "have": "int", "days": "int"}),
    "on_time_message": (N_("{rate} of {delivered} orders delivered on time over the last {days} days "
                           "(floor {floor})."),
                        {"rate": "percent1", "delivered": "int", "days": "int", "floor": "percent0"}),
    "revenue_drop_message": (N_("Net revenue {now} over the last {days} days against {before} the {days} before."),
                             {"now": "money", "before": "money", "days": "int"}),
    "forecast_message": (N_("Actual net revenue outside the forecast's 80% band for {days} days running; {gap} "
                            "against the forecast."), {"days": "int", "gap": "signed_money"}),
    "backlog_message": (N_("{tickets} tickets opened on or before {day} are still open (limit {limit})."),
                        {"tickets": "int", "day": "day", "limit": "int"}),
    "resolution_message": (N_("{tickets} tickets opened in the last {days} days took {hours} hours on average "
                              "(target {target})."),
                           {"tickets": "int", "days": "int", "hours": "dec1", "target": "g"}),
    "quiet_customer_message": (N_("{money} net revenue in the last year, no sale since {day}."),
                               {"money": "money", "day": "day"}),
    "quiet_customer_backtest": (N_("Of {flagged} customers this rule flagged at {origins} earlier dates, {back} bought "
                                   "again within {days} days: the expected loss is the yearly revenue times the share "
                                   "that did not."),
                                {"flagged": "int", "origins": "int", "back": "int", "days": "int"}),
    "quiet_customer_no_backtest": (N_("The data does not reach back far enough to check how often such customers "
                                      "come back, so no loss is estimated."), {}),
    "mentions_message": (N_("{count} negative mentions against {usual} usually."), {"count": "int", "usual": "dec1"}),
    "mentions_why_one": (N_("Of the {customers} customers who posted, {late} had a late delivery in the {days} days "
                            "before and {ticketed} has an open ticket."),
                         {"customers": "int", "late": "int", "days": "int", "ticketed": "int"}),
    "mentions_why_many": (N_("Of the {customers} customers who posted, {late} had a late delivery in the {days} days "
                             "before and {ticketed} have an open ticket."),
                          {"customers": "int", "late": "int", "days": "int", "ticketed": "int"}),
    # what happens in each area an alert reaches
    "po_late": (N_("{supplier} is {days} days late with {quantity} x {product}"), {"days": "int", "quantity": "int"}),
    "stock_cover": (N_("{stock} on hand last {cover} days at {per_day} a day, and the late order is assumed {wait} "
                       "more days away"), {"stock": "int", "cover": "dec1", "per_day": "dec2", "wait": "g"}),
    "stock_cover_none": (N_("none on hand, selling {per_day} a day, and the late order is assumed {wait} more days "
                            "away"), {"per_day": "dec2", "wait": "g"}),
    "stock_cover_under_a_day": (N_("{stock} on hand last less than a day at {per_day} a day, and the late order is "
                                   "assumed {wait} more days away"), {"stock": "int", "per_day": "dec2", "wait": "g"}),
    "stockout_cause_forecast": (N_("needs {need} over its {lead}-day lead time by its forecast, has {have} on hand "
                                   "and on order"), {"need": "int", "lead": "dec1", "have": "int"}),
    "stockout_cause_average": (N_("needs {need} over its {lead}-day lead time by the last {days} days' average, has "
                                  "{have} on hand and on order"),
                               {"need": "int", "lead": "dec1", "have": "int", "days": "int"}),
    "shortage_logistics": (N_("{product}: {cause}; about {units} units short"), {"units": "dec1"}),
    "shortage_sales": (N_("{product}: about {lost} of sales lost while it is out of stock"), {"lost": "money"}),
    "shortage_sales_held": (N_("{product}: {orders} open orders worth {value} wait for it; about {lost} of sales lost "
                               "while it is out of stock"), {"orders": "int", "value": "money", "lost": "money"}),
    "shortage_support": (N_("tell {customer} that order {orders} with {product} may be late"), {}),
    "late_orders": (N_("{late} of {delivered} orders arrived late"), {"late": "int", "delivered": "int"}),
    "late_customers": (N_("{customers} customers received a late delivery"), {"customers": "int"}),
    "revenue_drop_impact": (N_("{money} less net revenue than the {days} days before"),
                            {"money": "money", "days": "int"}),
    "forecast_impact": (N_("{gap} against the forecast over {days} days"), {"gap": "signed_money", "days": "int"}),
    "backlog_impact": (N_("{customers} customers wait on {tickets} tickets open over {hours} hours"),
                       {"customers": "int", "tickets": "int", "hours": "g"}),
    "quiet_revenue": (N_("{money} of yearly revenue, loss not estimated"), {"money": "money"}),
    "quiet_loss": (N_("expected loss {loss} of {money} yearly revenue"), {"loss": "money", "money": "money"}),
    "check_in": (N_("check in with the customer"), {}),
    "mentions_support": (N_("{customers} customers complained in public: {late} late deliveries, {tickets} open "
                            "tickets among them"), {"customers": "int", "late": "int", "tickets": "int"}),
    "mentions_answer": (N_("answer {customer}: {mentions} negative mentions; late deliveries {late}, open tickets "
                           "{tickets}"), {"mentions": "int", "late": "int", "tickets": "int"}),
    "mentions_revenue": (N_("{customers} customers who complained in public bought {money} in the last year"),
                         {"customers": "int", "money": "money"}),
    # the engine's own entries in an alert's history
    "condition_cleared": (N_("the condition cleared"), {}),
}


def stock_cover(stock: float, per_day: float, wait: float) -> "Text":
    """How long the stock on hand lasts while a late order is awaited, worded for what there is: nothing on hand
    ('none on hand', never '0 on hand last 0.0 days'), less than a day's sales, or so many days."""
    if stock <= 0:
        return Text("stock_cover_none", {"per_day": per_day, "wait": wait})
    cover = stock / per_day if per_day else float("inf")
    if cover < 1:
        return Text("stock_cover_under_a_day", {"stock": stock, "per_day": per_day, "wait": wait})
    return Text("stock_cover", {"stock": stock, "cover": cover, "per_day": per_day, "wait": wait})


@dataclass(frozen=True)
class Text:
    """One text as facts: a template key and its parameters (data, numbers, dates, or nested texts)."""

    key: str
    params: dict = field(default_factory=dict)

    def facts(self) -> dict:
        """The JSON-ready form: {"text": key, "params": {...}}."""
        return {"text": self.key, "params": {k: _fact(v) for k, v in self.params.items()}}


def _fact(value):
    if isinstance(value, Text):
        return value.facts()
    if isinstance(value, (date, pd.Timestamp)):
        return pd.Timestamp(value).date().isoformat()
    return float(value) if hasattr(value, "dtype") else value  # numpy numbers as plain floats


@dataclass(frozen=True)
class Wording:
    """How texts read: ``translate`` turns a template into the reader's language, ``formats`` maps each kind
    (int, dec1, dec2, g, money, money_short, signed_money, percent0, percent1, day) to a formatter."""

    translate: Callable[[str], str]
    formats: dict[str, Callable[[object], str]]


def plain(currency: str | None) -> Wording:
    """English with the currency's ISO code ('GBP 1,234.50'): the stored columns, notifications, the command line."""
    def money(value) -> str:
        return f"{currency} {value:,.2f}" if currency else f"{value:,.2f}"

    return Wording(str, {
        "int": lambda v: f"{v:,.0f}", "dec1": lambda v: f"{v:,.1f}", "dec2": lambda v: f"{v:,.2f}",
        "g": lambda v: f"{v:g}", "money": money, "money_short": money, "signed_money": lambda v: f"{v:+,.2f}",
        "percent0": lambda v: f"{v:.0%}", "percent1": lambda v: f"{v:.1%}",
        "day": lambda v: f"{pd.Timestamp(v):%d %b %Y}"})


def word(facts: dict | list, wording: Wording) -> str:
    """The text of stored facts ({"text", "params"}, or a list of them read as consecutive sentences)."""
    if isinstance(facts, list):
        return " ".join(word(f, wording) for f in facts)
    template, kinds = TEMPLATES[facts["text"]]
    values = {name: word(value, wording) if isinstance(value, dict) else
              wording.formats[kinds[name]](value) if name in kinds else str(value)
              for name, value in facts.get("params", {}).items()}
    return wording.translate(template).format(**values)


def english(text: Text | list[Text], currency: str | None) -> str:
    """The plain English of a text (or of consecutive sentences)."""
    return word([t.facts() for t in text] if isinstance(text, list) else text.facts(), plain(currency))


def document(title: Text, message: Text | list[Text], impacts: list[Text], currency: str | None) -> str:
    """The JSON kept in alerts.message: the title, the message and each impact's description (step 1 on) as facts,
    and the currency their amounts are in."""
    return json.dumps({"currency": currency, "title": title.facts(),
                       "message": [t.facts() for t in message] if isinstance(message, list) else message.facts(),
                       "impacts": [i.facts() for i in impacts]}, sort_keys=True, ensure_ascii=False)


def comment(text: Text | list[Text]) -> str:
    """The JSON kept as the engine's comment in an alert's history."""
    return json.dumps([t.facts() for t in text] if isinstance(text, list) else text.facts(), sort_keys=True,
                      ensure_ascii=False)


def _json(value: str | None):
    if not isinstance(value, str) or not value.startswith(("{", "[")):
        return None
    try:
        return json.loads(value)
    except ValueError:
        return None


def _is_text(facts) -> bool:
    """Facts of known templates (a text, or a list of sentences); anything else is shown as stored."""
    items = facts if isinstance(facts, list) else [facts]
    return bool(items) and all(isinstance(i, dict) and i.get("text") in TEMPLATES for i in items)


def _document(message: str | None) -> dict | None:
    """The facts kept in alerts.message, or None for a plain-text message (rows written before they were kept)."""
    facts = _json(message)
    return facts if isinstance(facts, dict) and _is_text(facts.get("title")) and _is_text(facts.get("message")) \
        else None


def english_message(message: str | None) -> str:
    """An alert's message in plain English (notifications), from its facts or as stored."""
    facts = _document(message)
    return (message or "") if facts is None else word(facts["message"], plain(facts.get("currency")))


class Reader:
    """Words the stored texts of alerts for one reader (the app's session: its language and currency)."""

    def __init__(self, wording: Wording):
        self.wording = wording

    def title(self, message: str | None, stored_title: str) -> str:
        """An alert's title from its facts; the stored title for older rows."""
        facts = _document(message)
        return stored_title if facts is None else word(facts["title"], self.wording)

    def message(self, message: str | None) -> str:
        """An alert's message from its facts; the stored text for older rows."""
        facts = _document(message)
        return (message or "") if facts is None else word(facts["message"], self.wording)

    def impact(self, message: str | None, step: int, stored_description: str) -> str:
        """The description of one step of an alert's chain (step 0, where it starts, reads as the title)."""
        facts = _document(message)
        impacts = [] if facts is None else facts.get("impacts", [])
        if facts is not None and step == 0:
            return word(facts["title"], self.wording)
        known = 0 < step <= len(impacts) and _is_text(impacts[step - 1])
        return word(impacts[step - 1], self.wording) if known else stored_description

    def comment(self, comment: str | None) -> str:
        """The engine's comment in an alert's history, from its facts; anything else as written."""
        facts = _json(comment)
        return word(facts, self.wording) if _is_text(facts) else (comment or "")
