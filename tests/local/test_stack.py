"""The local stack as `make serve` runs it: data and sign-ins survive a restart, e-mails are printed,
a second copy says it is already running, and routes follow template.yaml."""

from __future__ import annotations

import json
import re
import subprocess
import sys
import time
import uuid
from http import HTTPStatus
from pathlib import Path
from typing import Any

from carjunction.api.tables import load_template
from carjunction.local.dynamodb import free_port
from carjunction.local.lock import single_instance
from carjunction.local.routing import route_handler, routed_functions, routes_from_template
from tests.support.local_stack import call, running

ROOT = Path(__file__).resolve().parents[2]


def printed_token(said: list[str], email: str, timeout: float = 10) -> str:
    """The token of the newest link printed for ``email`` (the printer polls the outbox, so wait for it)."""
    deadline = time.monotonic() + timeout
    while True:
        mails = [line for line in list(said) if f"E-mail to {email}" in line]
        tokens: list[str] = [t for mail in mails for t in re.findall(r"#token=([A-Za-z0-9_-]+)", mail)]
        if tokens:
            return tokens[-1]
        assert time.monotonic() < deadline, f"no link to {email} was printed"
        time.sleep(0.05)


def test_members_stay_signed_in_across_a_restart_and_mail_is_printed(tmp_path: Path) -> None:
    # Given a stack with a built site, where a buyer signs up and confirms the link printed for them
    site, state = tmp_path / "site", tmp_path / "state"
    said: list[str] = []
    site.mkdir()
    (site / "index.html").write_text("<!doctype html><title>t</title>", encoding="utf-8")
    email = f"restart-{uuid.uuid4().hex[:8]}@example.com"
    member = {"name": "Restart Test", "telephone": "+254 712 345678", "email": email, "country": "KE", "port": "KEMBA"}
    with running(site, state, said) as origin:
        status, _, _ = call("POST", f"{origin}/api/members", member)
        assert status == HTTPStatus.ACCEPTED
        status, _, set_cookie = call("POST", f"{origin}/api/session", {"token": printed_token(said, email)})
        assert status == HTTPStatus.OK
        cookie = set_cookie.split(";", 1)[0]
        assert cookie.startswith("member=")
        assert "Secure" not in set_cookie  # plain-HTTP local origin only

    # Then the tables were saved on stop
    assert (state / "dynamodb.json").is_file()

    # When the stack starts again, then the same cookie still signs the member in
    with running(site, state, said) as origin:
        status, body, _ = call("GET", f"{origin}/api/me", cookie=cookie)
    assert status == HTTPStatus.OK
    assert body["email"] == email


def test_a_second_copy_says_it_is_already_running(tmp_path: Path) -> None:
    site, state = tmp_path / "site", tmp_path / "state"
    site.mkdir()
    (site / "index.html").write_text("<!doctype html>", encoding="utf-8")
    port = free_port()
    command = [sys.executable, "-m", "carjunction.local", "--root", str(ROOT), "--site-dir", str(site)]
    # Given one stack holding the state folder (this process stands in for it)
    with single_instance(state / "serve.pid", "127.0.0.1", port):
        run = subprocess.run(
            [*command, "--state-dir", str(state), "--port", str(port)], capture_output=True, text=True, check=False
        )
    assert run.returncode == 1
    assert "already running" in run.stderr


def test_without_a_built_site_it_says_to_build(tmp_path: Path) -> None:
    command = [sys.executable, "-m", "carjunction.local", "--root", str(ROOT), "--site-dir", str(tmp_path / "none")]
    run = subprocess.run([*command, "--state-dir", str(tmp_path)], capture_output=True, text=True, check=False)
    assert run.returncode == 1
    assert "make build" in run.stderr


def test_routes_follow_the_template() -> None:
    routes = routes_from_template(load_template(ROOT / "template.yaml"))
    seen: list[str] = []

    def function(name: str) -> Any:
        def handle(event: dict[str, Any], context: Any) -> dict[str, Any]:
            seen.append(name)
            if event["rawPath"] == "/api/quote":
                raise RuntimeError("boom")
            return {"statusCode": 200}

        return handle

    handler = route_handler(routes, {name: function(name) for name in routed_functions(routes)})

    def event(method: str, path: str) -> dict[str, Any]:
        return {"rawPath": path, "requestContext": {"http": {"method": method}}}

    handler(event("GET", "/api/orders/CJ-ABCDEFGH"), None)
    handler(event("PATCH", "/api/me"), None)
    handler(event("POST", "/api/session/link"), None)
    assert seen == ["order", "register", "register"]
    assert handler(event("GET", "/api/nothing"), None)["statusCode"] == HTTPStatus.NOT_FOUND
    # A path the template has, in a method it does not declare for it: 405 with the methods it does
    refused = handler(event("DELETE", "/api/orders"), None)
    assert refused["statusCode"] == HTTPStatus.METHOD_NOT_ALLOWED
    assert refused["headers"]["Allow"] == "GET, POST"
    assert json.loads(refused["body"])["error"]["code"] == "method_not_allowed"
    crashed = handler(event("GET", "/api/quote"), None)
    assert crashed["statusCode"] == HTTPStatus.INTERNAL_SERVER_ERROR
    assert json.loads(crashed["body"])["error"]["code"] == "internal_error"
