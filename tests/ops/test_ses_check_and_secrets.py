"""The SES check's messages for an address identity and a sender it does not cover; the secrets table with a
Secrets Manager entry; both on moto."""

from __future__ import annotations

import uuid

import pytest

from carjunction.ops.deploy_secrets import SECRETS, Secret, ensure_secrets
from carjunction.ops.ses_check import check_ses
from tests.support.aws_ops import REGION, SesWithAccount, client, verify_in_moto


@pytest.mark.usefixtures("aws")
def test_an_unverified_address_is_told_to_open_its_mail() -> None:
    # Given an address identity created but not yet confirmed, in an account out of the sandbox
    client("sesv2").create_email_identity(EmailIdentity="shop@example.com")
    # When checked
    findings = check_ses(
        SesWithAccount(production=True), region=REGION, mail_from="shop@example.com", identity="shop@example.com"
    )
    # Then the one problem is the link to open
    assert [f.ok for f in findings] == [False, True]
    assert "open the link in the mail AWS sent to it" in findings[0].message


@pytest.mark.usefixtures("aws")
def test_a_sender_outside_the_identity_is_named() -> None:
    client("sesv2").create_email_identity(EmailIdentity="example.com")
    verify_in_moto("example.com")
    findings = check_ses(
        SesWithAccount(production=True), region=REGION, mail_from="info@other.example", identity="example.com"
    )
    assert [f.ok for f in findings] == [False, True, True]
    assert findings[0].message.startswith("MailFrom info@other.example is not covered by the SES identity example.com")


@pytest.mark.usefixtures("aws")
def test_without_an_identity_parameter_the_senders_domain_is_checked() -> None:
    findings = check_ses(SesWithAccount(production=True), region=REGION, mail_from="info@shop.example")
    assert "SES identity shop.example does not exist" in findings[0].message


@pytest.mark.usefixtures("aws")
def test_an_account_state_that_cannot_be_read_is_a_warning_not_a_crash() -> None:
    # moto's real client has no GetAccount: as an AccessDenied would, it must give a warning
    findings = check_ses(client("sesv2"), region=REGION, mail_from="info@shop.example")
    assert findings[-1].ok is False
    assert findings[-1].message.startswith(f"could not read the SES account state in {REGION}")


@pytest.mark.usefixtures("aws")
def test_a_secrets_manager_entry_is_created_once_and_then_left_alone() -> None:
    # Given a table with one Secrets Manager secret, named by a parameter
    table = (Secret("OriginSecretName", "secretsmanager", "the origin secret"),)
    name = f"cj/origin-{uuid.uuid4().hex[:8]}"
    secretsmanager = client("secretsmanager")
    # When ensured twice
    first = ensure_secrets({"OriginSecretName": name}, ssm=client("ssm"), secretsmanager=secretsmanager, table=table)
    value = secretsmanager.get_secret_value(SecretId=name)["SecretString"]
    second = ensure_secrets({"OriginSecretName": name}, ssm=client("ssm"), secretsmanager=secretsmanager, table=table)
    # Then it was created the first time only, and its value kept
    assert [e.created for e in first + second] == [True, False]
    assert secretsmanager.get_secret_value(SecretId=name)["SecretString"] == value
    assert len(value) == 64


@pytest.mark.usefixtures("aws")
def test_a_parameter_the_template_does_not_have_is_skipped() -> None:
    assert ensure_secrets({}, ssm=client("ssm"), table=SECRETS) == []
    assert client("ssm").describe_parameters()["Parameters"] == []


@pytest.mark.usefixtures("aws")
def test_two_random_values_differ() -> None:
    first, second = (f"/cj-{uuid.uuid4().hex[:8]}/k" for _ in range(2))
    ensure_secrets({"CookieSecretParameter": first}, ssm=client("ssm"))
    ensure_secrets({"CookieSecretParameter": second}, ssm=client("ssm"))
    values = {client("ssm").get_parameter(Name=n, WithDecryption=True)["Parameter"]["Value"] for n in (first, second)}
    assert len(values) == 2
