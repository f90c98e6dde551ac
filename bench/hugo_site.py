"""Write a Hugo site with the same vehicle pages as ours, from the same synthetic stock: the peer for the build target.

Each vehicle's YAML becomes a page's front matter; bench/hugo/layouts renders the same fields as
overrides/vehicle.html (header, breadcrumbs, photo with srcset, price, spec table, options, notes, JSON-LD).
"""

from __future__ import annotations

import shutil
from pathlib import Path

import yaml

HERE = Path(__file__).parent
LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
DUMPER = getattr(yaml, "CSafeDumper", yaml.SafeDumper)


def hugo_site(content: Path, out: Path) -> Path:
    """A Hugo project in ``out`` for the vehicles under ``content``/vehicles."""
    if out.exists():
        shutil.rmtree(out)
    (out / "content" / "vehicles").mkdir(parents=True)
    shutil.copytree(HERE / "hugo" / "layouts", out / "layouts")
    company = yaml.load((content / "company.yaml").read_text(encoding="utf-8"), Loader=LOADER)  # noqa: S506
    config = {
        "baseURL": "https://www.carjunction.com/",
        "title": company.get("name", "Car Junction"),
        "disableKinds": ["taxonomy", "term", "RSS"],
        "params": {
            "company": {k: str(company.get(k, "")) for k in ("name", "address", "email", "telephone")},
            "nav": [{"title": t, "url": u} for t, u in (("Stock", "stock/"), ("Ask", "contact/"), ("About", "about/"))],
        },
    }
    (out / "config.yaml").write_text(yaml.dump(config, Dumper=DUMPER), encoding="utf-8")
    for source in sorted((content / "vehicles").glob("*.yaml")):
        data = yaml.load(source.read_text(encoding="utf-8"), Loader=LOADER)  # noqa: S506 - a safe loader
        data["title"] = f"{data['registration'][:4]} {data['make']} {data['model']}"
        data["description"] = f"{data['title']}, {data['mileage_km']} km, US${data['price_usd']} FOB."
        data["url"] = f"/vehicles/{data['stock_no']}/"
        front = yaml.dump(data, Dumper=DUMPER, sort_keys=False)
        (out / "content" / "vehicles" / f"{source.stem}.md").write_text(f"---\n{front}---\n", encoding="utf-8")
    return out
