"""What AppTest cannot do by itself: click a Plotly chart, read a table's cells as formatted on screen, and read the
CSV a download button offers.

- ``click(at, key, values)`` sends the selection a click in the browser sends (points with their customdata) for
  the chart drawn with ``key``, so the chart's ``on_select`` callback runs as it does in the app;
- ``cells(table)`` is a dataframe's cells as the Styler formatted them (the text on screen);
- ``record_downloads(monkeypatch)`` (before the app starts) records the files download buttons offer and returns
  ``get(at, key)``: the CSV of the chart or table drawn with ``key`` (show.download's ``{key}_csv``) as text.
"""

import io
import json
from collections.abc import Callable

import pandas as pd
import streamlit.testing.v1.app_test as app_test
from streamlit.dataframe_util import convert_arrow_bytes_to_pandas_df
from streamlit.runtime.memory_media_file_storage import MemoryMediaFileStorage
from streamlit.testing.v1 import AppTest


def _element(elements, key: str):
    """The element drawn with this key (its id ends with the user key)."""
    return next(e for e in elements if e.proto.id.endswith(f"-{key}"))


def click(at: AppTest, key: str, values: list) -> AppTest:
    """Click (select) the points whose customdata are ``values`` on the chart drawn with ``key``, and rerun."""
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


def cells(table) -> pd.DataFrame:
    """A dataframe element's cells as shown: the text its Styler formatted."""
    return convert_arrow_bytes_to_pandas_df(table.proto.arrow_data.styler.display_values)


def labels(table) -> dict[str, str]:
    """A dataframe element's column labels: column name -> label on screen."""
    return {c: v["label"] for c, v in json.loads(table.proto.columns).items() if "label" in v}


def record_downloads(monkeypatch) -> Callable[[AppTest, str], pd.DataFrame]:
    """Record the files download buttons offer from now on; returns ``get(at, key)``: the CSV the download button
    of the chart or table drawn with ``key`` offers, as text cells (read from the media files of the app's last
    run)."""
    stores = []

    class Recording(MemoryMediaFileStorage):
        def __init__(self, *args, **kwargs):
            super().__init__(*args, **kwargs)
            stores.append(self)

    monkeypatch.setattr(app_test, "MemoryMediaFileStorage", Recording)

    def get(at: AppTest, key: str) -> pd.DataFrame:
        button = _element(at.get("download_button"), f"{key}_csv")
        content = stores[-1].get_file(button.proto.url.rsplit("/", 1)[1]).content
        return pd.read_csv(io.BytesIO(content), dtype=str, keep_default_na=False)

    return get
