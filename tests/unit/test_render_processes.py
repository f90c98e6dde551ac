"""The render processes forked at on_config: they wait for the shells, report what they rendered or why they
failed, and are stopped when the build fails before on_post_build (as `mkdocs serve` goes on running)."""

from __future__ import annotations

import time

import pytest
from mkdocs.exceptions import PluginError

from carjunction.site.mkdocs_render import Inbox, Rendered, RenderProcesses
from carjunction.site.page_shell import PageShell

SHELL = PageShell(pieces=("<html>", "</html>"), slots=("block:content",))


def render_after_shells(part: tuple[int, int], inbox: Inbox) -> Rendered:
    index, count = part
    shells = inbox.wait()
    shell = shells[("vehicle.html", "vehicles")]
    assert shell is not None
    return Rendered(urls=[(index, shell.fill({"block:content": f"page {index} of {count}"}))])


def fail(part: tuple[int, int], inbox: Inbox) -> Rendered:
    raise ValueError(f"no template for part {part[0]}")


def test_processes_render_once_the_shells_are_sent() -> None:
    processes = RenderProcesses(2, render_after_shells)
    processes.send({("vehicle.html", "vehicles"): SHELL})
    rendered = processes.results()
    assert sorted(rendered.urls) == [(0, "<html>page 0 of 2</html>"), (1, "<html>page 1 of 2</html>")]


def test_a_failing_process_fails_the_build_with_its_reason() -> None:
    processes = RenderProcesses(2, fail)
    with pytest.raises(PluginError, match="ValueError: no template for part"):
        processes.results()


def test_processes_still_waiting_for_shells_are_stopped() -> None:
    # Given processes waiting for shells that will not come (the build failed in between)
    processes = RenderProcesses(2, render_after_shells)
    time.sleep(0.2)
    assert processes.running() == 2
    # When they are stopped, Then none is left running
    started = time.perf_counter()
    processes.stop()
    assert processes.running() == 0
    assert time.perf_counter() - started < 5
