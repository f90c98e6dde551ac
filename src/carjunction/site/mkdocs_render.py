"""How the MkDocs adapter renders the generated pages: early, in forked processes, through shared page shells.

A generated page (a vehicle, a per-make list) is the theme's page around a few parts of its own
(page_shell.py):

- ``PartsMaker`` renders a page's own parts: its template's page blocks, and its title, description and
  canonical URL. It needs the theme and the catalogue but not the site's navigation, which MkDocs makes
  later: its context has all of the theme's but ``nav`` and ``pages``, which refuse to be read. A page
  whose blocks read them is rendered whole instead.
- ``ThemePages`` renders with the whole theme context, once the navigation exists (on_env): the shell
  of each template and folder, checked against the theme's whole rendering of its first pages, and
  whole pages where a shell or a page's parts could not be made.
- ``render_share`` makes one process's share of the pages: their parts, then, once the shells have
  come, each page filled from its shell and written with its photo variants beside it.

With several cores, ``RenderProcesses`` forks at the end of on_config. The processes make parts while
MkDocs walks the docs folder and builds its own pages, get the shells at on_env, and are collected in
on_post_build. Only the adapter (this module and mkdocs_hooks.py) knows the MkDocs API.
"""

from __future__ import annotations

import logging
import multiprocessing
import os
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from multiprocessing.connection import Connection
from typing import Any, NamedTuple

from jinja2 import Environment, Template
from markupsafe import escape
from mkdocs.commands.build import get_context
from mkdocs.exceptions import PluginError
from mkdocs.structure.files import File
from mkdocs.structure.nav import Navigation
from mkdocs.structure.pages import Page

from carjunction.site.generate import Pages
from carjunction.site.output import GeneratedPage
from carjunction.site.page_shell import PageShell, ShellError, Unreadable, mark, page_parts
from carjunction.site.photos import publish_variants

log = logging.getLogger("mkdocs.carjunction")

Key = tuple[str, str]  # pages that share a shell: their template, and the folder their own folders sit in
Shells = dict[Key, PageShell | None]  # None: that key's pages are rendered whole
Variants = Mapping[str, Sequence[tuple[str, str]]]  # photo variants by the URL of the page they sit beside


def shell_key(template: str, url: str) -> Key:
    """``vehicles/CJ1/`` → ("vehicle.html", "vehicles"): sibling folders, so the theme's links are the same."""
    return template, url.rstrip("/").rpartition("/")[0]


class WithoutSiteSearch:
    """The config as generated pages see it: without the theme's site search.

    The header's search box makes every page load the search worker and index (~16 KB
    compressed); vehicle pages have their own search (the stock page) and stay within budget.
    """

    def __init__(self, config: Any) -> None:
        self._config = config
        self.plugins = {name: p for name, p in config.plugins.items() if not name.endswith("search")}

    def __getattr__(self, name: str) -> Any:
        return getattr(self._config, name)

    def __getitem__(self, name: str) -> Any:
        return self.plugins if name == "plugins" else self._config[name]


class PageData(dict[str, Any]):
    """A generated page's data as the templates read it (``item.title``, ``photo.src`` in ``item.photos``).

    Jinja tries an attribute before a key; on a plain dict every read raised and caught an
    AttributeError first, a few percent of rendering 10,000 pages.
    """

    @classmethod
    def of(cls, data: Mapping[str, Any]) -> PageData:
        """``data``, with the records in its lists (a vehicle's photos, a make's cards) read the same way."""
        return cls({key: records(value) if type(value) is list else value for key, value in data.items()})

    def __getattr__(self, name: str) -> Any:
        try:
            return self[name]
        except KeyError:
            raise AttributeError(name) from None


def records(values: list[Any]) -> list[Any]:
    return [PageData(value) if type(value) is dict else value for value in values]


class MadeParts(NamedTuple):
    number: int
    url: str
    dest_uri: str  # where the page is written, under the site folder
    key: Key
    parts: dict[str, str] | None  # None: the page is rendered whole


class PartsMaker:
    """A page's own parts, from the theme's templates and the generator's data, before the navigation exists."""

    def __init__(self, env: Environment, config: Any, stock: Mapping[str, Any]) -> None:
        self.env, self.config, self.stock = env, config, stock
        self.templates: dict[str, Template] = {}
        self.folder_contexts: dict[Key, dict[str, Any]] = {}
        self.refused: dict[Key, str] = {}  # keys whose blocks cannot be rendered alone, and why

    def template(self, name: str) -> Template:
        found = self.templates.get(name)
        if found is None:
            found = self.templates[name] = self.env.get_template(name)
        return found

    def source(self, url: str) -> File:
        return File(url.rstrip("/") + ".md", None, self.config.site_dir, self.config.use_directory_urls)

    def page(self, url: str, title: str, description: str) -> Page:
        page = Page(title, self.source(url), self.config)
        page.meta = {"description": description, "hide": ["navigation", "toc"]}
        return page

    def page_of(self, generated: GeneratedPage) -> tuple[Page, str, str]:
        """The MkDocs page of ``generated``, with its escaped title and description."""
        # Material prints the title and description unescaped; they hold staff-typed text.
        title, description = str(escape(generated.title)), str(escape(generated.description))
        return self.page(generated.url, title, description), title, description

    def make(self, number: int, generated: GeneratedPage) -> MadeParts:
        key = shell_key(generated.template, generated.url)
        page, title, description = self.page_of(generated)
        made = MadeParts(number, generated.url, page.file.dest_uri, key, None)
        # An empty field would also drop the theme's tag around it: such a page is rendered whole.
        if key in self.refused or not title or not description:
            return made
        fields = {"title": title, "description": description, "canonical": page.canonical_url or ""}
        context = {**self.folder_context(key, page), "page": page, "item": PageData.of(generated.data)}
        try:
            return made._replace(parts=page_parts(self.template(generated.template), context, fields))
        except ShellError as error:
            self.refused[key] = str(error)
            return made

    def folder_context(self, key: Key, page: Page) -> dict[str, Any]:
        """The theme's context without the navigation; made once per key (its links are relative to the folder)."""
        shared = self.folder_contexts.get(key)
        if shared is None:
            why = Unreadable(f"{key[0]} reads the site's navigation in its own blocks, which are made before it exists")
            shared = self.folder_contexts[key] = self.theme_context(why, why, page)  # type: ignore[arg-type]
        return shared

    def theme_context(self, nav: Navigation, documents: Sequence[File], page: Page) -> dict[str, Any]:
        """MkDocs' context for ``page``, with the config generated pages see and the stock summary."""
        return {**get_context(nav, documents, self.config, page), "config": self.config, "stock": self.stock}


class ThemePages:
    """Generated pages as the theme renders them with the site's navigation: shells, and pages rendered whole."""

    CHECKED_PAGES = 2  # per shell: rendered whole as well, and compared

    def __init__(self, env: Environment, nav: Navigation, documents: Sequence[File], maker: PartsMaker) -> None:
        self.env, self.nav, self.documents, self.maker = env, nav, documents, maker
        self.folder_contexts: dict[Key, dict[str, Any]] = {}

    def context(self, key: Key, page: Page, item: Any) -> dict[str, Any]:
        shared = self.folder_contexts.get(key)
        if shared is None:
            shared = self.folder_contexts[key] = self.maker.theme_context(self.nav, self.documents, page)
        return {**shared, "page": page, "item": item}

    def whole(self, generated: GeneratedPage) -> str:
        page, _, _ = self.maker.page_of(generated)
        context = self.context(shell_key(generated.template, generated.url), page, PageData.of(generated.data))
        return self.env.get_template(generated.template).render(context)

    def shells(self, pages: Pages) -> Shells:
        """A checked shell for each template and folder of ``pages``; None where its pages must be rendered whole."""
        samples: dict[Key, list[int]] = {}
        for number, url, template in pages.outline():
            numbers = samples.setdefault(shell_key(template, url), [])
            if len(numbers) < self.CHECKED_PAGES:
                numbers.append(number)
        return {key: self.checked_shell(key, [pages.page(n) for n in numbers]) for key, numbers in samples.items()}

    def checked_shell(self, key: Key, samples: list[GeneratedPage]) -> PageShell | None:
        page = self.maker.page(samples[0].url, mark("title"), mark("description"))
        if page.canonical_url:
            page.canonical_url = mark("canonical")
        try:
            shell = PageShell.split(self.env.get_template(key[0]), self.context(key, page, None))
        except ShellError as error:
            log.warning("carjunction: %s; its pages are rendered whole", error)
            return None
        for number, generated in enumerate(samples):
            made = self.maker.make(number, generated)
            if key in self.maker.refused:
                log.warning("carjunction: %s; its pages are rendered whole", self.maker.refused[key])
                return None
            if made.parts is not None and shell.fill(made.parts) != self.whole(generated):
                log.warning("carjunction: the shared page shell of %s differs from the theme on %s", *key)
                return None
        return shell


class Inbox:
    """Where a process finds the shells: sent by the parent at on_env, or known already."""

    def __init__(self, connection: Connection | None = None, shells: Shells | None = None) -> None:
        self._connection, self._shells = connection, shells

    def ready(self) -> Shells | None:
        if self._shells is None and self._connection is not None and self._connection.poll():
            self._shells = self._connection.recv()
        return self._shells

    def wait(self) -> Shells:
        if self._shells is None:
            if self._connection is None:
                raise PluginError("carjunction hooks: no page shells to render with")
            self._shells = self._connection.recv()
        return self._shells


@dataclass
class Rendered:
    urls: list[tuple[int, str]] = field(default_factory=list)  # every page of the share, numbered
    whole: list[int] = field(default_factory=list)  # pages left for the parent to render whole


@dataclass
class SiteOutput:
    """Where generated pages are written: the site folder, with each page's photo variants beside it."""

    site_dir: str
    variants: Variants
    made: set[str] = field(default_factory=set)  # folders known to exist, as strings: this runs once per page

    def write(self, dest_uri: str, url: str, html: str) -> None:
        target = f"{self.site_dir}/{dest_uri}"
        folder = target.rpartition("/")[0]
        if folder not in self.made:
            os.makedirs(folder, exist_ok=True)  # noqa: PTH103 - plain strings in this loop
            self.made.add(folder)
        with open(target, "wb") as page_file:  # noqa: PTH123 - plain strings in this loop
            page_file.write(html.encode())
        # Each process links the photo variants of its own vehicles, into the folders it has just made.
        publish_variants(self.variants.get(url, ()), self.site_dir, self.made)


def render_share(pages: Pages, part: tuple[int, int], maker: PartsMaker, inbox: Inbox, output: SiteOutput) -> Rendered:
    """Every ``count``-th page from the ``index``-th: parts first, pages written once the shells are there."""
    index, count = part
    rendered = Rendered()
    pending: list[MadeParts] = []
    for number, generated in pages.share(index, count):
        rendered.urls.append((number, generated.url))
        pending.append(maker.make(number, generated))
        shells = inbox.ready()
        if shells is not None:
            write_pages(pending, shells, output, rendered)
    write_pages(pending, inbox.wait(), output, rendered)
    return rendered


def write_pages(pending: list[MadeParts], shells: Shells, output: SiteOutput, rendered: Rendered) -> None:
    for page in pending:
        shell = shells.get(page.key)
        if shell is None or page.parts is None:
            rendered.whole.append(page.number)
        else:
            output.write(page.dest_uri, page.url, shell.fill(page.parts))
    pending.clear()


class RenderProcesses:
    """Forked children, each running ``job`` on its share; they inherit the loaded theme and catalogue.

    Started at the end of on_config, sent the shells at on_env, collected in on_post_build; only what
    they rendered comes back. Daemons: a build that fails in between stops them (``stop``).
    """

    def __init__(self, workers: int, job: Callable[[tuple[int, int], Inbox], Rendered]) -> None:
        fork = multiprocessing.get_context("fork")
        self.workers, self._job = workers, job
        self._results = fork.SimpleQueue()
        pipes = [fork.Pipe(duplex=False) for _ in range(workers)]
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
            self._results.put(self._job((index, self.workers), Inbox(receiver)))
        except Exception as error:  # reported by the parent, which fails the build
            self._results.put(f"{type(error).__name__}: {error}")
            raise

    def send(self, shells: Shells) -> None:
        for sender in self._senders:
            sender.send(shells)

    def results(self) -> Rendered:
        parts = [self._results.get() for _ in self._processes]
        for process in self._processes:
            process.join()
        failed = [part for part in parts if isinstance(part, str)]
        if failed or any(process.exitcode for process in self._processes):
            raise PluginError("carjunction hooks: rendering vehicle pages failed: " + "; ".join(failed))
        return Rendered(
            urls=[url for part in parts for url in part.urls], whole=[n for part in parts for n in part.whole]
        )

    def running(self) -> int:
        return sum(process.is_alive() for process in self._processes)

    def stop(self) -> None:
        for sender in self._senders:
            sender.close()
        for process in self._processes:
            if process.is_alive():
                process.terminate()
            process.join()


def render_whole(theme: ThemePages, pages: Pages, numbers: Iterable[int], output: SiteOutput) -> int:
    """The pages no shell could make, rendered whole by the theme; returns how many."""
    count = 0
    for number in numbers:
        generated = pages.page(number)
        output.write(theme.maker.source(generated.url).dest_uri, generated.url, theme.whole(generated))
        count += 1
    return count
