"""Tell a developer that `make serve` is already running, instead of failing on a busy port."""

from __future__ import annotations

import contextlib
import errno
import os
import socket
from collections.abc import Iterator
from pathlib import Path


class AlreadyRunning(Exception):
    """Another local stack, or another program, holds what this one needs."""


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def check_port(host: str, port: int) -> None:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        try:
            probe.bind((host, port))
        except OSError as error:
            if error.errno == errno.EADDRINUSE:
                raise AlreadyRunning(
                    f"Port {port} on {host} is already in use by another program. "
                    f"Stop it, or run on another port: make serve PORT=8001"
                ) from error
            raise


@contextlib.contextmanager
def single_instance(pid_file: Path, host: str, port: int) -> Iterator[None]:
    """Hold ``pid_file`` while the stack runs; refuse to start a second one."""
    if pid_file.is_file():
        text = pid_file.read_text(encoding="utf-8").strip()
        if text.isdigit() and int(text) != os.getpid() and _alive(int(text)):
            raise AlreadyRunning(
                f"The local stack is already running (process {text}) on http://{host}:{port}/. "
                "Use that one, or stop it with Ctrl-C in its terminal first."
            )
    check_port(host, port)
    pid_file.parent.mkdir(parents=True, exist_ok=True)
    pid_file.write_text(str(os.getpid()), encoding="utf-8")
    try:
        yield
    finally:
        with contextlib.suppress(FileNotFoundError):
            pid_file.unlink()
