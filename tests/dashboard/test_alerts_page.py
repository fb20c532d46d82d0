"""The alerts page in English and Ukrainian: the late-supplier fixture worked out by hand, and the demo's money at
risk (cards, the split by severity, the Sankey's links) against pandas on the alerts tables."""

import json

import pandas as pd
import pytest
from sqlalchemy import select
from streamlit.proto.WidgetStates_pb2 import WidgetState

from access import audit
from alerts.config import load_config
from alerts.engine import evaluate
from dashboard.charts import alerts as alert_charts
from etl.db import get_engine
from etl.pipeline import run_pipeline
from etl.schema import alert_events, alert_impacts, alerts, customers, departments
from etl.sources import FrameSource
from i18n import speaking
from i18n.formats import money
from tests.dashboard.conftest import metrics
from tests.dashboard.page_tools import plotted
from tests.fixtures import calm_frames, incident_frames

NBSP = "\u00a0"


def _load(url: str, frames) -> None:
    engine = get_engine(url)
    run_pipeline(FrameSource("scenario", frames, currency="GBP"), engine)
    evaluate(engine, load_config())


def chart(at, key: str) -> dict:
    """The Plotly figure drawn under a key."""
    return next(json.loads(c.proto.spec) for c in at.get("plotly_chart") if c.proto.id.endswith(f"-{key}"))


def click(at, key: str, customdata: list) -> None:
    """What a browser sends when points of a chart are clicked: its selection, with the points' customdata."""
    element = next(c for c in at.get("plotly_chart") if c.proto.id.endswith(f"-{key}"))
    state = WidgetState(id=element.proto.id, string_value=json.dumps({"selection": {
        "points": [{"customdata": c} for c in customdata], "point_indices": [], "box": [], "lasso": []}}))
    states = at._tree.get_widget_states()
    states.widgets.append(state)
    at._run(states)


def uk(function, *args):
    """A value formatted as a Ukrainian session shows it."""
    with speaking("uk"):
        return function(*args)


def test_alerts_page_shows_the_chain_and_keeps_who_acted(app_on, sqlite_url):
    _load(sqlite_url, incident_frames())
    at = app_on(sqlite_url)
    assert at.get("page_link")[0].proto.label == "1 open alert needs attention"
    at.switch_page("views/alerts.py").run()
    assert not at.exception
    assert metrics(at) == {"High severity": ("1", ""), "Medium severity": ("0", ""), "Low severity": ("0", ""),
                           "Sales lost or held up (once)": ("£75", "")}  # the only kind of money at risk here
    assert at.dataframe[0].value["title"].tolist() == [
        "Late purchase order PO4 from Slow Parts: Widget at risk of a stock-out, £75 of sales at risk"]
    chain = at.dataframe[1].value
    assert chain["area"].tolist() == ["Starts here", "Procurement", "Logistics", "Sales", "Sales", "Support"]
    assert chain["department"].tolist() == ["Procurement", "Procurement", "Logistics", "Sales North", "Sales South",
                                            "Support"]
    # tests/fixtures.py incident_frames: 3.5 Widgets short, 67.05 and 7.95 of sales at risk, C1's one order
    assert chain["amount"].tolist()[2:] == ["3.5 units", "£67", "£8", "1 orders"]
    assert chain["description"].tolist()[3] == ("Widget: 1 open orders worth £40 wait for it; about £27 of sales lost "
                                                "while it is out of stock")
    assert [t.label for t in at.text_input] == ["Comment"]  # who acts is the signed-in user, never a typed name
    at.text_input(key="alert_comment").input("chasing the supplier")  # inside the form: sent with the button
    next(b for b in at.button if b.label == "Acknowledge").click().run()
    assert at.dataframe[0].value["status"].tolist() == ["acknowledged"]
    history = at.dataframe[-1].value
    assert history[["actor", "action", "comment"]].values.tolist() == [
        ["alerts", "opened", "Expected 13 Jan 2025, 8 days late."],
        ["test-admin", "acknowledged", "chasing the supplier"]]
    trail = audit.trail(get_engine(sqlite_url), action="alert_acknowledge")
    assert trail[["actor", "target", "detail"]].values.tolist() == [["test-admin", "alert 1", "chasing the supplier"]]


def test_in_ukrainian_the_alert_reads_in_ukrainian_with_its_names_and_money(app_on, sqlite_url):
    _load(sqlite_url, incident_frames())
    at = app_on(sqlite_url, language="uk")
    at.switch_page("views/alerts.py").run()
    assert not at.exception
    at_risk = uk(money, 75.0, "GBP")
    assert at_risk == f"75{NBSP}£"
    assert metrics(at) == {"Висока серйозність": ("1", ""), "Середня серйозність": ("0", ""),
                           "Низька серйозність": ("0", ""), "Втрачені або затримані продажі (разово)": (at_risk, "")}
    title = ("Прострочене замовлення на закупівлю PO4 від Slow Parts: ризик дефіциту товару Widget, під загрозою "
             f"продажі на {at_risk}")
    assert at.dataframe[0].value["title"].tolist() == [title]
    assert at.dataframe[0].value["status"].tolist() == ["відкрито"]
    chain = at.dataframe[1].value
    assert chain["area"].tolist() == ["Виникає тут", "Закупівлі", "Логістика", "Продажі", "Продажі", "Підтримка"]
    assert chain["amount"].tolist()[2:] == ["3,5 од.", f"67{NBSP}£", f"8{NBSP}£", "замовлень: 1"]
    assert chain["description"].tolist()[1:] == [
        "Slow Parts запізнюється на 8 дн. із поставкою 50 × Widget",
        "Widget: запасу 2 од. вистачить на 2,5 дн. при 0,79 од. на день, а прострочене замовлення очікується ще "
        "через 7 дн.; бракуватиме близько 3,5 од.",
        f"Widget: на товар чекають відкриті замовлення (1) на суму 40{NBSP}£; близько 27{NBSP}£ втрачених продажів, "
        "поки його немає на складі",
        f"Widget: близько 8{NBSP}£ втрачених продажів, поки товару немає на складі",
        "повідомити клієнта Acme Ltd, що замовлення O6 з товаром Widget може запізнитися"]
    assert at.subheader[0].value.replace("\\", "") == title
    at.text_input(key="alert_comment").input("чекаємо на постачальника")
    next(b for b in at.button if b.label == "Підтвердити").click().run()
    history = at.dataframe[-1].value
    assert history[["actor", "action", "comment"]].values.tolist() == [
        ["alerts", "відкрито", "Очікувалося 13 січ. 2025\u202fр., запізнення 8 дн."],  # Babel's narrow space
        ["test-admin", "підтверджено", "чекаємо на постачальника"]]
    with get_engine(sqlite_url).connect() as conn:  # kept as the signed-in user, in the warehouse's own words
        kept = conn.execute(select(alert_events.c.actor, alert_events.c.action)
                            .order_by(alert_events.c.event_id)).all()
    assert [tuple(row) for row in kept] == [("alerts", "opened"), ("test-admin", "acknowledged")]


def demo_alerts(url: str) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The open alerts of a warehouse with their origin's name, and every impact after the origin with the name of
    the department it reaches, read straight from the tables."""
    with get_engine(url).connect() as conn:
        found = pd.read_sql(select(alerts), conn)
        chain = pd.read_sql(select(alert_impacts).where(alert_impacts.c.step > 0), conn)
        names = dict(conn.execute(select(departments.c.department_id, departments.c.name)).all())
    found = found[found["status"].isin(["open", "acknowledged"])].assign(
        origin=lambda f: f["origin_department_id"].map(names))
    chain = chain.merge(found[["alert_id", "origin", "severity"]], on="alert_id").assign(
        affected=lambda c: c["department_id"].map(names).fillna("—"))
    return found, chain


@pytest.mark.parametrize("language", ["en", "uk"])
def test_the_sankey_and_the_cards_carry_each_kind_of_money_at_risk_apart(app_on, matrix_warehouse, language):
    url = matrix_warehouse("demo")
    found, chain = demo_alerts(url)
    kinds = found.set_index("alert_id")["money_kind"]
    chain = chain.assign(kind=chain["alert_id"].map(kinds))
    once = chain[chain["kind"] == "one_off"]  # the Sankey's first kind: sales lost or held up once
    money_flows = once[once["unit"] == "currency"].groupby(["origin", "affected"])["amount"].sum()
    money_flows = money_flows[money_flows > 0].round(2).to_dict()
    without_money = set(once.groupby(["origin", "affected"]).groups) - set(money_flows)
    assert len(money_flows) > 3 and without_money  # the demo has both kinds of link
    at = app_on(url, language=language)
    at.switch_page("views/alerts.py").run()
    assert not at.exception
    sankey = chart(at, "alerts_flow_chart")["data"][0]
    labels, links = sankey["node"]["label"], sankey["link"]
    drawn = pd.DataFrame({"origin": [labels[s] for s in links["source"]],
                          "affected": [labels[t] for t in links["target"]], "value": links["value"],
                          "hover": links["customdata"]})
    said_none = drawn["hover"].str.contains("no money figure" if language == "en" else "без грошової оцінки")
    assert drawn[~said_none].groupby(["origin", "affected"])["value"].sum().round(2).to_dict() == money_flows
    assert set(drawn[said_none].groupby(["origin", "affected"]).groups) == without_money
    assert (drawn.loc[said_none, "value"] > 0).all()  # drawn, thin but visible

    per_kind = chain[chain["unit"] == "currency"].groupby("kind")["amount"].sum()
    assert set(per_kind.index) >= {"one_off", "expected_loss"}
    assert per_kind.sum() == pytest.approx(found["impact_amount"].sum())  # each alert's money is of one kind
    shown = metrics(at)
    with speaking(language):
        for kind, total in per_kind.items():  # a card per kind, never one total across kinds
            assert shown[alert_charts.money_kind_name(kind)] == (money(total, "GBP"), "")
        assert not any(label in shown for label in ("Money at risk", "Гроші під загрозою"))
        bars = chart(at, "alerts_money_chart")["data"]
        names = [alert_charts.money_kind_name(k) for k in alert_charts.MONEY_KIND_NAMES if k in per_kind]
        by_severity = chain[chain["unit"] == "currency"].merge(found[["alert_id"]]).groupby(["severity", "kind"])[
            "amount"].sum()
        for trace, severity in zip(bars[:3], ("high", "medium", "low")):
            assert trace["y"] == names
            assert plotted(trace, "x") == pytest.approx([by_severity.get((severity, k), 0.0)
                                                for k in alert_charts.MONEY_KIND_NAMES if k in per_kind])
        assert bars[3]["text"] == [money(per_kind[k], "GBP") for k in alert_charts.MONEY_KIND_NAMES if k in per_kind]


def test_a_quiet_customers_loss_is_their_yearly_revenue_times_the_back_tested_share_gone(app_on, matrix_warehouse):
    url = matrix_warehouse("demo")
    found, _ = demo_alerts(url)
    with get_engine(url).connect() as conn:
        names = dict(conn.execute(select(customers.c.customer_id, customers.c.name)).all())
    quiet = found[found["rule_id"] == "valuable_customer_at_risk"]
    facts = [json.loads(m) for m in quiet["message"]]
    backtest = facts[0]["message"][1]["params"]
    gone = 1 - backtest["back"] / backtest["flagged"]
    assert backtest["origins"] >= 6 and 0 < gone < 1
    for (_, alert), fact in zip(quiet.iterrows(), facts):
        yearly = fact["title"]["params"]["money"]
        assert alert["impact_amount"] == pytest.approx(round(yearly * gone, 2))  # the expected loss, not a year
        assert alert["money_kind"] == "expected_loss"
    expected = {f"Цінний клієнт затих: {names[c]}, очікувана втрата {uk(money, loss, 'GBP')} з "
                f"{uk(money, f['title']['params']['money'], 'GBP')} на рік"
                for c, loss, f in zip(quiet["entity_id"], quiet["impact_amount"], facts)}
    at = app_on(url, language="uk")
    at.switch_page("views/alerts.py").run()
    listing = at.dataframe[0].value
    assert set(listing.loc[listing["alert_id"].isin(quiet["alert_id"]), "title"]) == expected


def test_a_click_on_a_department_filters_the_page_to_the_alerts_that_touch_it(app_on, matrix_warehouse):
    url = matrix_warehouse("demo")
    found, chain = demo_alerts(url)
    north = "SAL-NOR"
    touching = found[(found["origin_department_id"] == north) | found["alert_id"].isin(
        chain.loc[chain["department_id"] == north, "alert_id"])]
    at = app_on(url)
    at.switch_page("views/alerts.py").run()
    click(at, "alerts_origin_chart", [north])
    assert not at.exception
    assert at.sidebar.multiselect(key="filter_departments").value == [north]
    counted = touching["severity"].value_counts()
    mine = chain[(chain["department_id"] == north) & (chain["unit"] == "currency")].merge(
        found[["alert_id", "money_kind"]])  # the money of the department's own steps, per kind
    shown = metrics(at)
    assert {k: v for k, v in shown.items() if "severity" in k} == {
        "High severity": (str(counted.get("high", 0)), ""), "Medium severity": (str(counted.get("medium", 0)), ""),
        "Low severity": (str(counted.get("low", 0)), "")}
    assert {k: v for k, v in shown.items() if "severity" not in k} == {
        alert_charts.money_kind_name(kind): (money(total, "GBP"), "")
        for kind, total in mine.groupby("money_kind")["amount"].sum().items()}


def test_department_filter_shows_alerts_that_start_in_or_reach_it(app_on, sqlite_url):
    _load(sqlite_url, incident_frames())
    at = app_on(sqlite_url)
    at.switch_page("views/alerts.py").run()
    at.sidebar.multiselect(key="filter_departments").set_value(["D2"]).run()  # reached, not the origin
    assert metrics(at)["High severity"] == ("1", "")
    at.sidebar.multiselect(key="filter_departments").set_value(["SUP", "D1"]).run()
    assert metrics(at)["High severity"] == ("1", "")


@pytest.mark.parametrize(("language", "said"), [("en", "No open alert across the company."),
                                                ("uk", "У компанії немає відкритих сповіщень.")])
def test_a_calm_company_shows_no_alert(app_on, sqlite_url, language, said):
    _load(sqlite_url, calm_frames())
    at = app_on(sqlite_url, language=language)
    assert not at.get("page_link")
    at.switch_page("views/alerts.py").run()
    assert at.success[0].value == said


def test_a_manager_sees_only_their_departments_steps_and_resolves_only_what_starts_with_them(app_on, sqlite_url):
    """docs/security.md: a manager of Sales North (reached) sees the alert, their own step and its £67, not Sales
    South's £8; may acknowledge but not resolve; the manager of Procurement, where it starts, may resolve."""
    _load(sqlite_url, incident_frames())
    at = app_on(sqlite_url, "manager", ("D1",))
    at.switch_page("views/alerts.py").run()
    assert not at.exception
    assert metrics(at)["Sales lost or held up (once)"] == ("£67", "")  # 67.05 of the 75: their step alone
    chain = at.dataframe[1].value
    assert chain["department"].tolist() == ["Sales North"] and chain["amount"].tolist() == ["£67"]
    resolve = next(b for b in at.button if b.label == "Resolve")
    assert resolve.disabled and not next(b for b in at.button if b.label == "Acknowledge").disabled
    origin = app_on(sqlite_url, "manager", ("PRC",))
    origin.switch_page("views/alerts.py").run()
    assert origin.dataframe[1].value["area"].tolist() == ["Starts here", "Procurement"]
    next(b for b in origin.button if b.label == "Resolve").click().run()
    with get_engine(sqlite_url).connect() as conn:
        assert conn.execute(select(alerts.c.status)).scalars().all() == ["resolved"]


def test_without_a_support_department_no_step_or_flow_leads_to_a_dash(app_on, sqlite_url):
    """SUP of kind 'other': the chain ends with the two sales steps (no 'Support -> —'), and the Sankey links
    Procurement to the four departments that exist (Procurement, Logistics, Sales North, Sales South)."""
    frames = incident_frames()
    frames["departments"].loc[frames["departments"]["department_id"] == "SUP", "kind"] = "other"
    _load(sqlite_url, frames)
    at = app_on(sqlite_url)
    at.switch_page("views/alerts.py").run()
    assert not at.exception
    chain = at.dataframe[1].value
    assert chain["area"].tolist() == ["Starts here", "Procurement", "Logistics", "Sales", "Sales"]
    assert "—" not in chain["department"].tolist()
    sankey = chart(at, "alerts_flow_chart")["data"][0]
    labels, links = sankey["node"]["label"], sankey["link"]
    assert "—" not in labels
    assert sorted(labels[t] for t in links["target"]) == ["Logistics", "Procurement", "Sales North", "Sales South"]
