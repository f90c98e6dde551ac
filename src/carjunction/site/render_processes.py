"""The one way generated pages are rendered: page shells filled in N processes, where N may be 1.

Each process takes every N-th page: it renders the page's own parts (render.py) as soon as it starts,
before MkDocs has made the navigation; once the shells arrive (on_env) it fills each page from its shell
and writes it. With N > 1 the processes are forked when the
pages are generated (on_pre_build), so their work overlaps MkDocs reading ``content/`` and building its
own pages; with N = 1 the same function runs in the build's own process at the end (on_post_build).
"""

from __future__ import annotations

import multiprocessing
import os
from collections.abc import Callable
from dataclasses import dataclass, field
from multiprocessing.connection import Connection

from mkdocs.exceptions import PluginError

from carjunction.site.generate import Pages
from carjunction.site.render import MadeParts, PartsMaker, Shells

PROCESSES_ENV = "CARJUNCTION_RENDER_PROCESSES"  # how many processes render the generated pages
MAX_PROCESSES = 8
Urls = list[tuple[int, str]]  # the pages a process wrote: their number in page order, and their URL


def render_processes() -> int:
    """How many processes render the pages: the cores this build may use (up to 8), one where fork is
    missing; ``CARJUNCTION_RENDER_PROCESSES`` sets it."""
    chosen = os.environ.get(PROCESSES_ENV, "")
    if chosen.isdigit() and int(chosen) > 0:
        return int(chosen)
    if "fork" not in multiprocessing.get_all_start_methods():
        return 1
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    return max(1, min(cores or 1, MAX_PROCESSES))


class Inbox:
    """Where a process finds the shells: sent by the build's process at on_env, or given."""

    def __init__(self, connection: Connection | None = None, shells: Shells | None = None) -> None:
        self._connection, self._shells = connection, shells

    def ready(self) -> Shells | None:
        if self._shells is None and self._connection is not None and self._connection.poll():
            self._shells = self._connection.recv()
        return self._shells

    def wait(self) -> Shells:
        if self._shells is None:
            if self._connection is None:
                raise PluginError("carjunction: no page shells to render with")
            self._shells = self._connection.recv()
        return self._shells


@dataclass
class SiteOutput:
    """Where generated pages are written: the site folder."""

    site_dir: str
    made: set[str] = field(default_factory=set)  # folders known to exist, as strings: this runs once per page

    def write(self, dest_uri: str, html: str) -> None:
        target = f"{self.site_dir}/{dest_uri}"
        folder = target.rpartition("/")[0]
        if folder not in self.made:
            os.makedirs(folder, exist_ok=True)  # noqa: PTH103 - plain strings in this loop
            self.made.add(folder)
        with open(target, "wb") as page_file:  # noqa: PTH123 - plain strings in this loop
            page_file.write(html.encode())


@dataclass(frozen=True)
class Share:
    """One process's share of the pages: every ``count``-th from the ``index``-th."""

    pages: Pages
    maker: PartsMaker
    output: SiteOutput

    def render(self, index: int, count: int, inbox: Inbox) -> Urls:
        """Parts first; each page written as soon as the shells are there."""
        urls: Urls = []
        pending: list[MadeParts] = []
        for number, generated in self.pages.share(index, count):
            urls.append((number, generated.url))
            pending.append(self.maker.make(generated))
            shells = inbox.ready()
            if shells is not None:
                self.write(pending, shells)
        self.write(pending, inbox.wait())
        return urls

    def write(self, pending: list[MadeParts], shells: Shells) -> None:
        for page in pending:
            self.output.write(page.dest_uri, shells[page.key].fill(page.parts))
        pending.clear()


Job = Callable[[int, int, Inbox], Urls]


class RenderProcesses:
    """``job`` run on each of ``count`` shares: in forked children that inherit the loaded theme and
    catalogue when ``count`` > 1, else in this process when the results are asked for.

    Children start at once, are sent the shells (``send``) and are collected by ``results``; only the URLs
    they wrote come back. They are daemons, and a build that fails in between stops them (``stop``).
    """

    def __init__(self, count: int, job: Job) -> None:
        self.count, self._job = count, job
        self._shells: Shells | None = None
        self._senders: list[Connection] = []
        self._processes: list[multiprocessing.context.ForkProcess] = []
        if count == 1:
            return
        fork = multiprocessing.get_context("fork")
        self._results = fork.SimpleQueue()
        pipes = [fork.Pipe(duplex=False) for _ in range(count)]
        self._senders = [sender for _, sender in pipes]
        self._processes = [
            fork.Process(target=self._child, args=(k, receiver), daemon=True) for k, (receiver, _) in enumerate(pipes)
        ]
        for process in self._processes:
            process.start()
        for receiver, _ in pipes:
            receiver.close()

    def _child(self, index: int, receiver: Connection) -> None:
        for sender in self._senders:  # so that the parent's end closing reaches this child as end of file
            sender.close()
        try:
            self._results.put(self._job(index, self.count, Inbox(receiver)))
        except EOFError:  # the build stopped before sending the shells (it failed, and says why itself)
            return
        except Exception as error:  # reported by the parent, which fails the build
            self._results.put(str(error) if isinstance(error, PluginError) else f"{type(error).__name__}: {error}")
            raise

    def send(self, shells: Shells) -> None:
        self._shells = shells
        for sender in self._senders:
            sender.send(shells)

    def results(self) -> Urls:
        """Every page written, in page order."""
        if not self._processes:
            return self._job(0, 1, Inbox(shells=self._shells))
        parts = [self._results.get() for _ in self._processes]
        for process in self._processes:
            process.join()
        failed = [part for part in parts if isinstance(part, str)]
        if failed or any(process.exitcode for process in self._processes):
            raise PluginError("carjunction: rendering the generated pages failed: " + "; ".join(failed))
        return sorted(url for part in parts for url in part)

    def running(self) -> int:
        return sum(process.is_alive() for process in self._processes)

    def stop(self) -> None:
        for sender in self._senders:
            sender.close()
        for process in self._processes:
            if process.is_alive():
                process.terminate()
            process.join()
