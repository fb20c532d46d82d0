"""Hostile names stay text: markdown escaping, Plotly label escaping and CSV formula neutralising."""

import io

import pandas as pd
import pytest

from dashboard.safe import csv_bytes, md, neutralise, plot, plot_columns

HOSTILE = ["<script>alert(1)</script>", '<img src=x onerror="alert(1)">', ":red[x] **y**", "$$x^2$$",
           "[x](javascript:alert(1))", '=HYPERLINK("http://evil","click")', "+1+1", "-2+3", "@SUM(A1)",
           "\tTab", "\rCR", ":material/home: #heading", "a_b*c*"]


@pytest.mark.parametrize("name", HOSTILE)
def test_markdown_escaping_leaves_no_unescaped_markup(name):
    escaped = md(name)
    unescaped = escaped.replace("\\\\", "").replace("\\", "\0")
    for char in "<>[]()*_:$#=`":
        assert all(unescaped[i - 1] == "\0" for i, c in enumerate(unescaped) if c == char), (name, escaped)
    assert escaped.replace("\\", "") == " ".join(name.splitlines())


def test_markdown_escaping_of_examples():
    assert md(":red[x]") == r"\:red\[x\]"
    assert md("[x](javascript:alert(1))") == r"\[x\]\(javascript\:alert\(1\)\)"
    assert md("<img onerror=a>") == r"\<img onerror\=a\>"
    assert md("Sales North") == "Sales North" and md(None) == "" and md(float("nan")) == ""
    assert md("two\nlines") == "two lines"


def test_plotly_text_is_escaped():
    assert plot("<b>x</b> & <a href='javascript:x'>y</a>") == \
        "&lt;b&gt;x&lt;/b&gt; &amp; &lt;a href='javascript:x'&gt;y&lt;/a&gt;"
    frame = plot_columns(pd.DataFrame({"name": ["<br>", None], "n": [1, 2]}), ["name"])
    assert frame["name"].tolist()[0] == "&lt;br&gt;" and frame["name"].isna().tolist() == [False, True]


def test_csv_cells_that_start_a_formula_are_neutralised_and_numbers_are_not():
    frame = pd.DataFrame({"name": HOSTILE + ["plain", "", None], "amount": range(-7, len(HOSTILE) - 4),
                          "=header": ["x"] * (len(HOSTILE) + 3)})
    back = pd.read_csv(io.BytesIO(csv_bytes(frame)), keep_default_na=False, dtype=str)
    assert list(back.columns) == ["name", "amount", "'=header"]
    dangerous = [n for n in back["name"] if n[:1] in ("=", "+", "-", "@", "\t", "\r")]
    assert dangerous == []
    assert back["name"].tolist()[5:8] == ["'=HYPERLINK(\"http://evil\",\"click\")", "'+1+1", "'-2+3"]
    assert back["name"].tolist()[-3:] == ["plain", "", ""]
    assert back["amount"].tolist()[:2] == ["-7", "-6"]  # a negative number is data, not a formula
    assert neutralise("@x") == "'@x" and neutralise(3) == 3 and neutralise("a=b") == "a=b"


def test_money_in_a_csv_is_in_cents_and_no_number_carries_float_noise():
    """47783.049999999996 (a sum of floats) is written 47783.05; money named by a table's kind ('Net revenue') or
    by the query layer's names (net_revenue) is rounded to cents (1/3 -> 0.33); other numbers keep 15 significant
    digits (2/3 -> 0.666666666666667, 0.1 + 0.2 -> 0.3)."""
    frame = pd.DataFrame({"net_revenue": [47783.049999999996, 1 / 3], "Net revenue": [0.1 + 0.2, 2 / 3 + 100],
                          "rate": [2 / 3, 0.1 + 0.2], "orders": [3, 4], "yhat": [10.0, 12.346]})
    text = csv_bytes(frame, money=["Net revenue"]).decode("utf-8")
    assert text.splitlines() == [
        "net_revenue,Net revenue,rate,orders,yhat",
        "47783.05,0.3,0.666666666666667,3,10.0",
        "0.33,100.67,0.3,4,12.35",
    ]
