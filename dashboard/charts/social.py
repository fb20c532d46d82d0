"""Charts of the Social CRM page: volume, share of voice, sentiment over time, topics, words and replies."""

import pandas as pd
import plotly.graph_objects as go

from dashboard.charts import PALETTE, layout
from etl.kpi import brand_health, net_sentiment, share_of_voice

LABEL_COLOURS = {"negative": "#ef4444", "neutral": "#94a3b8", "positive": "#10b981"}


def brand_colours(brands: list[str]) -> dict[str, str]:
    """One colour per brand, the same on every chart of the page."""
    return {b: PALETTE[i % len(PALETTE)] for i, b in enumerate(sorted(brands))}


def _bucket(daily: pd.DataFrame) -> tuple[pd.DataFrame, str]:
    """Counts per day, or per week (starting Monday) when the period is longer than six weeks."""
    span = (daily["posted_date"].max() - daily["posted_date"].min()).days if len(daily) else 0
    if span <= 42:
        return daily.rename(columns={"posted_date": "period"}), "day"
    week = daily["posted_date"] - pd.to_timedelta(daily["posted_date"].dt.day_of_week, unit="D")
    counts = ["mentions", "positive", "neutral", "negative"]
    return daily.assign(period=week).groupby(["period", "brand"], as_index=False)[counts].sum(), "week"


def volume(daily: pd.DataFrame, colours: dict[str, str]) -> go.Figure:
    """Mentions per day (or week) as bars stacked by brand."""
    data, unit = _bucket(daily)
    fig = go.Figure()
    for brand, rows in data.groupby("brand"):
        fig.add_bar(x=rows["period"], y=rows["mentions"], name=brand, marker_color=colours[brand],
                    hovertemplate=f"%{{y:,}} mentions<extra>{brand}</extra>")
    fig.update_layout(barmode="stack")
    return layout(fig, f"Mentions per {unit} by brand")


def voice(by_brand: pd.DataFrame, colours: dict[str, str]) -> go.Figure:
    """Share of voice of the tracked brands as a donut."""
    tracked = by_brand[by_brand["is_tracked"].astype(bool)]
    shares = share_of_voice(tracked["mentions"], pd.Series(tracked["mentions"].sum(), index=tracked.index))
    fig = go.Figure(go.Pie(labels=tracked["brand"], values=shares, hole=0.55, sort=False,
                           marker={"colors": [colours[b] for b in tracked["brand"]]},
                           texttemplate="%{label}<br>%{percent:.1%}", hovertemplate="%{label}: %{percent:.1%}"
                           "<extra></extra>"))
    fig = layout(fig, "Share of voice")
    fig.update_layout(showlegend=False, hovermode="closest")
    return fig


def sentiment_trend(daily: pd.DataFrame, colours: dict[str, str], measure: str) -> go.Figure:
    """Net sentiment or the brand-health index per day (or week) and brand, as lines; days with under a third of
    the median mentions per day and brand are left out."""
    data, unit = _bucket(daily)
    if measure == "net_sentiment":
        values, title = net_sentiment(data["positive"], data["negative"], data["mentions"]), "Net sentiment"
    else:
        values, title = brand_health(data["positive"], data["negative"]), "Brand-health index"
    thin = data["mentions"] < 0.3 * data["mentions"].median()  # a handful of mentions says little: left out
    data = data.assign(value=values.where(~thin))
    fig = go.Figure()
    for brand, rows in data.groupby("brand"):
        fig.add_scatter(x=rows["period"], y=rows["value"], mode="lines+markers", name=brand,
                        line={"color": colours[brand], "width": 2}, marker={"size": 5},
                        hovertemplate=f"%{{y:.0%}}<extra>{brand}</extra>")
    fig.update_yaxes(tickformat=".0%", range=[-1.05, 1.05] if measure == "net_sentiment" else [-0.02, 1.02])
    return layout(fig, f"{title} per {unit}")


def bars(frame: pd.DataFrame, label: str, value: str, title: str, colour: str, text: list[str] | None = None
         ) -> go.Figure:
    """Horizontal bars, largest on top."""
    data = frame.iloc[::-1]
    fig = go.Figure(go.Bar(x=data[value], y=data[label], orientation="h", marker_color=colour,
                           text=None if text is None else text[::-1], textposition="auto",
                           hovertemplate="%{y}: %{x:,}<extra></extra>"))
    fig = layout(fig, title, height=max(260, 70 + 24 * len(data)))
    fig.update_layout(hovermode="closest")
    return fig


def topic_bars(topics: pd.DataFrame) -> go.Figure:
    """Mentions per topic, labelled with the negative share."""
    share = topics["negative"] / topics["mentions"]
    return bars(topics, "topic", "mentions", "Topics", PALETTE[3], [f"{s:.0%} negative" for s in share])


def response_bars(responses: pd.DataFrame, colours: dict[str, str]) -> go.Figure:
    """Average first-response time per brand, labelled with the share of mentions answered."""
    fig = go.Figure(go.Bar(x=responses["brand"], y=responses["average_hours"],
                           marker_color=[colours.get(b, PALETTE[0]) for b in responses["brand"]],
                           text=[f"{r / n:.0%} answered" for r, n in zip(responses["replied"], responses["mentions"])],
                           textposition="auto", hovertemplate="%{x}: %{y:.1f} h<extra></extra>"))
    fig.update_yaxes(title="hours", rangemode="tozero")
    fig = layout(fig, "First response time")
    fig.update_layout(hovermode="closest")
    return fig
