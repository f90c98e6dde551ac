"""The committed openapi.json is what the code generates, and describes every route the functions serve."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from carjunction.api.openapi import render_openapi
from carjunction.cli import main
from tests.support.api import ROOT


def test_the_committed_document_is_current() -> None:
    committed = (ROOT / "openapi.json").read_text(encoding="utf-8")
    assert committed == render_openapi(), "run `carjunction openapi` and commit openapi.json"


def test_every_route_documents_the_error_shape_and_the_routes_of_design_section_4() -> None:
    document = json.loads(render_openapi())
    routes = {(m.upper(), p) for p, item in document["paths"].items() for m in item}
    assert routes == {
        ("POST", "/api/inquiries"),
        ("POST", "/api/members"),
        ("POST", "/api/session/link"),
        ("POST", "/api/session"),
        ("POST", "/api/session/preview"),
        ("POST", "/api/updates"),
        ("POST", "/api/unsubscribe"),
        ("DELETE", "/api/session"),
        ("GET", "/api/me"),
        ("PATCH", "/api/me"),
        ("DELETE", "/api/me"),
        ("GET", "/api/me/export"),
        ("GET", "/api/me/alerts"),
        ("POST", "/api/me/alerts"),
        ("PATCH", "/api/me/alerts/{alert_id}"),
        ("DELETE", "/api/me/alerts/{alert_id}"),
        ("POST", "/api/orders"),
        ("GET", "/api/orders"),
        ("GET", "/api/orders/{order_no}"),
        ("GET", "/api/invoices/{code}"),
        ("GET", "/api/quote"),
        ("GET", "/api/stock/status"),
    }
    for item in document["paths"].values():
        for operation in item.values():
            ref = operation["responses"]["422"]["content"]["application/json"]["schema"]["$ref"]
            assert ref == "#/components/schemas/ErrorBody"
    assert "price_usd" not in document["components"]["schemas"]["OrderIn"]["properties"]


def test_the_cli_check_fails_on_a_stale_document(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    stale = tmp_path / "openapi.json"
    stale.write_text("{}", encoding="utf-8")
    assert main(["openapi", "--out", str(stale), "--check"]) == 1
    assert main(["openapi", "--out", str(stale)]) == 0
    assert main(["openapi", "--out", str(stale), "--check"]) == 0
    assert "is current" in capsys.readouterr().out


def test_a_204_is_documented_without_a_body() -> None:
    # Given the generated document; then every 204 (erase, sign out, delete a saved search) promises no body, as
    # the API sends none
    document = json.loads(render_openapi())
    no_content = [
        op["responses"]["204"]
        for item in document["paths"].values()
        for op in item.values()
        if "204" in op["responses"]
    ]
    assert len(no_content) == 3
    assert all("content" not in response for response in no_content)
