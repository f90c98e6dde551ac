"""The thin MkDocs adapter (mkdocs.yml ``hooks:``): read inputs, call the generator, publish its output.

Vehicle and per-make pages are rendered straight from the theme's Jinja environment: no Markdown pass,
never in the nav, never in the search index, so the build stays linear in the stock size. How they are
rendered (early, in forked processes, through shared page shells) is in mkdocs_render.py. Only these two
files know the MkDocs API; moving to another builder replaces only them.
"""

from __future__ import annotations

import datetime as dt
import gc
import logging
import multiprocessing
import os
import re
import time
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from typing import Any

from jinja2 import Environment, FileSystemBytecodeCache
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError
from mkdocs.structure.files import File, Files
from mkdocs.structure.nav import Navigation
from mkdocs.structure.pages import Page

from carjunction.catalogue import PARSED_KIND, CatalogueError, Status, load_catalogue
from carjunction.file_memo import FileMemo, Stamp
from carjunction.site.generate import Pages, generate
from carjunction.site.mkdocs_render import (
    Inbox,
    PartsMaker,
    Rendered,
    RenderProcesses,
    Shells,
    SiteOutput,
    ThemePages,
    WithoutSiteSearch,
    render_share,
    render_whole,
)
from carjunction.site.output import SiteBuild
from carjunction.site.photos import prepare_photos
from carjunction.site.settings import SiteSettings, load_site_data

log = logging.getLogger("mkdocs.carjunction")
CACHE_DIR = ".cache/photos"
PARSED_CACHE = ".cache/catalogue/parsed.pickle"
TEMPLATE_CACHE = ".cache/templates"
CACHE_ENV = "CARJUNCTION_CACHE_DIR"  # overrides .cache beside mkdocs.yml (each test session has its own)


def cache_path(config: MkDocsConfig, relative: str) -> Path:
    """``relative`` (under ``.cache/``) in the build's cache folder."""
    override = os.environ.get(CACHE_ENV)
    if override:
        return Path(override) / relative.removeprefix(".cache/")
    return Path(config.config_file_path).parent / relative


@dataclass
class BuildState:
    build: SiteBuild = field(default_factory=SiteBuild)
    # photo variants to publish, by the URL of the vehicle page they sit beside
    variants: dict[str, list[tuple[str, str]]] = field(default_factory=dict)
    nav: Navigation | None = None
    maker: PartsMaker | None = None
    theme: ThemePages | None = None
    shells: Shells | None = None
    rendering: RenderProcesses | None = None
    started: float = 0.0

    @property
    def pages(self) -> Pages | None:
        return self.build.pages if isinstance(self.build.pages, Pages) else None


state = BuildState()


def on_config(config: MkDocsConfig) -> MkDocsConfig:
    global state  # noqa: PLW0603 - MkDocs hooks are module functions; this holds one build's results
    stop_rendering()  # a previous build in this process (`mkdocs serve`) that failed before on_post_build
    state = BuildState()
    if gc.get_freeze_count():  # the last build's objects (see on_post_build): let them go first
        gc.unfreeze()
        gc.collect()
    # What is loaded so far (MkDocs, the theme, the config) lives as long as the build: frozen, the garbage
    # collector leaves it alone, here and in the processes forked to check vehicle files, which otherwise
    # walked it and so copied its memory (~0.2 s of a first build of 10,000 vehicles).
    gc.freeze()
    started = time.perf_counter()
    content = Path(config.docs_dir)
    photo_stamps: dict[str, Stamp] = {}
    try:
        catalogue = load_catalogue(
            content,
            today=dt.date.today(),
            workers=available_workers(),
            parsed=parsed_cache(config),
            photo_stamps=photo_stamps,
        )
        labels, currencies = load_site_data(content)
    except CatalogueError as error:
        raise PluginError("\n".join(str(p) for p in error.problems)) from error
    published = [v for v in catalogue.vehicles if v.status != Status.WITHDRAWN]
    cache = cache_path(config, CACHE_DIR)
    prepared = prepare_photos(published, content, cache, photo_stamps)
    settings = SiteSettings(site_url=config.site_url or "/", labels=labels, currencies=currencies)
    build = generate(catalogue, settings, prepared.photos)
    if not isinstance(build.pages, Pages):
        raise PluginError("carjunction hooks: the generator's pages are not a Pages collection")
    state.build = build
    for cached, url in prepared.variants:
        state.variants.setdefault(url.rpartition("/")[0] + "/", []).append((cached, url))
    config.extra["company"] = catalogue.company.model_dump(mode="json")
    config.extra["labels"] = labels.model_dump(mode="json")
    # The catalogue lives until the build ends: keep the garbage collector from walking it again and again
    # (it was ~6% of a 10,000-vehicle build), and forked render processes from copying its pages to do so.
    gc.freeze()
    # The theme's environment as MkDocs makes it: a page's own parts need no navigation, so they can start now.
    theme = config.theme.get_env()
    theme.bytecode_cache = compiled_templates(config)
    state.maker = PartsMaker(theme, WithoutSiteSearch(config), build.summary)
    workers = render_workers(len(build.pages))
    if workers > 1 and shells_enabled():
        # A large stock starts rendering now, while MkDocs walks the docs folder and builds its own pages.
        state.started = time.perf_counter()
        state.rendering = RenderProcesses(workers, partial(render_in_process, str(config.site_dir)))
    log.info(
        "carjunction: catalogue, photos and data for %d pages ready in %.2f s",
        len(build.pages),
        time.perf_counter() - started,
    )
    return config


def render_in_process(site_dir: str, part: tuple[int, int], inbox: Inbox) -> Rendered:
    assert state.pages is not None and state.maker is not None  # noqa: S101 - set before forking
    return render_share(state.pages, part, state.maker, inbox, SiteOutput(site_dir, state.variants))


def parsed_cache(config: MkDocsConfig) -> FileMemo | None:
    """The parsed YAML of the last build, beside the photo cache; ``CARJUNCTION_PARSE_CACHE=0`` parses all."""
    if os.environ.get("CARJUNCTION_PARSE_CACHE", "1") == "0":
        return None
    return FileMemo(cache_path(config, PARSED_CACHE), kind=PARSED_KIND)


def compiled_templates(config: MkDocsConfig) -> FileSystemBytecodeCache:
    """The theme's templates compiled by earlier builds, beside the photo cache; Jinja checks each one's source."""
    folder = cache_path(config, TEMPLATE_CACHE)
    folder.mkdir(parents=True, exist_ok=True)
    return FileSystemBytecodeCache(str(folder))


def shells_enabled() -> bool:
    """``CARJUNCTION_PAGE_SHELL=0`` renders every generated page whole, in one process: the tests' reference."""
    return os.environ.get("CARJUNCTION_PAGE_SHELL", "1") != "0"


def on_files(files: Files, config: MkDocsConfig) -> Files:
    for generated in state.build.files:
        files.append(File.generated(config, generated.path, content=generated.content))
    return files


def on_nav(nav: Navigation, config: MkDocsConfig, files: Files) -> Navigation:
    state.nav = nav
    return nav


def on_env(env: Environment, config: MkDocsConfig, files: Files) -> Environment:
    """The theme and navigation are ready: make the page shells, and send them to the render processes."""
    if state.maker is None or state.nav is None or state.pages is None:
        raise PluginError("carjunction hooks: on_env came before on_config and on_nav")
    env.bytecode_cache = state.maker.env.bytecode_cache  # MkDocs' own pages use the same templates
    state.theme = ThemePages(env, state.nav, files.documentation_pages(), state.maker)
    if shells_enabled():
        state.shells = state.theme.shells(state.pages)
        if state.rendering is not None:
            state.rendering.send(state.shells)
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


def on_post_build(config: MkDocsConfig) -> None:
    if state.theme is None or state.pages is None:
        raise PluginError("carjunction hooks: the build did not reach the page stage")
    output, pages, workers = SiteOutput(str(config.site_dir), state.variants), state.pages, 1
    try:
        if state.rendering is not None:
            workers, rendered = state.rendering.workers, state.rendering.results()
        elif state.shells is not None:
            state.started = time.perf_counter()
            rendered = render_share(pages, (0, 1), state.theme.maker, Inbox(shells=state.shells), output)
        else:
            state.started = time.perf_counter()
            rendered = Rendered(urls=[(n, url) for n, url, _ in pages.outline()], whole=list(range(len(pages))))
        whole = render_whole(state.theme, pages, rendered.whole, output)
    finally:
        state.rendering = None
        # The build is over. `mkdocs build` exits next, and Python's last collection would walk every object
        # the build made (~0.2 s at 10,000 vehicles) to free what the exit frees anyway; `mkdocs serve`
        # unfreezes them when it builds again (on_config).
        gc.freeze()
    urls = [url for _, url in sorted(rendered.urls)]
    published = sum(len(variants) for variants in state.variants.values())
    add_to_sitemap(Path(config.site_dir), [config.site_url + url for url in urls] if config.site_url else [])
    log.info(
        "carjunction: rendered %d pages (%d whole) with %d process(es) and published %d photo variants in %.2f s",
        len(urls),
        whole,
        workers,
        published,
        time.perf_counter() - state.started,
    )


def on_build_error(error: Exception) -> None:
    stop_rendering()


def stop_rendering() -> None:
    if state.rendering is not None:
        state.rendering.stop()
        state.rendering = None


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
