"""Before `sam deploy`: the stack's SesSendRate (template.yaml) is held to the SES account's sending quota, so that the
mail function, which paces itself by it, is never throttled. On moto, with the account state moto does not model."""

from __future__ import annotations

import uuid
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import pytest

from carjunction.ops.deploy import Clients, DeploySettings, deploy
from carjunction.ops.ses_check import send_rate_findings
from tests.support.api import ROOT
from tests.support.aws_ops import CONTENT, REGION, SesWithAccount, client, new_bucket, new_distribution, verify_in_moto

pytestmark = pytest.mark.usefixtures("aws")


class SesWithQuota(SesWithAccount):
    """An account out of the sandbox (or not) with a sending quota."""

    def __init__(self, *, production: bool, max_send_rate: float) -> None:
        super().__init__(production=production)
        self.max_send_rate = max_send_rate

    def get_account(self) -> dict[str, Any]:
        quota = {"Max24HourSend": 200.0 if not self.production else 50_000.0, "MaxSendRate": self.max_send_rate}
        return super().get_account() | {"SendQuota": quota}


def no_commands(command: Sequence[str], /, env: Mapping[str, str] | None = None) -> None:
    pass


def a_deploy(tmp_path: Path, parameters: str = "") -> DeploySettings:
    """The real template, a settings file with ``parameters``, a built site, a bucket and distribution."""
    settings_file = tmp_path / "settings.toml"
    stack = f'[stack]\nname = "cj-rate"\nregion = "{REGION}"\n[parameters]\n'
    settings_file.write_text(stack + parameters, encoding="utf-8")
    site = tmp_path / "site"
    site.mkdir()
    (site / "index.html").write_text(f"<h1>{uuid.uuid4().hex}</h1>", encoding="utf-8")
    bucket = new_bucket(client("s3"))
    return DeploySettings(
        bucket=bucket,
        distribution_id=new_distribution(client("cloudfront"), bucket),
        content_dir=CONTENT,
        site_dir=site,
        skip_build=True,
        settings_file=settings_file,
        template=ROOT / "template.yaml",
    )


def verified_domain() -> None:
    client("sesv2").create_email_identity(EmailIdentity="carjunction.com")
    verify_in_moto("carjunction.com")


def clients(ses: SesWithQuota) -> Clients:
    return Clients(
        s3=client("s3"),
        cloudfront=client("cloudfront"),
        ssm=client("ssm"),
        secretsmanager=client("secretsmanager"),
        sesv2=ses,
    )


def test_the_default_rate_is_warned_about_in_the_sandbox_with_the_setting_to_change(tmp_path: Path) -> None:
    # Given a verified domain in an account still in the sandbox (1 mail a second), and no SesSendRate set
    verified_domain()
    lines: list[str] = []
    # When deployed
    ses = SesWithQuota(production=False, max_send_rate=1)
    report = deploy(a_deploy(tmp_path), clients(ses), run=no_commands, sam_available=True, say=lines.append)
    # Then the template's default of 14 is named as above the quota, with the line to put in the settings file
    (warning,) = [w for w in report.mail_warnings if "SesSendRate" in w]
    assert "SesSendRate is 14 mails a second, above the SES quota of 1" in warning
    assert "set SesSendRate = 1 under [parameters]" in warning


def test_a_rate_within_the_quota_is_reported_ok(tmp_path: Path) -> None:
    verified_domain()
    lines: list[str] = []
    ses = SesWithQuota(production=True, max_send_rate=50)
    settings = a_deploy(tmp_path, "SesSendRate = 40\n")
    report = deploy(settings, clients(ses), run=no_commands, sam_available=True, say=lines.append)
    assert report.mail_warnings == []
    assert any("ok: SesSendRate 40/s is within the SES quota of 50/s" in line for line in lines)


def test_an_account_whose_quota_cannot_be_read_adds_nothing() -> None:
    # An answer without a quota (moto's SES v2 has none), or no SesSendRate: the rate check stays quiet
    assert send_rate_findings({"SendingEnabled": True}, REGION, "14") == []
    assert send_rate_findings(SesWithQuota(production=True, max_send_rate=14).get_account(), REGION, None) == []
