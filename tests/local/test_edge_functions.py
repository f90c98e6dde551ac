"""The CloudFront functions' own JavaScript, taken from template.yaml and run under node, against the same cases as
the local stack's edge (local/edge_request.py), with the events CloudFront hands them. Then the local edge over
HTTP: a folder's 301 and a missing page's 404 with the site's 404.html."""

from __future__ import annotations

import json
import shutil
import subprocess
import threading
import urllib.error
import urllib.request
from collections.abc import Iterator
from http import HTTPStatus
from pathlib import Path
from typing import Any

import pytest

from carjunction.api.tables import load_template
from carjunction.local.edge_policy import edge_policy
from carjunction.local.edge_request import Forward, Redirect, page_request
from carjunction.local.server import make_server

ROOT = Path(__file__).resolve().parents[2]
TEMPLATE = load_template(ROOT / "template.yaml")
NODE = shutil.which("node")
needs_node = pytest.mark.skipif(NODE is None, reason="node is not installed")
SITE, BARE = "www.shop.example", "shop.example"

# (uri, raw query or None, host): the requests both edges are asked about.
CASES = [
    ("/", None, SITE),
    ("/stock/", None, SITE),
    ("/vehicles/CJ26001", None, SITE),
    ("/vehicles/CJ26001/", None, SITE),
    ("/vehicles/CJ26001/01-640.webp", None, SITE),
    ("/stock", "make=Toyota&sort=price", SITE),
    ("/stock", "", SITE),
    ("/fr/stock", "make=Nissan%20Motor", SITE),
    ("/feed.xml", None, SITE),
    ("/assets/v1.2/app", None, SITE),
    ("/assets/main.0123abcd.min.css", "v=1", SITE),
    ("/no/such/page", None, SITE),
    ("/%E6%97%A5%E6%9C%AC", None, SITE),
    ("/vehicles/CJ26001", "a=1", BARE),
    ("/", None, BARE),
    ("/feed.xml", None, "SHOP.EXAMPLE"),
    ("/stock/", None, "d111111abcdef8.cloudfront.net"),
]


def function_code(logical_id: str, **parameters: str) -> str:
    """A function's code as CloudFront runs it: !Sub's ${Name} filled in from ``parameters``."""
    code = TEMPLATE["Resources"][logical_id]["Properties"]["FunctionCode"]
    text = code["Fn::Sub"] if isinstance(code, dict) else code
    for name, value in parameters.items():
        text = text.replace("${" + name + "}", value)
    assert "${" not in text, "a parameter of the function's code is not filled in"
    return str(text)


def viewer_event(uri: str, raw_query: str | None, host: str) -> dict[str, Any]:
    """CloudFront's viewer-request event (cloudfront-js-2.0): lower-case header names, parsed query strings."""
    querystring: dict[str, Any] = {}
    for pair in (raw_query or "").split("&"):
        if pair:
            name, _, value = pair.partition("=")
            querystring[name] = {"value": value}
    return {
        "version": "1.0",
        "context": {"eventType": "viewer-request", "distributionDomainName": "d111111abcdef8.cloudfront.net"},
        "viewer": {"ip": "203.0.113.9"},
        "request": {
            "method": "GET",
            "uri": uri,
            "querystring": querystring,
            "headers": {"host": {"value": host}, "x-viewer-host": {"value": "forged.example"}},
            "cookies": {},
            "rawQuery": raw_query,
        },
    }


# The harness: each event's request gets rawQueryString() (CloudFront's helper: the query as sent, undefined when
# there was none); each result is printed as one JSON line.
HARNESS = """
const events = JSON.parse(require('fs').readFileSync(0, 'utf8'));
for (const event of events) {
  const raw = event.request.rawQuery;
  delete event.request.rawQuery;
  event.request.rawQueryString = () => (raw === null ? undefined : raw);
  const result = handler(event);
  if (result.rawQueryString) delete result.rawQueryString;
  console.log(JSON.stringify(result));
}
"""


def run_node(code: str, events: list[dict[str, Any]]) -> list[dict[str, Any]]:
    assert NODE is not None
    done = subprocess.run(
        [NODE, "-e", code + HARNESS], input=json.dumps(events), capture_output=True, text=True, timeout=30, check=True
    )
    return [json.loads(line) for line in done.stdout.splitlines()]


def as_outcome(result: dict[str, Any]) -> Redirect | Forward:
    """The function's answer, in the local edge's terms."""
    if "statusCode" in result:
        assert result["statusCode"] == HTTPStatus.MOVED_PERMANENTLY
        assert result["headers"]["cache-control"] == {"value": "max-age=3600"}
        return Redirect(result["headers"]["location"]["value"])
    return Forward(result["uri"])


@needs_node
@pytest.mark.parametrize(("site", "bare"), [("", ""), (SITE, ""), (SITE, BARE)], ids=["no domain", "domain", "bare"])
def test_the_page_function_does_what_the_local_edge_does(site: str, bare: str) -> None:
    # Given the page function's code as deployed with these parameters
    code = function_code("PageRequestFunction", SiteDomain=site, BareDomain=bare)
    # When node runs it on each case
    results = run_node(code, [viewer_event(*case) for case in CASES])
    # Then every answer is the local edge's
    for case, result in zip(CASES, results, strict=True):
        expected = page_request(case[0], case[1], case[2], site_domain=site, bare_domain=bare)
        assert as_outcome(result) == expected, case


@needs_node
def test_the_page_function_redirects_and_rewrites_as_a_web_server_would() -> None:
    code = function_code("PageRequestFunction", SiteDomain=SITE, BareDomain=BARE)
    events = [viewer_event(*case) for case in CASES]
    outcomes = dict(zip([(c[0], c[1], c[2]) for c in CASES], map(as_outcome, run_node(code, events)), strict=True))
    # A folder without its slash: 301 to it, the query kept (the page's relative photo URLs need the slash)
    assert outcomes[("/vehicles/CJ26001", None, SITE)] == Redirect("/vehicles/CJ26001/")
    assert outcomes[("/stock", "make=Toyota&sort=price", SITE)] == Redirect("/stock/?make=Toyota&sort=price")
    # A folder with it: its index.html; a file (a dot in the last segment): as it is
    assert outcomes[("/vehicles/CJ26001/", None, SITE)] == Forward("/vehicles/CJ26001/index.html")
    assert outcomes[("/vehicles/CJ26001/01-640.webp", None, SITE)] == Forward("/vehicles/CJ26001/01-640.webp")
    # The bare domain: every page to the same path on the site, in one step
    assert outcomes[("/vehicles/CJ26001", "a=1", BARE)] == Redirect(f"https://{SITE}/vehicles/CJ26001?a=1")
    # The distribution's own address still serves the site
    assert outcomes[("/stock/", None, "d111111abcdef8.cloudfront.net")] == Forward("/stock/index.html")


@needs_node
def test_the_api_function_overwrites_x_viewer_host_with_the_viewer_s_host() -> None:
    # Given a viewer that sends its own X-Viewer-Host
    code = function_code("ApiRequestFunction")
    (result,) = run_node(code, [viewer_event("/api/members", None, "d111111abcdef8.cloudfront.net")])
    # Then the API is told the host the viewer really asked, and the request goes on
    assert result["headers"]["x-viewer-host"] == {"value": "d111111abcdef8.cloudfront.net"}
    assert result["uri"] == "/api/members"


def test_the_template_s_functions_are_attached_where_the_local_edge_assumes() -> None:
    config = TEMPLATE["Resources"]["Distribution"]["Properties"]["DistributionConfig"]
    arn = config["DefaultCacheBehavior"]["FunctionAssociations"][0]["FunctionARN"]
    assert arn == {"Fn::GetAtt": ["PageRequestFunction", "FunctionMetadata.FunctionARN"]}
    for behaviour in config["CacheBehaviors"]:
        (association,) = behaviour["FunctionAssociations"]
        assert association["EventType"] == "viewer-request"
        assert association["FunctionARN"]["Fn::GetAtt"][0] == "ApiRequestFunction"


def no_api(event: dict[str, Any], context: Any) -> dict[str, Any]:
    raise AssertionError("pages never reach the API")


@pytest.fixture
def local_edge(tmp_path: Path) -> Iterator[str]:
    (tmp_path / "vehicles" / "CJ26001").mkdir(parents=True)
    (tmp_path / "vehicles" / "CJ26001" / "index.html").write_text("<h1>CJ26001</h1>")
    (tmp_path / "404.html").write_text("<h1>No such page</h1>")
    server = make_server(tmp_path, no_api, port=0, edge=edge_policy(TEMPLATE), log=lambda line: None)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


def get(url: str) -> tuple[int, dict[str, str], bytes]:
    class Stay(urllib.request.HTTPRedirectHandler):
        def redirect_request(self, *args: Any, **kwargs: Any) -> None:
            return None

    try:
        with urllib.request.build_opener(Stay).open(url, timeout=5) as response:
            return response.status, dict(response.headers), response.read()
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers), error.read()


def test_the_local_edge_redirects_a_folder_and_answers_a_missing_page_with_404_html(local_edge: str) -> None:
    # A folder without its slash: 301 to it, as the function answers
    status, headers, _ = get(f"{local_edge}/vehicles/CJ26001?from=feed")
    assert (status, headers["Location"]) == (HTTPStatus.MOVED_PERMANENTLY, "/vehicles/CJ26001/?from=feed")
    assert get(f"{local_edge}/vehicles/CJ26001/")[2] == b"<h1>CJ26001</h1>"
    # A missing page, with or without its slash: the site's 404.html with status 404 (the error page of the
    # distribution the pages go through, read from the template)
    page = TEMPLATE["Resources"]["PagesDistribution"]["Properties"]["DistributionConfig"]["CustomErrorResponses"][0]
    assert (page["ResponsePagePath"], page["ResponseCode"]) == ("/404.html", 404)
    for missing in ("/vehicles/CJ99999/", "/vehicles/CJ26001/99-640.webp", "/old-page.html"):
        status, headers, body = get(f"{local_edge}{missing}")
        assert (status, body) == (HTTPStatus.NOT_FOUND, b"<h1>No such page</h1>"), missing
        assert headers["Content-Type"].startswith("text/html")
    # Without its slash, first the 301, then the same 404
    assert get(f"{local_edge}/vehicles/CJ99999")[0] == HTTPStatus.MOVED_PERMANENTLY
