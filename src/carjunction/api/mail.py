"""Notices and receipts by e-mail: SES in AWS, an outbox folder locally and in tests.

The words live in ``emails/*.txt`` (first line is the subject), so a translation is a new file, not new code.
"""

from __future__ import annotations

import json
import logging
import time
import uuid
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from string import Template
from typing import Any, Protocol

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Email:
    to: str
    subject: str
    body: str
    reply_to: str | None = None
    # Extra header fields, e.g. List-Unsubscribe on update mails; never anything a visitor typed.
    headers: dict[str, str] = field(default_factory=dict)


class Mailer(Protocol):
    def send(self, email: Email) -> None: ...


def render(template_name: str, to: str, reply_to: str | None = None, **values: Any) -> Email:
    text = resources.files("carjunction.api").joinpath("emails", f"{template_name}.txt").read_text(encoding="utf-8")
    subject, _, body = Template(text).substitute(values).partition("\n")
    return Email(to=to, subject=subject.strip(), body=body.lstrip("\n"), reply_to=reply_to)


class SesMailer:
    def __init__(self, client: Any, sender: str) -> None:
        self.client = client
        self.sender = sender

    def send(self, email: Email) -> None:
        request: dict[str, Any] = {
            "FromEmailAddress": self.sender,
            "Destination": {"ToAddresses": [email.to]},
            "Content": {
                "Simple": {
                    "Subject": {"Data": email.subject, "Charset": "UTF-8"},
                    "Body": {"Text": {"Data": email.body, "Charset": "UTF-8"}},
                }
            },
        }
        if email.reply_to:
            request["ReplyToAddresses"] = [email.reply_to]
        self.client.send_email(**request)


class OutboxMailer:
    """Writes each e-mail as a JSON file; the local stack prints them."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder

    def send(self, email: Email) -> None:
        self.folder.mkdir(parents=True, exist_ok=True)
        # Named by the time first, so the folder lists the mails in the order they were sent.
        path = self.folder / f"{time.time_ns():020d}-{uuid.uuid4().hex[:8]}.json"
        path.write_text(json.dumps(email.__dict__, ensure_ascii=False, indent=2), encoding="utf-8")

    def sent(self) -> list[Email]:
        return [Email(**json.loads(p.read_text(encoding="utf-8"))) for p in sorted(self.folder.glob("*.json"))]


def send_quietly(mailer: Mailer, email: Email, about: str) -> bool:
    """Send, and never let a failed notice undo what it is about; the log names the reference, never the person."""
    try:
        mailer.send(email)
    except Exception as error:
        log.warning("notice not sent", extra={"about": about, "error_type": type(error).__name__})
        return False
    return True
