"""Section 2b of bench/measure_photos.py: the whole `carjunction deploy` after a price change, on a fresh runner.

deploy.py's own deploy() runs every step against moto, in process (S3, CloudFront, DynamoDB, SSM, Secrets
Manager; never the network), in a folder laid out as a checkout: content/ with LFS pointers only,
mkdocs.yml, overrides/, template.yaml and deploy/settings.toml. Only `sam build` and `sam deploy` are skipped
(no Docker or SAM here); `mkdocs build` is the real one, run by deploy.py's run_command. A first, untimed
deploy leaves what earlier deploys leave in the bucket (the site, its secrets, the catalogue); then one price
changes and the deploy is timed on an empty CARJUNCTION_CACHE_DIR and without the last build's site/.
"""

from __future__ import annotations

import os
import re
import shutil
import sys
import tempfile
import time
import uuid
from collections import Counter
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any, Protocol

ROOT = Path(__file__).parents[1]
sys.path.insert(0, str(ROOT / "src"))

from carjunction.catalogue import Catalogue  # noqa: E402
from carjunction.ops.deploy import (  # noqa: E402
    Clients,
    DeployReport,
    DeploySettings,
    deploy,
    run_command,
    sync_catalogue_to_table,
)
from carjunction.site.plugin import CACHE_ENV  # noqa: E402

REGION = "us-east-1"  # moto's, and the settings file's (deploy() stops when they disagree)
TABLE = "carjunction-data"
TARGET_SECONDS = 120  # issue 16: "≤ 2 min in all"


class Fetcher(Protocol):
    """measure_photos.Counting: records what the deploy asks `git lfs` for."""

    fetched: list[Path]

    def fetch(self, paths: Sequence[Path]) -> None: ...


class Runner:
    """deploy.py's run_command for every command but `sam build` and `sam deploy`, which are only recorded."""

    def __init__(self) -> None:
        self.skipped: list[str] = []
        self.seconds: dict[str, float] = {}

    def __call__(self, command: Sequence[str], /, env: Mapping[str, str] | None = None) -> None:
        if command[0] == "sam":
            self.skipped.append(" ".join(command[:2]))
            return
        started = time.perf_counter()
        run_command(command, env=env)
        self.seconds[" ".join(command[2:4])] = time.perf_counter() - started


class Timeline:
    """deploy()'s `say`: each line with the moment it was said (a step's line is said as it starts)."""

    def __init__(self, echo: bool) -> None:
        self.lines: list[tuple[float, str]] = []
        self.echo = echo
        self.catalogue_seconds = 0.0

    def say(self, line: str) -> None:
        self.lines.append((time.perf_counter(), line))
        if self.echo:
            print(f"      {line}", flush=True)

    def at(self, start: str) -> float:
        return next(moment for moment, line in self.lines if line.lstrip().startswith(start))

    def after(self, start: str) -> float:
        """When the line after the one starting with ``start`` was said: that step's end."""
        index = next(i for i, (_, line) in enumerate(self.lines) if line.lstrip().startswith(start))
        return self.lines[index + 1][0]

    def sync_catalogue(self, dynamodb: Any, table_name: str, catalogue: Catalogue) -> int:
        started = time.perf_counter()
        synced = sync_catalogue_to_table(dynamodb, table_name, catalogue)
        self.catalogue_seconds = time.perf_counter() - started
        return synced


@contextmanager
def inside(folder: Path) -> Iterator[None]:
    """deploy() runs in the checkout, as `make deploy` does (content/, site/, deploy/settings.toml, mkdocs.yml)."""
    before = Path.cwd()
    os.chdir(folder)
    try:
        yield
    finally:
        os.chdir(before)


def checkout(repo: Path) -> None:
    """What a checkout holds beside content/: the build's and the stack's files."""
    for name in ("mkdocs.yml", "template.yaml"):
        shutil.copy(ROOT / name, repo / name)
    shutil.rmtree(repo / "overrides", ignore_errors=True)
    shutil.copytree(ROOT / "overrides", repo / "overrides")
    text = (ROOT / "deploy" / "settings.example.toml").read_text(encoding="utf-8")
    (repo / "deploy").mkdir(exist_ok=True)
    (repo / "deploy" / "settings.toml").write_text(re.sub(r'region = "[^"]*"', f'region = "{REGION}"', text, count=1))


def aws_clients(s3: Any) -> tuple[Clients, str]:
    """Clients on moto (mock_aws is on: measure_photos.moto_s3), with the stack's table and a distribution."""
    import boto3  # noqa: PLC0415

    from carjunction.api.tables import create_tables  # noqa: PLC0415

    make: Any = boto3.client
    dynamodb, cloudfront = make("dynamodb", region_name=REGION), make("cloudfront", region_name=REGION)
    create_tables(dynamodb, ROOT / "template.yaml", {"DataTable": TABLE})
    origin = {"Id": "site", "DomainName": "site.s3.amazonaws.com", "S3OriginConfig": {"OriginAccessIdentity": ""}}
    distribution = cloudfront.create_distribution(
        DistributionConfig={
            "CallerReference": uuid.uuid4().hex,
            "Comment": "bench",
            "Enabled": True,
            "Origins": {"Quantity": 1, "Items": [origin]},
            "DefaultCacheBehavior": {"TargetOriginId": "site", "ViewerProtocolPolicy": "redirect-to-https"},
        }
    )["Distribution"]["Id"]
    clients = Clients(
        s3=s3,
        cloudfront=cloudfront,
        dynamodb=dynamodb,
        ssm=make("ssm", region_name=REGION),
        secretsmanager=make("secretsmanager", region_name=REGION),
    )  # no SES client: moto's SES v2 has no GetAccount, so the SES check says "not checked"
    return clients, str(distribution)


def change_price(repo: Path, stock_no: str) -> tuple[int, int]:
    path = repo / "content" / "vehicles" / f"{stock_no}.yaml"
    text = path.read_text(encoding="utf-8")
    old = int(re.search(r"price_usd: (\d+)", text).group(1))  # type: ignore[union-attr]
    path.write_text(text.replace(f"price_usd: {old}", f"price_usd: {old + 500}", 1), encoding="utf-8")
    return old, old + 500


def one_deploy(settings: DeploySettings, clients: Clients, fetcher: Fetcher, *, echo: bool) -> tuple[Any, ...]:
    """deploy() on an empty build cache and without site/, as on a fresh runner; its report, timeline, runner."""
    shutil.rmtree(settings.site_dir, ignore_errors=True)
    runner, timeline = Runner(), Timeline(echo)
    with tempfile.TemporaryDirectory(prefix="carjunction-cache-") as cache:
        os.environ[CACHE_ENV] = cache
        os.environ["NO_MKDOCS_2_WARNING"] = "1"  # Material's end-of-life banner, printed by every build
        started = time.perf_counter()
        report = deploy(
            settings,
            clients,
            run=runner,
            sam_available=True,
            catalogue_sync=timeline.sync_catalogue,
            say=timeline.say,
            fetch_photos=fetcher.fetch,
        )
        seconds = time.perf_counter() - started
        os.environ.pop(CACHE_ENV)
    return report, timeline, runner, seconds


def kinds(keys: Sequence[str]) -> str:
    """The uploaded keys, each if few, else counted by kind (vehicle pages, make pages, ...)."""
    if len(keys) <= 12:
        return ", ".join(f"`{key}`" for key in keys)
    counted = Counter(re.sub(r"/[^/]+/index\.html$", "/*/index.html", key) for key in keys)
    return ", ".join(f"{count} × `{kind}`" for kind, count in counted.most_common())


def whole_deploy(repo: Path, s3: Any, stock_no: str, fetcher: Fetcher, *, echo: bool = True) -> list[str]:
    """Section 2b's lines: the steps of a deploy after one price change, on a fresh runner, against moto."""
    checkout(repo)
    clients, distribution = aws_clients(s3)
    settings = DeploySettings(
        bucket="site", distribution_id=distribution, table_name=TABLE, region=REGION, photos=True
    )  # content/, site/, deploy/settings.toml, template.yaml: relative to the checkout, as `make deploy` has them
    with inside(repo):
        print("    the previous deploy (untimed): builds and syncs the whole site", flush=True)
        first: DeployReport
        first, *_, first_seconds = one_deploy(settings, clients, fetcher, echo=False)
        held = sum(len(p.get("Contents", [])) for p in s3.get_paginator("list_objects_v2").paginate(Bucket="site"))
        old, new = change_price(repo, stock_no)
        fetcher.fetched.clear()
        print(f"    {stock_no} from ${old:,} to ${new:,}; the deploy, timed:", flush=True)
        report: DeployReport
        report, line, runner, total = one_deploy(settings, clients, fetcher, echo=echo)
    assert report.photos is not None and report.site is not None and first.site is not None
    photos, site = report.photos, report.site
    steps = {
        "validate (load the stock, read the settings and template)": line.after("1/7") - line.at("1/7"),
        f"secrets (SSM, Secrets Manager): {len(report.secrets_created)} created": line.at("3/7") - line.at("2/7"),
        f"stack: {' and '.join(runner.skipped) or 'sam'} skipped (no SAM or Docker here)": (
            line.after("3/7") - line.at("3/7")
        ),
        f"photos: {photos.needed} needed, {photos.held} held, {len(fetcher.fetched)} fetched, {photos.encoded} "
        f"encoded, {photos.uploaded} uploaded": line.at("4/7") - line.at("publishing photos"),
        f"build: real `mkdocs build --strict` with the bucket's manifest, empty cache (the process: "
        f"{runner.seconds.get('mkdocs build', 0):.1f} s)": line.at("5/7") - line.at("4/7"),
        f"sync: {len(site.uploaded)} uploaded, {len(site.deleted)} deleted, {site.unchanged} unchanged "
        f"(of {site.unchanged + len(site.uploaded)} site files; photos/ kept)": line.after("5/7") - line.at("5/7"),
        f"catalogue: {report.vehicles_synced} vehicles to DynamoDB": line.catalogue_seconds,
        f"invalidation: {len(report.invalidated_paths)} paths": (
            line.at("7/7") - line.at("6/7") - line.catalogue_seconds
        ),
    }  # fmt: skip
    verdict = "within" if total <= TARGET_SECONDS else "over"
    return [
        "### 2b. The whole deploy after a price change, on a fresh runner",
        "",
        f"`carjunction deploy` (deploy.py's deploy(), photos on) against moto, in a checkout with the LFS pointers "
        f"of {photos.needed} photos and none of their bytes, an empty build cache and no site/; the bucket holds the "
        f"manifest of every photo and the previous deploy's site ({held} objects in all; "
        f"that deploy, untimed: {first_seconds:.0f} s, {len(first.site.uploaded)} site files uploaded). "
        f"{stock_no}'s price changed from ${old:,} to ${new:,}.",
        "",
        "| step | seconds |",
        "|---|---:|",
        *[f"| {name} | {seconds:.2f} |" for name, seconds in steps.items()],
        f"| **in all** (deploy() from start to end) | **{total:.1f}** |",
        "",
        f"{verdict.capitalize()} the 2-minute target ({TARGET_SECONDS} s) by {abs(TARGET_SECONDS - total):.0f} s, "
        "without `sam build`/`sam deploy`, the checkout and the Python set-up, which a real runner adds. "
        f"The sync uploaded: {kinds(site.uploaded) or 'nothing'}"
        + (f"; deleted: {kinds(site.deleted)}" if site.deleted else "")
        + ".",
        "",
    ]
