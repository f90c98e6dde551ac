"""Before a deploy: is the stack's SesSendRate (template.yaml; the mail function's senders share it) within the SES
account's sending quota? Above it, SES throttles the mail function and mail waits, is retried and may end in the
dead-letter queue. In the sandbox the quota is 1 mail a second, so the default of 14 is warned about there."""

from __future__ import annotations

from typing import Any

from carjunction.ops.ses_check import Finding, console

PARAMETER_SES_SEND_RATE = "SesSendRate"


def check_send_rate(sesv2: Any, *, region: str, configured: str | None) -> list[Finding]:
    """A finding on ``configured`` (the parameter's effective value) against the account's MaxSendRate; none when
    either is unknown (an account that cannot be read is reported by check_ses)."""
    if configured is None:
        return []
    try:
        quota = float(sesv2.get_account()["SendQuota"]["MaxSendRate"])
        rate = float(configured)
    except Exception:  # AccessDenied, no quota in the answer, or a value that is not a number
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
