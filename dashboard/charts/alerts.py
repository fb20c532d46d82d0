"""Charts of the alerts page: open alerts by where they start, money at risk by severity, and where the money at
risk flows from the department an alert starts in to each department it reaches."""

import pandas as pd
import plotly.graph_objects as go

from dashboard.charts import count_axis, layout, money_ticks
from dashboard.safe import plot, plot_columns
from i18n import N_, _
from i18n.formats import count, money

SEVERITIES = ("high", "medium", "low")
SEVERITY_COLOURS = {"high": "#dc2626", "medium": "#f59e0b", "low": "#7088a6"}  # red, amber, grey-blue
SEVERITY_RGB = {"high": "220, 38, 38", "medium": "245, 158, 11", "low": "112, 136, 166"}
SEVERITY_NAMES = {"high": N_("High"), "medium": N_("Medium"), "low": N_("Low")}
SEVERITY_LABELS = {"high": N_("High severity"), "medium": N_("Medium severity"), "low": N_("Low severity")}
NODE_COLOUR, NODE_LINE, LABEL_COLOUR = "#e2e8f0", "#475569", "#0f172a"  # light nodes, dark text
MINIMUM_SHARE = 0.005  # a link without money is drawn this share of all the money at risk wide, and paler


def severity_name(severity: str) -> str:
    """'High', 'Medium', 'Low' in the session's language."""
    return _(SEVERITY_NAMES[severity]) if severity in SEVERITY_NAMES else severity


def severity_label(severity: str) -> str:
    """'High severity', 'Medium severity', 'Low severity' in the session's language."""
    return _(SEVERITY_LABELS[severity]) if severity in SEVERITY_LABELS else severity


def by_severity(counts: pd.DataFrame) -> go.Figure:
    """Open alerts per origin department, stacked by severity; a bar's customdata is its department id."""
    fig, counts = go.Figure(), plot_columns(counts, ["origin"])
    for severity in SEVERITIES:
        part = counts[counts["severity"] == severity]
        fig.add_bar(x=part["alerts"], y=part["origin"], orientation="h", name=severity_name(severity),
                    marker_color=SEVERITY_COLOURS[severity], customdata=part["origin_department_id"],
                    hovertemplate="%{y}: %{x}<extra>" + plot(severity_name(severity)) + "</extra>")
    fig.update_layout(barmode="stack", xaxis=count_axis(counts.groupby("origin")["alerts"].sum().max()),
                      yaxis={"autorange": "reversed"})
    fig = layout(fig, _("Open alerts by where they start"), height=max(220, 90 + 34 * counts["origin"].nunique()))
    fig.update_layout(hovermode="closest")
    return fig


MONEY_KIND_NAMES = {"one_off": N_("Sales lost or held up (once)"),
                    "expected_loss": N_("Expected loss from quiet customers (a year)"),
                    "yearly_revenue": N_("Yearly revenue of customers affected")}


def money_kind_name(kind: str) -> str:
    """What a kind of money at risk is, in the session's language (alerts.detect.MONEY_KINDS)."""
    return _(MONEY_KIND_NAMES[kind]) if kind in MONEY_KIND_NAMES else kind


def money_by_kind(split: pd.DataFrame, currency: str | None) -> go.Figure:
    """Money at risk of the open alerts, one bar per kind (kinds are never added), each split by severity and
    labelled with its total."""
    fig, kinds = go.Figure(), [k for k in MONEY_KIND_NAMES if k in set(split["money_kind"])]
    names = [money_kind_name(k) for k in kinds]
    for severity in SEVERITIES:
        part = split[split["severity"] == severity].set_index("money_kind").reindex(kinds)
        hover = [_("{severity}: {money}; open alerts: {alerts}").format(
            severity=severity_label(severity), money=money(m, currency), alerts=count(a))
            for m, a in zip(part["money"].fillna(0.0), part["alerts"].fillna(0))]
        fig.add_bar(x=part["money"].fillna(0.0), y=[plot(n) for n in names], orientation="h",
                    name=severity_name(severity), marker_color=SEVERITY_COLOURS[severity],
                    customdata=[plot(h) for h in hover], hovertemplate="%{customdata}<extra></extra>")
    totals = split.groupby("money_kind")["money"].sum().reindex(kinds)
    fig.add_scatter(x=totals, y=[plot(n) for n in names], mode="text", text=[money(t, currency) for t in totals],
                    textposition="middle right", showlegend=False, hoverinfo="skip", cliponaxis=False)
    right = float(totals.max()) * 1.35 if len(totals) else 1.0  # room for the totals beside the bars
    fig.update_layout(barmode="stack", xaxis={"range": [0, right], **money_ticks(pd.Series([0.0, right]), currency)},
                      yaxis={"autorange": "reversed", "automargin": True})
    fig = layout(fig, _("Money at risk by kind, split by severity"), height=150 + 50 * len(kinds))
    fig.update_layout(hovermode="closest")
    return fig


def _nodes(flows: pd.DataFrame, side: str) -> pd.DataFrame:
    """One node per department on one side ('origin' or 'affected'): id, name, money (real, without minimums)."""
    return (flows.groupby([f"{side}_id", side], sort=False, as_index=False)["money"].sum()
            .rename(columns={f"{side}_id": "id", side: "name"}))


def _link_text(row, currency: str | None) -> str:
    if row.money > 0:
        where = _("{origin} → {affected}: {money} at risk").format(
            origin=row.origin, affected=row.affected, money=money(row.money, currency, compact=False))
    else:
        where = _("{origin} → {affected}: no money figure, drawn at a minimum width").format(
            origin=row.origin, affected=row.affected)
    detail = _("{severity}; alerts: {alerts}; impacts: {impacts}").format(
        severity=severity_label(row.severity), alerts=count(row.alerts), impacts=count(row.impacts))
    return plot(where) + "<br>" + plot(detail)


def impact_flow(flows: pd.DataFrame, currency: str | None, title: str) -> go.Figure:
    """A Sankey from the departments alerts start in (left) to the departments they reach (right); a link's width
    is the money at risk that flows along it (links without money are drawn at a small minimum and say so), its
    colour the alerts' severity."""
    flows = flows.assign(money=flows["money"].clip(lower=0.0))
    origins, affected = _nodes(flows, "origin"), _nodes(flows, "affected")
    nodes = pd.concat([origins, affected], ignore_index=True)
    at = {("origin", i): n for n, i in enumerate(origins["id"])}
    at |= {("affected", i): len(origins) + n for n, i in enumerate(affected["id"])}
    floor = max(flows["money"].sum() * MINIMUM_SHARE, 1.0) if flows["money"].sum() > 0 else 1.0
    node_text = [plot(_("{name}: {money} at risk").format(name=n.name, money=money(n.money, currency)))
                 for n in nodes.itertuples()]
    fig = go.Figure(go.Sankey(
        arrangement="snap", textfont={"color": LABEL_COLOUR, "size": 13},
        node={"label": [plot(n) for n in nodes["name"]], "color": NODE_COLOUR, "pad": 16, "thickness": 18,
              "line": {"color": NODE_LINE, "width": 1}, "customdata": node_text,
              "hovertemplate": "%{customdata}<extra></extra>"},
        link={"source": [at["origin", i] for i in flows["origin_id"]],
              "target": [at["affected", i] for i in flows["affected_id"]],
              "value": flows["money"].where(flows["money"] > 0, floor).tolist(),
              "color": [f"rgba({SEVERITY_RGB.get(s, SEVERITY_RGB['low'])}, {0.55 if m > 0 else 0.22})"
                        for s, m in zip(flows["severity"], flows["money"])],
              "customdata": [_link_text(row, currency) for row in flows.itertuples()],
              "hovertemplate": "%{customdata}<extra></extra>"}))
    key = "   ".join(f"<span style='color:{SEVERITY_COLOURS[s]}'>■</span> {plot(severity_name(s))}" for s in SEVERITIES)
    for x, anchor, heading in ((0, "left", f"<b>{plot(_('Starts in'))}</b>"), (0.5, "center", key),
                               (1, "right", f"<b>{plot(_('Reaches'))}</b>")):
        fig.add_annotation(x=x, y=1.0, xref="paper", yref="paper", xanchor=anchor, yanchor="bottom", showarrow=False,
                           text=heading, font={"color": LABEL_COLOUR, "size": 13})
    fig = layout(fig, title, height=max(280, 130 + 44 * max(len(origins), len(affected))))
    fig.update_layout(margin={"l": 10, "r": 10, "t": 80, "b": 10}, hovermode="closest")
    return fig
