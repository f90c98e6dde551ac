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
class Behaviour:
    """One cache behaviour: the paths it matches, whether the edge compresses, and the headers it adds."""

    path_pattern: str  # "*" for the default behaviour
    compress: bool = False
    headers: tuple[ResponseHeader, ...] = ()

    def matches(self, path: str) -> bool:
        # CloudFront's patterns are case-sensitive globs in which * also matches "/"; the leading "/" is optional.
        return fnmatchcase(path.lstrip("/"), self.path_pattern.lstrip("/"))


@dataclass(frozen=True)
class EdgePolicy:
    """The distribution's behaviours in CloudFront's order: the first that matches a path wins, else the default."""

    behaviours: tuple[Behaviour, ...] = ()
    default: Behaviour = field(default_factory=lambda: Behaviour("*"))

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


def _behaviour(resources: Mapping[str, Any], settings: Mapping[str, Any], pattern: str) -> Behaviour:
    policy_id = settings.get("ResponseHeadersPolicyId")
    headers: tuple[ResponseHeader, ...] = ()
    if policy_id is not None:
        if not (isinstance(policy_id, Mapping) and "Ref" in policy_id):
            raise EdgePolicyError(f"behaviour {pattern!r}: only a !Ref to a policy in this template can be reproduced")
        headers = response_headers(resources[policy_id["Ref"]])
    return Behaviour(pattern, bool(settings.get("Compress", False)), headers)


def edge_policy(template: Mapping[str, Any], distribution: str | None = None) -> EdgePolicy:
    """The behaviours of the template's CloudFront distribution (the only one, unless named)."""
    resources: Mapping[str, Any] = template["Resources"]
    names = [name for name, r in resources.items() if r.get("Type") == "AWS::CloudFront::Distribution"]
    if distribution is None:
        if len(names) != 1:
            raise EdgePolicyError(f"expected one CloudFront distribution in the template, found {len(names)}")
        distribution = names[0]
    config = resources[distribution]["Properties"]["DistributionConfig"]
    ordered: Sequence[Mapping[str, Any]] = config.get("CacheBehaviors") or []
    return EdgePolicy(
        behaviours=tuple(_behaviour(resources, b, str(b["PathPattern"])) for b in ordered),
        default=_behaviour(resources, config["DefaultCacheBehavior"], "*"),
    )
