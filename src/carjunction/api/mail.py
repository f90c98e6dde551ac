"""Notices and receipts by e-mail: put on a queue in AWS (the mail function sends them with SES), written to an
outbox folder in tests; the local stack does both, like AWS, with the outbox in place of SES.

The words live in ``emails/*.txt`` (first line is the subject), in English. A buyer's mail is in the buyer's
language: the template's whole text is one msgid of the ``mail`` gettext domain, translated in
``locales/<code>/LC_MESSAGES/mail.po`` and read at run time from the compiled ``mail.mo`` beside it with the standard
library (the Lambda artefact has no Babel). ``python -m carjunction.api.mail_messages`` collects and compiles them.
Staff mails (``*_staff``) are never translated.
"""

from __future__ import annotations

import json
import logging
import time
import uuid
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from functools import cache
from importlib import resources
from pathlib import Path
from string import Template
from typing import TYPE_CHECKING, Any, Protocol

from carjunction.api.languages import SOURCE, Language
from carjunction.api.mail_metrics import count_not_queued

if TYPE_CHECKING:
    import gettext

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Email:
    to: str
    subject: str
    body: str
    reply_to: str | None = None
    # Extra header fields, e.g. List-Unsubscribe on update mails; never anything a visitor typed.
    headers: dict[str, str] = field(default_factory=dict)
    # Which mail this is (its template's name), for the log and the metric of mails not sent; names no one.
    kind: str = "notice"
    # Set on mails that must go at most once (an alert digest, a staff notice): the mail function claims this key
    # before sending, so a mail queued twice (a job resumed after a crash) is sent once.
    once: str | None = None


class Mailer(Protocol):
    def send(self, email: Email) -> None: ...


DOMAIN = "mail"


def source_text(template_name: str) -> str:
    """A mail's English text, as written in ``emails/<name>.txt``: the msgid of its translations."""
    return resources.files("carjunction.api").joinpath("emails", f"{template_name}.txt").read_text(encoding="utf-8")


@cache
def translations(language: Language) -> gettext.NullTranslations:
    """A language's compiled mail catalogue, read once per process; English, or a missing file, translates nothing."""
    import gettext  # noqa: PLC0415 - first mail only: the cold import budget

    if language == SOURCE:
        return gettext.NullTranslations()
    compiled = resources.files("carjunction.api").joinpath("locales", language.value, "LC_MESSAGES", f"{DOMAIN}.mo")
    try:
        with compiled.open("rb") as file:
            return gettext.GNUTranslations(file)
    except OSError:
        log.warning("mail catalogue missing", extra={"language": language.value})
        return gettext.NullTranslations()


def render(template_name: str, to: str, reply_to: str | None = None, language: str = SOURCE, **values: Any) -> Email:
    """The mail ``template_name`` in ``language`` (a Language; English for anything else, and where a mail has no
    translation), its placeholders filled."""
    source = source_text(template_name)
    known = language in Language.__members__.values()
    text = translations(Language(language) if known else SOURCE).gettext(source)
    try:
        filled = Template(text).substitute(values)
    except (KeyError, ValueError):
        # A translation whose placeholders do not fit (the catalogue tests forbid it): the buyer still gets the mail.
        log.warning("mail translation does not fit", extra={"kind": template_name, "language": str(language)[:8]})
        filled = Template(source).substitute(values)
    subject, _, body = filled.partition("\n")
    return Email(to=to, subject=subject.strip(), body=body.lstrip("\n"), reply_to=reply_to, kind=template_name)


class SesMailer:
    """Sends through SESv2. Extra header fields go in ``Content.Simple.Headers`` where the installed botocore knows
    them (botocore learnt them in 2024; Lambda's bundled SDK may be older), else the mail is sent as raw MIME."""

    def __init__(self, client: Any, sender: str, *, simple_headers: bool | None = None) -> None:
        self.client = client
        self.sender = sender
        self.simple_headers = _knows_simple_headers(client) if simple_headers is None else simple_headers

    def send(self, email: Email) -> None:
        request: dict[str, Any] = {"FromEmailAddress": self.sender, "Destination": {"ToAddresses": [email.to]}}
        if email.headers and not self.simple_headers:
            request["Content"] = {"Raw": {"Data": mime_message(self.sender, email)}}
        else:
            simple: dict[str, Any] = {
                "Subject": {"Data": email.subject, "Charset": "UTF-8"},
                "Body": {"Text": {"Data": email.body, "Charset": "UTF-8"}},
            }
            if email.headers:
                simple["Headers"] = [{"Name": name, "Value": value} for name, value in email.headers.items()]
            request["Content"] = {"Simple": simple}
        if email.reply_to:
            request["ReplyToAddresses"] = [email.reply_to]
        self.client.send_email(**request)


def _knows_simple_headers(client: Any) -> bool:
    try:
        simple = client.meta.service_model.operation_model("SendEmail").input_shape.members["Content"]
        return "Headers" in simple.members["Simple"].members
    except (AttributeError, KeyError):
        return False


def mime_message(sender: str, email: Email) -> bytes:
    """The mail as SES's raw content: UTF-8 text, with its extra header fields."""
    from email.message import EmailMessage  # noqa: PLC0415
    from email.policy import SMTP  # noqa: PLC0415

    # Lines up to RFC 5322's limit: a long List-Unsubscribe URL stays on its line instead of being folded.
    message = EmailMessage(policy=SMTP.clone(max_line_length=998))
    message["From"] = sender
    message["To"] = email.to
    message["Subject"] = email.subject
    if email.reply_to:
        message["Reply-To"] = email.reply_to
    for name, value in email.headers.items():
        message[name] = value
    # 7-bit clean, as SES advises for raw mail: French, Russian and Swahili text is quoted-printable.
    message.set_content(email.body, charset="utf-8", cte="quoted-printable")
    return message.as_bytes()


class QueueMailer:
    """Puts each e-mail on the mail queue; the mail function sends it (functions/mail, api/send_mail.py).

    The put is the only thing a request waits for, so it is bounded tightly by the client's config (build_deps:
    1 s connect, 2 s read, 2 attempts). After a failed put the queue counts as down for ``pause`` seconds, and
    later sends fail at once: a request that sends two mails never waits twice for a queue that is not there.
    """

    def __init__(
        self, client: Any, queue_url: str, *, pause: float = 30.0, clock: Callable[[], float] = time.monotonic
    ) -> None:
        self.client = client
        self.queue_url = queue_url
        self.pause = pause
        self.clock = clock
        self.down_until = 0.0

    def send(self, email: Email) -> None:
        if self.clock() < self.down_until:
            raise QueueDown("the mail queue failed moments ago")
        try:
            self.client.send_message(QueueUrl=self.queue_url, MessageBody=email_to_json(email))
        except Exception:
            self.down_until = self.clock() + self.pause
            raise


class QueueDown(RuntimeError):
    """A send skipped because the queue failed within the pause."""


def email_to_json(email: Email) -> str:
    return json.dumps(asdict(email), ensure_ascii=False, separators=(",", ":"))


def email_from_json(text: str) -> Email:
    """An Email from a queue message; ValueError if it is not one (bad JSON, missing or mistyped fields)."""
    from pydantic import TypeAdapter, ValidationError  # noqa: PLC0415

    try:
        return TypeAdapter(Email).validate_json(text, strict=True)
    except ValidationError as error:
        raise ValueError(f"not an e-mail: {error.error_count()} problems") from None


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
    """Send, and never let a failed notice undo what it is about; the log names the reference and the mail's kind,
    never the person. A mail not sent is counted too (MailsNotQueued, alarmed in template.yaml): it is lost."""
    try:
        mailer.send(email)
    except Exception as error:
        log.warning("notice not sent", extra={"about": about, "kind": email.kind, "error_type": type(error).__name__})
        count_not_queued(email.kind)
        return False
    return True
