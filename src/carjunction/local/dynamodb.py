"""DynamoDB for the local stack: moto in server mode on loopback, and its data kept across restarts."""

from __future__ import annotations

import json
import os
import socket
from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from carjunction.local.moto_server import LoopbackMoto

BATCH_SIZE = 25  # BatchWriteItem's limit


def free_port(host: str = "127.0.0.1") -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind((host, 0))
        port: int = probe.getsockname()[1]
        return port


def start_moto() -> tuple[LoopbackMoto, str]:
    """Start moto on a free 127.0.0.1 port, closed to browsers (moto_server.py); returns it and its endpoint URL.
    It takes no host: whatever address the site is served on, moto (and the cookie secret in its SSM) stays on
    loopback."""
    from carjunction.local.moto_server import LoopbackMoto  # noqa: PLC0415 - only the local stack needs moto

    server = LoopbackMoto()
    server.start()
    return server, server.endpoint


def local_aws_environment() -> None:
    """Credentials and region for boto3 that can only ever reach the local moto endpoint."""
    os.environ.setdefault("AWS_DEFAULT_REGION", "ap-northeast-1")
    for name in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN"):
        os.environ[name] = "local"


def scan_all(client: Any, table: str) -> list[dict[str, Any]]:
    items: list[dict[str, Any]] = []
    kwargs: dict[str, Any] = {"TableName": table}
    while True:
        page = client.scan(**kwargs)
        items.extend(page.get("Items", []))
        if "LastEvaluatedKey" not in page:
            return items
        kwargs["ExclusiveStartKey"] = page["LastEvaluatedKey"]


def dump_tables(client: Any, tables: Iterable[str], path: Path) -> int:
    """Write every item of ``tables`` (DynamoDB JSON) to ``path`` atomically; returns the item count."""
    state = {table: scan_all(client, table) for table in tables}
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_suffix(".tmp")
    partial.write_text(json.dumps(state), encoding="utf-8")
    partial.replace(path)
    return sum(len(items) for items in state.values())


def load_tables(client: Any, tables: Iterable[str], path: Path) -> int:
    """Put back what dump_tables wrote, into tables that exist now; returns the item count."""
    if not path.is_file():
        return 0
    state: dict[str, list[dict[str, Any]]] = json.loads(path.read_text(encoding="utf-8"))
    count = 0
    for table in tables:
        items = state.get(table, [])
        for start in range(0, len(items), BATCH_SIZE):
            requests = [{"PutRequest": {"Item": item}} for item in items[start : start + BATCH_SIZE]]
            pending: dict[str, Any] = {table: requests}
            while pending:
                pending = client.batch_write_item(RequestItems=pending).get("UnprocessedItems") or {}
        count += len(items)
    return count
