"""Start and stop the whole local stack: moto on loopback, the tables from template.yaml, the cookie secret,
the catalogue synced, the three API functions, and the one-origin server. `python -m carjunction.local` runs it."""

from __future__ import annotations

import contextlib
import json
import logging
import secrets
import threading
import urllib.request
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from carjunction.local.dynamodb import dump_tables, load_tables, start_moto
from carjunction.local.edge_policy import edge_policy
from carjunction.local.routing import route_handler, routed_functions, routes_from_template
from carjunction.local.server import make_server

REGION = "ap-northeast-1"
TABLES = {"DataTable": "carjunction-local", "IdempotencyTable": "carjunction-local-idempotency"}
SECRET_PARAMETER = "/carjunction/local/cookie-secret"  # noqa: S105 - a parameter name, not a secret


@dataclass
class StackConfig:
    root: Path  # the repository: template.yaml and content/
    site_dir: Path
    state_dir: Path  # .local/: saved tables, the cookie secret, the outbox
    host: str = "127.0.0.1"
    port: int = 8000
    say: Callable[[str], None] = print

    @property
    def origin(self) -> str:
        return f"http://{self.host}:{self.port}"

    @property
    def state_file(self) -> Path:
        return self.state_dir / "dynamodb.json"

    @property
    def outbox(self) -> Path:
        return self.state_dir / "outbox"

    @property
    def stack_file(self) -> Path:
        """Where `carjunction admin --local` finds the running stack's moto endpoint and table; gone when stopped."""
        return self.state_dir / "stack.json"


class LocalSession:
    """A boto3 session whose clients can only reach the local moto endpoint (never AWS)."""

    def __init__(self, endpoint: str) -> None:
        import boto3  # noqa: PLC0415

        self.endpoint = endpoint
        self._session: Any = boto3.session.Session(
            aws_access_key_id="local",
            aws_secret_access_key="local",  # noqa: S106 - moto accepts anything
            region_name=REGION,
        )

    def client(self, name: str, **kwargs: Any) -> Any:
        kwargs["endpoint_url"] = self.endpoint
        return self._session.client(name, **kwargs)


def cookie_secret(state_dir: Path) -> str:
    """Made once and kept, so members stay signed in across restarts of the stack."""
    path = state_dir / "cookie-secret"
    if not path.is_file():
        state_dir.mkdir(parents=True, exist_ok=True)
        path.write_text(secrets.token_urlsafe(48), encoding="utf-8")
        path.chmod(0o600)
    return path.read_text(encoding="utf-8").strip()


def local_settings(config: StackConfig) -> Any:
    from carjunction.api.settings import Settings  # noqa: PLC0415

    return Settings(
        table_name=TABLES["DataTable"],
        idempotency_table_name=TABLES["IdempotencyTable"],
        site_origin=config.origin,
        cookie_secret_parameter=SECRET_PARAMETER,
        # Secure is dropped ONLY because the local origin is plain http://127.0.0.1; a browser would not send
        # a Secure cookie back over HTTP. Production (template.yaml) always sets it.
        cookie_secure=False,
        content_dir=config.root / "content",
        outbox_dir=config.outbox,
    )


class OutboxPrinter:
    """Prints each e-mail the functions write to the outbox (sign-in links!) as it appears."""

    def __init__(self, folder: Path, say: Callable[[str], None], interval: float = 0.3) -> None:
        self.folder = folder
        self.say = say
        self.interval = interval
        self.seen = set(folder.glob("*.json")) if folder.is_dir() else set()
        self.stopped = threading.Event()
        self.thread = threading.Thread(target=self._run, name="outbox", daemon=True)

    def check(self) -> None:
        if not self.folder.is_dir():
            return
        for path in sorted(set(self.folder.glob("*.json")) - self.seen, key=lambda p: p.stat().st_mtime):
            self.seen.add(path)
            try:
                mail = json.loads(path.read_text(encoding="utf-8"))
            except (OSError, ValueError):
                self.seen.discard(path)  # still being written; read it next time
                continue
            rule = "-" * 72
            self.say(
                f"{rule}\nE-mail to {mail['to']} ({path.name})\nSubject: {mail['subject']}\n\n{mail['body']}{rule}"
            )

    def _run(self) -> None:
        while not self.stopped.wait(self.interval):
            self.check()

    def start(self) -> None:
        self.thread.start()

    def stop(self) -> None:
        self.stopped.set()
        self.thread.join(timeout=2)
        self.check()


@dataclass
class Stack:
    config: StackConfig
    moto: Any
    endpoint: str
    dynamodb: Any
    server: Any
    outbox: OutboxPrinter
    threads: list[threading.Thread] = field(default_factory=list)
    mail: Any = None  # the MailQueuePoller (carjunction.local.mail_queue)

    def serve_forever(self) -> None:
        self.server.serve_forever()

    def save(self) -> int:
        return dump_tables(self.dynamodb, TABLES.values(), self.config.state_file)

    def stop(self) -> None:
        """Save what the developer entered, then stop the server, the outbox printer and moto."""
        try:
            self.config.stack_file.unlink(missing_ok=True)
            count = self.save()
            self.config.say(f"Saved {count} items to {self.config.state_file}")
        finally:
            self.server.server_close()
            if self.mail is not None:
                self.mail.stop()  # before the printer and moto: mails queued just before the stop still land
            self.outbox.stop()
            # moto keeps its data per process, not per server: forget it, so a stack started again in this
            # process (tests) begins from the saved file like a fresh `make serve`.
            with contextlib.suppress(OSError):
                reset = urllib.request.Request(f"{self.endpoint}/moto-api/reset", method="POST")  # noqa: S310 - loopback
                urllib.request.urlopen(reset, timeout=5).close()  # noqa: S310 - the loopback moto server
            self.moto.stop()


def build_functions(
    config: StackConfig, session: LocalSession, names: Iterable[str], mail_queue_url: str = ""
) -> dict[str, Callable[[dict[str, Any], Any], Any]]:
    """Each named function's own resolver and deps, as a Lambda cold start builds them (carjunction.api.entry),
    with local settings instead of Lambda's environment. Metrics are left out: there is no CloudWatch here.
    With ``mail_queue_url``, mail is queued as in AWS (the MailQueuePoller writes it to the outbox)."""
    from carjunction.api.deps import build_deps  # noqa: PLC0415
    from carjunction.api.routes import build_app  # noqa: PLC0415
    from carjunction.api.routes.common import dispatch  # noqa: PLC0415

    settings = local_settings(config)
    if mail_queue_url:
        settings = settings.model_copy(update={"outbox_dir": None, "mail_queue_url": mail_queue_url})

    def function(name: str) -> Callable[[dict[str, Any], Any], Any]:
        app = build_app(
            name, build_deps(settings, session, with_idempotency=name == "order", endpoint_url=session.endpoint)
        )
        return lambda event, context: dispatch(app, event, context)

    return {name: function(name) for name in names}


def write_stack_file(config: StackConfig, endpoint: str) -> None:
    stack = {"endpoint": endpoint, "region": REGION, "table": TABLES["DataTable"], "origin": config.origin}
    config.state_dir.mkdir(parents=True, exist_ok=True)
    config.stack_file.write_text(json.dumps(stack, indent=2) + "\n", encoding="utf-8")
    config.say(f"Staff commands reach this stack with `carjunction admin … --local` ({config.stack_file})")


def start_stack(config: StackConfig) -> Stack:
    from carjunction.api.logic.sync_catalogue import sync_catalogue  # noqa: PLC0415
    from carjunction.api.mail import OutboxMailer  # noqa: PLC0415
    from carjunction.api.queues import create_queues  # noqa: PLC0415
    from carjunction.api.send_mail import OnceClaims  # noqa: PLC0415
    from carjunction.api.store.db import Db  # noqa: PLC0415
    from carjunction.api.tables import create_tables, load_template  # noqa: PLC0415
    from carjunction.catalogue import load_catalogue  # noqa: PLC0415
    from carjunction.local.mail_queue import MAIL_QUEUES, MailQueuePoller  # noqa: PLC0415

    catalogue = load_catalogue(config.root / "content")
    # moto's werkzeug logs every DynamoDB call; the developer wants the site's requests and the e-mails.
    logging.getLogger("werkzeug").setLevel(logging.ERROR)
    template_path = config.root / "template.yaml"
    moto, endpoint = start_moto()  # always 127.0.0.1: --host moves the site server only, never moto
    try:
        session = LocalSession(endpoint)
        dynamodb = session.client("dynamodb")
        create_tables(dynamodb, template_path, TABLES)
        mail_queue = create_queues(session.client("sqs"), template_path, MAIL_QUEUES)["MailQueue"]
        session.client("ssm").put_parameter(
            Name=SECRET_PARAMETER, Value=cookie_secret(config.state_dir), Type="SecureString", Overwrite=True
        )
        loaded = load_tables(dynamodb, TABLES.values(), config.state_file)
        # After loading: the sync refreshes prices and staff statuses but keeps live reservations.
        synced = sync_catalogue(Db(dynamodb, TABLES["DataTable"]), catalogue)
        template = load_template(template_path)
        routes = routes_from_template(template)
        handler = route_handler(routes, build_functions(config, session, routed_functions(routes), mail_queue))
        server = make_server(
            config.site_dir, handler, host=config.host, port=config.port, edge=edge_policy(template), log=config.say
        )
    except BaseException:
        moto.stop()
        raise
    config.say(f"DynamoDB (moto) on {endpoint}: {loaded} saved items loaded, {synced} vehicles synced")
    config.say(f"E-mails (sign-in links, staff notices) go through the mail queue to {config.outbox}, printed here")
    write_stack_file(config, endpoint)
    printer = OutboxPrinter(config.outbox, config.say)
    printer.start()
    claims = OnceClaims(dynamodb, TABLES["DataTable"])
    mail = MailQueuePoller(session.client("sqs"), mail_queue, OutboxMailer(config.outbox), region=REGION, claims=claims)
    mail.start()
    return Stack(
        config=config, moto=moto, endpoint=endpoint, dynamodb=dynamodb, server=server, outbox=printer, mail=mail
    )
