"""What template.yaml's PageRequestFunction (a CloudFront viewer-request function) does to a page request, done
locally: the bare domain's 301 to the site, a folder's 301 to its slash, a folder served as its index.html.

tests/local/test_edge_functions.py runs the function's own JavaScript under node against the same cases as this,
so the two cannot drift apart."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Redirect:
    """A 301 the edge answers itself."""

    location: str


@dataclass(frozen=True)
class Forward:
    """The request goes on to the bucket, for this path."""

    uri: str


def page_request(
    uri: str, raw_query: str | None, host: str, *, site_domain: str = "", bare_domain: str = ""
) -> Redirect | Forward:
    """``raw_query``: the query string as sent, without its "?" (None when there was none)."""
    query = f"?{raw_query}" if raw_query else ""
    if bare_domain and site_domain and host.lower() == bare_domain:
        return Redirect(f"https://{site_domain}{uri}{query}")
    if uri.endswith("/"):
        return Forward(uri + "index.html")
    # No dot in the last segment: a folder, whose page's relative links (its photos) need the slash.
    if "." not in uri.rsplit("/", 1)[-1]:
        return Redirect(f"{uri}/{query}")
    return Forward(uri)
