"""The ground floor of words: English and Ukrainian from one gettext message catalogue, which every layer may
import (etl, alerts, access, forecasting, refresh, the app); locale-aware numbers, money and dates are in
``i18n.formats``.

Every user-facing string goes through ``_`` (or ``N_`` where it is defined before a session exists, and ``_``
where it is shown). The Ukrainian catalogue is ``i18n/locales/uk/LC_MESSAGES/messages.po``; ``python -m i18n``
extracts the messages from the code and adds the new ones to it (a test fails while any lacks a translation).
Each app session reads its own language (the URL's ``?lang=uk``, else the sidebar's choice, else the browser's
locale: dashboard/filters.py); nothing is installed process-wide, so two users in two languages never see each
other's. Outside a session (command line, digests, tests) the language is English unless ``speaking`` says
otherwise.
"""

import functools
import gettext
import io
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from pathlib import Path

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po

LANGUAGES = {"en": "English", "uk": "Українська"}
BABEL_LOCALES = {"en": "en_GB", "uk": "uk_UA"}
DEFAULT = "en"
LANGUAGE_KEY = "language"
CATALOGUE = Path(__file__).parent / "locales" / "uk" / "LC_MESSAGES" / "messages.po"
_chosen: ContextVar[str | None] = ContextVar("language", default=None)  # set by ``speaking`` only


def N_(message: str) -> str:  # noqa: N802 - gettext's name for "mark for the catalogue, translate where shown"
    """Mark a message for the catalogue without translating it (module-level texts; ``_`` translates them
    where they are shown)."""
    return message


def language() -> str:
    """This session's language code ('en' or 'uk'); English outside a Streamlit session (command line, tests)
    unless ``speaking`` says otherwise."""
    if _chosen.get() is not None:
        return _chosen.get()
    from streamlit.runtime.scriptrunner_utils.script_run_context import get_script_run_ctx

    if get_script_run_ctx(suppress_warning=True) is None:
        return DEFAULT
    import streamlit as st

    return st.session_state.get(LANGUAGE_KEY, DEFAULT)


@contextmanager
def speaking(code: str) -> Iterator[None]:
    """Within the block, messages and formats are in ``code`` (tests, and texts made outside a session)."""
    token = _chosen.set(code)
    try:
        yield
    finally:
        _chosen.reset(token)


def locale() -> str:
    """The Babel locale of this session's language ('en_GB', 'uk_UA')."""
    return BABEL_LOCALES[language()]


def _(message: str) -> str:
    """The message in this session's language."""
    return translation(language()).gettext(message)


def worded(values, names: dict[str, str] | None = None):
    """A pandas Series of codes in the session's language, each distinct value translated once: through
    ``names`` (code -> message; a code not in it stays as stored, e.g. the source's own words), or, without names,
    each value being itself a message."""
    words = {v: (_(names[v]) if v in names else v) if names is not None else _(v) for v in values.dropna().unique()}
    return values.map(words)


def ngettext(singular: str, plural: str, n: int) -> str:
    """The singular or plural message for ``n`` in this session's language (Ukrainian has three forms)."""
    return translation(language()).ngettext(singular, plural, n)


@functools.cache
def translation(code: str) -> gettext.NullTranslations:
    """The translation object of one language, compiled in memory from its .po file (English: the messages as
    written)."""
    if code == DEFAULT:
        return gettext.NullTranslations()
    with CATALOGUE.open("rb") as po:
        catalog = read_po(po, locale=BABEL_LOCALES[code])
    compiled = io.BytesIO()
    write_mo(compiled, catalog)
    compiled.seek(0)
    return gettext.GNUTranslations(compiled)


def from_browser(browser_locale: str | None) -> str:
    """The language for a browser locale such as 'uk-UA' (English for any other)."""
    code = (browser_locale or "").split("-")[0].split("_")[0].lower()
    return code if code in LANGUAGES else DEFAULT


