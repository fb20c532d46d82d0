"""Sign-in, sign-out, expiry, pages by role, default deny, the admin page, and the alerts page by scope."""

from datetime import datetime, timedelta

import pytest
from sqlalchemy import insert, update
from streamlit.testing.v1 import AppTest

from access import audit, users
from alerts.config import load_config
from alerts.engine import evaluate
from etl.db import get_engine
from etl.pipeline import run_pipeline
from etl.schema import alert_impacts, alerts, user_sessions
from etl.sources import FrameSource
from i18n import speaking
from tests.dashboard.conftest import APP, metrics
from tests.dashboard.page_tools import labels, record_downloads
from tests.dashboard.test_social_pages import same_rows
from tests.fixtures import incident_frames

HOSTILE = ':red[x] <img src=x onerror="alert(1)"> [x](javascript:alert(1)) =HYPERLINK("http://evil")'


@pytest.fixture
def incident_url(sqlite_url):
    """The incident warehouse (one alert from Procurement reaching LOG, D1, D2 and SUP), plus a second alert
    with a hostile title that starts in D2 and reaches nothing else."""
    engine = get_engine(sqlite_url)
    run_pipeline(FrameSource("scenario", incident_frames(), currency="GBP"), engine)
    evaluate(engine, load_config())
    now = datetime(2025, 1, 20, 12)
    with engine.begin() as conn:
        conn.execute(insert(alerts).values(
            alert_id=2, rule_id="manual", kind="manual", fingerprint="manual:x", severity="low", status="open",
            origin_department_id="D2", entity_type="customer", entity_id="C2", title=HOSTILE, message=HOSTILE,
            impact_amount=5.0, as_of=now.date(), opened_at=now, updated_at=now))
        conn.execute(insert(alert_impacts).values(alert_id=2, step=0, department_id="D2", area="origin",
                                                  entity_type="customer", entity_id="C2", description=HOSTILE))
    return sqlite_url


def fresh(url: str, monkeypatch) -> AppTest:
    monkeypatch.setenv("DATABASE_URL", url)
    return AppTest.from_file(APP, default_timeout=60)


def test_the_sign_in_form_refuses_wrong_passwords_and_keeps_the_link(full_url, monkeypatch):
    users.add_user(get_engine(full_url), "eve", "executive", (), "eve's long secret", "tests")
    at = fresh(full_url, monkeypatch)
    at.query_params.update({"start": "2025-01-13", "end": "2025-01-20", "dept": ["D1"]})
    at.run()
    assert [t.label for t in at.text_input] == ["Username", "Password"] and at.button[0].label == "Sign in"
    assert not at.metric and not at.sidebar.multiselect  # nothing of the data before sign-in
    at.text_input(key="sign_in_username").input("eve")
    at.text_input(key="sign_in_password").input("wrong guess")
    at.button[0].click().run()
    assert at.error[0].value == "Unknown username or wrong password." and not at.metric
    at.text_input(key="sign_in_username").input("eve")
    at.text_input(key="sign_in_password").input("eve's long secret")
    at.button[0].click().run()
    assert not at.exception and at.title[0].value == "Executive overview"
    assert metrics(at)["Net revenue"][0] == "-£20"  # the link's filters survive the sign-in
    assert at.sidebar.text[0].value == "Signed in as eve (executive)"
    trail = audit.trail(get_engine(full_url)).iloc[::-1]
    assert trail["action"].tolist()[-2:] == ["sign_in_failed", "sign_in"]


def test_sign_out_and_expiry_bring_back_the_form(app_on, full_url, monkeypatch):
    at = app_on(full_url, "executive")
    next(b for b in at.sidebar.button if b.label == "Sign out").click().run()
    assert at.info[0].value == "You have signed out." and [t.label for t in at.text_input] == ["Username", "Password"]
    at = app_on(full_url, "executive")
    with get_engine(full_url).begin() as conn:  # 31 minutes without a click
        conn.execute(update(user_sessions).values(last_seen_at=datetime.now() - timedelta(minutes=31)))
    at.run()
    assert at.info[0].value == "Your session has ended or expired: sign in again." and not at.metric
    actions = audit.trail(get_engine(full_url))["action"].tolist()
    assert "sign_out" in actions and "session_expired" in actions


@pytest.mark.parametrize(("role", "ops", "admin"), [("admin", True, True), ("analyst", True, False),
                                                    ("executive", False, False), ("manager", False, False)])
def test_pages_open_by_role(app_on, full_url, role, ops, admin):
    at = app_on(full_url, role, ("D1",) if role == "manager" else ())
    for page, title, shown in (("operations", "Data operations", ops), ("admin", "Admin", admin)):
        if shown:
            assert at.switch_page(f"views/{page}.py").run().title[0].value == title
        else:  # not in the navigation at all
            with pytest.raises(ValueError, match="Could not find a navigation page"):
                at.switch_page(f"views/{page}.py")


def test_the_admin_page_itself_refuses_other_roles(full_url, monkeypatch):
    from tests.dashboard.conftest import signed_in

    at = AppTest.from_file(APP.replace("app.py", "views/admin.py"), default_timeout=60)
    monkeypatch.setenv("DATABASE_URL", full_url)
    at.session_state["principal"] = signed_in(full_url, "executive")
    at.run()
    assert at.error[0].value == "Your role does not open this page." and not at.dataframe


@pytest.mark.parametrize(("role", "departments", "why"), [
    (None, (), "has no role yet"), ("manager", (), "is a manager of no department")])
def test_a_user_without_role_or_department_sees_nothing_and_is_told_why(app_on, full_url, role, departments, why):
    at = app_on(full_url, role, departments)
    assert why in at.warning[0].value and not at.metric and not at.dataframe and not at.sidebar.multiselect
    at.switch_page("views/alerts.py").run()
    assert not at.metric and not at.dataframe


def test_alerts_by_scope_disjoint_managers_add_up_to_the_executive(app_on, incident_url):
    shown = {}
    for who, depts in (("executive", ()), ("manager", ("D2",)), ("manager", ("LOG",)), ("manager", ("D1", "SUP"))):
        at = app_on(incident_url, who, depts)
        at.switch_page("views/alerts.py").run()
        assert not at.exception
        shown[depts] = at.dataframe[0].value["alert_id"].tolist()
    assert shown == {(): [1, 2], ("D2",): [1, 2], ("LOG",): [1], ("D1", "SUP"): [1]}


def test_a_manager_cannot_widen_the_scope_through_the_url(incident_url, monkeypatch):
    from tests.dashboard.conftest import signed_in

    at = fresh(incident_url, monkeypatch)
    at.query_params.update({"dept": ["D2"]})
    at.session_state["principal"] = signed_in(incident_url, "manager", ("LOG",))
    at.run()
    at.switch_page("views/alerts.py").run()
    shown = at.dataframe[0].value["alert_id"].tolist() if at.dataframe else []
    assert 2 not in shown and metrics(at)["Low severity"] == ("0", "")  # never the D2-only alert


def test_hostile_alert_text_is_shown_as_typed(app_on, incident_url):
    at = app_on(incident_url, "executive")
    at.switch_page("views/alerts.py").run()
    at.selectbox(key="alert_picked").set_value(2).run()
    subheader = at.subheader[0].value
    assert subheader.replace("\\", "") == HOSTILE and "\\:red\\[x\\]" in subheader and "\\<img" in subheader
    assert "\\[x\\]\\(javascript\\:alert\\(1\\)\\)" in at.markdown[0].value


def test_only_roles_that_may_act_see_the_actions(app_on, incident_url):
    for role, may in (("analyst", False), ("executive", True), ("manager", True)):
        at = app_on(incident_url, role, ("D2",) if role == "manager" else ())
        at.switch_page("views/alerts.py").run()
        assert any(b.label == "Acknowledge" for b in at.button) is may


def test_admin_adds_a_manager_and_sees_it_in_the_trail(app_on, full_url, monkeypatch):
    downloaded = record_downloads(monkeypatch)
    at = app_on(full_url, "admin")
    at.switch_page("views/admin.py").run()
    at.text_input(key="admin_new_name").input("mia")
    at.selectbox(key="admin_new_role").set_value("manager")
    at.multiselect(key="admin_new_departments").set_value(["D2"])
    at.text_input(key="admin_new_password").input("mia's long secret")
    next(b for b in at.button if b.label == "Add user").click().run()
    assert not at.exception and at.success[0].value == "Added: mia."
    assert users.authenticate(get_engine(full_url), "mia", "mia's long secret").departments == ("D2",)
    trail = at.dataframe[1].value
    assert trail[["actor", "action", "target", "detail"]].values.tolist()[0] == [
        "test-admin", "user added", "mia", "role manager, departments D2"]
    assert audit.trail(get_engine(full_url), action="download").empty  # offered, not yet clicked
    assert len(downloaded(at, "admin_audit")) == len(trail)
    downloads = audit.trail(get_engine(full_url), action="download")
    assert downloads[["actor", "target"]].values.tolist() == [["test-admin", "audit-trail.csv"]]
    assert downloads["detail"].iloc[0] == f"{len(trail):,} rows"


def test_the_form_locks_an_account_after_five_failures(full_url, monkeypatch):
    users.add_user(get_engine(full_url), "eve", "executive", (), "eve's long secret", "tests")
    at = fresh(full_url, monkeypatch)
    at.run()
    for attempt in [*["guess"] * 5, "eve's long secret"]:
        at.text_input(key="sign_in_username").input("eve")
        at.text_input(key="sign_in_password").input(attempt)
        at.button[0].click().run()
    assert at.error[0].value.startswith("Too many failed sign-ins: this account is locked until ")
    assert not at.metric and not at.sidebar.multiselect


def test_hostile_names_stay_text_on_the_alerts_and_admin_pages(app_on, sqlite_url):
    from tests.dashboard.hostile import HOSTILE, hostile_frames, markup_leaks

    engine = get_engine(sqlite_url)
    run_pipeline(FrameSource("hostile", hostile_frames(), currency="GBP"), engine)
    evaluate(engine, load_config())
    with pytest.raises(users.AccessError):
        users.authenticate(engine, HOSTILE[0][:64], "guess")  # a hostile name typed into the form
    at = app_on(sqlite_url, "admin")
    at.switch_page("views/alerts.py").run()
    assert "@Slow" in at.dataframe[0].value["title"].iloc[0]  # the engine wrote the supplier's name
    assert at.get("plotly_chart") and markup_leaks(at) == []
    at.switch_page("views/admin.py").run()
    assert not at.exception and markup_leaks(at) == []


def test_admin_changes_disables_and_resets_a_user(app_on, full_url):
    engine = get_engine(full_url)
    users.add_user(engine, "mia", "manager", ("D1",), "mia's long secret", "tests")
    at = app_on(full_url, "admin")
    at.switch_page("views/admin.py").run()
    at.selectbox(key="admin_user").set_value("mia").run()
    at.multiselect(key="admin_departments:mia").set_value(["D1", "D2"])
    next(b for b in at.button if b.label == "Save role and departments").click().run()
    assert at.success[0].value == "Saved the role and departments of: mia."
    next(b for b in at.button if b.label == "Disable this user").click().run()
    with pytest.raises(users.AccessError, match="disabled"):
        users.authenticate(engine, "mia", "mia's long secret")
    at.selectbox(key="admin_reset_user").set_value("mia")
    at.text_input(key="admin_reset_password").input("short")
    next(b for b in at.button if b.label == "Set password").click().run()
    assert at.error[0].value == "The password has 5 characters: use at least 10."
    actions = audit.trail(engine, actor="test-admin")["action"].tolist()
    assert actions[:2] == ["user_disabled", "user_changed"]
    assert users.principal_of(engine, "mia").departments == ("D1", "D2")


def test_the_admin_page_in_ukrainian_adds_a_user_and_shows_the_trail_as_csv(app_on, full_url, monkeypatch):
    downloads = record_downloads(monkeypatch)
    at = app_on(full_url, "admin", language="uk")
    at.switch_page("views/admin.py").run()
    assert at.title[0].value == "Адміністрування" and [h.value for h in at.header] == ["Користувачі", "Журнал аудиту"]
    assert [t.label for t in at.tabs] == ["Додати користувача", "Змінити користувача", "Скинути пароль"]
    assert at.multiselect(key="admin_new_departments").proto.placeholder == "Виберіть відділи"  # not Streamlit's
    people = at.dataframe[0]
    assert labels(people)["role"] == "Роль" and people.value[["user", "role", "state"]].values.tolist() == [
        ["test-admin", "адміністратор", "активний"]]
    at.text_input(key="admin_new_name").input("mia")
    at.selectbox(key="admin_new_role").set_value("manager")
    at.multiselect(key="admin_new_departments").set_value(["D2"])
    at.text_input(key="admin_new_password").input("short")
    next(b for b in at.button if b.label == "Додати користувача").click().run()
    assert at.error[0].value == "Довжина пароля — 5 симв.: потрібно щонайменше 10."  # the AccessError, translated
    at.text_input(key="admin_new_name").input("mia")
    at.selectbox(key="admin_new_role").set_value("manager")
    at.multiselect(key="admin_new_departments").set_value(["D2"])
    at.text_input(key="admin_new_password").input("mia's long secret")
    next(b for b in at.button if b.label == "Додати користувача").click().run()
    assert at.success[0].value == "Додано: mia."
    assert at.dataframe[0].value.set_index("user").loc["mia", "role"] == "менеджер"
    trail = at.dataframe[1]
    assert labels(trail)["action"] == "Що" and trail.value[["action", "target", "outcome"]].values.tolist()[0] == [
        "користувача додано", "mia", "успішно"]
    stored = audit.trail(get_engine(full_url), 2000)  # the trail keeps its codes; the page words them
    assert stored["action"].iloc[0] == "user_added" and len(stored) == len(trail.value)
    same_rows(downloads(at, "admin_audit"), trail.value, labels(trail))
    at.selectbox(key="admin_audit_action").set_value("user_added").run()
    assert at.dataframe[1].value["target"].tolist() == ["mia", *["test-admin"] * (len(at.dataframe[1].value) - 1)]


def test_sign_in_refusals_and_denials_in_ukrainian_while_the_command_line_stays_english(full_url, app_on, monkeypatch):
    at = fresh(full_url, monkeypatch)
    at.query_params["lang"] = "uk"
    at.run()
    assert [t.label for t in at.text_input] == ["Ім’я користувача", "Пароль"]
    at.text_input(key="sign_in_username").input("nobody")
    at.text_input(key="sign_in_password").input("wrong guess")
    at.button[0].click().run()
    assert at.error[0].value == "Невідоме ім’я користувача або неправильний пароль."
    at = app_on(full_url, None, language="uk")
    assert at.warning[0].value == ("Ваш обліковий запис «test-norole» ще не має ролі, тож дані не показуються: "
                                   "попросіть адміністратора призначити роль (python -m access add-user ... --role "
                                   "ROLE).")
    with pytest.raises(users.AccessError, match="^The password has 5 characters: use at least 10.$"):
        users.check_password("short")  # outside a session (the command line): English
    with speaking("uk"), pytest.raises(users.AccessError, match="^Довжина пароля — 5 симв."):
        users.check_password("short")
