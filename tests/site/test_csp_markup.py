"""The built pages hold nothing the production Content-Security-Policy (template.yaml: script-src 'self';
style-src 'self', no 'unsafe-inline') would refuse: no inline script, no event-handler attribute, no inline style.
The browser test (tests/browser/test_content_security_policy.py) checks the pages actually run under it."""

from __future__ import annotations

from html.parser import HTMLParser
from pathlib import Path

# <script> types that are data, never run: CSP does not apply to them.
DATA_TYPES = {"application/json", "application/ld+json"}


class InlineFinder(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.found: list[str] = []
        self._inline_script = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        named = dict(attrs)
        if tag == "script" and "src" not in named and (named.get("type") or "").lower() not in DATA_TYPES:
            self._inline_script = True
        if tag == "style":
            self.found.append(f"<style> at line {self.getpos()[0]}")
        for name, value in attrs:
            if name == "style" or name.startswith("on"):
                self.found.append(f"<{tag} {name}={value!r}> at line {self.getpos()[0]}")
            if name == "href" and (value or "").strip().lower().startswith("javascript:"):
                self.found.append(f"<{tag} href={value!r}> at line {self.getpos()[0]}")

    def handle_data(self, data: str) -> None:
        if self._inline_script and data.strip():
            self.found.append(f"inline <script> at line {self.getpos()[0]}: {data.strip()[:60]}")

    def handle_endtag(self, tag: str) -> None:
        if tag == "script":
            self._inline_script = False


def refused_markup(page: Path) -> list[str]:
    finder = InlineFinder()
    finder.feed(page.read_text(encoding="utf-8"))
    return finder.found


def test_the_finder_catches_what_the_csp_refuses(tmp_path: Path) -> None:
    # Given a page with each kind of inline code, and the data blocks that are allowed
    page = tmp_path / "index.html"
    page.write_text(
        '<script>alert(1)</script><script type="application/ld+json">{"a": 1}</script>'
        '<script id="__config" type="application/json">{}</script><script src="x.js"></script>'
        '<p style="color: red" onclick="go()">x</p><style>p{}</style><a href="javascript:go()">y</a>',
        encoding="utf-8",
    )
    # Then exactly the refused ones are reported
    found = refused_markup(page)
    assert len(found) == 5, found
    assert found[0].startswith("inline <script>")


def test_no_built_page_has_inline_script_or_style(real_site: Path) -> None:
    # Given every page of the built site (hand-written, generated vehicles and makes, the 404 page)
    pages = sorted(real_site.rglob("*.html"))
    assert len(pages) > 40
    # Then none has anything the production CSP would refuse
    refused = {page.relative_to(real_site).as_posix(): found for page in pages if (found := refused_markup(page))}
    assert refused == {}
