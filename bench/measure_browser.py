"""Page weight and stock filtering, measured in headless Chromium (Debian's) against a built site on loopback."""

from __future__ import annotations

import contextlib
import functools
import gzip
import statistics
import threading
from collections.abc import Iterator
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

CHROMIUM = "/usr/bin/chromium"
FLAGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
# Material's shared bundle: cached across pages, and DESIGN.md §6 budgets it apart from the page's own bytes.
THEME = ("/assets/javascripts/bundle.", "/assets/stylesheets/main.", "/assets/stylesheets/palette.")
PHONE = {"viewport": {"width": 412, "height": 823}, "device_scale_factor": 1.75, "is_mobile": True}


class Quiet(SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:
        pass


@contextlib.contextmanager
def serve(site: Path) -> Iterator[str]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(Quiet, directory=str(site)))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()


@contextlib.contextmanager
def chromium() -> Iterator[Any]:
    from playwright.sync_api import sync_playwright  # noqa: PLC0415 - only the browser figures need it

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=FLAGS)
        try:
            yield browser
        finally:
            browser.close()


def page_weight(browser: Any, origin: str, path: str) -> dict[str, Any]:
    """Everything the page loads except photos (and the API, which a static server lacks): raw and gzip bytes."""
    context = browser.new_context(**PHONE)
    page = context.new_page()
    loaded: list[tuple[str, bytes]] = []

    def keep(response: Any) -> None:
        url = response.url
        if response.request.resource_type == "image" or "/api/" in url or response.status != 200:
            return
        with contextlib.suppress(Exception):
            loaded.append((url, response.body()))

    page.on("response", keep)
    page.goto(origin + path, wait_until="networkidle")
    photo = page.evaluate(
        "() => { const i = document.querySelector('.cj-gallery__main img'); return i ? i.currentSrc : ''; }"
    )
    photo_bytes = 0
    if photo:
        photo_bytes = len(page.request.get(photo).body())
    context.close()
    own = [(u, b) for u, b in loaded if not any(t in u for t in THEME)]
    theme = [(u, b) for u, b in loaded if any(t in u for t in THEME)]
    return {
        "path": path,
        "raw": sum(len(b) for _, b in loaded),
        "gzip": sum(len(gzip.compress(b, 6)) for _, b in loaded),
        "own_raw": sum(len(b) for _, b in own),
        "own_gzip": sum(len(gzip.compress(b, 6)) for _, b in own),
        "theme_gzip": sum(len(gzip.compress(b, 6)) for _, b in theme),
        "files": len(loaded),
        "own_files": [u.removeprefix(origin) for u, _ in own],
        "photo": photo.removeprefix(origin),
        "photo_bytes": photo_bytes,
    }


# Each change sets one control and fires the form's "input" event as typing or choosing would. "ms" runs until
# the results are laid out (the script draws synchronously; reading a layout property forces style and layout);
# "frame_ms" runs on to the next frame, which adds headless Chromium's frame scheduling (up to one vsync).
FILTER_JS = """async (changes) => {
  const form = document.getElementById('stock-filters');
  const list = document.getElementById('stock-results');
  const times = [], frames = [];
  for (const [name, value] of changes) {
    await new Promise((done) => setTimeout(done, 50));
    const start = performance.now();
    const field = form.elements[name];
    field.value = value;
    field.dispatchEvent(new Event('input', {bubbles: true}));
    void list.getBoundingClientRect().height;
    times.push(performance.now() - start);
    await new Promise((done) => requestAnimationFrame(() => setTimeout(done, 0)));
    frames.push(performance.now() - start);
  }
  return {times, frames, count: document.getElementById('stock-count').textContent};
}"""

CHANGES = [
    ("make", "Toyota"),
    ("body", "van"),
    ("body", ""),
    ("make", "Nissan"),
    ("year_min", "2015"),
    ("price_max", "20000"),
    ("make", ""),
    ("year_min", ""),
    ("q", "BN0001"),
    ("q", ""),
    ("km_max", "100000"),
    ("sort", "price"),
    ("sort", "-year"),
    ("make", "Honda"),
    ("price_max", ""),
    ("km_max", ""),
    ("make", "Subaru"),
    ("body", "suv"),
    ("make", ""),
    ("body", ""),
]


def stock_filtering(browser: Any, origin: str) -> dict[str, float]:
    page = browser.new_page()
    page.goto(origin + "/stock/")
    page.wait_for_selector("#stock-results[data-ready='true']", timeout=60_000)
    result = page.evaluate(FILTER_JS, [list(c) for c in CHANGES])
    page.close()
    times, frames = result["times"], result["frames"]
    return {
        "median_ms": statistics.median(times),
        "worst_ms": max(times),
        "frame_median_ms": statistics.median(frames),
        "frame_worst_ms": max(frames),
        "changes": len(times),
    }
