"""The Atom feed of new arrivals, written with the standard library's XML tools (they escape for us)."""

from __future__ import annotations

from collections.abc import Sequence
from xml.etree import ElementTree as ET

from carjunction.catalogue import Company, Vehicle
from carjunction.site.settings import SiteSettings
from carjunction.site.vehicle_pages import vehicle_url
from carjunction.site.words import phrase, vehicle_facts

ATOM = "http://www.w3.org/2005/Atom"
FEED_PATH = "feed.xml"


def atom_feed(vehicles: Sequence[Vehicle], settings: SiteSettings, company: Company) -> bytes:
    """Newest first; each entry's date is the day the vehicle was added, so the feed is reproducible."""
    labels = settings.labels
    newest = sorted(vehicles, key=lambda v: (v.added, v.stock_no), reverse=True)[: settings.feed_entries]
    ET.register_namespace("", ATOM)
    feed = ET.Element(f"{{{ATOM}}}feed")

    def add(parent: ET.Element, tag: str, text: str | None = None, **attributes: str) -> ET.Element:
        element = ET.SubElement(parent, f"{{{ATOM}}}{tag}", attributes)
        element.text = text
        return element

    add(feed, "id", settings.site_url + settings.folder + FEED_PATH)
    add(feed, "title", f"{labels.text['feed_title']} - {company.short_name}")
    updated = max((v.added for v in newest), default=None)
    add(feed, "updated", f"{updated.isoformat() if updated else '2000-01-01'}T00:00:00Z")
    add(feed, "link", href=settings.site_url + settings.folder + FEED_PATH, rel="self")
    add(feed, "link", href=settings.site_url + settings.folder)
    author = add(feed, "author")
    add(author, "name", company.name)
    for vehicle in newest:
        facts = vehicle_facts(labels, vehicle, settings.locale)
        entry = add(feed, "entry")
        add(entry, "id", settings.site_url + vehicle_url(vehicle, settings.folder))
        add(entry, "title", facts["title"])
        add(entry, "updated", f"{vehicle.added.isoformat()}T00:00:00Z")
        add(entry, "link", href=settings.site_url + vehicle_url(vehicle, settings.folder))
        add(entry, "summary", phrase(labels, "feed_entry", **facts))
    ET.indent(feed)
    text: bytes = ET.tostring(feed, encoding="utf-8", xml_declaration=True)
    return text + b"\n"
