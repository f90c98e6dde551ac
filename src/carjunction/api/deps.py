"""What the logic needs, built once per cold start from the settings and handed down.

Nothing here runs at import: boto3 and Powertools utilities are imported inside ``build_deps``.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from carjunction.api.mail import Mailer
from carjunction.api.settings import Settings
from carjunction.api.store.db import Db
from carjunction.catalogue import Company, Shipping
from carjunction.clock import utc_now

Clock = Callable[[], dt.datetime]
log = logging.getLogger(__name__)


def no_origin_secret() -> str:
    return ""


@dataclass
class Deps:
    settings: Settings
    db: Db
    shipping: Shipping
    company: Company
    mailer: Mailer
    secret: Callable[[], bytes]
    clock: Clock = utc_now
    # The order function's Powertools idempotency store; None where no route needs it.
    idempotency: Any = None
    # CloudFront's X-Origin-Verify value ("" when none is set up); read on use, cached (origin_secret_reader).
    origin_secret: Callable[[], str] = no_origin_secret
    cache: dict[str, Any] = field(default_factory=dict)


def load_static_content(settings: Settings) -> tuple[Shipping, Company]:
    """Ports, rates and company details are packaged with the function: a rate change ships with the
    site build that shows it, so the calculator on the page and the API never disagree."""
    # Vehicles come from the DynamoDB copy (live status); only shipping and company are read here.
    from carjunction.catalogue.company import Company as CompanyModel  # noqa: PLC0415
    from carjunction.catalogue.load import COMPANY_FILE, SHIPPING_FILE, load_record, load_shipping  # noqa: PLC0415
    from carjunction.catalogue.problems import CatalogueError  # noqa: PLC0415

    shipping, problems = load_shipping(settings.content_dir / SHIPPING_FILE)
    company, company_problems = load_record(CompanyModel, settings.content_dir / COMPANY_FILE)
    if shipping is None or company is None:
        raise CatalogueError(problems + company_problems)
    return shipping, company


def build_deps(
    settings: Settings, session: Any = None, *, with_idempotency: bool = False, endpoint_url: str | None = None
) -> Deps:
    """``endpoint_url`` points every client at one endpoint: the local stack's moto server on loopback."""
    import boto3  # noqa: PLC0415 - heavy; only on the first request
    from botocore.config import Config  # noqa: PLC0415

    from carjunction.api.mail import OutboxMailer, QueueMailer, SesMailer  # noqa: PLC0415

    session = session or boto3.session.Session()
    # Fail fast and let the caller retry: a Lambda waiting 60 s on a throttled table helps nobody.
    config = Config(connect_timeout=2, read_timeout=5, retries={"max_attempts": 3, "mode": "standard"})
    dynamodb = session.client("dynamodb", config=config, endpoint_url=endpoint_url)
    shipping, company = load_static_content(settings)
    mailer: Mailer
    if settings.outbox_dir is not None:
        mailer = OutboxMailer(settings.outbox_dir)
    elif settings.mail_queue_url:
        # Mail leaves through the queue: a request waits for one quick put at most, never for SES.
        queue_config = Config(connect_timeout=1, read_timeout=2, retries={"total_max_attempts": 2, "mode": "standard"})
        sqs = session.client("sqs", config=queue_config, endpoint_url=endpoint_url)
        mailer = QueueMailer(sqs, settings.mail_queue_url)
    else:
        mailer = SesMailer(session.client("sesv2", config=config, endpoint_url=endpoint_url), settings.mail_from)
    deps = Deps(
        settings=settings,
        db=Db(dynamodb, settings.table_name),
        shipping=shipping,
        company=company,
        mailer=mailer,
        secret=ssm_secret(
            session.client("ssm", config=config, endpoint_url=endpoint_url), settings.cookie_secret_parameter
        ),
    )
    if settings.origin_verify_secret_id:
        secrets_client = session.client("secretsmanager", config=config, endpoint_url=endpoint_url)
        deps.origin_secret = origin_secret_reader(secrets_client, settings.origin_verify_secret_id)
    elif settings.origin_verify:
        deps.origin_secret = lambda: settings.origin_verify
    if with_idempotency:
        from aws_lambda_powertools.utilities.idempotency import DynamoDBPersistenceLayer  # noqa: PLC0415

        deps.idempotency = DynamoDBPersistenceLayer(table_name=settings.idempotency_table_name, boto3_client=dynamodb)
    return deps


def ssm_secret(ssm_client: Any, name: str) -> Callable[[], bytes]:
    """The cookie key from SSM (SecureString), cached for five minutes so a rotated key is picked up."""
    from aws_lambda_powertools.utilities.parameters import SSMProvider  # noqa: PLC0415

    provider = SSMProvider(boto3_client=ssm_client)

    def secret() -> bytes:
        value = provider.get(name, decrypt=True, max_age=300)
        return str(value).encode()

    return secret


def origin_secret_reader(secrets_client: Any, secret_id: str) -> Callable[[], str]:
    """CloudFront's X-Origin-Verify value from Secrets Manager, cached for five minutes like the cookie key.

    Secrets Manager, not SSM: CloudFormation resolves ``{{resolve:secretsmanager:…}}`` in any property, so the
    distribution's OriginCustomHeaders gets the value from the same secret, while ``ssm-secure`` references are
    refused there. A failed read gives "" (no viewer address is trusted), never an error to the buyer.
    """
    from aws_lambda_powertools.utilities.parameters import SecretsProvider  # noqa: PLC0415
    from aws_lambda_powertools.utilities.parameters.exceptions import GetParameterError  # noqa: PLC0415

    provider = SecretsProvider(boto3_client=secrets_client)

    def secret() -> str:
        try:
            return str(provider.get(secret_id, max_age=300))
        except GetParameterError as error:
            log.warning("origin secret not read", extra={"error_type": type(error.__context__ or error).__name__})
            return ""

    return secret
