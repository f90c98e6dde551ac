"""What CloudFront adds to each response, read from template.yaml's distribution, so the local origin sends the
same security headers (the production CSP above all) and compresses the same paths; the two cannot drift apart."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from fnmatch import fnmatchcase
from typing import Any


class EdgePolicyError(ValueError):
    """template.yaml says something about the distribution that the local origin does not reproduce."""


@dataclass(frozen=True)
class ResponseHeader:
    name: str
    value: str
    # CloudFront's Override: replace the origin's own header; otherwise only add it when the origin sent none.
    override: bool = True


@dataclass(frozen=True)
class CachePolicy:
    """A cache policy of the template that keeps answers: CloudFront's TTL rules and what the key holds (the path,
    and these query strings). Cookies and headers are never in a key the local edge reproduces."""

    min_ttl: int
    default_ttl: int
    max_ttl: int
    query_strings: tuple[str, ...] = ()


@dataclass(frozen=True)
class ErrorPage:
    """A CustomErrorResponse with a page: what the bucket's ``error_code`` becomes."""

    error_code: int
    page_path: str
    response_code: int


@dataclass(frozen=True)
class Behaviour:
    """One cache behaviour: the paths it matches, whether the edge compresses, and the headers it adds."""

    path_pattern: str  # "*" for the default behaviour
    compress: bool = False
    headers: tuple[ResponseHeader, ...] = ()
    # None: nothing is kept (CachingDisabled; pages are read from disk, as an edge that revalidates each time).
    cache: CachePolicy | None = None

    def matches(self, path: str) -> bool:
        # CloudFront's patterns are case-sensitive globs in which * also matches "/"; the leading "/" is optional.
        return fnmatchcase(path.lstrip("/"), self.path_pattern.lstrip("/"))


@dataclass(frozen=True)
class EdgePolicy:
    """The distribution's behaviours in CloudFront's order: the first that matches a path wins, else the default."""

    behaviours: tuple[Behaviour, ...] = ()
    default: Behaviour = field(default_factory=lambda: Behaviour("*"))
    # What a missing page becomes: the error pages of the distribution the pages come through.
    error_pages: tuple[ErrorPage, ...] = ()

    def error_page(self, status: int) -> ErrorPage | None:
        return next((page for page in self.error_pages if page.error_code == status), None)

    def for_path(self, path: str) -> Behaviour:
        return next((b for b in self.behaviours if b.matches(path)), self.default)


def _security_headers(config: Mapping[str, Any]) -> list[ResponseHeader]:
    """SecurityHeadersConfig as the header lines CloudFront writes for it."""
    headers: list[ResponseHeader] = []
    for key, setting in config.items():
        override = bool(setting.get("Override", False))
        if key == "ContentSecurityPolicy":
            value = str(setting["ContentSecurityPolicy"])
            headers.append(ResponseHeader("Content-Security-Policy", value, override))
        elif key == "StrictTransportSecurity":
            parts = [f"max-age={int(setting['AccessControlMaxAgeSec'])}"]
            parts += ["includeSubDomains"] if setting.get("IncludeSubdomains") else []
            parts += ["preload"] if setting.get("Preload") else []
            headers.append(ResponseHeader("Strict-Transport-Security", "; ".join(parts), override))
        elif key == "ContentTypeOptions":
            headers.append(ResponseHeader("X-Content-Type-Options", "nosniff", override))
        elif key == "FrameOptions":
            headers.append(ResponseHeader("X-Frame-Options", str(setting["FrameOption"]), override))
        elif key == "ReferrerPolicy":
            headers.append(ResponseHeader("Referrer-Policy", str(setting["ReferrerPolicy"]), override))
        elif key == "XSSProtection":
            value = "1" if setting.get("Protection") else "0"
            value += "; mode=block" if setting.get("ModeBlock") else ""
            value += f"; report={setting['ReportUri']}" if setting.get("ReportUri") else ""
            headers.append(ResponseHeader("X-XSS-Protection", value, override))
        else:
            raise EdgePolicyError(f"SecurityHeadersConfig.{key} is not reproduced by the local origin")
    return headers


def response_headers(policy: Mapping[str, Any]) -> tuple[ResponseHeader, ...]:
    """The headers one AWS::CloudFront::ResponseHeadersPolicy adds."""
    config = policy["Properties"]["ResponseHeadersPolicyConfig"]
    headers: list[ResponseHeader] = []
    for key, value in config.items():
        if key in {"Name", "Comment"}:
            continue
        if key == "SecurityHeadersConfig":
            headers += _security_headers(value)
        elif key == "CustomHeadersConfig":
            headers += [
                ResponseHeader(str(item["Header"]), str(item["Value"]), bool(item["Override"]))
                for item in value["Items"]
            ]
        else:
            raise EdgePolicyError(f"ResponseHeadersPolicyConfig.{key} is not reproduced by the local origin")
    return tuple(headers)


def cache_policy(policy: Mapping[str, Any]) -> CachePolicy:
    """One AWS::CloudFront::CachePolicy, refused where its key holds what the local edge does not key by."""
    config = policy["Properties"]["CachePolicyConfig"]
    key = config["ParametersInCacheKeyAndForwardedToOrigin"]
    if key["CookiesConfig"]["CookieBehavior"] != "none" or key["HeadersConfig"]["HeaderBehavior"] != "none":
        raise EdgePolicyError(f"cache policy {config['Name']!r}: cookies or headers in the key are not reproduced")
    query = key["QueryStringsConfig"]
    if query["QueryStringBehavior"] not in {"none", "whitelist"}:
        raise EdgePolicyError(f"cache policy {config['Name']!r}: only none or listed query strings are reproduced")
    names = (
        tuple(str(n) for n in query.get("QueryStrings") or ()) if query["QueryStringBehavior"] == "whitelist" else ()
    )
    return CachePolicy(int(config["MinTTL"]), int(config["DefaultTTL"]), int(config["MaxTTL"]), names)


def _behaviour(resources: Mapping[str, Any], settings: Mapping[str, Any], pattern: str) -> Behaviour:
    policy_id = settings.get("ResponseHeadersPolicyId")
    headers: tuple[ResponseHeader, ...] = ()
    if policy_id is not None:
        if not (isinstance(policy_id, Mapping) and "Ref" in policy_id):
            raise EdgePolicyError(f"behaviour {pattern!r}: only a !Ref to a policy in this template can be reproduced")
        headers = response_headers(resources[policy_id["Ref"]])
    # A managed policy (an id) is CachingDisabled or CachingOptimized: nothing the local edge keeps.
    cache_id = settings.get("CachePolicyId")
    cache = cache_policy(resources[cache_id["Ref"]]) if isinstance(cache_id, Mapping) and "Ref" in cache_id else None
    return Behaviour(pattern, bool(settings.get("Compress", False)), headers, cache)


def _error_pages(config: Mapping[str, Any]) -> tuple[ErrorPage, ...]:
    return tuple(
        ErrorPage(int(e["ErrorCode"]), str(e["ResponsePagePath"]), int(e["ResponseCode"]))
        for e in config.get("CustomErrorResponses") or ()
        if "ResponsePagePath" in e
    )


def _origin_distribution(resources: Mapping[str, Any], origin: Mapping[str, Any]) -> str | None:
    """The template's distribution an origin is (!GetAtt X.DomainName), if it is one."""
    domain = origin.get("DomainName")
    target = domain.get("Fn::GetAtt") if isinstance(domain, Mapping) else None
    if target and target[1] == "DomainName" and resources[target[0]].get("Type") == "AWS::CloudFront::Distribution":
        return str(target[0])
    return None


def edge_policy(template: Mapping[str, Any], distribution: str | None = None) -> EdgePolicy:
    """The behaviours of the template's viewer-facing distribution (the one no other uses as its origin, unless
    named), with the error pages of the distribution its pages come through."""
    resources: Mapping[str, Any] = template["Resources"]
    names = [name for name, r in resources.items() if r.get("Type") == "AWS::CloudFront::Distribution"]
    inner = {
        _origin_distribution(resources, origin)
        for name in names
        for origin in resources[name]["Properties"]["DistributionConfig"].get("Origins") or ()
    }
    if distribution is None:
        facing = [name for name in names if name not in inner]
        if len(facing) != 1:
            raise EdgePolicyError(f"expected one viewer-facing CloudFront distribution, found {len(facing)}")
        distribution = facing[0]
    config = resources[distribution]["Properties"]["DistributionConfig"]
    if _error_pages(config):
        # CloudFront would put the page in place of the API's errors too, which the local origin does not do.
        raise EdgePolicyError("error pages on the viewer-facing distribution are not reproduced (they hit /api too)")
    ordered: Sequence[Mapping[str, Any]] = config.get("CacheBehaviors") or []
    default = config["DefaultCacheBehavior"]
    origins: Sequence[Mapping[str, Any]] = config.get("Origins") or ()
    site = next((o for o in origins if o.get("Id") == default.get("TargetOriginId")), {})
    pages = _origin_distribution(resources, site)
    return EdgePolicy(
        behaviours=tuple(_behaviour(resources, b, str(b["PathPattern"])) for b in ordered),
        default=_behaviour(resources, default, "*"),
        error_pages=_error_pages(resources[pages]["Properties"]["DistributionConfig"]) if pages else (),
    )
