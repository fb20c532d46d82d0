"""What AppTest does not do by itself: click a Plotly chart, read a table as formatted on screen, read the CSV a
download button offers, find a chart or a table by its key or columns.

- ``click(at, key, values)`` sends the selection a browser sends when points are clicked (the chart's widget state,
  each point with its customdata), so Streamlit runs the page's ``on_select`` callback and reruns the page;
- ``cells(table)`` is a dataframe's cells as its Styler formatted them (the text on screen), ``labels(table)`` its
  column labels;
- ``record_downloads(monkeypatch)`` (before the app starts) keeps AppTest's media file managers and returns
  ``get(at, key, **read_csv)``: the CSV offered under the chart or table drawn with ``key`` (show names the button
  ``{key}_csv``), made as a click makes it and read with pandas.
"""

import base64
import io
import json
from collections.abc import Callable

import numpy as np
import pandas as pd
import streamlit.testing.v1.app_test as app_test
from streamlit.dataframe_util import convert_arrow_bytes_to_pandas_df
from streamlit.runtime.media_file_manager import MediaFileManager
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
    """Click the points whose customdata are these values on the chart drawn with this key, and rerun."""
    chart = _element(at.get("plotly_chart"), key)
    states = at._tree.get_widget_states()
    state = states.widgets.add()
    state.id = chart.proto.id
    state.string_value = json.dumps({"selection": {"points": [{"customdata": v} for v in values],
                                                   "point_indices": list(range(len(values))), "box": [],
                                                   "lasso": []}})
    at._run(states)
    assert not at.exception, [e.message for e in at.exception]
    return at


def table_with(at: AppTest, column: str) -> pd.DataFrame:
    """The rows of the only table on the page that has this column."""
    found = [d.value for d in at.dataframe if column in d.value.columns]
    assert len(found) == 1, f"{len(found)} tables with a column {column}"
    return found[0]


def cells(table) -> pd.DataFrame:
    """A dataframe element's cells as shown: the text its Styler formatted."""
    return convert_arrow_bytes_to_pandas_df(table.proto.arrow_data.styler.display_values)


def labels(table) -> dict[str, str]:
    """A dataframe element's column labels: column name -> label on screen."""
    return {c: v["label"] for c, v in json.loads(table.proto.columns).items() if "label" in v}


def record_downloads(monkeypatch) -> Callable[..., pd.DataFrame]:
    """Keep the media file managers of the AppTest runs from now on in this test; returns ``get(at, key, **read_csv)``:
    the CSV under the chart or table drawn with ``key`` in the app's last run (text cells unless told), made as a
    click makes it (safe.download_csv defers it to the click, which records the download)."""
    managers = media_managers(monkeypatch)

    def get(at: AppTest, key: str, **read_csv) -> pd.DataFrame:
        return pd.read_csv(io.BytesIO(clicked(managers[-1], _element(at.get("download_button"), f"{key}_csv"))),
                           **({"dtype": str, "keep_default_na": False} | read_csv))

    return get


def media_managers(monkeypatch) -> list[MediaFileManager]:
    """The media file managers of the AppTest runs from now on in this test (the last is the latest app's)."""
    managers = []

    class Recording(MediaFileManager):
        def __init__(self, *args, **kwargs):
            super().__init__(*args, **kwargs)
            managers.append(self)

    monkeypatch.setattr(app_test, "MediaFileManager", Recording)
    return managers


def clicked(manager: MediaFileManager, button) -> bytes:
    """The file a click on a download button makes (the browser's request for its deferred file)."""
    address = manager.execute_deferred(button.proto.deferred_file_id)
    return manager._storage.get_file(address.rsplit("/", 1)[1]).content
