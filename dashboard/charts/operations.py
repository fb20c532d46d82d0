"""Charts of the data-operations page."""

import pandas as pd
import plotly.graph_objects as go

from dashboard.charts import PALETTE, count_axis, layout
from dashboard.safe import plot
from i18n import _
from i18n.formats import count


def rejections_by_rule(summary: pd.DataFrame) -> go.Figure:
    """Rejected rows per table and reason, the most first."""
    data = summary.assign(label=summary["table_name"] + ": " + summary["rule"].str.slice(0, 70)).iloc[::-1]
    fig = go.Figure(go.Bar(x=data["rows"], y=[plot(v) for v in data["label"]], orientation="h",
                           marker_color=PALETTE[3], text=[count(n) for n in data["rows"]], textposition="auto",
                           hovertemplate=_("{reason}: {rows} rows").format(reason="%{y}", rows="%{x:,}")
                           + "<extra></extra>"))
    fig.update_xaxes(title=_("rejected rows"), **count_axis(data["rows"].max()))
    fig = layout(fig, _("Rejected rows by reason"), height=max(220, 70 + 30 * len(data)))
    fig.update_layout(hovermode="closest")
    return fig
