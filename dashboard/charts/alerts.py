"""Charts of the alerts page."""

import pandas as pd
import plotly.graph_objects as go

from dashboard.charts import PALETTE, layout
from dashboard.safe import plot, plot_columns

AREA_COLOURS = {"origin": "#334155", "procurement": PALETTE[1], "logistics": PALETTE[6], "sales": PALETTE[0],
                "support": PALETTE[4], "marketing": PALETTE[5], "finance": PALETTE[2]}
SEVERITY_COLOURS = {"high": PALETTE[3], "medium": PALETTE[1], "low": PALETTE[7]}


def by_severity(counts: pd.DataFrame) -> go.Figure:
    """Open alerts per origin department, stacked by severity."""
    fig, counts = go.Figure(), plot_columns(counts, ["origin"])
    for severity in ("high", "medium", "low"):
        part = counts[counts["severity"] == severity]
        fig.add_bar(x=part["alerts"], y=part["origin"], orientation="h", name=severity.title(),
                    marker_color=SEVERITY_COLOURS[severity], hovertemplate="%{y}: %{x}<extra>" + severity + "</extra>")
    fig.update_layout(barmode="stack")
    fig = layout(fig, "Open alerts by where they start", height=max(220, 70 + 34 * counts["origin"].nunique()))
    fig.update_layout(hovermode="closest")
    return fig


def impact_chain(chain: pd.DataFrame) -> go.Figure:
    """The chain from where the alert starts to every area it reaches, as a left-to-right flow."""
    chain = plot_columns(chain, ["department", "description"])  # data as text; the <br> is ours
    labels = [f"{plot(row.area.title())}<br>{row.department}" for row in chain.itertuples()]
    levels = {"origin": 0, "procurement": 1, "logistics": 2, "sales": 3, "marketing": 3, "finance": 3, "support": 4}
    sources, targets, values, texts = [], [], [], []
    for i, row in enumerate(chain.itertuples()):
        if i == 0:
            continue
        earlier = [j for j, r in enumerate(chain.itertuples()) if levels.get(r.area, 3) < levels.get(row.area, 3)]
        sources.append(earlier[-1] if earlier else 0)
        targets.append(i)
        values.append(1)
        texts.append(row.description)
    fig = go.Figure(go.Sankey(
        arrangement="snap",
        node={"label": labels, "color": [AREA_COLOURS.get(a, PALETTE[7]) for a in chain["area"]], "pad": 18,
              "customdata": chain["description"], "hovertemplate": "%{customdata}<extra></extra>"},
        link={"source": sources, "target": targets, "value": values, "customdata": texts,
              "hovertemplate": "%{customdata}<extra></extra>", "color": "rgba(100, 116, 139, 0.25)"}))
    return layout(fig, "Impact chain: from where it starts to every area it reaches", height=max(260, 60 * len(chain)))
