"""A warehouse whose names are hostile, and a check that a page shows them as text, never as markup.

``hostile_frames`` is the incident fixture with every department, supplier, customer, product and employee
renamed to something a renderer could run: HTML, Streamlit markdown directives, links to javascript:,
LaTeX and spreadsheet formulas. The alert engine then writes these names into its own titles and messages.
``markup_leaks`` lists every place where an AppTest run shows one of them unescaped.
"""

import json

from tests.fixtures import incident_frames

NAMES = {
    "departments": {"D1": '<img src=x onerror="alert(1)"> North', "D2": ":red[Sales] **South** $$x^2$$",
                    "SUP": "[Support](javascript:alert(2))", "PRC": '=HYPERLINK("http://evil","<b>Procurement</b>")',
                    "LOG": "<script>alert(3)</script> Logistics"},
    "suppliers": {"S1": "+Sure <b>Supply</b>", "S2": "@Slow :blue[Parts] <a href='javascript:x'>link</a>"},
    "customers": {"C1": "=1+2 <i>Acme</i>", "C2": "-Beta [plc](javascript:alert(4))"},
    "products": {"P1": "<u>Widget</u> :material/home:", "P2": "\tGadget $x$"},
    "employees": {"E1": "**Ann** <em>Smith</em>", "E2": "\rBob :green[Jones]"},
}
HOSTILE = sorted({name for names in NAMES.values() for name in names.values()})
MARKDOWN_KINDS = ("title", "header", "subheader", "markdown", "caption", "info", "success", "warning", "error")


def hostile_frames():
    """The incident fixture (one late supplier, an alert reaching five departments) with hostile names."""
    frames = incident_frames()
    for table, names in NAMES.items():
        key = frames[table].columns[0]
        frames[table]["name"] = frames[table][key].map(names).fillna(frames[table]["name"])
    return frames


def _strings(value):
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for item in value.values():
            yield from _strings(item)
    elif isinstance(value, list):
        for item in value:
            yield from _strings(item)


def markup_leaks(at) -> list[str]:
    """Every hostile name shown unescaped: in markdown-rendering elements and labels, or as HTML in a chart."""
    texts = [e.value for kind in MARKDOWN_KINDS for e in at.get(kind)] + [m.label for m in at.metric]
    leaks = [f"markdown: {name}" for text in texts if isinstance(text, str)
             for name in HOSTILE if name.strip() in text]
    for chart in at.get("plotly_chart"):
        for text in _strings(json.loads(chart.proto.spec)):
            leaks += [f"plotly: {name}" for name in HOSTILE if "<" in name and name.strip() in text]
    return leaks
