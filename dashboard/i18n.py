"""The interface's languages: English and Ukrainian, from one gettext message catalogue.

Every user-facing string goes through ``_`` (or ``N_`` where it is defined before a session exists, and ``_``
where it is shown). The Ukrainian catalogue is ``dashboard/locales/uk/LC_MESSAGES/messages.po``;
``python -m dashboard.i18n`` extracts the messages from the code and adds the new ones to it (a test fails while
any lacks a translation). Each session reads its own language (the URL's ``?lang=uk``, else the sidebar's
choice, else the browser's locale); nothing is installed process-wide, so two users in two languages never
see each other's.
"""

import functools
import gettext
import io
import re
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.extract import extract_from_dir
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po, write_po

LANGUAGES = {"en": "English", "uk": "Українська"}
BABEL_LOCALES = {"en": "en_GB", "uk": "uk_UA"}
DEFAULT = "en"
LANGUAGE_KEY = "language"
ROOT = Path(__file__).resolve().parents[1]
CATALOGUE = Path(__file__).parent / "locales" / "uk" / "LC_MESSAGES" / "messages.po"
SOURCES = ("dashboard", "etl/kpi.py", "alerts", "access", "refresh", "forecasting/models.py")  # user-facing texts
PLACEHOLDER = re.compile(r"{[^{}]*}")
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


def choose() -> str:
    """Settle this session's language and draw the switch at the top of the sidebar: on the first run from the
    URL's ``?lang=`` or else the browser's locale; afterwards the switch decides. The URL follows the choice."""
    import streamlit as st

    if LANGUAGE_KEY not in st.session_state:
        wanted = st.query_params.get("lang")
        st.session_state[LANGUAGE_KEY] = wanted if wanted in LANGUAGES else from_browser(st.context.locale)
    st.sidebar.radio("Мова / Language", list(LANGUAGES), format_func=LANGUAGES.get, key=LANGUAGE_KEY, horizontal=True,
                     label_visibility="collapsed")
    st.query_params["lang"] = st.session_state[LANGUAGE_KEY]
    return st.session_state[LANGUAGE_KEY]


def from_browser(browser_locale: str | None) -> str:
    """The language for a browser locale such as 'uk-UA' (English for any other)."""
    code = (browser_locale or "").split("-")[0].split("_")[0].lower()
    return code if code in LANGUAGES else DEFAULT


def extract() -> Catalog:
    """Every message the code marks, with where it is written."""
    catalog = Catalog(locale="uk_UA")
    for source in SOURCES:
        path = ROOT / source
        directory, only = (path, None) if path.is_dir() else (path.parent, path.name)
        for filename, line, message, comments, context in extract_from_dir(
                directory, method_map=[(only or "**.py", "python")]):
            catalog.add(message, locations=[(f"{path.relative_to(ROOT) if only else Path(source) / filename}",
                                             line)], auto_comments=comments, context=context)
    return catalog


def read_catalogue() -> Catalog:
    """The Ukrainian catalogue as it is on disk."""
    with CATALOGUE.open("rb") as po:
        return read_po(po, locale="uk_UA")


def untranslated(code_messages: Catalog, catalogue: Catalog) -> list[str]:
    """Messages of the code without a Ukrainian translation, or whose translation drops or invents a
    ``{placeholder}``."""
    missing = []
    for message in code_messages:
        if not message.id:
            continue
        found = catalogue.get(message.id, context=message.context)
        ids = message.id if isinstance(message.id, tuple) else (message.id,)
        strings = found.string if found is not None else ()
        strings = strings if isinstance(strings, tuple) else (strings,)
        if found is None or found.fuzzy or not all(strings) or any(
                set(PLACEHOLDER.findall(s)) != set(PLACEHOLDER.findall(ids[-1])) for s in strings):
            missing.append(ids[0])
    return missing


def update() -> list[str]:
    """Bring the catalogue up to the code: new messages added untranslated, vanished ones dropped; returns the
    messages still lacking a translation."""
    catalogue = read_catalogue() if CATALOGUE.exists() else Catalog(
        locale="uk_UA", project="BI Cockpit", version="1", language_team="BI Cockpit", fuzzy=False)
    code_messages = extract()
    catalogue.update(code_messages, no_fuzzy_matching=True)
    catalogue.obsolete.clear()
    CATALOGUE.parent.mkdir(parents=True, exist_ok=True)
    with CATALOGUE.open("wb") as po:
        write_po(po, catalogue, width=120, sort_output=True, include_lineno=False, include_previous=False)
    return untranslated(code_messages, catalogue)


if __name__ == "__main__":
    missing = update()
    print(f"{CATALOGUE.relative_to(ROOT)}: {len(missing)} messages lack a Ukrainian translation"
          + "".join(f"\n  {m}" for m in missing[:50]))
