"""Before a deploy: can SES send the shop's mail? Says plainly what is missing and the command or page that fixes it.

Until the sending identity is verified (DKIM for a domain) and the account has left the SES sandbox, sign-in links
and receipts fail; the forms still work and store what buyers send. So these are warnings, and a deploy goes on
(mail can be fixed afterwards) unless it runs with --strict.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

PARAMETER_SES_SEND_RATE = "SesSendRate"


@dataclass(frozen=True)
class Finding:
    ok: bool
    message: str


def console(region: str, page: str) -> str:
    return f"https://{region}.console.aws.amazon.com/ses/home?region={region}#/{page}"


def sending_identity(mail_from: str, identity: str | None) -> str:
    """The identity to check: the template's MailIdentity where it has one, else MailFrom's domain."""
    return identity or mail_from.rpartition("@")[2]


def covers(identity: str, mail_from: str) -> bool:
    """Whether SES lets ``identity`` send as ``mail_from``: the address itself, or its domain."""
    return identity.lower() in {mail_from.lower(), mail_from.rpartition("@")[2].lower()}


def _identity_findings(sesv2: Any, identity: str, region: str) -> list[Finding]:
    page = console(region, f"identities/{identity}")
    try:
        found = sesv2.get_email_identity(EmailIdentity=identity)
    except sesv2.exceptions.NotFoundException:
        return [
            Finding(
                False,
                f"SES identity {identity} does not exist in {region}. Create it: "
                f"`aws sesv2 create-email-identity --email-identity {identity} --region {region}`"
                + (
                    ", then publish its DKIM records (see below, or the console page)."
                    if "@" not in identity
                    else ", then open the link in the mail AWS sends to that address."
                )
                + f" Console: {console(region, 'identities')}",
            )
        ]
    if found.get("VerifiedForSendingStatus"):
        return [Finding(True, f"SES identity {identity} is verified for sending in {region}")]
    if "@" in identity:
        return [
            Finding(
                False,
                f"SES identity {identity} is not verified yet: open the link in the mail AWS sent to it "
                f"(resend from {page}).",
            )
        ]
    dkim = found.get("DkimAttributes") or {}
    records = "; ".join(
        f"{token}._domainkey.{identity} CNAME {token}.dkim.amazonses.com" for token in dkim.get("Tokens") or ()
    )
    return [
        Finding(
            False,
            f"SES domain {identity} is not verified (DKIM status {dkim.get('Status', 'unknown')}): publish its three "
            f"DKIM CNAME records in the domain's DNS{': ' + records if records else ''} "
            f"(`aws sesv2 get-email-identity --email-identity {identity} --region {region}` lists them; "
            f"{page}). SES checks them by itself within 72 hours.",
        )
    ]


def send_rate_findings(account: dict[str, Any], region: str, configured: str | None) -> list[Finding]:
    """The stack's SesSendRate (the mail function's senders share it) against the account's MaxSendRate: above
    it, SES throttles the mail function and mail waits, is retried and may end in the dead-letter queue. In the
    sandbox the quota is 1 mail a second, so the default of 14 is warned about there. None when either is unknown."""
    if configured is None:
        return []
    try:
        quota = float(account["SendQuota"]["MaxSendRate"])
        rate = float(configured)
    except (KeyError, TypeError, ValueError):  # no quota in the answer, or a value that is not a number
        return []
    if rate > quota:
        return [
            Finding(
                False,
                f"{PARAMETER_SES_SEND_RATE} is {rate:g} mails a second, above the SES quota of {quota:g} in {region}: "
                f"set {PARAMETER_SES_SEND_RATE} = {quota:g} under [parameters] in the settings file (raise it when AWS "
                f"raises the quota, {console(region, 'account')}), or SES throttles the mail function",
            )
        ]
    return [Finding(True, f"{PARAMETER_SES_SEND_RATE} {rate:g}/s is within the SES quota of {quota:g}/s")]


def _account_findings(sesv2: Any, region: str, site_url: str | None, send_rate: str | None) -> list[Finding]:
    try:
        account = sesv2.get_account()
    except Exception as error:  # AccessDenied, or a service that does not answer: say so, do not stop
        return [Finding(False, f"could not read the SES account state in {region}: {error}")]
    findings = send_rate_findings(account, region, send_rate)
    if not account.get("SendingEnabled", True):
        findings.append(
            Finding(False, f"SES sending is paused for this account in {region}; see {console(region, 'account')}")
        )
    if account.get("ProductionAccessEnabled"):
        findings.append(Finding(True, f"the SES account in {region} has production access (out of the sandbox)"))
    else:
        website = f" --website-url {site_url}" if site_url else ""
        findings.append(
            Finding(
                False,
                f"the SES account in {region} is in the sandbox: mail goes only to verified addresses, so buyers get "
                f"no sign-in links or receipts. Request production access at {console(region, 'account')}, or "
                f"`aws sesv2 put-account-details --region {region} --production-access-enabled --mail-type "
                f"TRANSACTIONAL{website} --use-case-description 'Sign-in links and receipts for buyers who ask "
                f"for them'` (AWS answers within a day).",
            )
        )
    return findings


def check_ses(
    sesv2: Any,
    *,
    region: str,
    mail_from: str,
    identity: str | None = None,
    site_url: str | None = None,
    send_rate: str | None = None,
) -> list[Finding]:
    """What stands between the stack and delivered mail, in the order to fix it; ``send_rate`` is the stack's
    SesSendRate, checked against the account's quota."""
    name = sending_identity(mail_from, identity)
    findings: list[Finding] = []
    if not covers(name, mail_from):
        findings.append(
            Finding(False, f"MailFrom {mail_from} is not covered by the SES identity {name}: use an address at {name}")
        )
    findings += _identity_findings(sesv2, name, region)
    findings += _account_findings(sesv2, region, site_url, send_rate)
    return findings
