"""The generator's output over the fixed fixture catalogue, as the golden files hold it.

The golden test only compares. After an intended change, write the goldens anew and review the diff:

    make golden            # = python -m tests.support.golden --write
    git diff tests/site/golden/

`python -m tests.support.golden --digest` prints a digest of every output file, as JSON: the purity test runs it
in two processes with different PYTHONHASHSEED, so that an order that depends on hashing shows as a difference.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import shutil
import sys
from pathlib import Path

from carjunction.site import SiteBuild, generate
from carjunction.site.languages import SOURCE, load_languages
from carjunction.site.settings import translated_settings
from tests.support.fixture_site import fixture_catalogue, fixture_photos, fixture_settings

GOLDEN = Path(__file__).resolve().parents[1] / "site" / "golden"
CONTENT = Path(__file__).resolve().parents[2] / "content"


def rendered(build: SiteBuild, *, sort_keys: bool = True) -> dict[str, bytes]:
    """The build as files: data files as they are, pages and summary as indented JSON (keys sorted for the
    goldens' readable diffs; as the generator ordered them for the digests, where the order is the question)."""
    out = {f"files/{f.path}": f.content for f in build.files}
    for page in build.pages:
        record = {"template": page.template, "title": page.title, "description": page.description, "data": page.data}
        out[f"pages/{page.url}page.json"] = json.dumps(
            record, indent=1, ensure_ascii=False, sort_keys=sort_keys
        ).encode()
    for code, summary in build.summaries.items():
        name = "summary.json" if code == SOURCE else f"summary.{code}.json"
        out[name] = json.dumps(summary, indent=1, ensure_ascii=False, sort_keys=sort_keys).encode()
    return out


def generated(*, sort_keys: bool = True) -> dict[str, bytes]:
    """The fixture catalogue's build in English and in French (the French words from the site's own catalogue)."""
    catalogue = fixture_catalogue()
    settings = fixture_settings()
    _, french = load_languages(CONTENT, ["en", "fr"])
    countries = {country.code: country.name for country in catalogue.shipping.countries}
    translations = [translated_settings(settings, french, countries)]
    return rendered(generate(catalogue, settings, fixture_photos(catalogue), translations), sort_keys=sort_keys)


def golden() -> dict[str, bytes]:
    return {p.relative_to(GOLDEN).as_posix(): p.read_bytes() for p in GOLDEN.rglob("*") if p.is_file()}


def digests(outputs: dict[str, bytes]) -> dict[str, str]:
    """Each output's SHA-256, in the order the generator produced them (an order that changes is a difference)."""
    return {name: hashlib.sha256(content).hexdigest() for name, content in outputs.items()}


def write_golden() -> int:
    shutil.rmtree(GOLDEN, ignore_errors=True)
    outputs = generated()
    for name, content in outputs.items():
        (GOLDEN / name).parent.mkdir(parents=True, exist_ok=True)
        (GOLDEN / name).write_bytes(content)
    return len(outputs)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m tests.support.golden", description=__doc__.split("\n")[0])
    action = parser.add_mutually_exclusive_group(required=True)
    action.add_argument("--write", action="store_true", help="write tests/site/golden/ from the generator")
    action.add_argument("--digest", action="store_true", help="print every output's digest as JSON")
    args = parser.parse_args(argv)
    if args.write:
        count = write_golden()
        print(f"wrote {count} files to {GOLDEN}; review them with git diff")
    else:
        json.dump(list(digests(generated(sort_keys=False)).items()), sys.stdout)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
