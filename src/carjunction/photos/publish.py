"""Publish the photos the stock needs: encode only what the bucket lacks, on all cores, resumably; collect garbage.

    needed = {sha256: path}            from the vehicle files (identity.py: a pointer is enough)
    held   = manifest ∪ markers        one GET, plus a listing only when something is missing
    plan   = needed − held             fetched (git lfs pull), encoded (process pool), uploaded (threads)

A photo is finished when its completion marker is written, after its last variant; a killed run leaves
its finished photos marked, and the next run folds the markers into the manifest and skips them. The
manifest is rewritten at checkpoints (every ``checkpoint`` photos) and at the end, on failure too.

Garbage collection: a held photo that ``needed`` lacks gets ``unused_since = now``; one needed again is
un-marked; one unused for ``grace`` or longer is dropped from the manifest, which is written, and only
then are its variants deleted (a run killed in between leaves orphan objects, never a manifest entry
without its variants). The grace period outlasts every cached copy of a page that could still link it.
"""

from __future__ import annotations

import datetime as dt
import multiprocessing
import time
from collections.abc import Callable, Iterator, Mapping, Sequence
from concurrent.futures import Executor, Future, ProcessPoolExecutor, ThreadPoolExecutor, wait
from dataclasses import dataclass, field
from multiprocessing.context import BaseContext
from pathlib import Path

from carjunction.ops.progress import Progress
from carjunction.photos.bucket import Bucket, Manifest, PublishedPhoto, marker_key, variant_key
from carjunction.photos.encode import Encoded, SourceError, encode_photo

Fetcher = Callable[[Sequence[Path]], None]
Encoder = Callable[[Path], Encoded]
Clock = Callable[[], dt.datetime]

GRACE = dt.timedelta(days=7)  # pages are cached at the edge until a deploy invalidates them, in the browser 5 min
CHECKPOINT = 200
CHUNK = 32  # photos fetched at once; the next chunk is fetched while this one is encoded
UPLOAD_THREADS = 8


def no_fetch(paths: Sequence[Path]) -> None:
    """For a working tree that holds every photo's bytes (a staff laptop, the tests)."""


def utc_now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


@dataclass
class PublishReport:
    needed: int = 0
    held: int = 0
    resumed: int = 0  # finished by an earlier, interrupted run (found by their markers)
    missing: int = 0
    fetched: int = 0
    encoded: int = 0
    uploaded: int = 0  # objects: variants and markers
    marked_unused: list[str] = field(default_factory=list)
    used_again: list[str] = field(default_factory=list)
    deleted: list[str] = field(default_factory=list)
    left: int = 0  # missing photos not published this run (--limit)
    seconds: float = 0.0
    encode_seconds: float = 0.0

    @property
    def photos_per_second(self) -> float:
        return self.encoded / self.encode_seconds if self.encode_seconds else 0.0


@dataclass(frozen=True)
class Options:
    workers: int = 1
    grace: dt.timedelta = GRACE
    checkpoint: int = CHECKPOINT
    chunk: int = CHUNK
    limit: int | None = None  # at most this many missing photos this run; the rest in the next
    collect_garbage: bool = True


def plan(needed: Mapping[str, Path], manifest: Manifest) -> list[str]:
    """The needed photos the manifest lacks, in a stable order."""
    return [sha for sha in needed if sha not in manifest.photos]


def mark_garbage(manifest: Manifest, needed: Mapping[str, Path], now: dt.datetime, grace: dt.timedelta,
                 report: PublishReport) -> list[str]:  # fmt: skip
    """Mark, un-mark and drop unused photos in ``manifest``; returns the variant keys to delete."""
    doomed: list[str] = []
    for sha, photo in list(manifest.photos.items()):
        if sha in needed:
            if photo.unused_since is not None:
                photo.unused_since = None
                report.used_again.append(sha)
        elif photo.unused_since is None:
            photo.unused_since = now
            report.marked_unused.append(sha)
        elif now - photo.unused_since >= grace:
            del manifest.photos[sha]
            doomed += [variant_key(sha, width) for width in photo.widths]
            report.deleted.append(sha)
    return doomed


def publish_photos(
    bucket: Bucket,
    needed: Mapping[str, Path],
    *,
    fetch: Fetcher = no_fetch,
    encode: Encoder = encode_photo,
    options: Options | None = None,
    now: Clock = utc_now,
    progress: Progress | None = None,
) -> PublishReport:
    """Make the bucket hold every photo in ``needed`` (sha256 → a path with its bytes, or its pointer)."""
    options = options or Options()
    started = time.perf_counter()
    report = PublishReport(needed=len(needed))
    manifest = bucket.read_manifest()
    report.held = sum(1 for sha in needed if sha in manifest.photos)
    missing = plan(needed, manifest)
    markers: list[str] = []  # marker keys whose photos are in the manifest as it will next be written
    if missing:  # a listing only when there is something to do: a price change costs one GET
        wanted = set(missing)
        for sha, (key, photo) in bucket.markers().items():
            manifest.photos.setdefault(sha, photo)
            report.resumed += 1 if sha in wanted else 0
            markers.append(key)
        missing = plan(needed, manifest)
    doomed = mark_garbage(manifest, needed, now(), options.grace, report) if options.collect_garbage else []
    if markers or report.marked_unused or report.used_again or report.deleted:
        _checkpoint(bucket, manifest, markers)
    bucket.delete(doomed)  # only now: the manifest that no longer names them is written
    report.missing = len(missing)
    todo = missing if options.limit is None else missing[: options.limit]
    report.left = len(missing) - len(todo)
    if todo:
        progress = progress or Progress(len(todo), "photos")
        encode_started = time.perf_counter()
        try:
            _publish(_Job(bucket, manifest, needed, fetch, encode, options, report), todo, progress)
        finally:
            report.encode_seconds = time.perf_counter() - encode_started
    report.seconds = time.perf_counter() - started
    return report


@dataclass(frozen=True)
class _Job:
    bucket: Bucket
    manifest: Manifest
    needed: Mapping[str, Path]
    fetch: Fetcher
    encode: Encoder
    options: Options
    report: PublishReport


def _publish(job: _Job, todo: list[str], progress: Progress) -> None:
    """Encode, upload and mark each photo in ``todo``; what finished is in the manifest even if this raises."""
    bucket, manifest, needed, options, report = job.bucket, job.manifest, job.needed, job.options, job.report
    markers: list[str] = []
    uploads: dict[Future[str], tuple[str, PublishedPhoto]] = {}
    since_checkpoint = 0

    def record(done: set[Future[str]]) -> list[BaseException]:
        """Put finished photos in the manifest; returns the failed uploads' errors (their photos stay missing)."""
        nonlocal since_checkpoint
        failures = []
        for future in done:
            sha, photo = uploads.pop(future)
            error = future.exception()
            if error is not None:
                failures.append(error)
            else:
                manifest.photos[sha] = photo
                markers.append(future.result())
                report.uploaded += len(photo.widths) + 1
                since_checkpoint += 1
                rate = report.encoded / max(time.perf_counter() - started, 1e-9)
                progress.advance(f"{rate:.1f} photos/s")
        if since_checkpoint >= options.checkpoint:
            _checkpoint(bucket, manifest, markers)
            since_checkpoint = 0
        return failures

    started = time.perf_counter()
    threads = ThreadPoolExecutor(max_workers=UPLOAD_THREADS)
    try:
        for sha, encoded in _encoded(job, todo):
            if encoded.sha256 != sha:
                raise SourceError(
                    f"{needed[sha]}: its bytes have sha256 {encoded.sha256[:12]}…, not {sha[:12]}… as planned; "
                    "was it changed during the run?"
                )
            report.encoded += 1
            photo = PublishedPhoto(width=encoded.width, height=encoded.height, widths=encoded.widths)
            uploads[threads.submit(_upload, bucket, sha, encoded, photo)] = (sha, photo)
            if len(uploads) >= 2 * UPLOAD_THREADS:
                _raise_first(record(wait(uploads, return_when="FIRST_COMPLETED").done))
        _raise_first(record(wait(uploads).done))
    finally:
        # On any failure too: what finished is recorded, so the next run starts from the manifest.
        record(wait(uploads).done)
        threads.shutdown()
        _checkpoint(bucket, manifest, markers)


def _raise_first(failures: list[BaseException]) -> None:
    if failures:
        raise failures[0]


def _upload(bucket: Bucket, sha: str, encoded: Encoded, photo: PublishedPhoto) -> str:
    for width, data in encoded.variants.items():
        bucket.put_variant(sha, width, data)
    bucket.put_marker(sha, photo)  # last: its presence means every variant is there
    return marker_key(sha, photo)


def _checkpoint(bucket: Bucket, manifest: Manifest, markers: list[str]) -> None:
    """Write the manifest; then the markers it has absorbed are no longer needed."""
    bucket.write_manifest(manifest)
    bucket.delete(markers)
    markers.clear()


def _encoded(job: _Job, todo: list[str]) -> Iterator[tuple[str, Encoded]]:
    """(sha256, variants) for each photo in ``todo``, fetched a chunk ahead of the encoding."""
    needed, encode, options = job.needed, job.encode, job.options
    chunks = [todo[start : start + options.chunk] for start in range(0, len(todo), options.chunk)]

    def fetched(chunk: list[str]) -> list[str]:
        if job.fetch is not no_fetch:
            job.fetch([needed[sha] for sha in chunk])
            job.report.fetched += len(chunk)
        return chunk

    if options.workers <= 1:  # in this process: what the tests count, and a one-core machine
        for sha in (sha for chunk in map(fetched, chunks) for sha in chunk):
            yield sha, encode(needed[sha])
        return
    pool = ProcessPoolExecutor(max_workers=options.workers, mp_context=_context())
    try:
        # Two chunks in the pool's queue at a time, so no core waits at a chunk's end or for a fetch.
        queued = [_submit(pool, encode, needed, fetched(chunks[0]))]
        for chunk in chunks[1:]:
            queued.append(_submit(pool, encode, needed, fetched(chunk)))
            yield from _results(queued.pop(0))
        yield from _results(queued.pop(0))
    finally:
        pool.shutdown(wait=True, cancel_futures=True)


def _submit(
    pool: Executor, encode: Encoder, needed: Mapping[str, Path], chunk: list[str]
) -> dict[Future[Encoded], str]:
    return {pool.submit(encode, needed[sha]): sha for sha in chunk}


def _results(futures: dict[Future[Encoded], str]) -> Iterator[tuple[str, Encoded]]:
    pending = set(futures)
    while pending:
        done, pending = wait(pending, return_when="FIRST_COMPLETED")
        for future in done:
            yield futures[future], future.result()


def _context() -> BaseContext:
    # Not fork: the parent has upload threads (and boto3's), which a forked child must not inherit.
    methods = multiprocessing.get_all_start_methods()
    return multiprocessing.get_context("forkserver" if "forkserver" in methods else "spawn")
