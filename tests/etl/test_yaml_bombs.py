"""Config bombs: YAML aliases that expand into billions of values (anywhere in the file), or into themselves, are
refused in one sentence naming the file, quickly, before anything is built from them; the shipped files, whose
anchors are few, still read."""

import time
from pathlib import Path

import pytest
import yaml
from typer.testing import CliRunner

from alerts.config import load_config
from etl.db import get_engine, has_table
from etl.errors import EtlError
from etl.yamlfile import load_yaml
from forecasting.settings import load_settings
from refresh.cli import app

LAUGHS = ['a: &a ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]'] + [
    f"{level}: &{level} [{', '.join([f'*{previous}'] * 9)}]" for previous, level in zip("abcdefgh", "bcdefghi")
]  # 9 ** 9 = 387,420,489 strings once expanded; level f (its 6th line) is the first past 100,000 values


def nested_bomb() -> str:
    """A source config whose bomb sits inside a column's default, which the model accepts as any value."""
    laughs = "\n".join(f"          {line}" for line in LAUGHS)
    return f"""name: bomb
inputs: {{a: {{files: {{path: a.csv}}}}}}
tables:
  customers:
    input: a
    columns:
      customer_id: id
      name:
        default:
{laughs}
"""


def top_level_bomb() -> str:
    """A source config whose bomb sits in top-level keys."""
    return "\n".join(LAUGHS) + "\nname: bomb\ntables: {}\n"


@pytest.mark.parametrize(("text", "line"), [(nested_bomb(), 9 + 6), (top_level_bomb(), 6)])
def test_an_alias_bomb_in_a_source_config_is_refused_at_once_in_one_sentence(tmp_path, sqlite_url, text, line):
    config = tmp_path / "bomb.yaml"
    config.write_text(text)
    started = time.monotonic()
    result = CliRunner().invoke(app, ["run", "--db", sqlite_url, "--source", str(config), "--skip-forecast"],
                                env={"COLUMNS": "400"})
    seconds = time.monotonic() - started
    assert result.exit_code == 1, result.output
    assert result.output.strip() == (f"Error: {config} at line {line}: its YAML aliases expand to more than 100,000 "
                                     "values (an alias bomb): write the values out instead of nesting aliases.")
    assert seconds < 5  # before: a MemoryError after 15 s and 1 GB for the nested bomb; now milliseconds
    assert not has_table(get_engine(sqlite_url), "etl_runs")  # refused before the warehouse was touched


@pytest.mark.parametrize("loader", [load_config, load_settings])
def test_the_alert_rules_and_forecast_settings_refuse_bombs_too(tmp_path, loader):
    bombed = tmp_path / "bomb.yaml"
    bombed.write_text(top_level_bomb())
    started = time.monotonic()
    with pytest.raises(EtlError, match=r"bomb\.yaml at line \d+: its YAML aliases expand to more than 100,000"):
        loader(bombed)
    assert time.monotonic() - started < 5


@pytest.mark.parametrize(("text", "sentence"), [
    ("a: &a [1, *a]\n", "at line 1: a YAML alias refers to a value that holds it, which never ends"),
    ("a: &a\n  b: {c: *a}\n", "at line 1: a YAML alias refers to a value that holds it, which never ends"),
    ("a: " + "[" * 5000 + "]" * 5000 + "\n", "nests its values too deeply to be read: flatten the file."),
    ("a: [1, 2\n", "at line 2 is not valid YAML (expected ',' or ']', but got '<stream end>'): fix the syntax."),
])
def test_self_references_deep_nesting_and_bad_syntax_are_one_sentence(tmp_path, text, sentence):
    path = tmp_path / "odd.yaml"
    path.write_text(text)
    with pytest.raises(EtlError) as error:
        load_yaml(path)
    assert str(error.value).startswith(str(path)) and sentence in str(error.value)


def test_the_shipped_files_with_their_anchors_read_as_pyyaml_reads_them():
    root = Path(__file__).resolve().parents[2]
    files = [*sorted((root / "etl" / "sources").glob("*.yaml")), root / "alerts" / "rules.yaml",
             root / "forecasting" / "settings.yaml"]
    assert len(files) == 7
    for path in files:  # online_retail.yaml and northwind.yaml repeat mappings through anchors and <<: merges
        assert load_yaml(path) == yaml.safe_load(path.read_text(encoding="utf-8")), path
