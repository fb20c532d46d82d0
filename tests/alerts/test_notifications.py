"""Notifications to a local SMTP server and a local webhook on 127.0.0.1; a dead channel never breaks a run."""

import email
import json
import threading
from http.server import BaseHTTPRequestHandler, HTTPServer

import pytest
from aiosmtpd.controller import Controller
from sqlalchemy import select

from alerts.config import AlertConfig, load_config
from alerts.engine import evaluate
from etl.db import get_engine
from etl.pipeline import run_pipeline
from etl.schema import alert_events
from etl.sources import FrameSource
from tests.fixtures import incident_frames
from tests.served import free_port


class Inbox:
    """aiosmtpd handler that keeps every message."""

    def __init__(self):
        self.messages = []

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 - aiosmtpd's hook name
        self.messages.append((envelope.rcpt_tos, envelope.content.decode()))
        return "250 OK"


@pytest.fixture
def smtp():
    inbox = Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=free_port())
    controller.start()
    yield controller.port, inbox
    controller.stop()


@pytest.fixture
def webhook():
    received = []

    class Hook(BaseHTTPRequestHandler):
        def do_POST(self):  # noqa: N802 - http.server's hook name
            received.append(json.loads(self.rfile.read(int(self.headers["Content-Length"]))))
            self.send_response(200)
            self.end_headers()

        def log_message(self, *args):
            pass

    server = HTTPServer(("127.0.0.1", 0), Hook)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_port}/hook", received
    server.shutdown()


def _config(channels: dict, routes: list) -> AlertConfig:
    data = load_config().model_dump()
    data["notifications"] = {"retries": 2, "timeout_seconds": 2, "channels": channels, "routes": routes}
    return AlertConfig.model_validate(data)


def _engine(url: str):
    engine = get_engine(url)
    run_pipeline(FrameSource("scenario", incident_frames(), currency="GBP"), engine)
    return engine


def test_each_department_gets_its_alerts_by_email_and_webhook(sqlite_url, smtp, webhook):
    port, inbox = smtp
    url, posts = webhook
    config = _config(
        {"procurement_mail": {"type": "email", "smtp_port": port, "sender": "cockpit@example.com",
                              "to": ["buyers@example.com"]},
         "sales_hook": {"type": "webhook", "url": url},
         "marketing_hook": {"type": "webhook", "url": url}},
        [{"departments": ["PRC"], "severities": ["high"], "channels": ["procurement_mail"]},
         {"departments": ["D2"], "channels": ["sales_hook"]},  # D2 is affected, not the origin
         {"departments": ["MKT"], "channels": ["marketing_hook"]}])  # not concerned
    result = evaluate(_engine(sqlite_url), config)
    assert (result.notified, result.failed) == (2, 0)
    (recipients, mail), = inbox.messages
    assert recipients == ["buyers@example.com"]
    message = email.message_from_string(mail)
    assert " ".join(message["Subject"].split()) == ("[high] Late purchase order PO4 from Slow Parts: Widget at risk "
                                                   "of a stock-out, GBP 75.00 of sales at risk")
    assert "- support (SUP): tell Acme Ltd that order O6 with Widget may be late" in message.get_payload()
    (post,) = posts
    assert post["alert"]["impact_amount"] == pytest.approx(75.0)
    assert post["text"].startswith("[HIGH] Late purchase order PO4")


def test_a_failing_channel_is_retried_logged_and_never_breaks_the_run(sqlite_url, caplog):
    dead = f"http://127.0.0.1:{free_port()}/nobody-listens"
    config = _config({"dead": {"type": "webhook", "url": dead}}, [{"channels": ["dead"]}])
    engine = _engine(sqlite_url)
    result = evaluate(engine, config)
    assert (len(result.opened), result.notified, result.failed) == (1, 0, 1)
    assert sum("channel dead failed (attempt" in r.message for r in caplog.records) == 2  # both tries logged
    with engine.connect() as conn:
        actions = conn.execute(select(alert_events.c.action, alert_events.c.comment)).all()
    assert actions[0].action == "opened" and actions[1].action == "notify_failed"
    assert actions[1].comment.startswith("dead: URLError")
