"""Delivery channels beyond the run log: a webhook (JSON POST) and e-mail (SMTP).

Secrets never reach a log line: a webhook URL is shown by its host only (chat webhooks carry
their token in the path), and the SMTP password comes only from FILMBUZZ_SMTP_PASSWORD.
"""

from __future__ import annotations

import json
import smtplib
import urllib.error
import urllib.request
from collections.abc import Mapping, Sequence
from email.message import EmailMessage
from typing import Any
from urllib.parse import urlsplit

from pipeline.config import AlertsConfig
from pipeline.errors import FilmbuzzError

PASSWORD_VAR = "FILMBUZZ_SMTP_PASSWORD"
WEBHOOK_VAR = "FILMBUZZ_ALERTS_WEBHOOK"


class DeliveryError(FilmbuzzError):
    """A channel refused or could not be reached; the alerts stay owed to it."""


def channels(options: AlertsConfig, env: Mapping[str, str]) -> list[str]:
    """The configured channels, in delivery order."""
    found = []
    if env.get(WEBHOOK_VAR) or options.webhook:
        found.append("webhook")
    if options.smtp_host and options.smtp_to:
        found.append("email")
    return found


def send(
    channel: str, alerts: Sequence[dict[str, Any]], options: AlertsConfig, project: str,
    env: Mapping[str, str],
) -> None:  # fmt: skip
    if channel == "webhook":
        post_webhook(str(env.get(WEBHOOK_VAR) or options.webhook), alerts, project, options.timeout)
    else:
        send_email(alerts, options, project, env)


def post_webhook(url: str, alerts: Sequence[dict[str, Any]], project: str, timeout: float) -> None:
    body = json.dumps({"project": project, "alerts": list(alerts)}, ensure_ascii=False).encode()
    request = urllib.request.Request(
        url, data=body, method="POST",
        headers={"Content-Type": "application/json; charset=utf-8", "User-Agent": "filmbuzz"},
    )  # fmt: skip
    parts = urlsplit(url)  # host and port only: user info, path and query may hold secrets
    where = f"{parts.hostname}:{parts.port}" if parts.port else str(parts.hostname or "?")
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            response.read()
    except urllib.error.HTTPError as exc:
        raise DeliveryError(
            f"webhook at {where} answered {exc.code}; alerts kept for the next try"
        ) from None
    except (urllib.error.URLError, OSError) as exc:
        reason = getattr(exc, "reason", exc)
        raise DeliveryError(
            f"webhook at {where} unreachable ({reason}); alerts kept for the next try"
        ) from None


def email_message(
    alerts: Sequence[dict[str, Any]], options: AlertsConfig, project: str
) -> EmailMessage:
    message = EmailMessage()
    films = sorted({str(a["film"]) for a in alerts})
    message["Subject"] = f"filmbuzz: {len(alerts)} alert(s) for {', '.join(films)}"
    message["From"] = options.smtp_from or f"filmbuzz@{options.smtp_host}"
    message["To"] = ", ".join(options.smtp_to)
    lines = [f"{project}: what changed", ""] + [f"- {a['message']}" for a in alerts]
    message.set_content("\n".join(lines) + "\n")
    return message


def send_email(
    alerts: Sequence[dict[str, Any]], options: AlertsConfig, project: str, env: Mapping[str, str]
) -> None:
    where = f"{options.smtp_host}:{options.smtp_port}"
    password = env.get(PASSWORD_VAR)
    if options.smtp_username and not password:
        raise DeliveryError(
            f"e-mail: [alerts] smtp_username is set but {PASSWORD_VAR} is not; export it"
        )
    try:
        with smtplib.SMTP(
            str(options.smtp_host), options.smtp_port, timeout=options.timeout
        ) as smtp:
            if options.smtp_starttls:
                smtp.starttls()
            if options.smtp_username and password:
                smtp.login(options.smtp_username, password)
            smtp.send_message(email_message(alerts, options, project))
    except (smtplib.SMTPException, OSError) as exc:
        detail = type(exc).__name__
        raise DeliveryError(
            f"e-mail via {where} failed ({detail}); alerts kept for the next try"
        ) from None
