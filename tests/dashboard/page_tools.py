"""What AppTest does not do by itself: click a Plotly chart, read a CSV download, find a table by its columns.

- ``click(at, key, values)`` sends the selection a browser sends when points are clicked: the chart's widget
  state, with each point's customdata, so Streamlit runs the page's ``on_select`` callback and reruns the page.
- ``record_downloads(monkeypatch)`` keeps AppTest's in-memory media stores, so ``downloaded(at, stores, key)``
  reads the bytes a download button (``show`` names them ``{key}_csv``) would hand to the browser.
"""

import base64
import json

import numpy as np
import pandas as pd
from streamlit.proto.WidgetStates_pb2 import WidgetStates
from streamlit.testing.v1 import AppTest


def _element(elements, key: str):
    """The element whose id ends with the key the page gave it."""
    found = [e for e in elements if e.proto.id.endswith(f"-{key}")]
    assert len(found) == 1, f"{len(found)} elements with key {key}: {[e.proto.id for e in elements]}"
    return found[0]


def chart_spec(at: AppTest, key: str) -> dict:
    """The Plotly figure (as JSON) of the chart drawn with this key."""
    return json.loads(_element(at.get("plotly_chart"), key).proto.spec)


def plotted(trace: dict, attribute: str) -> list:
    """A trace's values as a list (Plotly writes numeric arrays as base64 'bdata' with their dtype)."""
    values = trace[attribute]
    if isinstance(values, dict) and "bdata" in values:
        return np.frombuffer(base64.b64decode(values["bdata"]), dtype=values["dtype"]).tolist()
    return list(values)


def click(at: AppTest, key: str, values: list) -> AppTest:
    """Click the points whose customdata starts with these values on the chart drawn with this key, and rerun."""
    chart = _element(at.get("plotly_chart"), key)
    states: WidgetStates = at._tree.get_widget_states()
    state = states.widgets.add()
    state.id = chart.proto.id
    state.string_value = json.dumps({"selection": {"points": [{"customdata": [v]} for v in values],
                                                   "point_indices": [], "box": [], "lasso": []}})
    at._run(states)
    assert not at.exception, [e.message for e in at.exception]
    return at


def table_with(at: AppTest, column: str) -> pd.DataFrame:
    """The rows of the only table on the page that has this column."""
    found = [d.value for d in at.dataframe if column in d.value.columns]
    assert len(found) == 1, f"{len(found)} tables with a column {column}"
    return found[0]


def record_downloads(monkeypatch) -> list:
    """From now on in this test, keep the media stores of the AppTest runs (the last one holds the last run's
    downloads); returns the list they are added to."""
    import streamlit.testing.v1.app_test as app_test
    from streamlit.runtime.memory_media_file_storage import MemoryMediaFileStorage

    stores: list[MemoryMediaFileStorage] = []

    class Recording(MemoryMediaFileStorage):
        def __init__(self, *args, **kwargs):
            super().__init__(*args, **kwargs)
            stores.append(self)

    monkeypatch.setattr(app_test, "MemoryMediaFileStorage", Recording)
    return stores


def downloaded(at: AppTest, stores: list, key: str) -> bytes:
    """The bytes of the CSV download offered under the chart or table drawn with this key."""
    button = _element(at.get("download_button"), f"{key}_csv")
    return stores[-1].get_file(button.proto.url.rsplit("/", 1)[1]).content
