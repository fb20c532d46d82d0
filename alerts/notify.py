"""Notifications: e-mail over SMTP and a JSON webhook (Slack-compatible), retried, logged, never fatal."""

import json
import logging
import smtplib
import time
import urllib.request
from email.message import EmailMessage

from alerts.config import EmailChannel, Notifications, WebhookChannel
from alerts.texts import english_message

log = logging.getLogger(__name__)


def text_of(alert: dict, impacts: list[dict]) -> str:
    """The alert as plain text: title, message, and the chain of impacts."""
    lines = [f"[{alert['severity'].upper()}] {alert['title']}", english_message(alert["message"])]
    lines += [f"- {i['area']} ({i['department_id'] or 'no department'}): {i['description']}" for i in impacts]
    return "\n".join(lines)


def _send_email(channel: EmailChannel, subject: str, body: str, timeout: float) -> None:
    message = EmailMessage()
    message["From"], message["To"], message["Subject"] = channel.sender, ", ".join(channel.to), subject
    message.set_content(body)
    with smtplib.SMTP(channel.smtp_host, channel.smtp_port, timeout=timeout) as smtp:
        if channel.starttls:
            smtp.starttls()
        if channel.username:
            smtp.login(channel.username, channel.password or "")
        smtp.send_message(message)


def _send_webhook(channel: WebhookChannel, alert: dict, body: str, timeout: float) -> None:
    payload = json.dumps({"text": body, "alert": {k: alert[k] for k in (
        "alert_id", "rule_id", "severity", "title", "origin_department_id", "impact_amount")}}, default=str)
    request = urllib.request.Request(channel.url, data=payload.encode(), method="POST",
                                     headers={"Content-Type": "application/json"})
    with urllib.request.urlopen(request, timeout=timeout) as response:
        if response.status >= 300:
            raise OSError(f"HTTP {response.status}")


def channels_for(settings: Notifications, alert: dict, departments: set[str]) -> list[str]:
    """The channels whose routes match the alert's severity and one of its departments."""
    chosen = []
    for route in settings.routes:
        if alert["severity"] in route.severities and ("*" in route.departments or departments & set(route.departments)):
            chosen += [c for c in route.channels if c not in chosen]
    return chosen


def deliver(settings: Notifications, name: str, alert: dict, impacts: list[dict]) -> str | None:
    """Send to one channel with retries; returns None on success, else the last error (logged, not raised)."""
    channel = settings.channels.get(name)
    if channel is None:
        return f"no channel named {name!r} in the rules file"
    body = text_of(alert, impacts)
    error = None
    for attempt in range(1, settings.retries + 1):
        try:
            if isinstance(channel, EmailChannel):
                _send_email(channel, f"[{alert['severity']}] {alert['title']}", body, settings.timeout_seconds)
            else:
                _send_webhook(channel, alert, body, settings.timeout_seconds)
            return None
        except (OSError, smtplib.SMTPException) as failure:
            error = f"{type(failure).__name__}: {failure}"
            log.warning("alert %s: channel %s failed (attempt %d of %d): %s", alert["alert_id"], name, attempt,
                        settings.retries, error)
            time.sleep(0.2 * attempt)
    return error
