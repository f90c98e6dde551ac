"""`carjunction photos`: turn the originals staff drop into content/vehicles/<stock_no>/ into published masters.

Each photo is turned upright (EXIF orientation), converted to sRGB (a phone's Display-P3 profile is
applied, then dropped, so every later step can assume sRGB), stripped of all metadata — EXIF with its
GPS position, XMP, IPTC, comments — capped at MAX_SIDE pixels on its long side and saved as JPEG
named 01.jpg, 02.jpg… in the order the vehicle file lists them, new photos after, by name.

A photo that is already a clean master (no metadata, within the cap, JPEG or WebP) keeps its bytes
and is at most renamed, so running the command again changes nothing. All originals are read and
checked before anything is written; then files are swapped in through hidden temporary names, and
the vehicle file's photos list is rewritten last.
"""

from __future__ import annotations

import io
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import yaml

from carjunction.catalogue.yaml_data import SafeLoader
from carjunction.ops.edit_yaml import replace_photos, write_atomically
from carjunction.ops.progress import Progress

if TYPE_CHECKING:
    from PIL import Image

MAX_SIDE = 2048
JPEG_QUALITY = 85  # visually lossless for photos of cars; the site makes its smaller WebP variants from these
PHOTO_SUFFIXES = {".jpg", ".jpeg", ".png", ".webp", ".heic", ".heif"}
MASTER_NAME = re.compile(r"^\d{2}\.(jpg|webp)$")
MASTER_FORMATS = {"JPEG": ".jpg", "WEBP": ".webp"}
METADATA_KEYS = ("exif", "xmp", "XML:com.adobe.xmp", "photoshop", "iptc", "comment", "icc_profile")

VariantMaker = Callable[[Sequence[Path]], object]


class PhotoError(Exception):
    """A photo or vehicle file cannot be ingested; the message names it. Nothing was changed."""


@dataclass
class IngestResult:
    stock_no: str
    photos: list[str] = field(default_factory=list)
    encoded: list[str] = field(default_factory=list)  # originals re-encoded (oriented, stripped, capped)
    renamed: list[tuple[str, str]] = field(default_factory=list)
    dropped: list[str] = field(default_factory=list)  # listed in the YAML but not in the folder
    yaml_changed: bool = False

    @property
    def changed(self) -> bool:
        return bool(self.encoded or self.renamed or self.yaml_changed)


@dataclass(frozen=True)
class Planned:
    source: Path
    target: str
    encode: bool


def natural_key(name: str) -> list[Any]:
    """IMG_2 before IMG_10, as a person sorts them."""
    return [int(part) if part.isdigit() else part.lower() for part in re.split(r"(\d+)", name)]


def listed_photos(yaml_path: Path) -> list[str]:
    data = yaml.load(yaml_path.read_text(encoding="utf-8"), Loader=SafeLoader)  # noqa: S506 - a safe loader
    photos = data.get("photos") if isinstance(data, dict) else None
    return [str(p) for p in photos] if isinstance(photos, list) else []


def originals(folder: Path) -> list[Path]:
    if not folder.is_dir():
        return []
    return [
        path
        for path in folder.iterdir()
        if path.is_file() and not path.name.startswith(".") and path.suffix.lower() in PHOTO_SUFFIXES
    ]


def is_clean_master(image: Image.Image, max_side: int) -> bool:
    return (
        image.format in MASTER_FORMATS
        and max(image.size) <= max_side
        and not any(image.info.get(key) for key in METADATA_KEYS)
        and len(image.getexif()) == 0
    )


def open_photo(path: Path) -> Image.Image:
    from PIL import Image, UnidentifiedImageError  # noqa: PLC0415 - Pillow only when photos are handled

    try:
        image = Image.open(path)
        image.load()
    except UnidentifiedImageError as error:
        hint = (
            " (HEIC needs the pillow-heif plugin; or export the photo as JPEG)"
            if path.suffix.lower()
            in {
                ".heic",
                ".heif",
            }
            else ""
        )
        raise PhotoError(f"{path}: is not an image Pillow can read{hint}") from error
    except OSError as error:
        raise PhotoError(f"{path}: cannot be read: {error}") from error
    return image


def encode_master(image: Image.Image, max_side: int, quality: int) -> bytes:
    """Upright, sRGB, no metadata, long side capped: the bytes of the published master."""
    from PIL import Image, ImageCms, ImageOps  # noqa: PLC0415

    upright = ImageOps.exif_transpose(image)
    icc = image.info.get("icc_profile")
    if icc and upright.mode in {"RGB", "RGBA", "CMYK"}:
        source = ImageCms.ImageCmsProfile(io.BytesIO(icc))
        converted = ImageCms.profileToProfile(upright, source, ImageCms.createProfile("sRGB"), outputMode="RGB")
        upright = converted if converted is not None else upright
    if upright.mode in {"RGBA", "LA", "PA"} or (upright.mode == "P" and "transparency" in upright.info):
        # JPEG has no transparency: a cut-out photo goes on white, as on a printed brochure.
        rgba = upright.convert("RGBA")
        background = Image.new("RGB", rgba.size, (255, 255, 255))
        background.paste(rgba, mask=rgba.getchannel("A"))
        upright = background
    upright = upright.convert("RGB")
    upright.thumbnail((max_side, max_side), Image.Resampling.LANCZOS)
    # A fresh image carries no info dict; saving without exif=/icc_profile= writes no metadata at all.
    clean = Image.new("RGB", upright.size)
    clean.paste(upright)
    out = io.BytesIO()
    clean.save(out, "JPEG", quality=quality, optimize=True, progressive=True)
    return out.getvalue()


def plan(folder: Path, listed: list[str], max_side: int) -> tuple[list[Planned], list[str]]:
    present = {path.name: path for path in originals(folder)}
    ordered = [present[name] for name in listed if name in present]
    ordered += sorted((p for n, p in present.items() if n not in listed), key=lambda p: natural_key(p.name))
    dropped = [name for name in listed if name not in present]
    planned = []
    for number, path in enumerate(ordered, start=1):
        image = open_photo(path)  # every photo is read before anything is written
        if is_clean_master(image, max_side) and MASTER_NAME.match(path.name):
            planned.append(Planned(path, f"{number:02d}{MASTER_FORMATS[str(image.format)]}", encode=False))
        else:
            planned.append(Planned(path, f"{number:02d}.jpg", encode=True))
        image.close()
    return planned, dropped


def ingest_photos(
    yaml_path: Path,
    *,
    max_side: int = MAX_SIDE,
    quality: int = JPEG_QUALITY,
    progress: Progress | None = None,
    make_variants: VariantMaker | None = None,
) -> IngestResult:
    """Ingest the photos of the vehicle described by ``yaml_path`` (content/vehicles/<stock_no>.yaml)."""
    if not yaml_path.is_file():
        raise PhotoError(f"{yaml_path}: no such vehicle file; create it first with `carjunction new-vehicle`")
    stock_no, folder = yaml_path.stem, yaml_path.with_suffix("")
    listed = listed_photos(yaml_path)
    planned, dropped = plan(folder, listed, max_side)
    result = IngestResult(stock_no, photos=[p.target for p in planned], dropped=dropped)
    swaps: list[tuple[Path, Path]] = []  # (temporary, final)
    try:
        for item in planned:
            temporary = folder / f".ingest-{item.target}"
            if item.encode:
                with open_photo(item.source) as image:
                    temporary.write_bytes(encode_master(image, max_side, quality))
                result.encoded.append(item.source.name)
            elif item.source.name != item.target:
                item.source.replace(temporary)
                result.renamed.append((item.source.name, item.target))
            else:
                if progress:
                    progress.advance(f"{stock_no}/{item.target}")
                continue
            swaps.append((temporary, folder / item.target))
            if progress:
                progress.advance(f"{stock_no}/{item.target}")
    except BaseException:
        _undo(swaps, planned, folder)
        raise
    # Every master is safely in a temporary file now: clear the originals, then move the masters in.
    for item in planned:
        if item.encode:
            item.source.unlink(missing_ok=True)
    for temporary, final in swaps:
        temporary.replace(final)
    text = yaml_path.read_text(encoding="utf-8")
    if listed != result.photos:
        write_atomically(yaml_path, replace_photos(text, result.photos))
        result.yaml_changed = True
    if make_variants is not None and result.photos:
        make_variants([folder / name for name in result.photos])
    return result


def _undo(swaps: list[tuple[Path, Path]], planned: list[Planned], folder: Path) -> None:
    renamed_back = {folder / f".ingest-{p.target}": p.source for p in planned if not p.encode}
    for temporary, _ in swaps:
        if temporary in renamed_back:
            temporary.replace(renamed_back[temporary])
        else:
            temporary.unlink(missing_ok=True)
