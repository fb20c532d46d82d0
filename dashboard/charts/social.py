"""Charts of the Social CRM page: volume, share of voice, platforms, sentiment over time, topics, words, replies.

Time charts plot at the period's grain with each bucket's first day in customdata (a click drills down); charts of
brands or platforms carry the brand or platform there (a click filters the page's mentions table).
"""

import pandas as pd
import plotly.graph_objects as go

from dashboard.charts import PALETTE, bucket, count_axis, layout
from dashboard.safe import plot
from etl.kpi import brand_health, net_sentiment, share_of_voice
from i18n import N_, _
from i18n.formats import language_name, percent

LABEL_COLOURS = {"negative": "#ef4444", "neutral": "#94a3b8", "positive": "#10b981"}
LABEL_NAMES = {"negative": N_("negative"), "neutral": N_("neutral"), "positive": N_("positive"),
               "not_scored": N_("not scored"), "not scored": N_("not scored")}
"""A mention's sentiment label as shown (the stored value stays the English word)."""
COUNTS = ["mentions", "positive", "neutral", "negative", "not_scored"]
NOT_SCORED_COLOUR = "#e2e8f0"
VOLUME_TITLES = {"day": N_("Mentions per day by brand"), "week": N_("Mentions per week by brand"),
                 "month": N_("Mentions per month by brand")}
TREND_TITLES = {
    ("net_sentiment", "day"): N_("Net sentiment per day"), ("net_sentiment", "week"): N_("Net sentiment per week"),
    ("net_sentiment", "month"): N_("Net sentiment per month"),
    ("brand_health", "day"): N_("Brand-health index per day"),
    ("brand_health", "week"): N_("Brand-health index per week"),
    ("brand_health", "month"): N_("Brand-health index per month"),
}


def label_name(label: str) -> str:
    """'negative' -> 'negative' / 'негативна': a sentiment label in the session's language."""
    return _(LABEL_NAMES[label]) if label in LABEL_NAMES else label


def brand_colours(brands: list[str]) -> dict[str, str]:
    """One colour per brand, the same on every chart of the page."""
    return {b: PALETTE[i % len(PALETTE)] for i, b in enumerate(sorted(brands))}


def by_grain(daily: pd.DataFrame, grain: str) -> pd.DataFrame:
    """Mentions per day and brand summed into the grain's buckets (see charts.bucket): period (the bucket's first
    day), brand, mentions, positive, neutral, negative."""
    parts = [bucket(rows, "posted_date", grain, COUNTS).assign(brand=brand) for brand, rows in daily.groupby("brand")]
    if not parts:
        return pd.DataFrame(columns=["period", "brand", *COUNTS])
    frame = pd.concat(parts, ignore_index=True).rename(columns={"posted_date": "period"})
    return frame[["period", "brand", *COUNTS]].sort_values(["period", "brand"], ignore_index=True)


def _starts(periods: pd.Series) -> list[str]:
    """Each bucket's first day as an ISO date: what a click on it drills into."""
    return [p.date().isoformat() for p in pd.to_datetime(periods)]


def cut_buckets(periods: pd.Series, grain: str, start, end) -> pd.Series:
    """True for the buckets (their first days) that the period ``start``..``end`` cuts: a week or month with fewer
    days in the period than it has, whose count would read as a fall."""
    first = pd.to_datetime(periods)
    if grain == "day":
        return pd.Series(False, index=periods.index)
    last = first + (pd.Timedelta(days=6) if grain == "week" else pd.offsets.MonthEnd(0))
    return (first < pd.Timestamp(start)) | (last > pd.Timestamp(end))


def volume(data: pd.DataFrame, colours: dict[str, str], grain: str, start, end) -> go.Figure:
    """Mentions per bucket as bars stacked by brand (``data`` from by_grain); the buckets the period cuts are faded,
    as the overview's trend fades them."""
    fig = go.Figure()
    for brand, rows in data.groupby("brand"):
        faded = [0.45 if cut else 1.0 for cut in cut_buckets(rows["period"], grain, start, end)]
        fig.add_bar(x=rows["period"], y=rows["mentions"], name=plot(brand),
                    marker={"color": colours[brand], "opacity": faded}, customdata=_starts(rows["period"]),
                    hovertemplate=_("Mentions: {value}").format(value="%{y:,}") + f"<extra>{plot(brand)}</extra>")
    fig.update_layout(barmode="stack")
    fig.update_yaxes(**count_axis(data.groupby("period")["mentions"].sum().max() if len(data) else None))
    return layout(fig, _(VOLUME_TITLES[grain]))


def voice(by_brand: pd.DataFrame, colours: dict[str, str]) -> go.Figure:
    """Share of voice of the tracked brands as bars, largest on top; the brand in customdata."""
    tracked = voice_data(by_brand).iloc[::-1]
    fig = go.Figure(go.Bar(x=tracked["share"], y=[plot(b) for b in tracked["brand"]], orientation="h",
                           marker_color=[colours[b] for b in tracked["brand"]], customdata=tracked["brand"],
                           text=[percent(s) for s in tracked["share"]], textposition="auto",
                           hovertemplate="%{y}: %{text}<extra></extra>"))
    fig.update_xaxes(tickformat=".0%", rangemode="tozero")
    fig = layout(fig, _("Share of voice"), height=max(260, 90 + 34 * len(tracked)))
    fig.update_layout(hovermode="closest", showlegend=False)
    return fig


def voice_data(by_brand: pd.DataFrame) -> pd.DataFrame:
    """The tracked brands' share of voice: brand, mentions, share; largest first."""
    tracked = by_brand[by_brand["is_tracked"].astype(bool)]
    shares = share_of_voice(tracked["mentions"], pd.Series(tracked["mentions"].sum(), index=tracked.index))
    return tracked.assign(share=shares)[["brand", "mentions", "share"]].reset_index(drop=True)


def platforms(by_platform: pd.DataFrame) -> go.Figure:
    """Mentions per platform as bars stacked by sentiment label, most mentioned on top; the platform in
    customdata."""
    return _by_label(by_platform, "platform", list(by_platform["platform"]), _("Mentions by platform"))


def languages(by_language: pd.DataFrame) -> go.Figure:
    """Mentions per language (named in the session's language) as bars stacked by sentiment label, most mentioned
    on top; the ISO 639-1 code in customdata."""
    return _by_label(by_language, "language", [language_name(c) for c in by_language["language"]],
                     _("Mentions by language"))


def _by_label(frame: pd.DataFrame, key: str, names: list[str], title: str) -> go.Figure:
    """Bars of ``frame``'s rows (named ``names``) stacked by sentiment label, the first row on top."""
    data, names = frame.iloc[::-1], [plot(n) for n in names[::-1]]
    fig = go.Figure()
    stacks = {**LABEL_COLOURS, "not_scored": NOT_SCORED_COLOUR} if data["not_scored"].sum() else LABEL_COLOURS
    for label, colour in stacks.items():
        fig.add_bar(x=data[label], y=names, orientation="h", name=label_name(label), marker_color=colour,
                    customdata=data[key], hovertemplate="%{y}: %{x:,}" + f"<extra>{label_name(label)}</extra>")
    fig.update_layout(barmode="stack", hovermode="closest")
    fig.update_xaxes(**count_axis(data["mentions"].max() if len(data) else None))
    return layout(fig, title, height=max(260, 90 + 34 * len(data)))


def sentiment_trend(data: pd.DataFrame, colours: dict[str, str], measure: str, grain: str) -> go.Figure:
    """Net sentiment or the brand-health index per bucket and brand, as lines (``data`` from trend_data)."""
    fig = go.Figure()
    for brand, rows in data.groupby("brand"):
        fig.add_scatter(x=rows["period"], y=rows["value"], mode="lines+markers", name=plot(brand),
                        line={"color": colours[brand], "width": 2}, marker={"size": 5},
                        customdata=_starts(rows["period"]), hovertemplate=f"%{{y:.0%}}<extra>{plot(brand)}</extra>")
    fig.update_yaxes(tickformat=".0%", range=[-1.05, 1.05] if measure == "net_sentiment" else [-0.02, 1.02])
    return layout(fig, _(TREND_TITLES[measure, grain]))


def trend_data(data: pd.DataFrame, measure: str) -> pd.DataFrame:
    """Net sentiment or the brand-health index per bucket and brand (``data`` from by_grain): period, brand,
    mentions, value; buckets with under a third of the median mentions per bucket and brand are blank (a handful
    of mentions says little)."""
    if measure == "net_sentiment":
        scored = data["positive"] + data["neutral"] + data["negative"]  # not-scored mentions count in no sentiment
        values = net_sentiment(data["positive"], data["negative"], scored)
    else:
        values = brand_health(data["positive"], data["negative"])
    thin = data["mentions"] < 0.3 * data["mentions"].median()
    return data.assign(value=values.where(~thin))[["period", "brand", "mentions", "value"]]


def bars(frame: pd.DataFrame, label: str, value: str, title: str, colour: str, text: list[str] | None = None
         ) -> go.Figure:
    """Horizontal bars, largest on top (``title`` translated by the caller)."""
    data = frame.iloc[::-1]
    fig = go.Figure(go.Bar(x=data[value], y=[plot(v) for v in data[label]], orientation="h", marker_color=colour,
                           text=None if text is None else text[::-1], textposition="auto",
                           hovertemplate="%{y}: %{x:,}<extra></extra>"))
    fig.update_xaxes(**count_axis(data[value].max() if len(data) else None))
    fig = layout(fig, title, height=max(260, 70 + 24 * len(data)))
    fig.update_layout(hovermode="closest")
    return fig


def topic_bars(topics: pd.DataFrame) -> go.Figure:
    """Mentions per topic, labelled with the negative share."""
    share = topics["negative"] / topics["mentions"]
    return bars(topics, "topic", "mentions", _("Topics"), PALETTE[3],
                [_("{share} negative").format(share=percent(s, 0)) for s in share])


CATEGORY_NAMES = {"complaint": N_("complaint"), "question": N_("question"), "praise": N_("praise"),
                  "other": N_("other")}


def category_bars(by_category: pd.DataFrame) -> go.Figure:
    """Mentions per category (named in the session's language), most first."""
    named = by_category.assign(category=[_(CATEGORY_NAMES.get(c, c)) for c in by_category["category"]])
    return bars(named, "category", "mentions", _("Mentions by category"), PALETTE[1])


def response_bars(responses: pd.DataFrame, colours: dict[str, str]) -> go.Figure:
    """Average first-response time per brand, labelled with the share of mentions answered; the brand in
    customdata."""
    fig = go.Figure(go.Bar(x=[plot(b) for b in responses["brand"]], y=responses["average_hours"],
                           marker_color=[colours.get(b, PALETTE[0]) for b in responses["brand"]],
                           customdata=responses["brand"],
                           text=[_("{share} answered").format(share=percent(r / n, 0))
                                 for r, n in zip(responses["replied"], responses["mentions"])],
                           textposition="auto",
                           hovertemplate=_("{brand}: {hours} h").format(brand="%{x}", hours="%{y:.1f}")
                           + "<extra></extra>"))
    fig.update_yaxes(title=_("hours"), rangemode="tozero")
    fig = layout(fig, _("First response time"))
    fig.update_layout(hovermode="closest")
    return fig
