"""The interface's languages: every message of the code has a Ukrainian translation, and numbers, money and dates
read the Ukrainian way."""

from datetime import date

import pytest

from dashboard import formatting, i18n
from dashboard.i18n import speaking


def test_every_message_has_a_ukrainian_translation():
    missing = i18n.untranslated(i18n.extract(), i18n.read_catalogue())
    assert not missing, (f"{len(missing)} messages lack a Ukrainian translation (run `python -m dashboard.i18n`, "
                         f"then translate them in {i18n.CATALOGUE.name}): {missing[:10]}")


def test_the_catalogue_holds_no_message_the_code_no_longer_has():
    in_code = {m.id for m in i18n.extract() if m.id}
    stale = [m.id for m in i18n.read_catalogue() if m.id and m.id not in in_code]
    assert not stale, f"run `python -m dashboard.i18n` to drop {len(stale)} stale messages: {stale[:5]}"


def test_a_translation_that_drops_a_placeholder_counts_as_missing():
    from babel.messages.catalog import Catalog

    code, catalogue = Catalog(), Catalog()
    code.add("{count} orders")
    catalogue.add("{count} orders", "замовлення")
    assert i18n.untranslated(code, catalogue) == ["{count} orders"]


@pytest.mark.parametrize(("language", "expected"), [
    ("en", ["£1,234,568", "£1.23M", "12.3%", "12,346", "8 Mar 2026", "-£950", "3.2 days"]),
    ("uk", ["1\u00a0234\u00a0568\u00a0£", "1,23\u00a0млн\u00a0£", "12,3%", "12\u00a0346", "8 бер. 2026\u202fр.",
            "-950\u00a0£", "3,2 дн."]),
])
def test_numbers_money_and_dates_per_locale(language, expected):
    with speaking(language):
        shown = [formatting.money(1_234_567.5, "GBP", compact=False), formatting.money(1_234_567, "GBP"),
                 formatting.percent(0.1234), formatting.count(12_345.6), formatting.day(date(2026, 3, 8)),
                 formatting.money(-950, "GBP"), formatting.duration(3.25)]
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
