"""The shop's own domain, the 404 page and the edge-cached reads, as template.yaml declares them."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest

from carjunction.api.tables import load_template

ROOT = Path(__file__).resolve().parents[1].parent
TEMPLATE = load_template(ROOT / "template.yaml")
RESOURCES = TEMPLATE["Resources"]
CONFIG = RESOURCES["Distribution"]["Properties"]["DistributionConfig"]
CACHING_DISABLED = "4135ea2d-6df8-44a3-9df3-4b5a84be39ad"


def test_the_domain_and_certificate_are_optional_parameters_and_checked() -> None:
    parameters = TEMPLATE["Parameters"]
    assert parameters["SiteDomain"]["Default"] == "" and parameters["CertificateArn"]["Default"] == ""
    certificate = re.compile(parameters["CertificateArn"]["AllowedPattern"])
    assert certificate.fullmatch("arn:aws:acm:us-east-1:123456789012:certificate/0a1b2c3d-4e5f-6789-abcd-ef0123456789")
    assert certificate.fullmatch("")
    # CloudFront takes certificates from us-east-1 only
    assert not certificate.fullmatch("arn:aws:acm:ap-northeast-1:123456789012:certificate/0a1b2c3d")
    host = re.compile(parameters["SiteDomain"]["AllowedPattern"])
    assert host.fullmatch("www.carjunction.com") and host.fullmatch("")
    # The host names are written into the function's code: nothing that could end its string
    for bad in ("www.example.com'; x='", "https://www.example.com", "www.example.com/", "WWW.EXAMPLE.COM"):
        assert not host.fullmatch(bad), bad
    # A domain without its certificate is refused before anything is created
    (assertion,) = TEMPLATE["Rules"]["DomainNeedsCertificate"]["Assertions"]
    assert assertion["Assert"] == {"Fn::Not": [{"Fn::Equals": [{"Ref": "CertificateArn"}, ""]}]}


def test_with_a_domain_the_distribution_has_its_aliases_and_a_tls_1_2_sni_certificate() -> None:
    assert TEMPLATE["Conditions"]["HasDomain"] == {"Fn::Not": [{"Fn::Equals": [{"Ref": "SiteDomain"}, ""]}]}
    condition, with_domain, without = CONFIG["Aliases"]["Fn::If"]
    assert condition == "HasDomain" and without == {"Ref": "AWS::NoValue"}
    _, both, site_only = with_domain["Fn::If"]
    assert both == [{"Ref": "SiteDomain"}, {"Ref": "BareDomain"}] and site_only == [{"Ref": "SiteDomain"}]
    condition, certificate, default = CONFIG["ViewerCertificate"]["Fn::If"]
    assert condition == "HasDomain"
    assert certificate == {
        "AcmCertificateArn": {"Ref": "CertificateArn"},
        "SslSupportMethod": "sni-only",
        "MinimumProtocolVersion": "TLSv1.2_2021",
    }
    assert default == {"CloudFrontDefaultCertificate": True}


def test_site_origin_and_the_site_url_follow_the_domain() -> None:
    variables = TEMPLATE["Globals"]["Function"]["Environment"]["Variables"]
    assert variables["SITE_ORIGIN"] == {"Fn::If": ["HasDomain", {"Fn::Sub": "https://${SiteDomain}"}, ""]}
    url = TEMPLATE["Outputs"]["SiteUrl"]["Value"]["Fn::If"]
    assert url == ["HasDomain", {"Fn::Sub": "https://${SiteDomain}"}, {"Fn::Sub": "https://${Distribution.DomainName}"}]
    assert TEMPLATE["Outputs"]["DistributionDomainName"]["Value"] == {"Fn::GetAtt": ["Distribution", "DomainName"]}


def test_the_api_hears_the_viewer_s_host_only_from_the_edge_function() -> None:
    (policy,) = [r for r in RESOURCES.values() if r["Type"] == "AWS::CloudFront::OriginRequestPolicy"]
    assert "X-Viewer-Host" in policy["Properties"]["OriginRequestPolicyConfig"]["HeadersConfig"]["Headers"]
    code = RESOURCES["ApiRequestFunction"]["Properties"]["FunctionCode"]
    assert "request.headers['x-viewer-host'] = " in code  # set, never only added to what a viewer sent


def test_a_missing_page_is_the_404_page_with_404_and_only_for_pages() -> None:
    pages = RESOURCES["PagesDistribution"]["Properties"]["DistributionConfig"]
    assert pages["CustomErrorResponses"] == [
        {"ErrorCode": 404, "ResponseCode": 404, "ResponsePagePath": "/404.html", "ErrorCachingMinTTL": 0}
    ]
    assert pages["DefaultCacheBehavior"]["CachePolicyId"] == CACHING_DISABLED  # nothing to invalidate there
    # The viewer-facing distribution sends the pages through it, and puts no page in place of the API's errors
    site = next(o for o in CONFIG["Origins"] if o["Id"] == "site")
    assert site["DomainName"] == {"Fn::GetAtt": ["PagesDistribution", "DomainName"]}
    assert all("ResponsePagePath" not in e for e in CONFIG["CustomErrorResponses"])
    # And S3 says 404, not 403, for a missing key: the pages' distribution may list the bucket, nothing else
    statements = RESOURCES["SiteBucketPolicy"]["Properties"]["PolicyDocument"]["Statement"]
    (listing,) = [s for s in statements if s["Action"] == "s3:ListBucket"]
    assert listing["Resource"] == {"Fn::GetAtt": ["SiteBucket", "Arn"]}
    assert "${PagesDistribution}" in listing["Condition"]["StringEquals"]["AWS:SourceArn"]["Fn::Sub"]


def behaviour(pattern: str) -> dict[str, Any]:
    return next(b for b in CONFIG["CacheBehaviors"] if b["PathPattern"] == pattern)


@pytest.mark.parametrize(
    ("pattern", "policy", "query_strings", "max_age"),
    [("/api/stock/status", "StockStatusCachePolicy", None, 15), ("/api/quote", "QuoteCachePolicy", 3, 60)],
)
def test_the_public_reads_are_cached_by_the_origin_s_cache_control(
    pattern: str, policy: str, query_strings: int | None, max_age: int
) -> None:
    patterns = [b["PathPattern"] for b in CONFIG["CacheBehaviors"]]
    assert patterns.index(pattern) < patterns.index("/api/*")  # the first match wins
    assert behaviour(pattern)["CachePolicyId"] == {"Ref": policy}
    assert "OriginRequestPolicyId" not in behaviour(pattern)  # no cookie, no other query string to the API
    config = RESOURCES[policy]["Properties"]["CachePolicyConfig"]
    assert (config["MinTTL"], config["DefaultTTL"]) == (0, 0)
    assert config["MaxTTL"] >= max_age  # the route's own max-age (api/routes/inquiry.py) is honoured whole
    key = config["ParametersInCacheKeyAndForwardedToOrigin"]
    assert key["CookiesConfig"] == {"CookieBehavior": "none"} and key["HeadersConfig"] == {"HeaderBehavior": "none"}
    if query_strings is None:
        assert key["QueryStringsConfig"] == {"QueryStringBehavior": "none"}
    else:
        assert set(key["QueryStringsConfig"]["QueryStrings"]) == {"stock_no", "port", "incoterm"}


def test_the_rest_of_the_api_is_not_cached() -> None:
    assert behaviour("/api/*")["CachePolicyId"] == CACHING_DISABLED


def test_each_route_has_a_throttle_sized_for_it() -> None:
    api = RESOURCES["HttpApi"]["Properties"]
    routes = api["RouteSettings"]
    default = api["DefaultRouteSettings"]
    assert set(routes) == {"GET /api/stock/status", "GET /api/quote"}
    for settings in [default, *routes.values()]:
        assert 0 < settings["ThrottlingRateLimit"] <= settings["ThrottlingBurstLimit"]
    # The cached status read sees one request per regional cache per max-age: it needs no more than the forms
    assert routes["GET /api/stock/status"]["ThrottlingRateLimit"] <= default["ThrottlingRateLimit"]
