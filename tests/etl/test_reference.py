"""docs/sources.md carries the warehouse reference generated from etl/schema.py, and they never drift apart."""

from etl.db import PROJECT_ROOT
from etl.reference import MEANINGS, reference_markdown, with_reference
from etl.schema import CANONICAL_TABLES
from etl.validate import ORDER_KINDS, ORDER_STATUSES

DOC = PROJECT_ROOT / "docs" / "sources.md"


def test_docs_sources_holds_the_reference_generated_from_the_schema():
    text = DOC.read_text(encoding="utf-8")
    assert with_reference(text) == text, "docs/sources.md is stale: run `python -m etl reference --write`"


def test_the_reference_names_every_table_and_column_and_every_allowed_value_with_its_meaning():
    reference = reference_markdown()
    for table in CANONICAL_TABLES:
        assert f"### `{table.name}`" in reference
        assert all(f"| `{c.name}` |" in reference for c in table.columns), table.name
    assert set(MEANINGS[("orders", "status")]) == set(ORDER_STATUSES)
    assert set(MEANINGS[("orders", "kind")]) == set(ORDER_KINDS)
    assert "| `status` | text (20) | yes |  |  | `open`: placed, not shipped yet;" in reference
    assert "| `customer_id` | text (64) |  |  | `customers.customer_id` | empty for a guest sale" in reference
