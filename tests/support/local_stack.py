"""The local stack as `make serve` runs it, started in this process, and a plain HTTP call to it."""

from __future__ import annotations

import json
import threading
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any
from urllib.error import HTTPError

from carjunction.local.dynamodb import free_port
from carjunction.local.stack import StackConfig, start_stack

ROOT = Path(__file__).resolve().parents[2]


@contextmanager
def running(site: Path, state: Path, said: list[str]) -> Iterator[str]:
    config = StackConfig(ROOT, site, state, port=free_port(), say=said.append)
    stack = start_stack(config)
    thread = threading.Thread(target=stack.serve_forever, daemon=True)
    thread.start()
    try:
        yield config.origin
    finally:
        stack.server.shutdown()
        thread.join(timeout=5)
        stack.stop()


def call(method: str, url: str, body: Any = None, cookie: str | None = None) -> tuple[int, Any, str]:
    data = json.dumps(body).encode() if body is not None else None
    request = urllib.request.Request(url, method=method, data=data)  # noqa: S310 - loopback only
    request.add_header("Content-Type", "application/json")
    if cookie:
        request.add_header("Cookie", cookie)
    try:
        with urllib.request.urlopen(request, timeout=10) as answer:  # noqa: S310 - loopback only
            text = answer.read().decode()
            return answer.status, json.loads(text) if text else None, answer.headers.get("Set-Cookie", "")
    except HTTPError as error:
        return error.code, json.loads(error.read().decode() or "null"), ""
