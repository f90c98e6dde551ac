"""The ports data the sign-up and order forms choose from."""

from __future__ import annotations

import json
from pathlib import Path

from carjunction.buyer_pages import SHIPPING_JSON, on_post_build, shipping_choices
from carjunction.catalogue import Country, Port, Shipping


def port(code: str, country: str) -> Port:
    return Port.model_validate(
        {"code": code, "name": f"Port {code}", "country": country, "freight_usd_per_m3": 50, "insurance_rate_pct": 1.5}
    )


def test_each_country_offers_only_its_own_ports_and_a_country_without_ports_is_left_out() -> None:
    # Given two countries with ports and one without
    shipping = Shipping(
        countries=[
            Country(code="KE", name="Kenya"),
            Country(code="FJ", name="Fiji"),
            Country(code="TZ", name="Tanzania"),
        ],
        ports=[port("TZDAR", "TZ"), port("KEMBA", "KE"), port("TZTGT", "TZ")],
    )
    # When the forms' data is made
    choices = shipping_choices(shipping)
    # Then countries keep the file's order and each lists its own ports
    assert choices == {
        "countries": [
            {"code": "KE", "name": "Kenya", "ports": [{"code": "KEMBA", "name": "Port KEMBA"}]},
            {
                "code": "TZ",
                "name": "Tanzania",
                "ports": [{"code": "TZDAR", "name": "Port TZDAR"}, {"code": "TZTGT", "name": "Port TZTGT"}],
            },
        ]
    }


def test_the_build_publishes_the_real_ports(tmp_path: Path) -> None:
    root = Path(__file__).resolve().parents[2]
    on_post_build({"docs_dir": str(root / "content"), "site_dir": str(tmp_path)})
    published = json.loads((tmp_path / SHIPPING_JSON).read_text(encoding="utf-8"))
    kenya = next(c for c in published["countries"] if c["code"] == "KE")
    assert {"code": "KEMBA", "name": "Mombasa"} in kenya["ports"]
