"""How numbers, money and dates read in the reader's language (CLDR through Babel): '£1.23M' / '1,23 млн £',
'8 Mar 2026' / '8 бер. 2026 р.'. The ground floor, beside the catalogue: pages, alerts, digests and the command line
all format through it."""

import functools

import pandas as pd
from babel.dates import format_date, format_time
from babel.numbers import format_compact_decimal, format_decimal, get_decimal_symbol, get_group_symbol

from i18n import N_, _, language, locale, ngettext

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


def days_count(n: int) -> str:
    """'28 days' / '28 днів' (for a placeholder in a sentence about a span of days)."""
    return ngettext("{count} day", "{count} days", n).format(count=count(n))


def known(value: float | None) -> float | None:
    """The value, or None when it is missing (None, NaN or NA)."""
    return None if value is None or pd.isna(value) else value


def language_name(code: str | None) -> str:
    """'uk' -> 'Ukrainian' / 'українська': an ISO 639-1 code's language in the session's; '' or None -> unknown."""
    if not code:
        return _("unknown (too short to tell)")
    from babel import Locale, UnknownLocaleError

    try:
        name = Locale.parse(locale()).languages.get(code)
    except (UnknownLocaleError, ValueError):
        name = None
    return name[:1].upper() + name[1:] if name else code
