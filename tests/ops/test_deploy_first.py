"""The first deploy, from an empty account, on moto: parameters from the settings file, the secrets made before
`sam deploy` (never overwritten), SES checked and reported, and a `sam deploy` that can never prompt."""

from __future__ import annotations

import textwrap
import uuid
from collections.abc import Mapping, Sequence
from pathlib import Path

import pytest

from carjunction.ops.deploy import Clients, DeployError, DeploySettings, deploy
from tests.support.aws_ops import CONTENT, REGION, SesWithAccount, client, new_bucket, new_distribution, verify_in_moto

CERTIFICATE = "arn:aws:acm:us-east-1:123456789012:certificate/0b1c2d3e"
TEMPLATE = """\
    Transform: AWS::Serverless-2016-10-31
    Parameters:
      SiteDomain: {Type: String, Default: www.carjunction.com}
      CertificateArn: {Type: String, AllowedPattern: "^arn:aws:acm:us-east-1:.*$"}
      CookieSecretParameter: {Type: String, Default: /carjunction/cookie-secret}
      MailFrom: {Type: String, Default: info@carjunction.com}
      MailIdentity: {Type: String, Default: carjunction.com}
      ReservationDays: {Type: Number, Default: 7, MinValue: 1, MaxValue: 60}
    Resources: {}
"""


class SamRecorder:
    """Stands in for subprocess: records each command, and whether the cookie key existed when sam deploy ran."""

    def __init__(self, secret_name: str) -> None:
        self.commands: list[list[str]] = []
        self.secret_name = secret_name
        self.secret_existed_at_deploy: bool | None = None

    def __call__(self, command: Sequence[str], /, env: Mapping[str, str] | None = None) -> None:
        self.commands.append(list(command))
        if command[:2] == ["sam", "deploy"]:
            names = client("ssm").describe_parameters()["Parameters"]
            self.secret_existed_at_deploy = self.secret_name in {p["Name"] for p in names}


def a_project(tmp_path: Path, parameters: str) -> DeploySettings:
    """A template, a settings file with ``parameters``, a built site, and a bucket and distribution to sync to."""
    template = tmp_path / "template.yaml"
    template.write_text(textwrap.dedent(TEMPLATE), encoding="utf-8")
    settings_file = tmp_path / "settings.toml"
    stack = f'[stack]\nname = "cj-first"\nregion = "{REGION}"\n[parameters]\n'
    settings_file.write_text(stack + textwrap.dedent(parameters), encoding="utf-8")
    site = tmp_path / "site"
    site.mkdir()
    (site / "index.html").write_text("<h1>home</h1>", encoding="utf-8")
    bucket = new_bucket(client("s3"))
    return DeploySettings(
        bucket=bucket,
        distribution_id=new_distribution(client("cloudfront"), bucket),
        content_dir=CONTENT,
        site_dir=site,
        skip_build=True,
        settings_file=settings_file,
        template=template,
    )


def clients(*, production: bool = False) -> Clients:
    return Clients(
        s3=client("s3"),
        cloudfront=client("cloudfront"),
        ssm=client("ssm"),
        secretsmanager=client("secretsmanager"),
        sesv2=SesWithAccount(production=production),
    )


@pytest.mark.usefixtures("aws")
def test_a_first_deploy_creates_the_cookie_key_then_deploys_with_the_settings_and_no_prompt(tmp_path: Path) -> None:
    # Given an empty account and a settings file giving the domain, the certificate and a sender
    secret = f"/cj-{uuid.uuid4().hex[:8]}/cookie-secret"
    settings = a_project(
        tmp_path,
        f"""\
        SiteDomain = "shop.example.com"
        CertificateArn = "{CERTIFICATE}"
        CookieSecretParameter = "{secret}"
        MailFrom = "sales@example.com"
        MailIdentity = "example.com"
        ReservationDays = 5
        """,
    )
    runner, lines = SamRecorder(secret), list[str]()
    # When deployed
    report = deploy(settings, clients(), run=runner, sam_available=True, say=lines.append)
    # Then the cookie key was created as a SecureString with a fresh random value, before sam deploy ran
    value = client("ssm").get_parameter(Name=secret, WithDecryption=True)["Parameter"]
    assert value["Type"] == "SecureString"
    assert len(value["Value"]) == 64
    assert report.secrets_created == [secret]
    assert runner.secret_existed_at_deploy is True
    # And sam was run with exactly these arguments: the settings file's stack, region and parameters, nothing asked
    assert runner.commands == [
        ["sam", "build"],
        [
            "sam", "deploy", "--stack-name", "cj-first", "--region", REGION,
            "--capabilities", "CAPABILITY_IAM", "--resolve-s3",
            "--no-confirm-changeset", "--no-fail-on-empty-changeset",
            "--parameter-overrides",
            "SiteDomain=shop.example.com", f"CertificateArn={CERTIFICATE}", f"CookieSecretParameter={secret}",
            "MailFrom=sales@example.com", "MailIdentity=example.com", "ReservationDays=5",
        ],
    ]  # fmt: skip
    assert not any("--guided" in command for command in runner.commands)
    # And SES problems were reported plainly, with the fix, without stopping the deploy
    assert len(report.mail_warnings) == 2
    assert "aws sesv2 create-email-identity --email-identity example.com" in report.mail_warnings[0]
    assert "sandbox" in report.mail_warnings[1]
    assert "put-account-details" in report.mail_warnings[1]
    assert "--website-url https://shop.example.com" in report.mail_warnings[1]
    assert report.site is not None
    assert report.site.uploaded == ("index.html",)


@pytest.mark.usefixtures("aws")
def test_an_existing_secret_is_never_overwritten(tmp_path: Path) -> None:
    # Given a cookie key that already exists
    secret = f"/cj-{uuid.uuid4().hex[:8]}/cookie-secret"
    client("ssm").put_parameter(Name=secret, Value="the-key-in-use", Type="SecureString")
    settings = a_project(tmp_path, f'CertificateArn = "{CERTIFICATE}"\nCookieSecretParameter = "{secret}"\n')
    lines: list[str] = []
    # When deployed
    report = deploy(settings, clients(), run=SamRecorder(secret), sam_available=True, say=lines.append)
    # Then it is left as it is, and the deploy says so
    assert client("ssm").get_parameter(Name=secret, WithDecryption=True)["Parameter"]["Value"] == "the-key-in-use"
    assert report.secrets_created == []
    assert any(f"secret {secret}" in line and "exists, left as it is" in line for line in lines)


@pytest.mark.usefixtures("aws")
def test_the_template_default_names_the_secret_when_the_file_does_not(tmp_path: Path) -> None:
    settings = a_project(tmp_path, f'CertificateArn = "{CERTIFICATE}"\n')
    report = deploy(settings, clients(), run=SamRecorder(""), sam_available=True, say=lambda _: None)
    assert report.secrets_created == ["/carjunction/cookie-secret"]


@pytest.mark.usefixtures("aws")
def test_a_verified_domain_out_of_the_sandbox_gives_no_warning(tmp_path: Path) -> None:
    # Given the sending domain verified (DKIM) and production access granted
    client("sesv2").create_email_identity(EmailIdentity="carjunction.com")
    verify_in_moto("carjunction.com")
    settings = a_project(tmp_path, f'CertificateArn = "{CERTIFICATE}"\n')
    lines: list[str] = []
    # When deployed
    report = deploy(settings, clients(production=True), run=SamRecorder(""), sam_available=True, say=lines.append)
    # Then SES is reported ready
    assert report.mail_warnings == []
    assert any("ok: SES identity carjunction.com is verified" in line for line in lines)
    assert any("ok: the SES account" in line and "production access" in line for line in lines)


@pytest.mark.usefixtures("aws")
def test_an_unverified_domain_gets_its_dkim_records_named(tmp_path: Path) -> None:
    # Given the domain created in SES but its DKIM records not yet in DNS
    client("sesv2").create_email_identity(EmailIdentity="carjunction.com")
    settings = a_project(tmp_path, f'CertificateArn = "{CERTIFICATE}"\n')
    report = deploy(settings, clients(production=True), run=SamRecorder(""), sam_available=True, say=lambda _: None)
    (warning,) = report.mail_warnings
    assert "SES domain carjunction.com is not verified (DKIM status NOT_STARTED)" in warning
    assert f"https://{REGION}.console.aws.amazon.com/ses/home?region={REGION}#/identities/carjunction.com" in warning


@pytest.mark.usefixtures("aws")
def test_strict_stops_before_sam_deploy_when_mail_cannot_be_delivered(tmp_path: Path) -> None:
    settings = a_project(tmp_path, f'CertificateArn = "{CERTIFICATE}"\n').model_copy(update={"strict": True})
    runner = SamRecorder("")
    with pytest.raises(DeployError, match=r"2 SES problem\(s\) above, and --strict was given"):
        deploy(settings, clients(), run=runner, sam_available=True, say=lambda _: None)
    assert runner.commands == []


@pytest.mark.usefixtures("aws")
def test_a_bad_settings_file_stops_the_deploy_before_anything_runs(tmp_path: Path) -> None:
    # Given a settings file with a misspelt parameter and the certificate (required) left out
    settings = a_project(tmp_path, 'SiteDomian = "shop.example.com"\n')
    runner = SamRecorder("/carjunction/cookie-secret")
    # When deployed, Then it stops naming both, and nothing was run or created
    with pytest.raises(DeployError) as raised:
        deploy(settings, clients(), run=runner, sam_available=True, say=lambda _: None)
    assert "SiteDomian: not a parameter of template.yaml" in str(raised.value)
    assert "CertificateArn: required" in str(raised.value)
    assert runner.commands == []
    assert client("ssm").describe_parameters()["Parameters"] == []


@pytest.mark.usefixtures("aws")
def test_deploying_the_stack_without_a_settings_file_says_to_make_one(tmp_path: Path) -> None:
    settings = a_project(tmp_path, "").model_copy(update={"settings_file": tmp_path / "none.toml"})
    with pytest.raises(DeployError, match=r"copy deploy/settings.example.toml"):
        deploy(settings, clients(), run=SamRecorder(""), sam_available=True, say=lambda _: None)


@pytest.mark.usefixtures("aws")
def test_a_region_other_than_the_files_is_refused(tmp_path: Path) -> None:
    settings = a_project(tmp_path, f'CertificateArn = "{CERTIFICATE}"\n').model_copy(update={"region": "eu-west-1"})
    with pytest.raises(DeployError, match=f"says region {REGION}, but --region or AWS_REGION says eu-west-1"):
        deploy(settings, clients(), run=SamRecorder(""), sam_available=True, say=lambda _: None)


@pytest.mark.usefixtures("aws")
def test_an_option_names_the_stack_over_the_file(tmp_path: Path) -> None:
    settings = a_project(tmp_path, f'CertificateArn = "{CERTIFICATE}"\n').model_copy(update={"stack_name": "cj-other"})
    settings = DeploySettings.model_validate(settings.model_dump())  # as if given: stack_name now explicitly set
    runner = SamRecorder("")
    deploy(settings, clients(), run=runner, sam_available=True, say=lambda _: None)
    assert runner.commands[1][2:4] == ["--stack-name", "cj-other"]
