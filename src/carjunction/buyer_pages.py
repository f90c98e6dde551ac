"""MkDocs hook (a thin adapter) for the buyer's form pages.

Publishes ``assets/data/shipping.json``: each country with its ports, so the sign-up and order forms offer
only the ports of the chosen country. It is data (names from ports.yaml), never words of the page.

The bank account is published statically on one page only, the site's "Check an invoice" (/invoices/);
the verify-a-code form (/invoices/check/) shows it from the API's answer.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from carjunction.catalogue import CatalogueError, Shipping

SHIPPING_JSON = Path("assets/data/shipping.json")


def shipping_choices(shipping: Shipping) -> dict[str, Any]:
    """Countries (in file order) with their ports; a country with no port is left out: nothing ships there."""
    countries = []
    for country in shipping.countries:
        ports = [{"code": p.code, "name": p.name} for p in shipping.ports if p.country == country.code]
        if ports:
            countries.append({"code": country.code, "name": country.name, "ports": ports})
    return {"countries": countries}


def _load(content_dir: Path) -> Shipping:
    from carjunction.catalogue.load import SHIPPING_FILE, load_shipping  # noqa: PLC0415

    shipping, problems = load_shipping(content_dir / SHIPPING_FILE)
    if shipping is None:
        raise CatalogueError(problems)
    return shipping


def on_post_build(config: Any) -> None:
    shipping = _load(Path(config["docs_dir"]))
    target = Path(config["site_dir"]) / SHIPPING_JSON
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(json.dumps(shipping_choices(shipping), separators=(",", ":")), encoding="utf-8")
