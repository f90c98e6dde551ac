"""Settings of the API functions: environment variables read once per cold start, then passed down."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field


class Settings(BaseModel):
    model_config = ConfigDict(frozen=True, extra="ignore")

    table_name: str = Field(min_length=3)
    idempotency_table_name: str = Field(default="", description="Only the order function needs it.")
    site_origin: str = Field(
        default="",
        pattern=r"^(https?://[^/]+)?$",
        description="Scheme and host of the site, no path. Empty on a stack without a domain: the address each "
        "request came through CloudFront by (X-Viewer-Host, with the origin secret) stands in for it.",
    )
    cookie_secret_parameter: str = Field(min_length=1, description="SSM SecureString with the cookie HMAC key.")
    cookie_secure: bool = Field(default=True, description="False only for the plain-HTTP local stack.")
    mail_from: str = "info@carjunction.com"
    staff_email: str = "info@carjunction.com"
    content_dir: Path = Path("content")
    outbox_dir: Path | None = Field(default=None, description="Write e-mails here instead of sending with SES.")
    mail_queue_url: str = Field(
        default="", description="SQS queue the mail function sends from; without it (and no outbox), SES directly."
    )
    origin_verify_secret_id: str = Field(
        default="", description="Secrets Manager secret (ARN or name) holding CloudFront's X-Origin-Verify value."
    )
    origin_verify: str = Field(
        default="",
        description="The X-Origin-Verify value itself (tests, local stack); AWS uses origin_verify_secret_id.",
    )
    reservation_days: int = Field(default=7, ge=1, le=60)
    # Retention the privacy policy promises; DynamoDB's TTL deletes the items when these run out.
    inquiry_retention_days: int = Field(default=730, ge=1, description="Inquiries: two years after receipt.")
    order_retention_days: int = Field(
        default=2922, ge=1, description="Orders and invoice codes: eight years, covering the seven after year-end."
    )
    inquiries_per_hour: int = Field(default=10, ge=1)
    sign_ups_per_hour: int = Field(default=10, ge=1)
    invoice_checks_per_hour: int = Field(default=30, ge=1)
    orders_per_hour: int = Field(default=10, ge=1, description="Per member, and again per network address.")
    mails_per_address_per_hour: int = Field(
        default=5, ge=1, description="Sign-up, sign-in and opt-in links to one e-mail address."
    )
    max_open_reservations: int = Field(
        default=2, ge=1, le=50, description="Unpaid reservations one member may hold at once."
    )
    sign_up_link_hours: int = Field(
        default=48, ge=1, le=168, description="How long a pending sign-up (and its link) is kept."
    )

    @classmethod
    def from_env(cls, environ: Mapping[str, str]) -> Settings:
        fields = set(cls.model_fields)
        values = {key.lower(): value for key, value in environ.items() if key.lower() in fields and value != ""}
        return cls.model_validate(values)
