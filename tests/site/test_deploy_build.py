"""The build a deploy runs: photo sizes from the bucket's manifest, photos linked by content, none read or written."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

from carjunction.photos.bucket import Manifest, PublishedPhoto
from carjunction.photos.identity import sha256_of
from carjunction.photos.lfs import Pointer
from carjunction.site.photos import MANIFEST_ENV
from tests.support.site_build import ROOT, build_site, config_for

CAR = "CJ26001"


def test_a_deploy_build_links_the_published_photos_and_leaves_off_the_unpublished(tmp_path: Path) -> None:
    # Given a checkout of one car whose photos are LFS pointers (no bytes), and a manifest holding all but the last
    content = tmp_path / "content"
    shutil.copytree(ROOT / "content", content, ignore=shutil.ignore_patterns("CJ*"))
    shutil.copy(ROOT / "content" / "vehicles" / f"{CAR}.yaml", content / "vehicles")
    (content / "vehicles" / CAR).mkdir()
    originals = sorted((ROOT / "content" / "vehicles" / CAR).glob("*.webp"))
    assert len(originals) >= 2
    shas = []
    for original in originals:
        shas.append(sha256_of(original.read_bytes()))
        pointer = Pointer(sha256=shas[-1], size=original.stat().st_size)
        (content / "vehicles" / CAR / original.name).write_text(pointer.text(), encoding="utf-8")
    held = {sha: PublishedPhoto(width=1280, height=960, widths=(360, 640, 960, 1280)) for sha in shas[:-1]}
    manifest = tmp_path / "manifest.json"
    manifest.write_text(Manifest(photos=held).model_dump_json(), encoding="utf-8")
    # When the site is built as a deploy builds it
    site = tmp_path / "site"
    build_site(site, config_for(content, tmp_path), extra_env={MANIFEST_ENV: str(manifest)})
    # Then the car's page links each published photo by content, at the manifest's sizes, and not the unpublished one
    page = (site / "vehicles" / CAR / "index.html").read_text(encoding="utf-8")
    linked = set(re.findall(r"photos/([0-9a-f]{20})/\d+\.webp", page))
    assert linked == {sha[:20] for sha in shas[:-1]}
    assert f'src="../../photos/{shas[0][:20]}/640.webp"' in page
    assert 'width="1280" height="960"' in page
    # And no photo was written into the site: the bucket serves them
    assert not (site / "photos").exists()
