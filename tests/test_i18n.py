"""The interface's languages: every message of the code has a Ukrainian translation, and numbers, money and dates
read the Ukrainian way."""

from datetime import date

import pytest

import i18n
from i18n import catalogue, formats, speaking


def test_every_message_has_a_ukrainian_translation():
    missing = catalogue.untranslated(catalogue.extract(), catalogue.read_catalogue())
    assert not missing, (f"{len(missing)} messages lack a Ukrainian translation (run `python -m i18n`, "
                         f"then translate them in {catalogue.CATALOGUE.name}): {missing[:10]}")


def test_the_catalogue_holds_no_message_the_code_no_longer_has():
    in_code = {m.id for m in catalogue.extract() if m.id}
    stale = [m.id for m in catalogue.read_catalogue() if m.id and m.id not in in_code]
    assert not stale, f"run `python -m i18n` to drop {len(stale)} stale messages: {stale[:5]}"


def test_a_translation_that_drops_a_placeholder_counts_as_missing():
    from babel.messages.catalog import Catalog

    code, translated = Catalog(), Catalog()
    code.add("{count} orders")
    translated.add("{count} orders", "замовлення")
    assert catalogue.untranslated(code, translated) == ["{count} orders"]


@pytest.mark.parametrize(("language", "expected"), [
    ("en", ["£1,234,568", "£1.23M", "12.3%", "12,346", "8 Mar 2026", "-£950", "3.2 days"]),
    ("uk", ["1\u00a0234\u00a0568\u00a0£", "1,23\u00a0млн\u00a0£", "12,3%", "12\u00a0346", "8 бер. 2026\u202fр.",
            "-950\u00a0£", "3,2 дн."]),
])
def test_numbers_money_and_dates_per_locale(language, expected):
    with speaking(language):
        shown = [formats.money(1_234_567.5, "GBP", compact=False), formats.money(1_234_567, "GBP"),
                 formats.percent(0.1234), formats.count(12_345.6), formats.day(date(2026, 3, 8)),
                 formats.money(-950, "GBP"), formats.duration(3.25)]
    assert shown == expected


def test_messages_switch_with_the_language_and_never_leak_between_sessions():
    with speaking("uk"):
        assert i18n._("Sign in") == "Увійти"
        with speaking("en"):
            assert i18n._("Sign in") == "Sign in"
        assert i18n._("Sign in") == "Увійти"
    assert i18n._("Sign in") == "Sign in"  # outside any session: English


@pytest.mark.parametrize(("browser", "language"), [("uk-UA", "uk"), ("uk", "uk"), ("en-GB", "en"), ("de-DE", "en"),
                                                   (None, "en")])
def test_the_browser_locale_picks_the_language(browser, language):
    assert i18n.from_browser(browser) == language
