"""`carjunction deploy` from the command line, against moto; and the CLI staying light for `validate`."""

from __future__ import annotations

import hashlib
import json
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from carjunction.cli import main
from carjunction.photos.bucket import MANIFEST_KEY, PREFIX, Bucket, variant_key
from tests.support.aws_ops import client, invalidated, new_bucket, new_distribution
from tests.support.factories import vehicle_data, write_vehicle
from tests.support.photo_factory import BLUE, GREEN, RED, plain

CONTENT = Path(__file__).resolve().parents[2] / "content"


def a_table() -> str:
    """A table keyed as the API's (pk/sk, gsi1), so that the catalogue sync runs for real once the API is merged."""
    name = "cj-data-cli"
    keys = [{"AttributeName": n, "AttributeType": "S"} for n in ("pk", "sk", "gsi1pk", "gsi1sk")]
    client("dynamodb").create_table(
        TableName=name,
        BillingMode="PAY_PER_REQUEST",
        AttributeDefinitions=keys,
        KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"}, {"AttributeName": "sk", "KeyType": "RANGE"}],
        GlobalSecondaryIndexes=[
            {
                "IndexName": "gsi1",
                "KeySchema": [
                    {"AttributeName": "gsi1pk", "KeyType": "HASH"},
                    {"AttributeName": "gsi1sk", "KeyType": "RANGE"},
                ],
                "Projection": {"ProjectionType": "ALL"},
            }
        ],
    )
    return name


@pytest.mark.usefixtures("aws")
def test_deploy_command_syncs_a_built_site(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    # Given a built site, a bucket and a distribution given as options
    site = tmp_path / "site"
    (site / "stock").mkdir(parents=True)
    (site / "index.html").write_text("<h1>home</h1>", encoding="utf-8")
    (site / "stock" / "index.html").write_text("<h1>stock</h1>", encoding="utf-8")
    s3, cloudfront = client("s3"), client("cloudfront")
    bucket = new_bucket(s3)
    distribution = new_distribution(cloudfront, bucket)
    table = a_table()
    args = ["deploy", "--bucket", bucket, "--distribution-id", distribution, "--table", table]
    args += ["--skip-build", "--skip-sam"]
    # When deployed from the command line
    code = main([*args, "--content", str(CONTENT), "--site", str(site)])
    # Then both pages are uploaded and invalidated, and it says what it did
    out = capsys.readouterr().out
    assert code == 0
    assert s3.list_objects_v2(Bucket=bucket)["KeyCount"] == 2
    assert invalidated(cloudfront, distribution) == [["/", "/index.html", "/stock/", "/stock/index.html"]]
    assert "deployed: 2 site files changed" in out
    # And the catalogue is in the table, through the API's own sync
    vehicles = len(list(CONTENT.glob("vehicles/*.yaml")))
    assert f"{vehicles} vehicles synced" in out
    assert client("dynamodb").scan(TableName=table, Select="COUNT")["Count"] == vehicles


@pytest.mark.usefixtures("aws")
def test_an_aws_refusal_is_a_message_not_a_traceback(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    site = tmp_path / "site"
    site.mkdir()
    (site / "index.html").write_text("<h1>home</h1>", encoding="utf-8")
    args = ["deploy", "--bucket", "no-such-bucket-cj", "--distribution-id", "E1", "--table", "t"]
    args += ["--skip-build", "--skip-sam"]
    code = main([*args, "--content", str(CONTENT), "--site", str(site)])
    err = capsys.readouterr().err
    assert code == 1
    assert err.startswith("deploy stopped: AWS refused a request:")
    assert "NoSuchBucket" in err


def test_the_cli_loads_without_boto3_or_pillow() -> None:
    # `carjunction validate` runs on every commit: the staff tools must not slow its start.
    probe = "import sys, carjunction.cli; print(sorted({m.split('.')[0] for m in sys.modules} & {'boto3', 'PIL'}))"
    result = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True)
    assert result.stdout.strip() == "[]"


@pytest.mark.usefixtures("aws")
def test_the_site_address_is_handed_to_the_workflows_smoke_step(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    # Given a stack whose outputs name the bucket, distribution, table and the site's address, in a workflow run
    bucket = new_bucket(client("s3"))
    outputs = {
        "SiteBucketName": bucket,
        "DistributionId": new_distribution(client("cloudfront"), bucket),
        "DataTableName": a_table(),
        "SiteUrl": "https://shop.example.com",
    }
    template = {
        "Resources": {"Topic": {"Type": "AWS::SNS::Topic"}},
        "Outputs": {key: {"Value": value} for key, value in outputs.items()},
    }
    client("cloudformation").create_stack(StackName="cj-out", TemplateBody=json.dumps(template))
    github_output = tmp_path / "github_output"
    monkeypatch.setenv("GITHUB_OUTPUT", str(github_output))
    site = tmp_path / "site"
    site.mkdir()
    (site / "index.html").write_text("<h1>home</h1>", encoding="utf-8")
    # When deployed from the command line
    args = ["deploy", "--stack", "cj-out", "--skip-build", "--skip-sam", "--settings", str(tmp_path / "none.toml")]
    code = main([*args, "--content", str(CONTENT), "--site", str(site)])
    # Then it says how to check the site, and gives the address to the next step
    assert code == 0
    assert "carjunction smoke --url https://shop.example.com" in capsys.readouterr().out
    assert github_output.read_text(encoding="utf-8") == "site_url=https://shop.example.com\n"


def one_car_with_photos(tmp_path: Path) -> tuple[Path, list[str]]:
    """A content folder whose one car has three distinct JPEGs (plain files, so no git-lfs is needed)."""
    content = tmp_path / "content"
    content.mkdir()
    for data_file in ("company.yaml", "shipping"):
        copy = shutil.copytree if (CONTENT / data_file).is_dir() else shutil.copy
        copy(CONTENT / data_file, content / data_file)
    names = ["01.jpg", "02.jpg", "03.jpg"]
    yaml_file = write_vehicle(content / "vehicles", vehicle_data(photos=names), photos=False)
    folder = yaml_file.with_suffix("")
    folder.mkdir()
    photos = [plain(folder / name, colour) for name, colour in zip(names, (RED, GREEN, BLUE), strict=True)]
    shas = [hashlib.sha256(photo.read_bytes()).hexdigest() for photo in photos]
    return content, shas


def photo_keys(s3: Any, bucket: str) -> list[str]:
    listing = s3.list_objects_v2(Bucket=bucket, Prefix=PREFIX)
    return sorted(item["Key"] for item in listing.get("Contents", []))


def deploy_one_car(tmp_path: Path, flags: list[str]) -> tuple[Any, str, list[str]]:
    """`carjunction deploy <flags>` of one car with three photos to an empty bucket: (s3, the bucket, the shas)."""
    content, shas = one_car_with_photos(tmp_path)
    site = tmp_path / "site"
    site.mkdir()
    (site / "index.html").write_text("<h1>home</h1>", encoding="utf-8")
    s3 = client("s3")
    bucket = new_bucket(s3)
    args = ["deploy", "--bucket", bucket, "--distribution-id", new_distribution(client("cloudfront"), bucket)]
    args += ["--table", a_table(), "--skip-build", "--skip-sam", "--content", str(content), "--site", str(site)]
    assert main([*args, *flags]) == 0
    return s3, bucket, shas


@pytest.fixture
def no_photos_env(aws: None, monkeypatch: pytest.MonkeyPatch) -> None:
    """moto, and no CARJUNCTION_PHOTOS from the developer's shell: only the flags decide."""
    monkeypatch.delenv("CARJUNCTION_PHOTOS", raising=False)


@pytest.mark.usefixtures("no_photos_env")
def test_without_the_photos_flag_a_deploy_publishes_no_photo(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # Given a car with three photos, When deployed without --photos
    s3, bucket, _ = deploy_one_car(tmp_path, [])
    # Then nothing is written under photos/
    assert photo_keys(s3, bucket) == []
    assert "publishing photos" not in capsys.readouterr().out


@pytest.mark.usefixtures("no_photos_env")
@pytest.mark.parametrize(("flags", "published"), [(["--photos"], 3), (["--photo-limit", "2"], 2)])
def test_the_photos_flag_publishes_the_photos_the_bucket_lacks(
    flags: list[str], published: int, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # Given a car with three photos and an empty bucket, When deployed with --photos (or --photo-limit)
    s3, bucket, shas = deploy_one_car(tmp_path, flags)
    # Then the car's photos, up to the limit, are in the manifest with all their variants
    manifest = Bucket(s3, bucket).read_manifest()
    assert len(manifest.photos) == published
    assert set(manifest.photos) <= set(shas)
    keys = set(photo_keys(s3, bucket))
    assert MANIFEST_KEY in keys
    for sha, photo in manifest.photos.items():
        assert {variant_key(sha, width) for width in photo.widths} <= keys
    # And a limited run says how many wait for the next deploy
    left = len(shas) - published
    assert (f"{left} left for the next deploy" in capsys.readouterr().out) == bool(left)


@pytest.mark.parametrize("limit", ["0", "-3", "many"])
def test_a_photo_limit_below_one_is_refused_before_anything_runs(
    limit: str, capsys: pytest.CaptureFixture[str]
) -> None:
    # When the limit is not a whole number of 1 or more
    with pytest.raises(SystemExit) as stopped:
        main(["deploy", "--photo-limit", limit])
    # Then argparse stops with a usage error that says why, and no traceback
    assert stopped.value.code == 2
    assert "--photo-limit: must be a whole number of 1 or more" in capsys.readouterr().err
