"""Every page under the production Content-Security-Policy, as the local stack serves it from template.yaml:
nothing is refused, nothing fails in the console, and the theme's script and ours actually run."""

from __future__ import annotations

from typing import Any

import pytest

from tests.support.browser import MISSING, LocalStack, Visitor, sign_up, site_pages, unique_email

pytestmark = pytest.mark.browser

# Recorded from the first script the page runs, before any of the page's own.
WATCH_VIOLATIONS = """
window.__violations = [];
document.addEventListener("securitypolicyviolation", (e) => {
  const where = `${e.sourceFile}:${e.lineNumber}`;
  window.__violations.push(`${e.effectiveDirective} refused ${e.blockedURI || "inline"} at ${where}`);
});
"""


def open_watched(visitor: Visitor, path: str, problems: list[str]) -> Any:
    page = visitor.context.new_page()
    page.on("pageerror", lambda error: problems.append(f"{path}: script error {error}"))

    def console(message: Any) -> None:
        location = message.location.get("url", "")
        # An API's 4xx is an answer the page shows in words (signed out, not found), and the missing page is
        # answered 404 on purpose; Chrome logs both all the same.
        expected = location.startswith(f"{visitor.origin}/api/") or location == f"{visitor.origin}{MISSING}"
        if message.type == "error" and not expected:
            problems.append(f"{path}: console {message.text} ({location})")

    page.on("console", console)
    page.goto(visitor.origin + path)
    page.wait_for_selector("html[data-forms-ready]", state="attached")
    page.wait_for_load_state("networkidle")
    problems.extend(f"{path}: {v}" for v in page.evaluate("window.__violations"))
    return page


def test_every_page_runs_under_the_production_csp_without_a_violation(visitor_factory: Any, stack: LocalStack) -> None:
    # Given a signed-in member (so the account and order pages draw everything), watching for refusals
    visitor: Visitor = visitor_factory()
    visitor.context.add_init_script(WATCH_VIOLATIONS)
    sign_up(visitor, unique_email()).close()
    pages = site_pages(stack.site_dir)
    assert len(pages) > 10
    problems: list[str] = []
    for path in pages:
        # When each page is opened as the stack serves it, with template.yaml's CSP
        page = open_watched(visitor, path, problems)
        header = page.evaluate("async () => (await fetch(location.href)).headers.get('content-security-policy')")
        assert header and "script-src 'self'" in header and "unsafe-inline" not in header
        # Then Material's bundle ran (it swaps the no-js class) on every page
        classes = page.evaluate("document.documentElement.className").split()
        assert "js" in classes and "no-js" not in classes, path
        page.close()
    # And not one script, style or request was refused, nor any error logged
    assert problems == [], "\n".join(problems)


def test_the_palette_toggle_works_and_is_applied_before_the_theme_script_on_the_next_page(
    visitor_factory: Any,
) -> None:
    # Given a vehicle page
    visitor: Visitor = visitor_factory()
    visitor.context.add_init_script(WATCH_VIOLATIONS)
    problems: list[str] = []
    page = open_watched(visitor, "/stock/", problems)
    assert page.evaluate("document.body.dataset.mdColorScheme") == "default"
    # When the buyer switches to the dark scheme
    page.get_by_title("Switch to dark mode").click()
    page.wait_for_selector('body[data-md-color-scheme="slate"]')  # a selector: the CSP forbids eval
    # Then the next page starts dark: the theme's early palette script (now a file, in the header) applied it
    # before the content was parsed, not Material's bundle at the end of the page
    other = visitor.context.new_page()
    other.add_init_script(
        """new MutationObserver((records, observer) => {
             if (!document.querySelector("main")) return;
             window.__schemeAtMain = document.body.dataset.mdColorScheme;
             window.__bundleRan = !document.documentElement.classList.contains("no-js");
             observer.disconnect();
           }).observe(document, {childList: true, subtree: true});"""
    )
    other.goto(visitor.origin + "/contact/")
    other.wait_for_selector("html[data-forms-ready]", state="attached")
    assert other.evaluate("[window.__schemeAtMain, window.__bundleRan]") == ["slate", False]
    assert other.evaluate("window.__violations") == []
    assert problems == []
