"""Schemathesis fuzzes every operation of the committed openapi.json against the local stack on loopback, with
ALL its checks and its examples, coverage and fuzzing phases:

- no 5xx, every status and header documented, every body as the document says;
- a request the document calls valid is accepted (positive_data_acceptance), one it calls invalid is refused
  (negative_data_rejection), an undeclared method gets 405 with Allow (unsupported_method), a wrong or missing
  member cookie is refused (ignored_auth) …

The coverage phase derives boundary and negative cases from the schema (enums, patterns, lengths, missing
fields, wrong types and media types, undeclared methods), so it is deterministic; fuzzing adds random cases
(reproducible by default, exploring with --full).

Each case comes from its own loopback address, so the rate limits stay as deployed and still do not drown
the run in 429s. Member routes get a confirmed member's cookie; operations that end the session (sign-out,
erasure) get a fresh member for each case. How many cases ran is printed at the end of the session.
"""

from __future__ import annotations

from http import HTTPStatus
from pathlib import Path
from typing import Any

import hypothesis
import pytest
import requests
import schemathesis
from hypothesis import HealthCheck
from requests.adapters import HTTPAdapter

from tests.support.hardening import FUZZ_CASES, FUZZ_KINDS, RUN, Api, fresh_address

ROOT = Path(__file__).resolve().parents[2]
# Operations that end the member's session: each of their cases gets a member of its own.
SPENDS_MEMBER = {("DELETE", "/api/me"), ("DELETE", "/api/session")}
FUZZ_EXAMPLES = {False: 15, True: 300}  # random cases per operation after the coverage phase: default, --full

SCHEMA = schemathesis.openapi.from_path(ROOT / "openapi.json")
SCHEMA.config.phases.update(phases=["examples", "coverage", "fuzzing"])


class SourceAddress(HTTPAdapter):
    """Sends from one loopback address: each case is a different buyer to the rate limiter."""

    def __init__(self, address: str) -> None:
        self.address = address
        super().__init__()

    def init_poolmanager(self, *args: Any, **kwargs: Any) -> None:
        kwargs["source_address"] = (self.address, 0)
        super().init_poolmanager(*args, **kwargs)


@pytest.fixture(scope="module")
def member(api: Api) -> str:
    """One confirmed member's cookie value for the cases that do not end their session."""
    return api.sign_up()[0].split("=", 1)[1]


def with_cookie(case: Any, api: Api, shared: str) -> None:
    """Where the case carries a member cookie, a real one: the generated value would only ever test 401.
    Cases that leave the cookie out, to test that auth is enforced, keep it out."""
    if not case.cookies or "member" not in case.cookies:
        return
    spends = (case.method.upper(), case.operation.path) in SPENDS_MEMBER
    case.cookies["member"] = api.sign_up()[0].split("=", 1)[1] if spends else shared


@SCHEMA.parametrize()
@hypothesis.settings(
    deadline=None,
    database=None,
    derandomize=not RUN["full"],  # the default run is reproducible; --full explores
    suppress_health_check=list(HealthCheck),
    max_examples=FUZZ_EXAMPLES[RUN["full"]],
)
def test_every_operation_survives_fuzzing(case: Any, api: Api, member: str) -> None:
    # Given a case generated from the document, with a real member where it names one
    label = f"{case.operation.method.upper()} {case.operation.path}"
    phase = case.meta.phase.name.value if case.meta else "explicit"
    undeclared = ["undeclared method"] if case.method.upper() != case.operation.method.upper() else []
    for counts, key in ((FUZZ_CASES, label), *((FUZZ_KINDS, kind) for kind in (f"phase {phase}", *undeclared))):
        counts[key] = counts.get(key, 0) + 1
    with_cookie(case, api, member)
    with requests.Session() as session:
        session.mount("http://", SourceAddress(fresh_address()))
        # When it is sent, then every check Schemathesis has holds
        response = case.call_and_validate(base_url=api.origin, session=session, timeout=30)
    assert response.status_code < HTTPStatus.INTERNAL_SERVER_ERROR
    # And the privacy policy's one cookie is the only one any answer sets
    set_cookies = [v for k, vs in response.headers.items() if k.lower() == "set-cookie" for v in vs]
    names = {line.split("=", 1)[0].strip() for line in set_cookies}
    assert names <= {"member"}, names
