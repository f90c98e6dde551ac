"""The render processes: N of them, where N may be 1 (the same job, run in the build's own process). Forked ones
wait for the shells, report what they rendered or why they failed, and are stopped when the build fails before
on_post_build (as `mkdocs serve` goes on running)."""

from __future__ import annotations

import os
import time

import pytest
from mkdocs.exceptions import PluginError

from carjunction.site.page_shell import PageShell
from carjunction.site.render_processes import Inbox, RenderProcesses, Urls, render_processes

SHELL = PageShell(pieces=("<html>", "</html>"), slots=("block:content",))


def render_after_shells(index: int, count: int, inbox: Inbox) -> Urls:
    shell = inbox.wait()[("vehicle.html", "vehicles")]
    return [(index, shell.fill({"block:content": f"page {index} of {count} in {os.getpid()}"}))]


def fail(index: int, count: int, inbox: Inbox) -> Urls:
    raise ValueError(f"no template for part {index}")


def test_forked_processes_render_once_the_shells_are_sent() -> None:
    # Given two processes started before the shells exist
    processes = RenderProcesses(2, render_after_shells)
    # When the shells are sent, Then each renders its share, in a process of its own
    processes.send({("vehicle.html", "vehicles"): SHELL})
    rendered = processes.results()
    assert [n for n, _ in rendered] == [0, 1]
    assert [html.split(" in ")[0] for _, html in rendered] == ["<html>page 0 of 2", "<html>page 1 of 2"]
    assert str(os.getpid()) not in "".join(html for _, html in rendered)


def test_one_process_is_this_one_running_the_same_job_with_the_shells() -> None:
    # Given one render process: nothing is forked
    processes = RenderProcesses(1, render_after_shells)
    assert processes.running() == 0
    # When the shells are sent and the results asked for, Then the job ran here, on every page
    processes.send({("vehicle.html", "vehicles"): SHELL})
    assert processes.results() == [(0, f"<html>page 0 of 1 in {os.getpid()}</html>")]


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


def test_the_number_of_processes_is_the_usable_cores_unless_set(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("CARJUNCTION_RENDER_PROCESSES", raising=False)
    assert render_processes() == min(len(os.sched_getaffinity(0)), 8)
    monkeypatch.setenv("CARJUNCTION_RENDER_PROCESSES", "3")
    assert render_processes() == 3
