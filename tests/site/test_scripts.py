"""The site's scripts: one dialect in one folder, joined by the build into one script per kind of page."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from pathlib import Path

import pytest

from carjunction.site.scripts import BUNDLES, PUBLISHED_DIR, ScriptError, script_bundles

ROOT = Path(__file__).resolve().parents[2]
SOURCES = ROOT / "content" / "assets" / "js"
# ES5 and module-system habits that the modules, joined in one block by the build, must not bring back.
OTHER_DIALECT = {
    "var declaration": re.compile(r"^\s*var\s|[;{(]\s*var\s", re.MULTILINE),
    "IIFE wrapper": re.compile(r"^[;!]?\(\s*(function\b|\(\)\s*=>)", re.MULTILINE),
    "CommonJS export": re.compile(r"\bmodule\.exports\b|\brequire\("),
    "own strict mode": re.compile(r"""^\s*["']use strict["']""", re.MULTILINE),
    "after ES2020 (logical assignment)": re.compile(r"(\?\?|\|\||&&)="),
}


def node() -> str:
    found = shutil.which("node")
    if found is None:
        pytest.fail("node is not installed; .ci/run installs it (apt-get install nodejs)")
    return found


def node_run(script: str, *args: str) -> str:
    result = subprocess.run([node(), "-e", script, *args], capture_output=True, text=True, timeout=30, check=False)
    assert result.returncode == 0, result.stderr
    return result.stdout


def dialect_problems(text: str) -> list[str]:
    return [name for name, pattern in OTHER_DIALECT.items() if pattern.search(text)]


def test_every_script_module_is_written_in_the_one_dialect() -> None:
    # Given every script module of the site, in its one folder
    modules = sorted(SOURCES.glob("*.js"))
    assert len(modules) >= 10
    # Then none uses var, an IIFE, CommonJS, its own strict mode or anything newer than ES2020
    assert {m.name: dialect_problems(m.read_text(encoding="utf-8")) for m in modules} == {m.name: [] for m in modules}
    # And there are no scripts elsewhere in the site's sources
    assert sorted(p.name for p in (ROOT / "overrides").rglob("*.js")) == []


def test_the_dialect_check_catches_the_old_style() -> None:
    # Given the two habits this project used to have
    old = '(function () {\n  "use strict";\n  var form = document.getElementById("x");\n})();\n'
    # Then the check names them
    assert {"var declaration", "IIFE wrapper", "own strict mode"} <= set(dialect_problems(old))
    assert dialect_problems("const total = items.reduce((sum, n) => sum + n, 0);\n") == []


def test_each_bundle_joins_its_modules_in_order_in_one_strict_block(tmp_path: Path) -> None:
    # Given a module for each name the bundles use, each saying its name
    for name in {name for modules in BUNDLES.values() for name in modules}:
        (tmp_path / name).write_text(f"const here = {json.dumps(name)};\n", encoding="utf-8")
    # When the bundles are made
    made = {f.path: f.content.decode() for f in script_bundles(tmp_path)}
    # Then each is one published file holding its modules in the declared order, in one strict block
    assert sorted(made) == sorted(f"{PUBLISHED_DIR}/{name}" for name in BUNDLES)
    for name, modules in BUNDLES.items():
        text = made[f"{PUBLISHED_DIR}/{name}"]
        assert text.count('"use strict";\n{\n') == 1 and text.endswith("}\n")
        assert re.findall(r'const here = "([^"]+)"', text) == list(modules)


def test_a_missing_module_or_one_in_no_bundle_fails_the_build_naming_it(tmp_path: Path) -> None:
    # Given the real modules, with one left out
    shutil.copytree(SOURCES, tmp_path / "js")
    (tmp_path / "js" / "quote.js").unlink()
    # Then the build says which
    with pytest.raises(ScriptError, match=r"quote\.js: a module named"):
        script_bundles(tmp_path / "js")
    # Given the real modules and one more that no bundle names
    shutil.copytree(SOURCES, tmp_path / "more")
    (tmp_path / "more" / "forgotten.js").write_text("const x = 1;\n", encoding="utf-8")
    with pytest.raises(ScriptError, match=r"forgotten\.js: a module in no bundle"):
        script_bundles(tmp_path / "more")


def test_every_real_bundle_is_valid_javascript(tmp_path: Path) -> None:
    # Given each bundle made from the real modules
    for bundle in script_bundles(SOURCES):
        path = tmp_path / Path(bundle.path).name
        path.write_bytes(bundle.content)
        # Then node parses it, and no two modules of a bundle declare the same name
        node_run(f"require('vm').compileFunction(require('fs').readFileSync({json.dumps(str(path))}, 'utf8'))")


# Words.js, as in a page whose <html lang> is the argument: the numbers the buyer reads.
NUMBERS_IN = """
const source = require("fs").readFileSync(process.argv[1], "utf8");
const document = { documentElement: { lang: process.argv[2] } };
const words = require("vm").runInNewContext(`${source}; ({ grouped, withDecimals })`, { document });
const shown = [words.grouped(1234567), words.withDecimals(1234.5, 2), words.withDecimals(98765.4, 0)];
process.stdout.write(JSON.stringify(shown));
"""


@pytest.mark.parametrize(
    ("lang", "expected"),
    [
        ("en", ["1,234,567", "1,234.50", "98,765"]),
        ("fr", ["1\u202f234\u202f567", "1\u202f234,50", "98\u202f765"]),
        ("de", ["1.234.567", "1.234,50", "98.765"]),
    ],
)
def test_numbers_are_written_in_the_page_language(lang: str, expected: list[str]) -> None:
    # When words.js formats numbers in a page of that language
    shown = json.loads(node_run(NUMBERS_IN, str(SOURCES / "words.js"), lang))
    # Then grouping and decimals are that language's, and a currency's decimals are as many as asked
    assert shown == expected


def test_no_script_fixes_a_language_for_numbers() -> None:
    # Then numbers are formatted only through Intl with the page's language (words.js)
    uses = {
        m.name: re.findall(r"toLocaleString|NumberFormat\([^)]*", m.read_text(encoding="utf-8"))
        for m in SOURCES.glob("*.js")
    }
    assert {name: found for name, found in uses.items() if found} == {
        "words.js": ["NumberFormat(document.documentElement.lang || undefined, options"]
    }


def test_each_page_loads_one_script_of_its_own_and_the_modules_are_not_published(built_site: Path) -> None:
    # Given pages of every kind
    kinds = {
        "index.html": "site.js",
        "ask/index.html": "site.js",
        "order/index.html": "site.js",
        "contact/index.html": "site.js",
        "404.html": "site.js",
        "stock/index.html": "stock.js",
        "members/join/index.html": "members.js",
        "members/account/index.html": "members.js",
    }
    vehicle = next((built_site / "vehicles").glob("*/index.html"))
    kinds[vehicle.relative_to(built_site).as_posix()] = "vehicle.js"
    kinds[next((built_site / "stock").glob("*/index.html")).relative_to(built_site).as_posix()] = "site.js"
    for page, expected in kinds.items():
        sources = re.findall(r'<script\b[^>]*\bsrc="([^"]+)"', (built_site / page).read_text(encoding="utf-8"))
        own = [re.sub(r".*/", "", s) for s in sources if PUBLISHED_DIR in s]
        # Then besides the theme's two early files, it loads exactly one script of ours, deferred
        assert own == ["theme-base.js", "theme-palette.js", expected], page
    # And each bundle is published once, the modules not at all
    assert sorted(p.name for p in (built_site / PUBLISHED_DIR).glob("*.js")) == sorted(BUNDLES)
    assert not (built_site / "assets" / "js").exists()
