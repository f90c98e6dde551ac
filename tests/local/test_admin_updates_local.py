"""`carjunction admin notify --local` and `admin alerts run --local` on the stack `make serve` runs: the mails go
through its mail queue to its outbox, with links signed by its cookie key to its own origin."""

from __future__ import annotations

import json
import time
import uuid
from http import HTTPStatus
from pathlib import Path
from typing import Any

import pytest

from carjunction.cli import main
from tests.support.local_stack import call, running


def outbox(state: Path) -> list[dict[str, Any]]:
    mails = []
    for path in sorted((state / "outbox").glob("*.json")):
        try:
            mails.append(json.loads(path.read_text(encoding="utf-8")))
        except ValueError:
            continue  # being written
    return mails


def wait_for(state: Path, to: str, kind: str, timeout: float = 10) -> dict[str, Any]:
    deadline = time.monotonic() + timeout
    while True:
        found = [mail for mail in outbox(state) if mail["to"] == to and mail["kind"] == kind]
        if found:
            assert len(found) == 1, found
            return found[0]
        assert time.monotonic() < deadline, f"no {kind} mail to {to} reached the outbox"
        time.sleep(0.05)


def join_with_updates(origin: str, state: Path) -> str:
    email = f"local-{uuid.uuid4().hex[:8]}@example.com"
    member = {
        "name": "Local Member",
        "telephone": "+254 712 345678",
        "email": email,
        "country": "KE",
        "port": "KEMBA",
        "updates_opt_in": True,
    }
    status, _, _ = call("POST", f"{origin}/api/members", member)
    assert status == HTTPStatus.ACCEPTED
    link = wait_for(state, email, "sign_up_updates")
    token = link["body"].split("#token=", 1)[1].split()[0]
    status, body, _ = call("POST", f"{origin}/api/session", {"token": token})
    assert status == HTTPStatus.OK, body
    return email


def test_staff_notices_and_the_alert_job_reach_the_local_outbox(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    site, state = tmp_path / "site", tmp_path / "state"
    site.mkdir()
    (site / "index.html").write_text("<!doctype html><title>t</title>", encoding="utf-8")
    (tmp_path / "notice.txt").write_text("The yard is closed on 31 December.", encoding="utf-8")
    local = ["--local", "--state-dir", str(state)]
    with running(site, state, []) as origin:
        email = join_with_updates(origin, state)
        capsys.readouterr()
        code = main(["admin", "notify", "--subject", "Year-end", "--body-file", str(tmp_path / "notice.txt"), *local])
        out = capsys.readouterr().out
        assert code == 0, out
        assert "1 queued, 0 already had it, 0 failed" in out
        mail = wait_for(state, email, "notice")
        # The alert job runs on the same stack (its own tests say what it sends)
        assert main(["admin", "alerts", "run", *local]) == 0
        # And demand reads it too
        assert main(["admin", "demand", "--json", *local]) == 0
    assert mail["subject"] == "Year-end"
    assert "The yard is closed on 31 December." in mail["body"]
    assert f"{origin}/members/unsubscribe/#token=u1." in mail["body"]
    assert mail["headers"]["List-Unsubscribe"].startswith(f"<{origin}/api/unsubscribe?token=u1.")
