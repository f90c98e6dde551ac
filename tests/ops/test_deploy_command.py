"""`carjunction deploy` from the command line, against moto; and the CLI staying light for `validate`."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from carjunction.cli import main
from tests.support.aws_ops import client, invalidated, new_bucket, new_distribution

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
