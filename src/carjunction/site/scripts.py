"""The site's scripts: small modules in one folder, joined by the build into one script per kind of page.

A phone makes one request for a page's own script, and a vehicle page loads none of the forms' code, which
keeps its own HTML, CSS and JS within the 20 KB budget (DESIGN.md §6). The contract:

- the modules are plain ES2020 scripts in ``content/assets/js/`` (``SOURCE_DIR``, excluded from the docs in
  mkdocs.yml); their top-level names are seen by the modules joined after them, and by no other script, since a
  bundle is one ``"use strict"`` block;
- ``BUNDLES`` names each published script (under ``assets/carjunction/``) and its modules in order; a template
  loads one of them (main.html: ``site.js`` unless the page names another);
- ``start.js`` comes last in every page bundle: it runs what the modules registered (``forms``, ``starters``);
- every module is in a bundle, and every bundle's modules exist: otherwise the build fails, naming the file.
"""

from __future__ import annotations

from pathlib import Path

from carjunction.site.output import GeneratedFile

SOURCE_DIR = "assets/js"
PUBLISHED_DIR = "assets/carjunction"

CORE = ("dom.js", "words.js", "api.js")
FORMS = ("fields.js", "submit.js", "shipping.js", "orders.js", "forms.js")
CARS = ("live-status.js", "favourites.js", "header.js", "start.js")
BUNDLES: dict[str, tuple[str, ...]] = {
    # Material's inline head and palette scripts as files (the CSP refuses inline scripts); they run early,
    # while the page is parsed, so they stay apart from the deferred bundles.
    "theme-base.js": ("theme-base.js",),
    "theme-palette.js": ("theme-palette.js",),
    # Every other page: the inquiry, order and invoice pages, home, contact.
    "site.js": (*CORE, *FORMS, "contact.js", "stock-index.js", "order-car.js", *CARS),
    "members.js": (*CORE, *FORMS, "members.js", "alerts.js", *CARS),
    "stock.js": (*CORE, "stock-index.js", "stock-list.js", "alerts.js", *CARS),
    "vehicle.js": (*CORE, "shipping.js", "quote.js", "calculator.js", *CARS),
}


class ScriptError(ValueError):
    """A module is missing, or is in no bundle."""


def bundle_text(source_dir: Path, modules: tuple[str, ...]) -> str:
    parts = [f'// Joined by the build from the modules in {SOURCE_DIR}/; edit those.\n"use strict";\n{{\n']
    for name in modules:
        path = source_dir / name
        if not path.is_file():
            raise ScriptError(f"{path}: a module named in carjunction.site.scripts.BUNDLES is missing")
        parts.append(f"// --- {name}\n{path.read_text(encoding='utf-8').rstrip()}\n")
    parts.append("}\n")
    return "".join(parts)


def script_bundles(source_dir: Path) -> list[GeneratedFile]:
    """Each bundle of ``BUNDLES``, its modules from ``source_dir`` joined in order, to publish as it is.

    A content folder with no script modules at all (a test's small fixture site) publishes no scripts.
    """
    if not source_dir.is_dir():
        return []
    bundled = {name for modules in BUNDLES.values() for name in modules}
    for path in sorted(source_dir.glob("*.js")):
        if path.name not in bundled:
            raise ScriptError(f"{path}: a module in no bundle; name it in carjunction.site.scripts.BUNDLES")
    return [
        GeneratedFile(f"{PUBLISHED_DIR}/{name}", bundle_text(source_dir, modules).encode())
        for name, modules in BUNDLES.items()
    ]
