"""The Origin check and the links in mails, with and without the shop's own domain, fed the events API Gateway
delivers when CloudFront forwards a viewer's request: Origin, X-Viewer-Host (set by the distribution's
ApiRequestFunction from the viewer's Host) and X-Origin-Verify (the origin secret, an origin custom header)."""

from __future__ import annotations

import uuid
from http import HTTPStatus
from pathlib import Path
from typing import Any

import pytest

from carjunction.api.deps import build_deps
from carjunction.api.settings import Settings
from tests.support.api import SITE, Api, event, inquiry, link_token, make_api, member_body, unique_email

SECRET = uuid.uuid4().hex
EDGE = "d111111abcdef8.cloudfront.net"


def through_cloudfront(
    path: str, body: Any, *, origin: str, viewer_host: str, secret: str = SECRET, ip: str = "203.0.113.9"
) -> dict[str, Any]:
    headers = {
        "origin": origin,
        "x-viewer-host": viewer_host,
        "x-origin-verify": secret,
        "cloudfront-viewer-address": f"{ip}:50123",
    }
    return event("POST", path, body, headers=headers, source_ip="10.1.2.3")


@pytest.fixture
def with_domain(aws: None, tmp_path: Path) -> Api:
    return make_api(tmp_path, origin_verify=SECRET)


@pytest.fixture
def without_domain(with_domain: Api) -> Api:
    """The same stack deployed without a SiteDomain: SITE_ORIGIN is empty."""
    settings = with_domain.deps.settings.model_copy(update={"site_origin": ""})
    with_domain.deps = build_deps(settings, with_domain.session, with_idempotency=True)
    return with_domain


def test_an_empty_site_origin_is_a_stack_without_a_domain() -> None:
    environ = {"TABLE_NAME": "data", "SITE_ORIGIN": "", "COOKIE_SECRET_PARAMETER": "/x"}
    assert Settings.from_env(environ).site_origin == ""


def test_without_a_domain_a_form_sent_from_the_cloudfront_address_is_accepted(without_domain: Api) -> None:
    # When a buyer on https://dXXXX.cloudfront.net sends an inquiry through that distribution
    sent = through_cloudfront("/api/inquiries", inquiry(), origin=f"https://{EDGE}", viewer_host=EDGE)
    # Then it is stored
    assert without_domain.call("inquiry", sent).status == HTTPStatus.CREATED


def test_without_a_domain_the_sign_up_link_points_at_the_address_the_buyer_used(without_domain: Api) -> None:
    # When a buyer signs up on the cloudfront.net address
    email = unique_email()
    sent = through_cloudfront("/api/members", member_body(email=email), origin=f"https://{EDGE}", viewer_host=EDGE)
    assert without_domain.call("register", sent).status == HTTPStatus.ACCEPTED
    # Then the mailed link opens that same site
    token = link_token(without_domain, email)
    (mail,) = [m for m in without_domain.outbox.sent() if m.to == email]
    assert f"https://{EDGE}/members/sign-in/#token={token}" in mail.body


@pytest.mark.parametrize(
    ("origin", "viewer_host", "secret"),
    [
        pytest.param("https://evil.example", EDGE, SECRET, id="another site, through our distribution"),
        pytest.param(f"https://{EDGE}", EDGE, "guessed", id="a forged X-Viewer-Host without the secret"),
        pytest.param("https://evil.example", "evil.example", "guessed", id="a caller naming its own host"),
        pytest.param(f"http://{EDGE}", EDGE, SECRET, id="the plain-http origin"),
        pytest.param(f"https://{EDGE}", "", SECRET, id="no viewer host"),
    ],
)
def test_without_a_domain_any_other_origin_is_refused(
    without_domain: Api, origin: str, viewer_host: str, secret: str
) -> None:
    sent = through_cloudfront("/api/inquiries", inquiry(), origin=origin, viewer_host=viewer_host, secret=secret)
    reply = without_domain.call("inquiry", sent)
    assert reply.status == HTTPStatus.FORBIDDEN
    assert reply.body["error"]["code"] == "bad_origin"


def test_with_a_domain_the_shop_s_origin_is_accepted_and_links_use_it_whatever_address_was_used(
    with_domain: Api,
) -> None:
    # Given a stack with its domain (SITE_ORIGIN), reached through CloudFront at the domain
    host = SITE.removeprefix("https://")
    accepted = through_cloudfront("/api/inquiries", inquiry(), origin=SITE, viewer_host=host)
    assert with_domain.call("inquiry", accepted).status == HTTPStatus.CREATED
    # When a buyer signs up on the distribution's own address, which still serves the site
    email = unique_email()
    sent = through_cloudfront("/api/members", member_body(email=email), origin=f"https://{EDGE}", viewer_host=EDGE)
    # Then it is accepted, and the link names the shop's domain
    assert with_domain.call("register", sent).status == HTTPStatus.ACCEPTED
    token = link_token(with_domain, email)
    (mail,) = [m for m in with_domain.outbox.sent() if m.to == email]
    assert f"{SITE}/members/sign-in/#token={token}" in mail.body


def test_with_a_domain_another_site_is_refused_even_through_cloudfront(with_domain: Api) -> None:
    sent = through_cloudfront("/api/inquiries", inquiry(), origin="https://evil.example", viewer_host=EDGE)
    assert with_domain.call("inquiry", sent).status == HTTPStatus.FORBIDDEN


def test_a_request_without_origin_is_served_and_reads_need_no_origin(without_domain: Api) -> None:
    # A non-browser client sends no Origin (and holds no buyer's cookie); a GET is never checked
    direct = event("POST", "/api/inquiries", inquiry(), headers={"origin": ""})
    direct["headers"].pop("origin")
    assert without_domain.call("inquiry", direct).status == HTTPStatus.CREATED
    status = event("GET", "/api/stock/status")
    assert without_domain.call("inquiry", status).status == HTTPStatus.OK
