"""The thin MkDocs adapter (mkdocs.yml ``hooks:``): read inputs, call the generator, publish its output.

Vehicle and per-make pages are rendered straight from the theme's Jinja environment
after the Markdown pages are built: no Markdown pass, never in the nav, never in the
search index, one template render each, so the build stays linear in the stock size.
Only this file knows the MkDocs API; moving to another builder replaces only it.
"""

from __future__ import annotations

import datetime as dt
import gc
import logging
import multiprocessing
import os
import re
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from jinja2 import Environment, Template
from markupsafe import escape
from mkdocs.commands.build import get_context
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError
from mkdocs.structure.files import File, Files
from mkdocs.structure.nav import Navigation
from mkdocs.structure.pages import Page

from carjunction.catalogue import PARSED_KIND, CatalogueError, Status, load_catalogue
from carjunction.file_memo import FileMemo
from carjunction.site.generate import Pages, generate
from carjunction.site.output import SiteBuild
from carjunction.site.page_shell import PageShell, ShellError, mark
from carjunction.site.photos import prepare_photos, publish_variants
from carjunction.site.settings import SiteSettings, load_site_data

log = logging.getLogger("mkdocs.carjunction")
CACHE_DIR = ".cache/photos"
PARSED_CACHE = ".cache/catalogue/parsed.pickle"


@dataclass
class BuildState:
    build: SiteBuild = field(default_factory=SiteBuild)
    # photo variants to publish, by the URL of the vehicle page they sit beside
    variants: dict[str, list[tuple[Path, str]]] = field(default_factory=dict)
    env: Environment | None = None
    nav: Navigation | None = None
    files: Files | None = None
    config: Any = None
    rendering: RenderProcesses | None = None
    started: float = 0.0


state = BuildState()


def on_config(config: MkDocsConfig) -> MkDocsConfig:
    global state  # noqa: PLW0603 - MkDocs hooks are module functions; this holds one build's results
    state = BuildState(config=config)
    gc.unfreeze()  # a previous build in this process (`mkdocs serve`) that failed before on_post_build
    started = time.perf_counter()
    content = Path(config.docs_dir)
    try:
        catalogue = load_catalogue(
            content, today=dt.date.today(), workers=available_workers(), parsed=parsed_cache(config)
        )
        labels, currencies = load_site_data(content)
    except CatalogueError as error:
        raise PluginError("\n".join(str(p) for p in error.problems)) from error
    published = [v for v in catalogue.vehicles if v.status != Status.WITHDRAWN]
    prepared = prepare_photos(published, content, Path(config.config_file_path).parent / CACHE_DIR)
    settings = SiteSettings(site_url=config.site_url or "/", labels=labels, currencies=currencies)
    state.build = generate(catalogue, settings, prepared.photos)
    # The catalogue lives until the build ends: keep the garbage collector from walking it again and again
    # (it was ~6% of a 10,000-vehicle build), and forked render processes from copying its pages to do so.
    gc.freeze()
    for cached, url in prepared.variants:
        state.variants.setdefault(url.rpartition("/")[0] + "/", []).append((cached, url))
    config.extra["company"] = catalogue.company.model_dump(mode="json")
    config.extra["labels"] = labels.model_dump(mode="json")
    log.info(
        "carjunction: catalogue, photos and data for %d pages ready in %.2f s",
        len(state.build.pages),
        time.perf_counter() - started,
    )
    return config


def parsed_cache(config: MkDocsConfig) -> FileMemo | None:
    """The parsed YAML of the last build, beside the photo cache; ``CARJUNCTION_PARSE_CACHE=0`` parses all."""
    if os.environ.get("CARJUNCTION_PARSE_CACHE", "1") == "0":
        return None
    return FileMemo(Path(config.config_file_path).parent / PARSED_CACHE, kind=PARSED_KIND)


def on_files(files: Files, config: MkDocsConfig) -> Files:
    for generated in state.build.files:
        files.append(File.generated(config, generated.path, content=generated.content))
    state.files = files
    return files


def on_nav(nav: Navigation, config: MkDocsConfig, files: Files) -> Navigation:
    state.nav = nav
    return nav


def on_env(env: Environment, config: MkDocsConfig, files: Files) -> Environment:
    """The theme, nav and pages are ready: a large stock starts rendering now, beside MkDocs' own pages."""
    state.env = env
    workers = render_workers(len(state.build.pages))
    if workers > 1 and state.nav is not None and state.files is not None:
        state.started = time.perf_counter()
        gc.freeze()  # what MkDocs made since on_config, for the same reasons as there
        state.rendering = RenderProcesses(workers)
    return env


def on_page_context(context: dict[str, Any], page: Page, config: MkDocsConfig, nav: Navigation) -> dict[str, Any]:
    context["stock"] = state.build.summary
    return context


SEARCH_DIALOG = '<div class="md-search" data-md-component="search" role="dialog">'
SEARCH_NAME = re.compile(r'<nav class="md-search__options" aria-label="([^"]*)">')


def on_post_page(output: str, page: Page, config: MkDocsConfig) -> str:
    """Name Material's search dialog (WCAG 4.1.2; Lighthouse's aria-dialog-name) with the theme's own word for it."""
    name = SEARCH_NAME.search(output)
    if name is None or SEARCH_DIALOG not in output:
        return output
    return output.replace(SEARCH_DIALOG, SEARCH_DIALOG[:-1] + f' aria-label="{name.group(1)}">', 1)


class WithoutSiteSearch:
    """The config as generated pages see it: without the theme's site search.

    The header's search box makes every page load the search worker and index (~16 KB
    compressed); vehicle pages have their own search (the stock page) and stay within budget.
    """

    def __init__(self, config: MkDocsConfig) -> None:
        self._config = config
        self.plugins = {name: p for name, p in config.plugins.items() if not name.endswith("search")}

    def __getattr__(self, name: str) -> Any:
        return getattr(self._config, name)

    def __getitem__(self, name: str) -> Any:
        return self.plugins if name == "plugins" else self._config[name]


def on_post_build(config: MkDocsConfig) -> None:
    if state.env is None or state.nav is None or state.files is None:
        raise PluginError("carjunction hooks: the build did not reach the page stage")
    site_dir = Path(config.site_dir)
    try:
        if state.rendering is not None:
            workers, rendered = state.rendering.workers, state.rendering.results()
        else:
            state.started, workers = time.perf_counter(), 1
            rendered = render_part((0, 1))
    finally:
        state.rendering = None
        gc.unfreeze()  # `mkdocs serve` builds again in this process: let the last build's objects go
    urls = [url for _, url in sorted(rendered)]
    published = sum(len(variants) for variants in state.variants.values())
    add_to_sitemap(site_dir, [config.site_url + url for url in urls] if config.site_url else [])
    log.info(
        "carjunction: rendered %d pages with %d process(es) and published %d photo variants in %.2f s",
        len(urls),
        workers,
        published,
        time.perf_counter() - state.started,
    )


class RenderProcesses:
    """Forked children that render the generated pages; they inherit the loaded theme, nav and catalogue.

    Started in on_env, collected in on_post_build; only the rendered URLs come back. Daemons: a build
    that fails in between does not wait for them.
    """

    def __init__(self, workers: int) -> None:
        fork = multiprocessing.get_context("fork")
        self.workers = workers
        self._queue = fork.SimpleQueue()
        self._processes = [fork.Process(target=self._child, args=(k,), daemon=True) for k in range(workers)]
        for process in self._processes:
            process.start()

    def _child(self, index: int) -> None:
        try:
            self._queue.put(render_part((index, self.workers)))
        except Exception as error:  # reported by the parent, which fails the build
            self._queue.put(f"{type(error).__name__}: {error}")
            raise

    def results(self) -> list[tuple[int, str]]:
        parts = [self._queue.get() for _ in self._processes]
        for process in self._processes:
            process.join()
        failed = [part for part in parts if isinstance(part, str)]
        if failed or any(process.exitcode for process in self._processes):
            raise PluginError("carjunction hooks: rendering vehicle pages failed: " + "; ".join(failed))
        return [page for part in parts for page in part]


PARALLEL_FROM = 400  # below this, starting processes costs more than it saves


def render_workers(pages: int) -> int:
    """Every core (up to 8) for a large stock, where fork exists; one process otherwise.

    ``CARJUNCTION_RENDER_WORKERS`` overrides the choice (tests compare 1 with 2 on a small stock).
    """
    if "fork" not in multiprocessing.get_all_start_methods():
        return 1
    return forced_workers() or (1 if pages < PARALLEL_FROM else available_workers())


def available_workers() -> int:
    return forced_workers() or max(1, min(os.cpu_count() or 1, 8))


def forced_workers() -> int:
    forced = os.environ.get("CARJUNCTION_RENDER_WORKERS", "")
    return int(forced) if forced.isdigit() else 0


def render_part(part: tuple[int, int]) -> list[tuple[int, str]]:
    """Render every ``count``-th generated page from the ``index``-th; returns their numbers and URLs."""
    index, count = part
    assert state.env is not None and state.nav is not None and state.files is not None  # noqa: S101 - checked above
    config = state.config
    site_dir = Path(config.site_dir)
    # Listed once: Files.documentation_pages() walks every file, photos included; per page it would be quadratic.
    renderer = PageRenderer(state.nav, state.files.documentation_pages(), WithoutSiteSearch(config))
    # The templates do not change during a build: skip Jinja's per-include check of each file's mtime.
    state.env.auto_reload = False
    templates: dict[str, Template] = {}
    urls = []
    pages = state.build.pages
    # The generator makes only this process's share; any other collection is split here.
    mine = pages.share(index, count) if isinstance(pages, Pages) else list(enumerate(pages))[index::count]
    made: set[str] = set()
    root = str(site_dir)
    for number, generated in mine:
        urls.append((number, generated.url))
        source = File.generated(config, generated.url.rstrip("/") + ".md", content="")
        template = templates.get(generated.template) or templates.setdefault(
            generated.template, state.env.get_template(generated.template)
        )
        target = f"{root}/{source.dest_uri}"  # strings, not pathlib: this runs once per vehicle
        folder = target.rpartition("/")[0]
        if folder not in made:
            os.makedirs(folder, exist_ok=True)  # noqa: PTH103 - plain strings in this loop
            made.add(folder)
        with open(target, "wb") as page_file:  # noqa: PTH123 - plain strings in this loop
            page_file.write(renderer.render(template, source, generated).encode())
        # Each process links the photo variants of its own vehicles, into the folders it has just made.
        publish_variants(state.variants.get(generated.url, ()), site_dir, made)
    return urls


class PageRenderer:
    """Generated pages as the theme renders them, through one shared shell per template and folder.

    The first ``CHECKED_PAGES`` pages of each shell are also rendered whole and compared; a shell that
    gives other bytes is dropped with a warning (an error under ``mkdocs build --strict``) and its pages
    are rendered whole. ``CARJUNCTION_PAGE_SHELL=0`` renders every page whole: the tests' reference.
    """

    CHECKED_PAGES = 2

    def __init__(self, nav: Navigation, documents: Sequence[File], config: Any) -> None:
        self.nav, self.documents, self.config = nav, documents, config
        self.enabled = os.environ.get("CARJUNCTION_PAGE_SHELL", "1") != "0"
        self.shells: dict[tuple[str, str], PageShell | None] = {}
        self.checks_left: dict[tuple[str, str], int] = {}
        self.folder_contexts: dict[str, dict[str, Any]] = {}

    def context(self, page: Page, item: Any, folder: str | None = None) -> dict[str, Any]:
        """The theme's context for ``page``; with ``folder``, made once for the folder (its links are relative)."""
        shared = self.folder_contexts.get(folder) if folder is not None else None
        if shared is None:
            shared = dict(get_context(self.nav, self.documents, self.config, page))
            shared["config"] = self.config
            shared["stock"] = state.build.summary
            if folder is not None:
                self.folder_contexts[folder] = shared
        return {**shared, "page": page, "item": item}

    def page(self, title: str, description: str, source: File) -> Page:
        page = Page(title, source, state.config)
        page.meta = {"description": description, "hide": ["navigation", "toc"]}
        return page

    def render(self, template: Template, source: File, generated: Any) -> str:
        # Material prints the title and description unescaped; they hold staff-typed text.
        title, description = str(escape(generated.title)), str(escape(generated.description))
        page = self.page(title, description, source)
        folder = source.dest_uri.rpartition("/")[0].rpartition("/")[0]
        context = self.context(page, PageData(generated.data), folder if self.enabled else None)
        fields = {"title": title, "description": description, "canonical": page.canonical_url or ""}
        # An empty field would also drop the theme's tag around it: such a page is rendered whole.
        if not self.enabled or not all(fields.values()):
            return template.render(context)
        key = (generated.template, folder)
        if key not in self.shells:
            self.shells[key] = self.split(template, source, folder, bool(page.canonical_url))
            self.checks_left[key] = self.CHECKED_PAGES
        shell = self.shells[key]
        if shell is None:
            return template.render(context)
        html = shell.render(context, fields)
        if self.checks_left[key]:
            self.checks_left[key] -= 1
            whole = template.render(context)
            if whole != html:
                log.warning("carjunction: the shared page shell of %s differs from the theme on %s", *key)
                self.shells[key] = None
                return whole
        return html

    def split(self, template: Template, source: File, folder: str, canonical: bool) -> PageShell | None:
        page = self.page(mark("title"), mark("description"), source)
        if canonical:
            page.canonical_url = mark("canonical")
        try:
            return PageShell.split(template, self.context(page, None, folder))
        except ShellError as error:
            log.warning("carjunction: %s; its pages are rendered whole", error)
            return None


class PageData(dict[str, Any]):
    """A generated page's data as the templates read it (``item.title``).

    Jinja tries an attribute before a key; on a plain dict every read raised and caught an
    AttributeError first, a few percent of rendering 10,000 pages.
    """

    def __getattr__(self, name: str) -> Any:
        try:
            return self[name]
        except KeyError:
            raise AttributeError(name) from None


def add_to_sitemap(site_dir: Path, urls: list[str]) -> None:
    """MkDocs writes sitemap.xml from its own pages; add the generated ones to it (and to its .gz copy)."""
    import gzip  # noqa: PLC0415 - only the adapter's last step needs it

    sitemap = site_dir / "sitemap.xml"
    if not sitemap.is_file() or not urls:
        return
    entries = "".join(f"    <url>\n         <loc>{url}</loc>\n    </url>\n" for url in urls)
    text = sitemap.read_text(encoding="utf-8").replace("</urlset>", entries + "</urlset>")
    sitemap.write_text(text, encoding="utf-8")
    with gzip.GzipFile(site_dir / "sitemap.xml.gz", "wb", mtime=0) as packed:
        packed.write(text.encode())
