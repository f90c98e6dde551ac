"""The photo figures of issue 16, at 1,000 cars × 20 photos (bench/make_photos.py's stock), against moto's S3.

    nice -n 19 .venv/bin/python bench/make_photos.py     # once: the photo stock (~7 GB, reused)
    nice -n 19 .venv/bin/python bench/measure_photos.py  # the figures, into bench/work/photos-figures.md

1. a clone for editing YAML, without photo objects: a git repo of the YAMLs and one LFS pointer per photo;
2. a deploy's photo step after a price change, the bucket's manifest holding every photo;
2b. the whole `carjunction deploy` after a price change on a fresh runner (empty cache, LFS pointers only),
   step by step: photos, the real `mkdocs build`, the sync and what it uploads, catalogue, invalidation
   (bench/measure_deploy.py; `--deploy-only --cars 100` runs just this, a quick look that writes no file);
3. the same after adding one car with 20 photos (its pointers fetched by copying the real bytes in);
4. a first publication on a slice of the stock, on every core: photos/s, extrapolated to the stock;
   and a publication killed (SIGKILL) midway and run again, as a separate process against a moto server.
Also the encoder's cost per photo, against the site build's current way (four resizes from the full picture).
"""

from __future__ import annotations

import argparse
import datetime as dt
import hashlib
import io
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from make_photos import CARS, PER_CAR, PHOTOS, SIZES, stock_no
from measure_deploy import whole_deploy

ROOT = Path(__file__).parents[1]
WORK = ROOT / "bench" / "work"
TEMPLATE = ROOT / "content" / "vehicles" / "CJ26001.yaml"
sys.path.insert(0, str(ROOT / "src"))

from carjunction.photos.bucket import Bucket, Manifest, PublishedPhoto  # noqa: E402
from carjunction.photos.encode import Encoded, encode_photo  # noqa: E402
from carjunction.photos.lfs import Pointer  # noqa: E402
from carjunction.photos.publish import Options, publish_photos  # noqa: E402
from carjunction.site.settings import variant_widths  # noqa: E402


def cars_made() -> list[int]:
    """The cars whose 20 photos are all there."""
    return sorted(int(folder.name[2:]) for folder in PHOTOS.glob("BN*") if len(list(folder.glob("*.jpg"))) == PER_CAR)


def facts(cars: Sequence[int]) -> dict[str, dict[str, Any]]:
    """path → sha256, size, width, height for every photo; cached beside the stock (reading 7 GB takes a while)."""
    from PIL import Image  # noqa: PLC0415

    cache = WORK / "photo-facts.json"
    known: dict[str, dict[str, Any]] = json.loads(cache.read_text()) if cache.is_file() else {}
    for car in cars:
        for number in range(1, PER_CAR + 1):
            key = f"{stock_no(car)}/{number:02d}.jpg"
            if key not in known:
                path = PHOTOS / key
                data = path.read_bytes()
                with Image.open(io.BytesIO(data)) as image:
                    width, height = image.size
                known[key] = {"sha256": hashlib.sha256(data).hexdigest(), "size": len(data), "w": width, "h": height}
    cache.write_text(json.dumps(known))
    return known


def stand_in(car: int, number: int) -> dict[str, Any]:
    """The facts of a photo make_photos.py has not written yet: its size class, and a hash as random as a real one.

    Only (1) and (2) use these, to measure the clone and the price-change deploy at the full 1,000 cars
    when the photo stock is not complete: neither reads a photo's bytes, only its pointer and its size.
    """
    width, height = SIZES[(car * 100 + number) % 2]
    sha = hashlib.sha256(f"stand-in {car}/{number}".encode()).hexdigest()
    return {"sha256": sha, "size": 340_000 + (car * 7919 + number * 104_729) % 20_000, "w": width, "h": height}


def vehicle_yaml(car: int) -> str:
    text = TEMPLATE.read_text(encoding="utf-8").replace("CJ26001", stock_no(car))
    text = text.replace("RU1-9275743", f"RU1-{9_000_000 + car}").replace("price_usd: 12300", f"price_usd: {9000 + car}")
    head = text.split("photos:\n")[0]
    tail = text.split("added:")[1]
    photos = "".join(f"  - {n:02d}.jpg\n" for n in range(1, PER_CAR + 1))
    return f"{head}photos:\n{photos}added:{tail}"


def content_repo(cars: Sequence[int], known: dict[str, dict[str, Any]], out: Path) -> Path:
    """A content folder of the cars' YAMLs with a Git LFS pointer per photo, as a checkout without objects has it."""
    shutil.rmtree(out, ignore_errors=True)
    shutil.copytree(ROOT / "content", out / "content", ignore=shutil.ignore_patterns("vehicles"))
    shutil.copy(ROOT / ".gitattributes", out / ".gitattributes")
    vehicles = out / "content" / "vehicles"
    for car in cars:
        (vehicles / f"{stock_no(car)}.yaml").parent.mkdir(parents=True, exist_ok=True)
        (vehicles / f"{stock_no(car)}.yaml").write_text(vehicle_yaml(car), encoding="utf-8")
        for number in range(1, PER_CAR + 1):
            fact = known[f"{stock_no(car)}/{number:02d}.jpg"]
            path = vehicles / stock_no(car) / f"{number:02d}.jpg"
            path.parent.mkdir(exist_ok=True)
            path.write_text(Pointer(fact["sha256"], fact["size"]).text())
    return out


def du(path: Path, *, blocks: bool = False) -> int:
    """Bytes of the files under ``path``; with ``blocks``, the disk space they take (a 4 KB block per small file)."""
    flags = ["-s", "--block-size=1"] if blocks else ["-sb"]
    return int(subprocess.run(["du", *flags, str(path)], capture_output=True, text=True, check=True).stdout.split()[0])


def clone_size(repo: Path) -> dict[str, Any]:
    git = ["git", "-c", "user.name=bench", "-c", "user.email=bench@example.com"]
    subprocess.run([*git, "init", "-q", str(repo)], check=True)
    subprocess.run([*git, "-C", str(repo), "add", "."], check=True)
    subprocess.run([*git, "-C", str(repo), "commit", "-q", "-m", "stock"], check=True)
    clone = repo.with_name(repo.name + "-clone")
    shutil.rmtree(clone, ignore_errors=True)
    # file:// makes git pack the objects as a clone from GitHub would, instead of hard-linking them.
    subprocess.run(["git", "clone", "-q", f"file://{repo}", str(clone)], check=True)
    listed = subprocess.run(["git", "-C", str(clone), "ls-files"], capture_output=True, text=True, check=True)
    files = listed.stdout.count("\n")
    return {"files": files, "git": du(clone / ".git"), "total": du(clone), "disk": du(clone, blocks=True)}


@contextmanager
def moto_s3() -> Iterator[Any]:
    import boto3  # noqa: PLC0415
    from moto import mock_aws  # noqa: PLC0415

    for name in ("AWS_PROFILE", "AWS_SESSION_TOKEN", "AWS_ENDPOINT_URL"):
        os.environ.pop(name, None)
    fake = {"AWS_ACCESS_KEY_ID": "testing", "AWS_SECRET_ACCESS_KEY": "testing", "AWS_DEFAULT_REGION": "us-east-1"}
    os.environ.update(fake)  # moto's fake credentials
    with mock_aws():
        client = boto3.client("s3", region_name="us-east-1")
        client.create_bucket(Bucket="site")
        yield client


def seed_manifest(bucket: Bucket, known: dict[str, dict[str, Any]], leave_out: set[str]) -> None:
    """The manifest a first publication of the stock leaves (sizes read from the photos' headers)."""
    manifest = Manifest()
    for key, fact in known.items():
        if key.split("/")[0] not in leave_out:
            manifest.photos[fact["sha256"]] = PublishedPhoto(
                width=fact["w"], height=fact["h"], widths=variant_widths(fact["w"])
            )
    bucket.write_manifest(manifest)


class Counting:
    """Counts what the publisher asks of the fetcher and the encoder (the real encoder does the work)."""

    def __init__(self) -> None:
        self.fetched: list[Path] = []
        self.encoded = 0

    def fetch(self, paths: Sequence[Path]) -> None:
        """As `git lfs pull` would: the real bytes replace each pointer."""
        for path in paths:
            self.fetched.append(path)
            shutil.copyfile(PHOTOS / path.parent.name / path.name, path)

    def encode(self, path: Path) -> Encoded:
        self.encoded += 1
        return encode_photo(path)


def deploy_photo_step(content: Path, bucket: Bucket, counting: Counting, workers: int) -> tuple[float, Any]:
    """What the deploy's photo step does: load the stock, read every photo's identity, publish what is missing."""
    from carjunction.catalogue import load_catalogue  # noqa: PLC0415
    from carjunction.photos.stock import needed_photos, photo_identities, published_vehicles  # noqa: PLC0415

    started = time.perf_counter()
    catalogue = load_catalogue(content)
    identities = photo_identities(published_vehicles(catalogue), content)
    report = publish_photos(
        bucket,
        needed_photos(identities, content),
        fetch=counting.fetch,
        encode=counting.encode if workers == 1 else encode_photo,
        options=Options(workers=workers),
    )
    return time.perf_counter() - started, report


def deploy_after_price_change(cars: Sequence[int], known: dict[str, dict[str, Any]]) -> list[str]:
    """(2b): the whole deploy, against moto, on a bucket holding every photo and the previous deploy's site."""
    repo = content_repo(cars, known, WORK / "photos-deploy")
    with moto_s3() as s3:
        seed_manifest(Bucket(s3, "site"), known, leave_out=set())
        return whole_deploy(repo, s3, stock_no(cars[0]), Counting())


def encoder_costs(paths: Sequence[Path]) -> dict[str, float]:
    """CPU seconds per photo: the site build's way (four resizes from the full picture) against encode.py's."""
    from PIL import Image  # noqa: PLC0415

    def site_way(path: Path) -> None:
        with Image.open(path) as image:
            image.load()
            picture = image.convert("RGB")
        for width in variant_widths(picture.width):
            size = (width, max(1, round(picture.height * width / picture.width)))
            resized = picture if width == picture.width else picture.resize(size, Image.Resampling.LANCZOS)
            resized.save(io.BytesIO(), "WEBP", quality=72, method=4)

    result = {}
    for name, encode in (("site build (4 resizes from full size)", site_way), ("encode.py", encode_photo)):
        started = time.process_time()
        for path in paths:
            encode(path)
        result[name] = (time.process_time() - started) / len(paths)
    big = WORK / "phone-4032.jpg"
    with Image.open(paths[0]) as image:
        image.convert("RGB").resize((4032, 3024)).save(big, "JPEG", quality=90)
    for name, encode in (
        ("4032×3024 phone JPEG, site build", site_way),
        ("4032×3024, encode.py (draft)", encode_photo),
    ):
        started = time.process_time()
        for _ in range(3):
            encode(big)
        result[name] = (time.process_time() - started) / 3
    return result


def kill_and_resume(cars: Sequence[int], known: dict[str, dict[str, Any]], workers: int) -> dict[str, Any]:
    """`carjunction photos-publish` killed with SIGKILL midway, then run again, against a moto server."""
    import boto3  # noqa: PLC0415
    from moto.server import ThreadedMotoServer  # noqa: PLC0415

    repo = content_repo(cars, known, WORK / "photos-resume")
    for car in cars:  # the bytes are on disk (a staff laptop): --no-fetch
        for number in range(1, PER_CAR + 1):
            name = f"{stock_no(car)}/{number:02d}.jpg"
            shutil.copyfile(PHOTOS / name, repo / "content" / "vehicles" / name)
    server = ThreadedMotoServer(port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    env = {**os.environ, "AWS_ENDPOINT_URL": f"http://{host}:{port}", "AWS_ACCESS_KEY_ID": "testing",
           "AWS_SECRET_ACCESS_KEY": "testing", "AWS_DEFAULT_REGION": "us-east-1"}  # fmt: skip
    s3 = boto3.client("s3", endpoint_url=env["AWS_ENDPOINT_URL"], region_name="us-east-1")
    s3.create_bucket(Bucket="site")
    command = [sys.executable, "-m", "carjunction.cli", "photos-publish", "--bucket", "site", "--no-fetch"]
    command += ["--content", str(repo / "content"), "--workers", str(workers)]
    total = len(cars) * PER_CAR
    try:
        first = subprocess.Popen(command, env=env, start_new_session=True, stdout=subprocess.DEVNULL)
        done = 0
        while done < total // 2 and first.poll() is None:
            time.sleep(0.5)
            done = s3.list_objects_v2(Bucket="site", Prefix="photos/done/").get("KeyCount", 0)
        os.killpg(first.pid, signal.SIGKILL)  # the job and its encoding processes, as a cancelled runner does
        first.wait()
        started = time.perf_counter()
        second = subprocess.run(command, env=env, capture_output=True, text=True, check=True)
        seconds = time.perf_counter() - started
    finally:
        server.stop()
    line = next(line for line in second.stdout.splitlines() if "photos needed" in line)
    numbers = [int(n) for n in re.findall(r"\d+", line)]
    encoded = re.search(r"(\d+) encoded", second.stdout)
    return {"total": total, "killed_after_markers": done, "second_run": line,
            "held_or_resumed": numbers[1] + numbers[2], "encoded_again": int(encoded.group(1)) if encoded else 0,
            "seconds": seconds, "output": second.stdout}  # fmt: skip


def main() -> None:  # noqa: PLR0915 - one report, top to bottom
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--slice", type=int, default=400, help="photos in the first-publication measurement")
    parser.add_argument("--resume-cars", type=int, default=5, help="cars in the kill-and-resume demonstration")
    parser.add_argument("--cars", type=int, help="use only the first N cars made (a quick look)")
    parser.add_argument("--deploy-only", action="store_true", help="only (2b), printed: no figures file written")
    parser.add_argument("--out", type=Path, default=WORK / "photos-figures.md")
    args = parser.parse_args()
    workers = os.cpu_count() or 1
    cars = cars_made()[: args.cars]
    everyone = range(1, (args.cars or CARS) + 1)  # (1) and (2) at the full stock, stand-ins for photos not made
    when = f"{dt.datetime.now(dt.UTC):%Y-%m-%d %H:%M} UTC, {workers} cores, load {os.getloadavg()[0]:.1f} at start"
    lines = [f"## Photos (issue 16; {when})", ""]
    print(f"{len(cars)} cars with {PER_CAR} photos each in {PHOTOS}", flush=True)
    started = time.perf_counter()
    known = facts(cars)
    known = {k: v for k, v in known.items() if int(k[2:8]) in set(cars)}
    stand_ins = {f"{stock_no(c)}/{n:02d}.jpg": stand_in(c, n) for c in everyone for n in range(1, PER_CAR + 1)}
    full = {**stand_ins, **known}
    sizes = [fact["size"] for fact in known.values()]
    lines += [f"Stock: {len(cars)} cars × {PER_CAR} photos = {len(known)} JPEGs, {min(sizes) / 1e3:.0f}–"
              f"{max(sizes) / 1e3:.0f} KB, {sum(sizes) / 1e9:.2f} GB (hashes and sizes read in "
              f"{time.perf_counter() - started:.0f} s, cached)", ""]  # fmt: skip
    if args.deploy_only:
        print("\n".join(deploy_after_price_change(everyone, full)))
        return

    repo = content_repo(everyone, full, WORK / "photos-repo")
    clone = clone_size(repo)
    stood_in = len(full) - len(known)
    lines += ["### 1. A clone for editing YAML, without photo objects", "",
              f"{clone['files']} files ({len(everyone)} YAMLs, {len(full)} LFS pointers, the rest of content/): "
              f".git {clone['git'] / 1e6:.1f} MB, .git + tree {clone['total'] / 1e6:.1f} MB (target < 50 MB), "
              f"{clone['disk'] / 1e6:.1f} MB of disk blocks; "
              f"the originals it leaves in LFS: {sum(f['size'] for f in full.values()) / 1e9:.2f} GB. "
              + (f"Pointers of real photos: {len(known)}; stand-ins (same format, random hashes) for the "
                 f"{stood_in} not yet made." if stood_in else "All pointers are of real photos."), ""]  # fmt: skip
    print(lines[-2], flush=True)

    new_car = stock_no(cars[-1])  # a real car, so that its photos can be fetched and encoded in (3)
    with moto_s3() as s3:
        bucket = Bucket(s3, "site")
        seed_manifest(bucket, full, leave_out={new_car})
        counting = Counting()
        shutil.rmtree(repo / "content" / "vehicles" / new_car)
        (repo / "content" / "vehicles" / f"{new_car}.yaml").unlink()
        seconds, report = deploy_photo_step(repo / "content", bucket, counting, workers=1)
        lines += ["### 2. A deploy's photo step after a price change", "",
                  f"{report.needed} photos needed, {report.held} held by the manifest: {len(counting.fetched)} "
                  f"fetched, {counting.encoded} encoded, {report.uploaded} objects uploaded; {seconds:.1f} s "
                  f"(loading {len(everyone) - 1} YAMLs, reading {report.needed} pointers, one GET of the manifest)",
                  ""]  # fmt: skip
        print(lines[-2], flush=True)
        after_two = len(lines)
        content_repo([cars[-1]], known, WORK / "photos-newcar")
        shutil.copytree(WORK / "photos-newcar" / "content" / "vehicles", repo / "content" / "vehicles",
                        dirs_exist_ok=True)  # fmt: skip
        counting = Counting()
        before = s3.list_objects_v2(Bucket="site", Prefix="photos/").get("KeyCount", 0)
        seconds, report = deploy_photo_step(repo / "content", bucket, counting, workers=1)
        after = s3.list_objects_v2(Bucket="site", Prefix="photos/").get("KeyCount", 0)
        lines += ["### 3. A deploy after adding one car with 20 photos", "",
                  f"{report.needed} needed, {report.held} held: {len(counting.fetched)} fetched (pointers "
                  f"replaced by their bytes), {counting.encoded} encoded, {report.uploaded} objects uploaded "
                  f"(variants and markers; {after - before} new objects remain: the markers are folded into the "
                  f"manifest); {seconds:.1f} s on one encoding process", ""]  # fmt: skip
        print(lines[-2], flush=True)
    print("2b. the whole deploy after a price change", flush=True)
    lines[after_two:after_two] = deploy_after_price_change(everyone, full)

    slice_cars = cars[: max(1, args.slice // PER_CAR)]
    with moto_s3() as s3:
        bucket = Bucket(s3, "site")
        needed = {known[f"{stock_no(c)}/{n:02d}.jpg"]["sha256"]: PHOTOS / stock_no(c) / f"{n:02d}.jpg"
                  for c in slice_cars for n in range(1, PER_CAR + 1)}  # fmt: skip
        report = publish_photos(bucket, needed, options=Options(workers=workers))
        rate = report.photos_per_second
        lines += ["### 4. First publication", "",
                  f"{report.encoded} photos on {workers} processes: {report.encode_seconds:.1f} s, {rate:.2f} "
                  f"photos/s, {report.uploaded} objects uploaded to moto. Extrapolated to {len(full):,} photos: "
                  f"{len(full) / rate / 60:.0f} min on {workers} cores of this (shared) machine, "
                  f"{len(full) / rate / 60 * workers / 4:.0f} min on a 4-core runner (measured on a slice, not "
                  "the whole stock)", ""]  # fmt: skip
        print(lines[-2], flush=True)
    costs = encoder_costs([PHOTOS / stock_no(cars[0]) / f"{n:02d}.jpg" for n in range(1, 11)])
    lines += ["CPU seconds per photo, one core:", ""] + [f"- {name}: {cost:.3f} s" for name, cost in costs.items()]
    per_photo = costs["encode.py"]
    lines += ["", f"From CPU time alone (what an idle machine gets): {len(full):,} photos × {per_photo:.3f} s = "
              f"{len(full) * per_photo / 3600:.1f} core-hours: {len(full) * per_photo / 60 / workers:.0f} min on "
              f"{workers} cores, {len(full) * per_photo / 60 / 4:.0f} min on a 4-core runner.", ""]  # fmt: skip
    print(costs, flush=True)

    resumed = kill_and_resume(cars[: args.resume_cars], known, workers)
    lines += ["### Kill and resume", "",
              f"`carjunction photos-publish` on {resumed['total']} photos, SIGKILLed (with its pool) once "
              f"{resumed['killed_after_markers']} completion markers were in the bucket, then run again: "
              f"\"{resumed['second_run']}\"; it encoded {resumed['encoded_again']} "
              f"(= {resumed['total']} − {resumed['held_or_resumed']} finished before the kill) in "
              f"{resumed['seconds']:.1f} s.", "", "```", resumed["output"].strip(), "```", ""]  # fmt: skip
    print(lines[-5], flush=True)
    args.out.write_text("\n".join(lines), encoding="utf-8")
    print(f"wrote {args.out}")


if __name__ == "__main__":
    main()
