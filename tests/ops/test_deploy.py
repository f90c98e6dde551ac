"""The deploy sequence against moto: stack outputs, site sync, catalogue sync hook, invalidation."""

from __future__ import annotations

import json
import shutil
import sys
import uuid
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import pytest

from carjunction.catalogue import Catalogue
from carjunction.ops.deploy import (
    Clients,
    DeployError,
    DeploySettings,
    deploy,
)
from tests.support.aws_ops import CONTENT, client, invalidated, new_bucket, new_distribution


class Recorder:
    """Stands in for subprocess: records the commands and 'builds' by writing a tiny site."""

    def __init__(self, site_dir: Path) -> None:
        self.commands: list[list[str]] = []
        self.site_dir = site_dir

    def __call__(self, command: Sequence[str], /, env: Mapping[str, str] | None = None) -> None:
        self.commands.append(list(command))
        if "mkdocs" in command:
            self.site_dir.mkdir(parents=True, exist_ok=True)
            (self.site_dir / "index.html").write_text(f"<h1>{len(self.commands)}</h1>", encoding="utf-8")


class FakeCatalogueSync:
    def __init__(self) -> None:
        self.calls: list[tuple[str, int]] = []

    def __call__(self, dynamodb: Any, table_name: str, catalogue: Catalogue) -> int:
        self.calls.append((table_name, len(catalogue.vehicles)))
        return len(catalogue.vehicles)


def a_stack(bucket: str, distribution_id: str, table: str) -> str:
    name = f"cj-{uuid.uuid4().hex[:8]}"
    template = {
        "Resources": {"SiteBucket": {"Type": "AWS::S3::Bucket", "Properties": {"BucketName": bucket}}},
        "Outputs": {
            "SiteBucketName": {"Value": {"Ref": "SiteBucket"}},
            "DistributionId": {"Value": distribution_id},
            "DataTableName": {"Value": table},
        },
    }
    client("cloudformation").create_stack(StackName=name, TemplateBody=json.dumps(template))
    return name


def clients() -> Clients:
    return Clients(
        s3=client("s3"),
        cloudfront=client("cloudfront"),
        cloudformation=client("cloudformation"),
        dynamodb=client("dynamodb"),
    )


@pytest.mark.usefixtures("aws")
def test_deploy_reads_the_stack_syncs_and_invalidates_only_changes(tmp_path: Path) -> None:
    # Given a deployed stack (bucket, distribution, table) and no SAM CLI
    bucket = f"site-{uuid.uuid4().hex[:10]}"
    cloudfront = client("cloudfront")
    distribution = new_distribution(cloudfront, bucket)
    stack = a_stack(bucket, distribution, "cj-data")
    settings = DeploySettings(stack_name=stack, content_dir=CONTENT, site_dir=tmp_path / "site")
    runner, sync = Recorder(settings.site_dir), FakeCatalogueSync()
    # When deployed
    lines: list[str] = []
    report = deploy(settings, clients(), run=runner, sam_available=False, catalogue_sync=sync, say=lines.append)
    # Then the site was built strictly, uploaded, the catalogue synced and the home page invalidated
    assert runner.commands == [[sys.executable, "-m", "mkdocs", "build", "--strict", "--quiet"]]
    assert report.site is not None
    assert report.site.uploaded == ("index.html",)
    assert client("s3").get_object(Bucket=bucket, Key="index.html")["Body"].read() == b"<h1>1</h1>"
    assert sync.calls == [("cj-data", report.vehicles_synced)]
    assert report.vehicles_synced is not None
    assert report.vehicles_synced > 0
    assert invalidated(cloudfront, distribution) == [["/", "/index.html"]]
    assert any("pip install aws-sam-cli" in line for line in lines)


@pytest.mark.usefixtures("aws")
def test_a_second_deploy_of_the_same_build_invalidates_nothing(tmp_path: Path) -> None:
    # Given a site deployed once, with bucket and distribution given as options
    s3, cloudfront = client("s3"), client("cloudfront")
    bucket = new_bucket(s3)
    distribution = new_distribution(cloudfront, bucket)
    site = tmp_path / "site"
    site.mkdir()
    (site / "index.html").write_text("<h1>same</h1>", encoding="utf-8")
    settings = DeploySettings(
        bucket=bucket, distribution_id=distribution, content_dir=CONTENT, site_dir=site, skip_build=True
    )
    deploy(settings, clients(), run=Recorder(site), sam_available=False, say=lambda _: None)
    # When deployed again with nothing changed
    report = deploy(settings, clients(), run=Recorder(site), sam_available=False, say=lambda _: None)
    # Then nothing is uploaded and only the first deploy made an invalidation
    assert report.site is not None
    assert report.site.changed_keys == ()
    assert report.invalidation_id is None
    assert len(invalidated(cloudfront, distribution)) == 1


@pytest.mark.usefixtures("aws")
def test_the_settings_files_stack_is_synced_even_without_sam(tmp_path: Path) -> None:
    # Given a deployed stack named only in the settings file, and no SAM CLI
    bucket = f"site-{uuid.uuid4().hex[:10]}"
    stack = a_stack(bucket, new_distribution(client("cloudfront"), bucket), "cj-data")
    settings_file = tmp_path / "settings.toml"
    settings_file.write_text(f'[stack]\nname = "{stack}"\n', encoding="utf-8")
    settings = DeploySettings(content_dir=CONTENT, site_dir=tmp_path / "site", settings_file=settings_file)
    runner = Recorder(settings.site_dir)
    # When deployed
    report = deploy(settings, clients(), run=runner, sam_available=False, say=lambda _: None)
    # Then the file's stack was read for its bucket, and no sam command ran
    assert report.site is not None
    assert client("s3").get_object(Bucket=bucket, Key="index.html")["Body"].read() == b"<h1>1</h1>"
    assert [c for c in runner.commands if c[0] == "sam"] == []


@pytest.mark.usefixtures("aws")
def test_invalid_stock_stops_the_deploy_before_anything_is_built(tmp_path: Path) -> None:
    # Given a copy of the stock with a broken vehicle file
    content = tmp_path / "content"
    shutil.copytree(CONTENT, content)
    broken = sorted((content / "vehicles").glob("*.yaml"))[0]
    broken.write_text(broken.read_text(encoding="utf-8").replace("price_usd:", "prise_usd:"), encoding="utf-8")
    settings = DeploySettings(bucket="b", distribution_id="d", content_dir=content, site_dir=tmp_path / "site")
    runner = Recorder(settings.site_dir)
    # When deployed, Then it stops with a clear message and ran nothing
    with pytest.raises(DeployError, match="carjunction validate"):
        deploy(settings, clients(), run=runner, sam_available=True, say=lambda _: None)
    assert runner.commands == []


@pytest.mark.usefixtures("aws")
def test_missing_outputs_name_the_options_to_give(tmp_path: Path) -> None:
    settings = DeploySettings(stack_name="no-such-stack", content_dir=CONTENT, site_dir=tmp_path, skip_build=True)
    with pytest.raises(DeployError, match="no-such-stack"):
        deploy(settings, clients(), run=Recorder(tmp_path), sam_available=False, say=lambda _: None)


def test_settings_take_options_over_environment() -> None:
    environ = {"CARJUNCTION_BUCKET": "from-env", "CARJUNCTION_STACK_NAME": "stack-env", "AWS_REGION": "ap-northeast-1"}
    settings = DeploySettings.from_env(environ, bucket="from-option", distribution_id=None)
    assert (settings.bucket, settings.stack_name, settings.region) == ("from-option", "stack-env", "ap-northeast-1")


@pytest.mark.usefixtures("aws")
def test_an_unbuilt_site_stops_the_deploy_with_a_message(tmp_path: Path) -> None:
    s3 = client("s3")
    bucket = new_bucket(s3)
    settings = DeploySettings(
        bucket=bucket, distribution_id="E1", content_dir=CONTENT, site_dir=tmp_path / "nothing", skip_build=True
    )
    with pytest.raises(DeployError, match="build the site"):
        deploy(settings, clients(), run=Recorder(tmp_path), sam_available=False, say=lambda _: None)
