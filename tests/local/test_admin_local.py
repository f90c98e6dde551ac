"""`carjunction admin --local` reaches the stack `make serve` runs, and says so when it is not running."""

from __future__ import annotations

import json
from http import HTTPStatus
from pathlib import Path

import pytest

from carjunction.cli import main
from tests.support.local_stack import call, running


def test_admin_reads_the_running_local_stack(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    # Given the local stack, where a buyer sends an inquiry through the API
    site, state = tmp_path / "site", tmp_path / "state"
    site.mkdir()
    (site / "index.html").write_text("<!doctype html><title>t</title>", encoding="utf-8")
    inquiry = {"name": "Local Buyer", "email": "local@example.org", "country": "JM", "message": "Hiace to Kingston?"}
    said: list[str] = []
    with running(site, state, said) as origin:
        status, body, _ = call("POST", f"{origin}/api/inquiries", inquiry)
        assert status == HTTPStatus.CREATED, body
        assert json.loads((state / "stack.json").read_text(encoding="utf-8"))["origin"] == origin
        # When staff list inquiries on it
        capsys.readouterr()
        code = main(["admin", "inquiries", "list", "--local", "--state-dir", str(state), "--json"])
        listed = json.loads(capsys.readouterr().out)
    # Then they see it
    assert code == 0
    assert [row["reference"] for row in listed] == [body["reference"]]
    # and once the stack has stopped, the command says to start it
    assert not (state / "stack.json").exists()
    code = main(["admin", "inquiries", "list", "--local", "--state-dir", str(state)])
    assert code == 1
    assert "the local stack is not running" in capsys.readouterr().err
