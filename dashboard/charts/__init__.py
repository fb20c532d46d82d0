"""Chart builders: DataFrame in, Plotly figure out. They never render; the pages do.

One module per subject; this one holds the look they share.
"""

import numpy as np
import pandas as pd
import plotly.graph_objects as go

PALETTE = ["#2563eb", "#f59e0b", "#10b981", "#ef4444", "#8b5cf6", "#06b6d4", "#f97316", "#64748b"]


def layout(fig: go.Figure, title: str, height: int = 340) -> go.Figure:
    """The house style: white template, title top left, legend on top, thousands separators."""
    fig.update_layout(
        title={"text": title, "x": 0, "font": {"size": 16}}, template="plotly_white", height=height,
        margin={"l": 10, "r": 10, "t": 50, "b": 10}, legend={"orientation": "h", "y": 1.02, "x": 1,
                                                              "xanchor": "right", "yanchor": "bottom"},
        separators=".,", hovermode="x unified",
    )
    return fig


def count_axis(largest: float | None) -> dict:
    """Axis settings for counts: whole numbers with thousands separators, from zero; a step of 1 when the
    largest value is small, so no tick reads 0.5 customers or repeats a rounded label."""
    settings = {"tickformat": ",d", "rangemode": "tozero"}
    if largest is None or pd.isna(largest) or largest <= 8:
        settings["dtick"] = 1
    return settings


def largest_bin(values: pd.Series, bins: int) -> float:
    """The tallest bar a histogram of the values will have (to choose its count axis)."""
    clean = values.dropna()
    return float(np.histogram(clean, bins=bins)[0].max()) if len(clean) else 0.0
