"""The catalogue kept up to the code: ``python -m i18n`` extracts every message the code marks, adds the new ones to
the Ukrainian catalogue, drops the vanished ones and lists those still without a translation."""

import re
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po, write_po

from i18n import CATALOGUE

ROOT = Path(__file__).resolve().parents[1]
SOURCES = ("i18n", "dashboard", "etl/kpi.py", "alerts", "access", "refresh", "forecasting/models.py")  # user-facing
PLACEHOLDER = re.compile(r"{[^{}]*}")


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
