"""A second `make serve` says what is going on instead of failing obscurely."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
from pathlib import Path

import pytest

from carjunction.local.dynamodb import free_port
from carjunction.local.lock import AlreadyRunning, single_instance


def test_a_running_stack_is_named(tmp_path: Path) -> None:
    # Given another live process holds the pid file
    other = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(30)"])
    try:
        (tmp_path / "serve.pid").write_text(str(other.pid))
        # When a second stack starts, Then it is told the first is running, with its address
        expected = r"already running \(process \d+\) on http://127\.0\.0\.1:\d+/"
        with (
            pytest.raises(AlreadyRunning, match=expected),
            single_instance(tmp_path / "serve.pid", "127.0.0.1", free_port()),
        ):
            pass
    finally:
        other.kill()
        other.wait()


def test_a_stale_pid_file_is_taken_over_and_removed_at_the_end(tmp_path: Path) -> None:
    pid_file = tmp_path / "serve.pid"
    pid_file.write_text("999999999")
    with single_instance(pid_file, "127.0.0.1", free_port()):
        assert pid_file.read_text() == str(os.getpid())
    assert not pid_file.exists()


def test_a_port_held_by_another_program_is_named(tmp_path: Path) -> None:
    with socket.socket() as holder:
        holder.bind(("127.0.0.1", 0))
        holder.listen()
        port = holder.getsockname()[1]
        with (
            pytest.raises(AlreadyRunning, match=f"Port {port} on 127.0.0.1 is already in use"),
            single_instance(tmp_path / "serve.pid", "127.0.0.1", port),
        ):
            pass
