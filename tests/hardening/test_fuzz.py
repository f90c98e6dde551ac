"""Schemathesis fuzzes every operation of the committed openapi.json against the local stack on loopback:
no 5xx, every status code documented, every body and header as the document says. Member routes get a
signed-in member's cookie; erasing the member or signing out spends a fresh one."""

from __future__ import annotations

import sys
from http import HTTPStatus
from pathlib import Path
from typing import Any

import hypothesis
import pytest
import requests
import schemathesis
from hypothesis import HealthCheck, given
from requests.adapters import HTTPAdapter
from schemathesis.checks import not_a_server_error
from schemathesis.core.result import Err
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from tests.hardening.conftest import Api, fresh_address

ROOT = Path(__file__).resolve().parents[2]
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
    response_headers_conformance,
]
# Operations that end the member's session: each of their cases gets a member of its own.
SPENDS_MEMBER = {("DELETE", "/api/me"), ("DELETE", "/api/session")}
EXAMPLES = {False: 40, True: 400}  # per operation: default, --full
cases_run: dict[str, int] = {}


class SourceAddress(HTTPAdapter):
    """Sends from one loopback address: each case is a different buyer to the rate limiter."""

    def __init__(self, address: str) -> None:
        self.address = address
        super().__init__()

    def init_poolmanager(self, *args: Any, **kwargs: Any) -> None:
        kwargs["source_address"] = (self.address, 0)
        super().init_poolmanager(*args, **kwargs)


def operations() -> list[Any]:
    schema = schemathesis.openapi.from_path(ROOT / "openapi.json")
    found = []
    for result in schema.get_all_operations():
        # An operation Schemathesis cannot read is a failure of the document, not something to skip.
        if isinstance(result, Err):
            raise result.err()
        found.append(result.ok())
    return found


@pytest.mark.parametrize("operation", operations(), ids=lambda op: f"{op.method.upper()} {op.path}")
def test_every_operation_survives_fuzzing(api: Api, full: bool, operation: Any) -> None:
    # Given a signed-in member (their cookie rides along on every case; public routes ignore it)
    cookie = api.sign_up()[0]
    label = f"{operation.method.upper()} {operation.path}"
    count = 0

    @hypothesis.settings(
        max_examples=EXAMPLES[full],
        deadline=None,
        database=None,
        derandomize=not full,  # the default run is reproducible; --full explores
        suppress_health_check=list(HealthCheck),
        phases=[hypothesis.Phase.explicit, hypothesis.Phase.generate],
    )
    @given(case=operation.as_strategy())
    def fuzz(case: Any) -> None:
        nonlocal count
        count += 1
        member = api.sign_up()[0] if (case.method.upper(), operation.path) in SPENDS_MEMBER else cookie
        with requests.Session() as session:
            session.mount("http://", SourceAddress(fresh_address()))
            # When the case is sent, then every check holds
            response = case.call_and_validate(
                base_url=api.origin,
                session=session,
                headers={"Cookie": member.split(";")[0]},
                checks=CHECKS,
                excluded_checks=[],
                timeout=30,
            )
        assert response.status_code < HTTPStatus.INTERNAL_SERVER_ERROR
        # And the privacy policy's one cookie is the only one any answer sets
        set_cookies = [v for k, vs in response.headers.items() if k.lower() == "set-cookie" for v in vs]
        names = {line.split("=", 1)[0].strip() for line in set_cookies}
        assert names <= {"member"}, set_cookies

    # When Schemathesis generates its cases
    fuzz()
    cases_run[label] = count
    print(f"fuzz {label}: {count} cases", file=sys.stderr)
    # Then it really ran cases (an operation without parameters has exactly one distinct case)
    assert count >= 1
