"""The MkDocs plugin (`carjunction` in mkdocs.yml's plugins): the thin adapter between MkDocs and the generator.

One instance holds one build's state, and each event does one thing:

    on_config       load the inputs: the catalogue (catalogue_cache.py) and the site's words and data
    on_pre_build    prepare the photos, run the generator, start rendering its pages (render_processes.py)
    on_files        register the generated data files (stock index, feed, calculator data) and scripts
    on_nav          keep the navigation, for the shells
    on_env          make the page shells (render.py) and send them to the rendering
    on_post_build   link a local build's photo variants, collect the rendered pages, add them to the sitemap

Vehicle and per-make pages are rendered straight from the theme's Jinja templates: no Markdown, never in
the nav or the search index, so the build stays linear in the stock size. Only this module, render.py and
render_processes.py know the MkDocs API; moving to another builder replaces only them.
"""

from __future__ import annotations

import datetime as dt
import gzip
import logging
import os
import re
import time
from pathlib import Path
from typing import Any, cast

from jinja2 import Environment
from mkdocs.config import config_options as c
from mkdocs.config.base import Config
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError
from mkdocs.plugins import BasePlugin
from mkdocs.structure.files import File, Files
from mkdocs.structure.nav import Navigation
from mkdocs.structure.pages import Page
from mkdocs.utils.templates import TemplateContext

from carjunction.catalogue import Catalogue, CatalogueError, Status
from carjunction.file_memo import FileMemo
from carjunction.photos.bucket import ManifestError
from carjunction.photos.encode import SourceError
from carjunction.photos.lfs import PointerError
from carjunction.site.catalogue_cache import PARSED_KIND, load_catalogue_for_build
from carjunction.site.generate import Pages, generate
from carjunction.site.output import SiteBuild
from carjunction.site.photos import manifest_file, prepare_photos, publish_variants
from carjunction.site.render import PartsMaker, ThemePages, without_site_search
from carjunction.site.render_processes import RenderProcesses, Share, SiteOutput, render_processes
from carjunction.site.scripts import SOURCE_DIR, script_bundles
from carjunction.site.settings import SiteSettings, load_site_data
from carjunction.site.template_words import prepare_environment

log = logging.getLogger("mkdocs.plugins.carjunction")

CACHE_ENV = "CARJUNCTION_CACHE_DIR"  # overrides the cache_dir option (each test session has its own)
PARSED_CACHE = "catalogue/parsed.pickle"


# MkDocs' Config and BasePlugin set up subclasses in an unannotated __init_subclass__.
class CarJunctionConfig(Config):  # type: ignore[no-untyped-call]
    cache_dir = c.Type(str, default=".cache")  # relative to mkdocs.yml's folder


def cache_root(config_file: str | Path, cache_dir: str = ".cache") -> Path:
    """The build's cache folder: ``CARJUNCTION_CACHE_DIR`` if set, else ``cache_dir`` beside ``config_file``."""
    return Path(os.environ.get(CACHE_ENV) or Path(config_file).parent / cache_dir)


class CarJunctionPlugin(BasePlugin[CarJunctionConfig]):  # type: ignore[no-untyped-call]
    def __init__(self) -> None:
        self.rendering: RenderProcesses | None = None

    def on_config(self, config: MkDocsConfig) -> MkDocsConfig:
        """Load the catalogue and the site's data; the company and labels are in every page's ``config.extra``."""
        self.stop()  # a previous build of `mkdocs serve` that failed before on_post_build
        self.cache = cache_root(config.config_file_path, self.config.cache_dir)
        self.variants: list[tuple[str, str]] = []  # (cached photo variant, its path in the site) for a local build
        self.nav: Navigation | None = None
        self.maker: PartsMaker | None = None
        self.theme: ThemePages | None = None  # the theme with the site's navigation (on_env)
        self.processes = render_processes()
        self.content = Path(config.docs_dir)
        memo = FileMemo(self.cache / PARSED_CACHE, kind=PARSED_KIND)
        try:
            self.catalogue = load_catalogue_for_build(self.content, dt.date.today(), memo, self.processes)
            labels, currencies = load_site_data(self.content)
        except CatalogueError as error:
            raise PluginError("\n".join(str(p) for p in error.problems)) from error
        self.settings = SiteSettings(
            site_url=config.site_url or "/", labels=labels, currencies=currencies, locale=config.theme["language"]
        )
        config.extra["company"] = self.catalogue.company.model_dump(mode="json")
        config.extra["labels"] = labels.model_dump(mode="json")
        return config

    def on_pre_build(self, config: MkDocsConfig) -> None:
        """Photos, then the generator; its pages start rendering while MkDocs reads ``content/``."""
        started = time.perf_counter()
        self.build = self.generated(self.catalogue)
        pages = self.pages
        self.maker = PartsMaker(
            prepare_environment(config.theme.get_env()), without_site_search(config), self.build.summary
        )
        self.started = time.perf_counter()
        share = Share(pages, self.maker, SiteOutput(str(config.site_dir)))
        self.rendering = RenderProcesses(self.processes, share.render)
        log.info("carjunction: photos and %d pages generated in %.2f s", len(pages), self.started - started)

    def generated(self, catalogue: Catalogue) -> SiteBuild:
        published = [v for v in catalogue.vehicles if v.status != Status.WITHDRAWN]
        try:
            prepared = prepare_photos(
                published, self.content, self.cache, workers=self.processes, manifest=manifest_file()
            )
        except (SourceError, PointerError, ManifestError, OSError) as error:
            raise PluginError(f"carjunction: photos: {error}") from error
        self.variants = prepared.variants
        return generate(catalogue, self.settings, prepared.photos)

    @property
    def pages(self) -> Pages:
        if not isinstance(self.build.pages, Pages):
            raise PluginError("carjunction: the generator's pages are not a Pages collection")
        return self.build.pages

    def on_files(self, files: Files, config: MkDocsConfig) -> Files:
        scripts = script_bundles(Path(config.docs_dir) / SOURCE_DIR)  # one script per kind of page (scripts.py)
        for generated in [*self.build.files, *scripts]:
            files.append(File.generated(config, generated.path, content=generated.content))
        return files

    def on_nav(self, nav: Navigation, config: MkDocsConfig, files: Files) -> Navigation:
        self.nav = nav
        return nav

    def on_env(self, env: Environment, config: MkDocsConfig, files: Files) -> Environment:
        """The theme and navigation are ready: make the page shells, and send them to the rendering."""
        if self.maker is None or self.nav is None or self.rendering is None:
            raise PluginError("carjunction: on_env came before on_pre_build and on_nav")
        prepare_environment(env)
        self.theme = ThemePages(env, self.nav, files.documentation_pages(), self.maker)
        self.rendering.send(self.theme.shells(self.pages))
        return env

    def on_page_context(
        self, context: TemplateContext, /, *, page: Page, config: MkDocsConfig, nav: Navigation
    ) -> TemplateContext:
        """The stock summary (counts, makes, new arrivals) for the hand-written pages' templates."""
        cast("dict[str, Any]", context)["stock"] = self.build.summary  # a key MkDocs' TypedDict does not name
        return context

    def on_post_page(self, output: str, page: Page, config: MkDocsConfig) -> str:
        return named_search_dialog(output)

    def on_post_build(self, config: MkDocsConfig) -> None:
        """Link a local build's photo variants, collect the rendered pages and add them to MkDocs' sitemap."""
        if self.rendering is None:
            raise PluginError("carjunction: the build did not reach on_pre_build")
        linked = publish_variants(self.variants, config.site_dir)  # while the render processes finish
        try:
            urls = [url for _, url in self.rendering.results()]
        finally:
            self.rendering = None
        add_to_sitemap(Path(config.site_dir), [config.site_url + url for url in urls] if config.site_url else [])
        log.info(
            "carjunction: rendered %d pages with %d process(es) and published %d photo variants in %.2f s",
            len(urls),
            self.processes,
            linked,
            time.perf_counter() - self.started,
        )

    def on_build_error(self, error: Exception) -> None:
        self.stop()

    def stop(self) -> None:
        if self.rendering is not None:
            self.rendering.stop()
            self.rendering = None


SEARCH_DIALOG = '<div class="md-search" data-md-component="search" role="dialog">'
SEARCH_NAME = re.compile(r'<nav class="md-search__options" aria-label="([^"]*)">')


def named_search_dialog(output: str) -> str:
    """Name Material's search dialog (WCAG 4.1.2; Lighthouse's aria-dialog-name) with the theme's own word for it."""
    name = SEARCH_NAME.search(output)
    if name is None or SEARCH_DIALOG not in output:
        return output
    return output.replace(SEARCH_DIALOG, SEARCH_DIALOG[:-1] + f' aria-label="{name.group(1)}">', 1)


def add_to_sitemap(site_dir: Path, urls: list[str]) -> None:
    """MkDocs writes sitemap.xml from its own pages; add the generated ones to it (and to its .gz copy)."""
    sitemap = site_dir / "sitemap.xml"
    if not sitemap.is_file() or not urls:
        return
    entries = "".join(f"    <url>\n         <loc>{url}</loc>\n    </url>\n" for url in urls)
    text = sitemap.read_text(encoding="utf-8").replace("</urlset>", entries + "</urlset>")
    sitemap.write_text(text, encoding="utf-8")
    with gzip.GzipFile(site_dir / "sitemap.xml.gz", "wb", mtime=0) as packed:
        packed.write(text.encode())
