"""`carjunction photos-publish` on a copy of the sample stock, against moto's S3."""

from __future__ import annotations

import uuid
from pathlib import Path
from typing import Any

import pytest

from carjunction.cli import main
from carjunction.photos.bucket import Bucket
from tests.photos.images import sample_with


def test_the_command_publishes_the_sample_then_has_nothing_to_do(
    s3: Any, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # Given two sample cars and an empty bucket
    content = sample_with(tmp_path, {"CJ26001", "CJ26002"})
    bucket = f"site-{uuid.uuid4().hex[:12]}"
    s3.create_bucket(Bucket=bucket)
    photos = len(list((content / "vehicles").glob("*/*.webp")))
    args = ["photos-publish", "--bucket", bucket, "--content", str(content), "--no-fetch", "--workers", "1"]
    # When the command runs twice
    first = main(args)
    first_out = capsys.readouterr().out
    second = main(args)
    second_out = capsys.readouterr().out
    # Then the first run publishes every photo and the second finds them all held
    assert (first, second) == (0, 0)
    assert f"{photos} photos needed: 0 already published" in first_out
    assert f"{photos} encoded" in first_out
    assert len(Bucket(s3, bucket).read_manifest().photos) == photos
    assert f"{photos} photos needed: {photos} already published, 0 finished by an interrupted run, 0 missing" in (
        second_out
    )
    assert "encoded" not in second_out


def test_the_command_needs_a_bucket(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.delenv("CARJUNCTION_BUCKET", raising=False)
    assert main(["photos-publish", "--no-fetch"]) == 2
    assert "--bucket" in capsys.readouterr().err
