"""MkDocs hook (a thin adapter) for the buyer's form pages.

- Publishes ``assets/data/shipping.json``: each country with its ports, so the sign-up and order forms offer
  only the ports of the chosen country. It is data (names from ports.yaml), never words of the page.
- Gives templates ``config.extra.company``, so the one page that prints the bank account ("check an
  invoice") renders it from content/company.yaml at build time, not from a script.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from carjunction.catalogue import CatalogueError, Company, Shipping

SHIPPING_JSON = Path("assets/data/shipping.json")


def shipping_choices(shipping: Shipping) -> dict[str, Any]:
    """Countries (in file order) with their ports; a country with no port is left out: nothing ships there."""
    countries = []
    for country in shipping.countries:
        ports = [{"code": p.code, "name": p.name} for p in shipping.ports if p.country == country.code]
        if ports:
            countries.append({"code": country.code, "name": country.name, "ports": ports})
    return {"countries": countries}


def _load(content_dir: Path) -> tuple[Shipping, Company]:
    from carjunction.catalogue.load import COMPANY_FILE, SHIPPING_FILE, load_record, load_shipping  # noqa: PLC0415

    shipping, problems = load_shipping(content_dir / SHIPPING_FILE)
    company, company_problems = load_record(Company, content_dir / COMPANY_FILE)
    if shipping is None or company is None:
        raise CatalogueError(problems + company_problems)
    return shipping, company


def on_config(config: Any) -> Any:
    _, company = _load(Path(config["docs_dir"]))
    config["extra"]["company"] = company.model_dump(mode="json")
    return config


def on_post_build(config: Any) -> None:
    shipping, _ = _load(Path(config["docs_dir"]))
    target = Path(config["site_dir"]) / SHIPPING_JSON
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(json.dumps(shipping_choices(shipping), separators=(",", ":")), encoding="utf-8")
