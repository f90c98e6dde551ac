"""The edge as the local origin reproduces it: the distribution's behaviours read from a template, and what they do
to a response (gzip when the browser accepts it, the response headers policy with CloudFront's Override rule)."""

from __future__ import annotations

import gzip
import uuid
from pathlib import Path
from typing import Any

import pytest

from carjunction.api.tables import load_template
from carjunction.local.edge_policy import Behaviour, EdgePolicyError, ResponseHeader, edge_policy
from carjunction.local.edge_response import accepts_gzip, at_the_edge, header
from carjunction.local.http_event import LocalResponse

ROOT = Path(__file__).resolve().parents[2]


def template(policy_config: dict[str, Any], *, api_compress: bool = False) -> dict[str, Any]:
    """A small template: one distribution, a default behaviour with a policy, and an /api/* behaviour."""
    return {
        "Resources": {
            "Headers": {
                "Type": "AWS::CloudFront::ResponseHeadersPolicy",
                "Properties": {"ResponseHeadersPolicyConfig": {"Name": "test", **policy_config}},
            },
            "Cdn": {
                "Type": "AWS::CloudFront::Distribution",
                "Properties": {
                    "DistributionConfig": {
                        "DefaultCacheBehavior": {"Compress": True, "ResponseHeadersPolicyId": {"Ref": "Headers"}},
                        "CacheBehaviors": [{"PathPattern": "/api/*", "Compress": api_compress}],
                    }
                },
            },
        }
    }


SECURITY = {
    "SecurityHeadersConfig": {
        "ContentSecurityPolicy": {"Override": True, "ContentSecurityPolicy": "default-src 'self'"},
        "StrictTransportSecurity": {
            "Override": True,
            "AccessControlMaxAgeSec": 600,
            "IncludeSubdomains": True,
            "Preload": False,
        },
        "ContentTypeOptions": {"Override": True},
        "FrameOptions": {"Override": True, "FrameOption": "SAMEORIGIN"},
        "ReferrerPolicy": {"Override": False, "ReferrerPolicy": "no-referrer"},
    }
}


def test_the_security_headers_config_becomes_the_header_lines_cloudfront_writes() -> None:
    # Given a policy with each security header
    policy = edge_policy(template(SECURITY))
    # When the default behaviour is read
    headers = {h.name: (h.value, h.override) for h in policy.for_path("/stock/").headers}
    # Then each is the header CloudFront sends, with its Override flag
    assert headers == {
        "Content-Security-Policy": ("default-src 'self'", True),
        "Strict-Transport-Security": ("max-age=600; includeSubDomains", True),
        "X-Content-Type-Options": ("nosniff", True),
        "X-Frame-Options": ("SAMEORIGIN", True),
        "Referrer-Policy": ("no-referrer", False),
    }


def test_paths_take_the_first_matching_behaviour_else_the_default() -> None:
    policy = edge_policy(template(SECURITY, api_compress=False))
    assert policy.for_path("/api/orders/CJ-1").path_pattern == "/api/*"
    assert policy.for_path("/api/orders/CJ-1").headers == ()
    assert policy.for_path("/apiary/").path_pattern == "*"
    assert policy.for_path("/").compress is True


def test_custom_headers_are_added_and_unknown_policy_parts_are_refused() -> None:
    name = f"X-Test-{uuid.uuid4().hex[:6]}"
    custom = {"CustomHeadersConfig": {"Items": [{"Header": name, "Value": "1", "Override": False}]}}
    assert edge_policy(template(custom)).default.headers == (ResponseHeader(name, "1", override=False),)
    # A part of the policy the local origin would silently leave out is an error instead
    with pytest.raises(EdgePolicyError, match="CorsConfig"):
        edge_policy(template({"CorsConfig": {}}))


def test_the_real_template_gives_the_site_and_the_api_the_production_csp() -> None:
    # Given template.yaml, read here without the module under test
    raw = load_template(ROOT / "template.yaml")
    (csp,) = [
        r["Properties"]["ResponseHeadersPolicyConfig"]["SecurityHeadersConfig"]["ContentSecurityPolicy"]
        for r in raw["Resources"].values()
        if r["Type"] == "AWS::CloudFront::ResponseHeadersPolicy"
    ]
    # When its distribution is read
    policy = edge_policy(raw)
    # Then pages and the API both get that CSP, and both are compressed
    for path in ("/vehicles/CJ26001/", "/api/stock/status"):
        behaviour = policy.for_path(path)
        assert ResponseHeader("Content-Security-Policy", csp["ContentSecurityPolicy"], True) in behaviour.headers
        assert behaviour.compress is True
    assert "'unsafe-inline'" not in csp["ContentSecurityPolicy"]


@pytest.mark.parametrize(
    ("accept", "expected"),
    [
        ("gzip, deflate, br", True),
        ("br;q=1.0, gzip;q=0.8", True),
        ("*", True),
        ("gzip;q=0", False),
        ("*;q=0.5, gzip;q=0", False),
        ("identity", False),
        ("", False),
        (None, False),
    ],
)
def test_accept_encoding_is_read_with_its_q_values(accept: str | None, expected: bool) -> None:
    assert accepts_gzip(accept) is expected


PAGE = ("<p>" + "a car for export " * 200 + "</p>").encode()


def html(body: bytes, *extra: tuple[str, str]) -> LocalResponse:
    return LocalResponse(200, [("Content-Type", "text/html; charset=utf-8"), ("ETag", '"abc"'), *extra], body)


def test_a_page_is_gzipped_for_a_browser_that_accepts_it() -> None:
    behaviour = Behaviour("*", compress=True)
    # When a browser that accepts gzip asks for a page
    sent = at_the_edge(behaviour, [("Accept-Encoding", "gzip, br")], html(PAGE), static=True)
    # Then it gets the same bytes, gzipped, marked so, with a weak validator and Vary
    assert gzip.decompress(sent.body) == PAGE
    assert len(sent.body) < len(PAGE)
    assert header(sent.headers, "Content-Encoding") == "gzip"
    assert header(sent.headers, "Vary") == "Accept-Encoding"
    assert header(sent.headers, "ETag") == 'W/"abc"'


def test_nothing_is_gzipped_when_refused_too_small_of_another_type_or_not_configured() -> None:
    on, off = Behaviour("*", compress=True), Behaviour("*", compress=False)
    accepting = [("Accept-Encoding", "gzip")]
    refused = at_the_edge(on, [("Accept-Encoding", "gzip;q=0")], html(PAGE))
    small = at_the_edge(on, accepting, html(b"<p>hi</p>"))
    photo = at_the_edge(on, accepting, LocalResponse(200, [("Content-Type", "image/webp")], PAGE))
    unconfigured = at_the_edge(off, accepting, html(PAGE))
    for sent in (refused, small, photo, unconfigured):
        assert sent.body in {PAGE, b"<p>hi</p>"}
        assert header(sent.headers, "Content-Encoding") is None
    # A compressible answer varies by Accept-Encoding even when this one went as it was
    assert header(refused.headers, "Vary") == "Accept-Encoding"
    assert header(photo.headers, "Vary") is None


def test_an_origin_vary_is_extended_and_an_encoded_answer_is_left_alone() -> None:
    on = Behaviour("*", compress=True)
    varied = at_the_edge(on, [("Accept-Encoding", "gzip")], html(PAGE, ("Vary", "Cookie")))
    assert header(varied.headers, "Vary") == "Cookie, Accept-Encoding"
    encoded = html(gzip.compress(PAGE), ("Content-Encoding", "gzip"))
    assert at_the_edge(on, [("Accept-Encoding", "gzip")], encoded).body == encoded.body


def test_override_replaces_the_origin_header_and_no_override_keeps_it() -> None:
    # Given a behaviour that overrides Cache-Control but only adds X-Frame-Options when missing
    behaviour = Behaviour(
        "*",
        headers=(ResponseHeader("Cache-Control", "no-store"), ResponseHeader("X-Frame-Options", "DENY", False)),
    )
    origin = [("Content-Type", "application/json"), ("cache-control", "max-age=60"), ("X-Frame-Options", "SAMEORIGIN")]
    # When a response passes through
    sent = at_the_edge(behaviour, [], LocalResponse(200, origin, b"{}"))
    # Then the overriding value replaced the origin's, and the origin's own frame option stands
    assert [v for k, v in sent.headers if k.lower() == "cache-control"] == ["no-store"]
    assert header(sent.headers, "X-Frame-Options") == "SAMEORIGIN"
    # And a response without it gets the policy's value
    bare = at_the_edge(behaviour, [], LocalResponse(200, [], b""))
    assert header(bare.headers, "X-Frame-Options") == "DENY"
