"""Local DynamoDB: moto's server on loopback, and data that survives a restart of `make serve`."""

from __future__ import annotations

import urllib.request
import uuid
from pathlib import Path
from typing import Any

import boto3

from carjunction.local.dynamodb import dump_tables, load_tables, local_aws_environment, start_moto


def client_for(endpoint: str) -> Any:
    local_aws_environment()
    return boto3.client("dynamodb", endpoint_url=endpoint, region_name="ap-northeast-1")


def create(client: Any, name: str) -> None:
    client.create_table(
        TableName=name,
        AttributeDefinitions=[{"AttributeName": "pk", "AttributeType": "S"}],
        KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"}],
        BillingMode="PAY_PER_REQUEST",
    )


def test_items_written_before_a_restart_are_there_after_it(tmp_path: Path) -> None:
    table = f"t-{uuid.uuid4().hex[:8]}"
    state = tmp_path / "state.json"
    # Given a first run that stores 60 items (more than one batch) and is stopped
    first, endpoint = start_moto()
    try:
        client = client_for(endpoint)
        create(client, table)
        for n in range(60):
            client.put_item(TableName=table, Item={"pk": {"S": f"ITEM#{n}"}, "n": {"N": str(n)}})
        assert dump_tables(client, [table], state) == 60
    finally:
        first.stop()
    # When a second run starts on a fresh server and loads the saved state
    second, endpoint = start_moto()
    try:
        # moto keeps its data per process, and a real restart is a new process: forget everything
        urllib.request.urlopen(urllib.request.Request(f"{endpoint}/moto-api/reset", method="POST"), timeout=5).close()  # noqa: S310 - loopback
        client = client_for(endpoint)
        create(client, table)
        assert load_tables(client, [table], state) == 60
        # Then every item is back, unchanged
        item = client.get_item(TableName=table, Key={"pk": {"S": "ITEM#42"}})["Item"]
        assert item["n"] == {"N": "42"}
        assert client.scan(TableName=table, Select="COUNT")["Count"] == 60
    finally:
        second.stop()


def test_nothing_saved_loads_nothing(tmp_path: Path) -> None:
    assert load_tables(None, ["t"], tmp_path / "missing.json") == 0
