"""Which table the admin commands work on, the local stack's (`--local`) or the deployed one, and, for the commands
that mail members, that stack's mail queue, cookie key and site address."""

from __future__ import annotations

import json
import os
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from carjunction.ops.admin.context import AdminError, Sending

STACK_FILE = "stack.json"  # written by the local stack while it runs (carjunction.local.stack)
DEFAULT_STACK = "carjunction"
COOKIE_SECRET_PARAMETER = "CookieSecretParameter"  # noqa: S105 - the name of the stack's parameter naming the SSM SecureString
MAIL_QUEUE = "MailQueue"  # the queue's logical id in template.yaml


@dataclass(frozen=True)
class Target:
    table: str
    region: str | None = None
    endpoint_url: str | None = None
    local: bool = False
    origin: str | None = None  # the local stack's site address; a deployed one's comes with its mail settings


def local_target(state_dir: Path) -> Target:
    path = state_dir / STACK_FILE
    try:
        stack = json.loads(path.read_text(encoding="utf-8"))
        return Target(
            table=str(stack["table"]),
            region=str(stack["region"]),
            endpoint_url=str(stack["endpoint"]),
            local=True,
            origin=str(stack["origin"]) if stack.get("origin") else None,
        )
    except FileNotFoundError:
        raise AdminError(f"the local stack is not running ({path} is missing): start it with `make serve`") from None
    except (ValueError, KeyError, TypeError) as error:
        raise AdminError(f"{path} is not what the local stack writes ({error}); restart `make serve`") from None


def deployed_target(
    environ: Mapping[str, str],
    *,
    table: str | None,
    stack: str | None,
    region: str | None,
    endpoint_url: str | None,
    cloudformation: Any = None,
) -> Target:
    """--table, else CARJUNCTION_TABLE_NAME, else the stack's DataTableName output (what deploy uses)."""
    from carjunction.ops.stack_outputs import OUTPUT_TABLE, stack_outputs  # noqa: PLC0415

    region = region or environ.get("AWS_REGION") or environ.get("AWS_DEFAULT_REGION") or None
    name = table or environ.get("CARJUNCTION_TABLE_NAME")
    if name:
        return Target(table=name, region=region, endpoint_url=endpoint_url)
    stack_name = stack_name_of(environ, stack)
    if cloudformation is None:
        raise AdminError("no table: give --table, or --local for the stack `make serve` runs")
    try:
        outputs = stack_outputs(cloudformation, stack_name)
    except Exception as error:  # botocore's errors: no credentials, no such stack
        raise AdminError(
            f"cannot read the outputs of stack {stack_name!r} ({error}); give --table or --local"
        ) from None
    if OUTPUT_TABLE not in outputs:
        raise AdminError(f"stack {stack_name!r} has no {OUTPUT_TABLE} output; give --table")
    return Target(table=outputs[OUTPUT_TABLE], region=region, endpoint_url=endpoint_url)


def stack_name_of(environ: Mapping[str, str], stack: str | None) -> str:
    return stack or environ.get("CARJUNCTION_STACK_NAME") or DEFAULT_STACK


def local_sending(state_dir: Path, target: Target, sqs: Any) -> Sending:
    """The running `make serve`: its cookie key file, its origin, and its mail queue on moto, which the stack
    drains into its outbox as the mail function would send."""
    from carjunction.local.mail_queue import MAIL_QUEUES  # noqa: PLC0415
    from carjunction.local.stack import cookie_secret  # noqa: PLC0415
    from carjunction.ops.admin.batch_mailer import BatchQueueMailer  # noqa: PLC0415

    if not target.origin:
        raise AdminError(f"{state_dir / STACK_FILE} names no site origin; restart `make serve`")
    try:
        queue_url = sqs.get_queue_url(QueueName=MAIL_QUEUES[MAIL_QUEUE])["QueueUrl"]
    except Exception as error:  # botocore's errors: the stack stopped, or an older stack without the queue
        raise AdminError(f"the local stack's mail queue is not there ({error}); restart `make serve`") from None
    return Sending(
        secret=cookie_secret(state_dir).encode(), site_origin=target.origin, mailer=BatchQueueMailer(sqs, queue_url)
    )


def deployed_sending(stack_name: str, *, cloudformation: Any, ssm: Any, sqs: Any) -> Sending:
    """The deployed stack's: the SSM parameter its CookieSecretParameter names, its SiteUrl, and its MailQueue."""
    from carjunction.ops.admin.batch_mailer import BatchQueueMailer  # noqa: PLC0415
    from carjunction.ops.stack_outputs import OUTPUT_SITE_URL  # noqa: PLC0415

    try:
        (description,) = cloudformation.describe_stacks(StackName=stack_name)["Stacks"]
        queue = cloudformation.describe_stack_resource(StackName=stack_name, LogicalResourceId=MAIL_QUEUE)
    except Exception as error:  # botocore's errors: no credentials, no such stack or resource
        raise AdminError(f"cannot read the mail settings of stack {stack_name!r} ({error}); or use --local") from None
    outputs = {str(o["OutputKey"]): str(o["OutputValue"]) for o in description.get("Outputs", [])}
    parameters = {str(p["ParameterKey"]): str(p.get("ParameterValue", "")) for p in description.get("Parameters", [])}
    origin = outputs.get(OUTPUT_SITE_URL, "").rstrip("/")
    parameter = parameters.get(COOKIE_SECRET_PARAMETER)
    queue_url = str(queue["StackResourceDetail"].get("PhysicalResourceId") or "")
    if not origin or not parameter or not queue_url:
        raise AdminError(
            f"stack {stack_name!r} lacks its {OUTPUT_SITE_URL} output, {COOKIE_SECRET_PARAMETER} parameter or "
            f"{MAIL_QUEUE}: deploy it first"
        )
    try:
        secret = str(ssm.get_parameter(Name=parameter, WithDecryption=True)["Parameter"]["Value"]).encode()
    except Exception as error:  # no such parameter, or no right to decrypt it
        raise AdminError(f"cannot read the cookie key {parameter!r} from SSM ({error})") from None
    return Sending(secret=secret, site_origin=origin, mailer=BatchQueueMailer(sqs, queue_url))


def sending_connector(target: Target, args: Any, session: Any, config: Any) -> Callable[[], Sending]:
    """What AdminContext calls on first use: the local stack's mail settings, or the deployed stack's (its name from
    --stack, CARJUNCTION_STACK_NAME or the default), through the command's boto3 session."""

    def connect() -> Sending:
        sqs = session.client("sqs", config=config, endpoint_url=target.endpoint_url, region_name=target.region)
        if target.local:
            return local_sending(args.state_dir, target, sqs)
        return deployed_sending(
            stack_name_of(os.environ, args.stack),
            cloudformation=session.client("cloudformation", config=config, endpoint_url=args.endpoint_url),
            ssm=session.client("ssm", config=config, endpoint_url=args.endpoint_url),
            sqs=sqs,
        )

    return connect
