"""Charts of the data-operations page."""

import pandas as pd
import plotly.graph_objects as go

from dashboard.charts import PALETTE, layout


def rejections_by_rule(summary: pd.DataFrame) -> go.Figure:
    """Rejected rows per table and reason, the most first."""
    data = summary.assign(label=summary["table_name"] + ": " + summary["rule"].str.slice(0, 70)).iloc[::-1]
    fig = go.Figure(go.Bar(x=data["rows"], y=data["label"], orientation="h", marker_color=PALETTE[3],
                           text=[f"{n:,}" for n in data["rows"]], textposition="auto",
                           hovertemplate="%{y}: %{x:,} rows<extra></extra>"))
    fig.update_xaxes(title="rejected rows", tickformat=",d")
    fig = layout(fig, "Rejected rows by reason", height=max(220, 70 + 30 * len(data)))
    fig.update_layout(hovermode="closest")
    return fig
