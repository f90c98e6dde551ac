"""`carjunction deploy`: validate, build, deploy the stack, sync site and catalogue, start the alert job, invalidate
the CDN.

The first deploy too: the parameters come from one settings file (stack_settings.py), the secrets the stack
reads are created when missing (deploy_secrets.py), and SES is checked (ses_check.py), all before `sam deploy`,
which never prompts (no --guided). Every AWS client and the command runner are passed in, so the whole sequence
runs in tests against moto with a recording runner instead of real `mkdocs` and `sam` processes.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

from pydantic import BaseModel, ConfigDict, Field

from carjunction.catalogue import Catalogue, CatalogueError, load_catalogue
from carjunction.ops.deploy_alerts import start_alert_job
from carjunction.ops.deploy_photos import BUILD, PhotosNotPublished, build_with_published_photos, publish_stock_photos
from carjunction.ops.deploy_secrets import ensure_secrets
from carjunction.ops.invalidate import invalidate_paths
from carjunction.ops.ses_check import PARAMETER_SES_SEND_RATE, check_ses
from carjunction.ops.stack_outputs import (
    OUTPUT_ALERTS_FUNCTION,
    OUTPUT_BUCKET,
    OUTPUT_DISTRIBUTION,
    OUTPUT_SITE_URL,
    OUTPUT_TABLE,
    stack_outputs,
)
from carjunction.ops.stack_settings import (
    DEFAULT_SETTINGS_FILE,
    SettingsError,
    StackSettings,
    effective_values,
    override_arguments,
    read_settings,
    template_parameters,
)
from carjunction.ops.sync_site import SyncError, SyncResult, sync_site
from carjunction.photos.bucket import PREFIX as PHOTOS_PREFIX

if TYPE_CHECKING:
    from carjunction.photos.publish import Fetcher, PublishReport


class Runner(Protocol):
    """Runs one command (``env`` added to this process's environment); raises DeployError if it fails."""

    def __call__(self, command: Sequence[str], /, env: Mapping[str, str] | None = None) -> None: ...


Say = Callable[[str], None]
CatalogueSync = Callable[[Any, str, Catalogue], int]

# template.yaml's parameters the SES check reads (skipped where the template has none of them).
PARAMETER_MAIL_FROM = "MailFrom"
PARAMETER_MAIL_IDENTITY = "MailIdentity"
PARAMETER_SITE_DOMAIN = "SiteDomain"
# CAPABILITY_IAM: the template makes the functions' roles (with generated names).
CAPABILITIES = ("CAPABILITY_IAM",)

SAM_INSTALL_HINT = (
    "The AWS SAM CLI is not installed, so the stack (functions, tables, bucket, CDN) was not deployed; "
    "the site and catalogue go to the stack as it is. Install it with `pip install aws-sam-cli` or see "
    "https://docs.aws.amazon.com/serverless-application-model/latest/developerguide/install-sam-cli.html"
)


class DeploySettings(BaseModel):
    """Where to deploy; read once from options or CARJUNCTION_* environment variables."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    stack_name: str = Field(default="carjunction", min_length=1)
    region: str | None = None
    bucket: str | None = Field(default=None, description="Overrides the stack's SiteBucketName output.")
    distribution_id: str | None = Field(default=None, description="Overrides the stack's DistributionId output.")
    table_name: str | None = Field(default=None, description="Overrides the stack's DataTableName output.")
    content_dir: Path = Path("content")
    site_dir: Path = Path("site")
    skip_build: bool = False
    skip_sam: bool = False
    settings_file: Path = DEFAULT_SETTINGS_FILE
    template: Path = Path("template.yaml")
    strict: bool = Field(default=False, description="SES warnings stop the deploy before `sam deploy`.")
    photos: bool = Field(default=False, description="Publish the photos the bucket lacks (carjunction.photos).")
    photo_limit: int | None = Field(
        default=None, ge=1, description="Publish at most this many missing photos; the next deploy goes on."
    )

    @classmethod
    def from_env(cls, environ: Mapping[str, str], **options: Any) -> DeploySettings:
        """Options given on the command line win over CARJUNCTION_<FIELD> environment variables."""
        values: dict[str, Any] = {
            name: environ[f"CARJUNCTION_{name.upper()}"]
            for name in ("stack_name", "bucket", "distribution_id", "table_name", "photos")
            if environ.get(f"CARJUNCTION_{name.upper()}")
        }
        values["region"] = environ.get("AWS_REGION") or environ.get("AWS_DEFAULT_REGION") or None
        values.update({name: value for name, value in options.items() if value is not None})
        return cls.model_validate(values)

    def with_file(self, stack: StackSettings | None) -> DeploySettings:
        """The stack name and region from the settings file, where no option or environment variable gave them."""
        if stack is None:
            return self
        update: dict[str, Any] = {}
        if stack.stack_name and "stack_name" not in self.model_fields_set:
            update["stack_name"] = stack.stack_name
        if stack.region and self.region and stack.region != self.region:
            # Deploying where the file does not say is the one mistake that quietly makes a second shop.
            raise DeployError(
                f"{stack.path} says region {stack.region}, but --region or AWS_REGION says {self.region}: "
                "make them agree"
            )
        if stack.region and not self.region:
            update["region"] = stack.region
        return self.model_copy(update=update) if update else self


@dataclass(frozen=True)
class Targets:
    bucket: str
    distribution_id: str
    table_name: str | None
    site_url: str | None = None
    alerts_function: str | None = None


@dataclass
class DeployReport:
    secrets_created: list[str] = field(default_factory=list)
    mail_warnings: list[str] = field(default_factory=list)
    site_url: str | None = None
    site: SyncResult | None = None
    photos: PublishReport | None = None
    vehicles_synced: int | None = None
    # The alert job started after the catalogue sync; when it could not be, why (the deploy goes on regardless).
    alerts_started: bool = False
    alerts_problem: str | None = None
    invalidation_id: str | None = None
    invalidated_paths: list[str] = field(default_factory=list)


class DeployError(Exception):
    """A step failed; the message says which and what to do. Later steps did not run."""


def run_command(command: Sequence[str], /, env: Mapping[str, str] | None = None) -> None:
    try:
        subprocess.run(list(command), check=True, env={**os.environ, **env} if env else None)  # noqa: S603 - fixed commands
    except subprocess.CalledProcessError as error:
        raise DeployError(f"`{' '.join(command)}` failed with exit code {error.returncode}") from error


def resolve_targets(settings: DeploySettings, cloudformation_client: Any | None, *, need_table: bool) -> Targets:
    """Bucket, distribution and table: from the settings where given, else from the stack's outputs."""
    outputs: dict[str, str] = {}
    missing = not (settings.bucket and settings.distribution_id) or (need_table and not settings.table_name)
    if missing and cloudformation_client:
        try:
            outputs = stack_outputs(cloudformation_client, settings.stack_name)
        except Exception as error:  # botocore's ClientError, without importing botocore here
            raise DeployError(f"cannot read the outputs of stack {settings.stack_name!r}: {error}") from error
    bucket = settings.bucket or outputs.get(OUTPUT_BUCKET)
    distribution = settings.distribution_id or outputs.get(OUTPUT_DISTRIBUTION)
    if not bucket or not distribution:
        raise DeployError(
            f"no site bucket or distribution id: deploy the stack {settings.stack_name!r} first, "
            "or give --bucket and --distribution-id (or CARJUNCTION_BUCKET, CARJUNCTION_DISTRIBUTION_ID)"
        )
    return Targets(
        bucket,
        distribution,
        settings.table_name or outputs.get(OUTPUT_TABLE),
        outputs.get(OUTPUT_SITE_URL),
        outputs.get(OUTPUT_ALERTS_FUNCTION),
    )


@dataclass(frozen=True)
class StackPlan:
    """The settings file read against the template: what `sam deploy` is given, and what the stack will see."""

    file: StackSettings
    values: dict[str, str]  # every parameter's effective value (the file's, else the template's default)
    has_parameter: frozenset[str]


def load_plan(settings: DeploySettings, *, required: bool) -> StackPlan | None:
    """The settings file checked against template.yaml; None when it is absent and not ``required``."""
    if not required and not settings.settings_file.is_file():
        return None
    from carjunction.api.tables import load_template  # noqa: PLC0415 - cfn-lint's loader, only when deploying

    try:
        parameters = template_parameters(load_template(settings.template))
        stack = read_settings(settings.settings_file, parameters)
    except (SettingsError, OSError) as error:
        raise DeployError(str(error)) from error
    return StackPlan(stack, effective_values(stack, parameters), frozenset(parameters))


def sync_catalogue_to_table(dynamodb_client: Any, table_name: str, catalogue: Catalogue) -> int:
    """The API's own catalogue sync (it keeps live reservations), pointed at the deployed table."""
    from carjunction.api.logic.sync_catalogue import sync_catalogue  # noqa: PLC0415 - boto3 only when deploying
    from carjunction.api.store.db import Db  # noqa: PLC0415

    return sync_catalogue(Db(client=dynamodb_client, table=table_name), catalogue)


def sam_commands(settings: DeploySettings, plan: StackPlan) -> list[list[str]]:
    """`sam build` then a `sam deploy` that never asks anything: everything it needs is on its command line
    (never --guided, whose "no authentication, is this okay?" questions abort by default)."""
    deploy = ["sam", "deploy", "--stack-name", settings.stack_name]
    deploy += ["--region", settings.region] if settings.region else []
    deploy += ["--capabilities", *CAPABILITIES, "--resolve-s3"]
    deploy += ["--no-confirm-changeset", "--no-fail-on-empty-changeset"]
    overrides = override_arguments(plan.file.parameters)
    deploy += ["--parameter-overrides", *overrides] if overrides else []
    return [["sam", "build"], deploy]


def prepare_stack(settings: DeploySettings, clients: Clients, plan: StackPlan, report: DeployReport, say: Say) -> None:
    """Create the secrets the stack reads, then check SES; --strict makes a mail problem stop the deploy here."""
    if clients.ssm is None:
        raise DeployError("no SSM client to create the stack's secrets with")
    for ensured in ensure_secrets(plan.values, ssm=clients.ssm, secretsmanager=clients.secretsmanager):
        done = "created (a new random value)" if ensured.created else "exists, left as it is"
        say(f"    secret {ensured.name} ({ensured.secret.purpose}): {done}")
        if ensured.created:
            report.secrets_created.append(ensured.name)
    mail_from = plan.values.get(PARAMETER_MAIL_FROM)
    if clients.sesv2 is None or not mail_from:
        say("    SES not checked (no MailFrom parameter or no SES client)")
        return
    domain = plan.values.get(PARAMETER_SITE_DOMAIN)
    findings = check_ses(
        clients.sesv2,
        region=settings.region or str(clients.sesv2.meta.region_name),
        mail_from=mail_from,
        identity=plan.values.get(PARAMETER_MAIL_IDENTITY),
        site_url=f"https://{domain}" if domain else None,
        send_rate=plan.values.get(PARAMETER_SES_SEND_RATE),
    )
    for finding in findings:
        say(f"    {'ok' if finding.ok else 'WARNING'}: {finding.message}")
        if not finding.ok:
            report.mail_warnings.append(finding.message)
    if report.mail_warnings and settings.strict:
        raise DeployError(f"{len(report.mail_warnings)} SES problem(s) above, and --strict was given")
    if report.mail_warnings:
        say("    the deploy goes on: the forms work and store what buyers send; mail is delivered once fixed")


def deploy_stack(
    settings: DeploySettings,
    clients: Clients,
    plan: StackPlan | None,
    *,
    report: DeployReport,
    run: Runner,
    say: Say,
) -> None:
    """Steps 2 and 3: the secrets and mail the stack needs, then `sam build` and `sam deploy` (given a plan)."""
    if plan is not None:
        say(f"2/7 secrets and mail for stack {settings.stack_name} ({plan.file.path})")
        prepare_stack(settings, clients, plan, report, say)
    else:
        say("2/7 secrets and mail not checked: the stack is not deployed this time")
    if settings.skip_sam:
        say("3/7 stack deploy skipped (--skip-sam)")
    elif plan is not None:
        say("3/7 deploying the stack with SAM")
        for command in sam_commands(settings, plan):
            run(command)
    else:
        say(f"3/7 {SAM_INSTALL_HINT}")


@dataclass
class Clients:
    """boto3 clients, made by the caller (the CLI) so that tests can hand in moto-backed ones."""

    s3: Any
    cloudfront: Any
    cloudformation: Any | None = None
    dynamodb: Any | None = None
    ssm: Any | None = None
    secretsmanager: Any | None = None
    sesv2: Any | None = None
    lambda_: Any | None = None  # the alert job is started with it after the catalogue sync


def deploy(
    settings: DeploySettings,
    clients: Clients,
    *,
    run: Runner = run_command,
    sam_available: bool | None = None,
    catalogue_sync: CatalogueSync | None = None,
    say: Say | None = None,
    plan: StackPlan | None = None,
    fetch_photos: Fetcher | None = None,
) -> DeployReport:
    report = DeployReport()
    # Flushed, so that the lines stay in order with the output of the commands it runs.
    say = say or (lambda line: print(line, flush=True))
    say("1/7 validating the stock and the deploy settings")
    try:
        catalogue = load_catalogue(settings.content_dir)
    except CatalogueError as error:
        raise DeployError("the stock has problems; run `carjunction validate` and fix them first") from error
    sam_runs = not settings.skip_sam and (
        sam_available if sam_available is not None else shutil.which("sam") is not None
    )
    plan = plan or load_plan(settings, required=sam_runs)
    settings = settings.with_file(plan.file if plan else None)
    deploy_stack(settings, clients, plan if sam_runs else None, report=report, run=run, say=say)
    targets = resolve_targets(settings, clients.cloudformation, need_table=catalogue_sync is not None)
    report.site_url = targets.site_url
    # The bucket exists only after the stack does; the pages are built with what it then holds.
    if settings.photos:
        try:
            report.photos = publish_stock_photos(
                settings, clients.s3, targets.bucket, catalogue, say, fetch=fetch_photos
            )
        except PhotosNotPublished as error:
            raise DeployError(str(error)) from error
    if settings.skip_build:
        say("4/7 build skipped (--skip-build)")
    elif settings.photos:
        say("4/7 building the site with the published photos")
        build_with_published_photos(clients.s3, targets.bucket, run)
    else:
        say("4/7 building the site")
        run(BUILD)
    say(f"5/7 syncing {settings.site_dir} to s3://{targets.bucket}")
    try:
        # photos/ belongs to the photo publisher; its garbage collection removes what no car uses.
        report.site = sync_site(clients.s3, targets.bucket, settings.site_dir, keep=(PHOTOS_PREFIX,))
    except SyncError as error:
        raise DeployError(str(error)) from error
    say(f"    {len(report.site.uploaded)} uploaded, {len(report.site.deleted)} deleted, {report.site.unchanged} same")
    if catalogue_sync is None:
        say("6/7 catalogue sync skipped")
    elif not targets.table_name or clients.dynamodb is None:
        raise DeployError("no table to sync the catalogue to: the stack has no DataTableName output; give --table")
    else:
        say(f"6/7 syncing {len(catalogue.vehicles)} vehicles to table {targets.table_name}")
        report.vehicles_synced = catalogue_sync(clients.dynamodb, targets.table_name, catalogue)
        report.alerts_problem = start_alert_job(
            clients.lambda_, clients.cloudformation, settings.stack_name, targets.alerts_function, say
        )
        report.alerts_started = report.alerts_problem is None
    report.invalidation_id, report.invalidated_paths = invalidate_paths(
        clients.cloudfront, targets.distribution_id, report.site.changed_keys
    )
    if report.invalidation_id:
        say(f"7/7 invalidating {len(report.invalidated_paths)} paths (invalidation {report.invalidation_id})")
    else:
        say("7/7 nothing changed on the site; no invalidation")
    return report
