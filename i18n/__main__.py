"""``python -m i18n``: bring the Ukrainian catalogue up to the code and list what lacks a translation."""

from i18n.catalogue import CATALOGUE, ROOT, update

missing = update()
print(f"{CATALOGUE.relative_to(ROOT)}: {len(missing)} messages lack a Ukrainian translation"
      + "".join(f"\n  {m}" for m in missing[:50]))
