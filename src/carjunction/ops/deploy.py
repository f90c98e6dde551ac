"""`carjunction deploy`: validate, build, deploy the stack, sync site and catalogue, invalidate the CDN.

Every AWS client and the command runner are passed in, so the whole sequence runs in tests against moto
with a recording runner instead of real `mkdocs` and `sam` processes.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from carjunction.catalogue import Catalogue, CatalogueError, load_catalogue
from carjunction.ops.invalidate import invalidate_paths
from carjunction.ops.sync_site import SyncError, SyncResult, sync_site

Runner = Callable[[Sequence[str]], None]
Say = Callable[[str], None]
CatalogueSync = Callable[[Any, str, Catalogue], int]

# Names of the outputs in template.yaml's Outputs section.
OUTPUT_BUCKET = "SiteBucketName"
OUTPUT_DISTRIBUTION = "DistributionId"
OUTPUT_TABLE = "DataTableName"

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

    @classmethod
    def from_env(cls, environ: Mapping[str, str], **options: Any) -> DeploySettings:
        """Options given on the command line win over CARJUNCTION_<FIELD> environment variables."""
        values: dict[str, Any] = {
            name: environ[f"CARJUNCTION_{name.upper()}"]
            for name in ("stack_name", "bucket", "distribution_id", "table_name")
            if environ.get(f"CARJUNCTION_{name.upper()}")
        }
        values["region"] = environ.get("AWS_REGION") or environ.get("AWS_DEFAULT_REGION") or None
        values.update({name: value for name, value in options.items() if value is not None})
        return cls.model_validate(values)


@dataclass(frozen=True)
class Targets:
    bucket: str
    distribution_id: str
    table_name: str | None


@dataclass
class DeployReport:
    site: SyncResult | None = None
    vehicles_synced: int | None = None
    invalidation_id: str | None = None
    invalidated_paths: list[str] = field(default_factory=list)


class DeployError(Exception):
    """A step failed; the message says which and what to do. Later steps did not run."""


def run_command(command: Sequence[str]) -> None:
    try:
        subprocess.run(list(command), check=True)  # noqa: S603 - fixed commands, no shell
    except subprocess.CalledProcessError as error:
        raise DeployError(f"`{' '.join(command)}` failed with exit code {error.returncode}") from error


def stack_outputs(cloudformation_client: Any, stack_name: str) -> dict[str, str]:
    stacks = cloudformation_client.describe_stacks(StackName=stack_name)["Stacks"]
    return {str(o["OutputKey"]): str(o["OutputValue"]) for o in stacks[0].get("Outputs", [])}


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
    return Targets(bucket, distribution, settings.table_name or outputs.get(OUTPUT_TABLE))


def sync_catalogue_to_table(dynamodb_client: Any, table_name: str, catalogue: Catalogue) -> int:
    """The API's own catalogue sync (it keeps live reservations), pointed at the deployed table."""
    from carjunction.api.logic.sync_catalogue import sync_catalogue  # noqa: PLC0415 - boto3 only when deploying
    from carjunction.api.store.db import Db  # noqa: PLC0415

    return sync_catalogue(Db(client=dynamodb_client, table=table_name), catalogue)


def sam_commands(settings: DeploySettings, project_dir: Path) -> list[list[str]]:
    deploy = [
        "sam",
        "deploy",
        "--stack-name",
        settings.stack_name,
        "--no-confirm-changeset",
        "--no-fail-on-empty-changeset",
    ]
    if not (project_dir / "samconfig.toml").is_file():
        # Without a samconfig.toml sam needs to be told where to upload code and that IAM roles are created.
        deploy += ["--resolve-s3", "--capabilities", "CAPABILITY_IAM"]
    if settings.region:
        deploy += ["--region", settings.region]
    return [["sam", "build"], deploy]


@dataclass
class Clients:
    """boto3 clients, made by the caller (the CLI) so that tests can hand in moto-backed ones."""

    s3: Any
    cloudfront: Any
    cloudformation: Any | None = None
    dynamodb: Any | None = None


def deploy(
    settings: DeploySettings,
    clients: Clients,
    *,
    run: Runner = run_command,
    sam_available: bool | None = None,
    catalogue_sync: CatalogueSync | None = None,
    say: Say | None = None,
) -> DeployReport:
    report = DeployReport()
    # Flushed, so that the lines stay in order with the output of the commands it runs.
    say = say or (lambda line: print(line, flush=True))
    say("1/6 validating the stock")
    try:
        catalogue = load_catalogue(settings.content_dir)
    except CatalogueError as error:
        raise DeployError("the stock has problems; run `carjunction validate` and fix them first") from error
    if settings.skip_build:
        say("2/6 build skipped (--skip-build)")
    else:
        say("2/6 building the site")
        run([sys.executable, "-m", "mkdocs", "build", "--strict", "--quiet"])
    if settings.skip_sam:
        say("3/6 stack deploy skipped (--skip-sam)")
    elif sam_available if sam_available is not None else shutil.which("sam") is not None:
        say("3/6 deploying the stack with SAM")
        for command in sam_commands(settings, settings.content_dir.resolve().parent):
            run(command)
    else:
        say(f"3/6 {SAM_INSTALL_HINT}")
    targets = resolve_targets(settings, clients.cloudformation, need_table=catalogue_sync is not None)
    say(f"4/6 syncing {settings.site_dir} to s3://{targets.bucket}")
    try:
        report.site = sync_site(clients.s3, targets.bucket, settings.site_dir)
    except SyncError as error:
        raise DeployError(str(error)) from error
    say(f"    {len(report.site.uploaded)} uploaded, {len(report.site.deleted)} deleted, {report.site.unchanged} same")
    if catalogue_sync is None:
        say("5/6 catalogue sync skipped")
    elif not targets.table_name or clients.dynamodb is None:
        raise DeployError("no table to sync the catalogue to: the stack has no DataTableName output; give --table")
    else:
        say(f"5/6 syncing {len(catalogue.vehicles)} vehicles to table {targets.table_name}")
        report.vehicles_synced = catalogue_sync(clients.dynamodb, targets.table_name, catalogue)
    report.invalidation_id, report.invalidated_paths = invalidate_paths(
        clients.cloudfront, targets.distribution_id, report.site.changed_keys
    )
    if report.invalidation_id:
        say(f"6/6 invalidating {len(report.invalidated_paths)} paths (invalidation {report.invalidation_id})")
    else:
        say("6/6 nothing changed on the site; no invalidation")
    return report
