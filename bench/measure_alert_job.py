"""The whole alert job (carjunction.api.logic.alert_digest.run_alerts) against moto, in a smaller world than the
matching bench: by default 200 members × 5 saved searches, 300 cars already listed and 500 new ones, every member
confirmed with updates on (the heaviest case: every member a new car matches gets a digest), mail to the outbox
(files, as the local stack sends it: an SQS put per digest in AWS is left out).

Run: .venv/bin/python bench/measure_alert_job.py [--members 200 --per-member 5 --old 300 --new 500]
Prints one JSON line. moto runs in a process of its own (`moto_server` on loopback, memory capped), so that this
process's CPU seconds and peak RSS are the job's own; the job's process is pinned to one core, moto is not.
moto is no DynamoDB: each transaction copies its whole table (to roll back), so the wall-clock seconds grow with
the table's size and say little about AWS; the job's CPU seconds are the figure that carries over.
"""

from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import json
import random
import resource
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(Path(__file__).parent))

from measure_alerts import TODAY, pin_to_one_core, search  # noqa: E402

T0 = dt.datetime(2026, 12, 1, 8, 0, tzinfo=dt.UTC)
HOUR = dt.timedelta(hours=1)


MOTO_MEMORY = 6 * 2**30  # bytes: moto's copies of a large table must not take the shared machine's memory


def start_moto_process() -> tuple[subprocess.Popen[bytes], str]:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    server = subprocess.Popen(
        [sys.executable, "-m", "moto.server", "-H", "127.0.0.1", "-p", str(port)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        preexec_fn=lambda: resource.setrlimit(resource.RLIMIT_AS, (MOTO_MEMORY, MOTO_MEMORY)),  # noqa: PLW1509
    )
    for _ in range(200):
        with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", port), timeout=0.1):
            return server, f"http://127.0.0.1:{port}"
        time.sleep(0.05)
    server.kill()
    raise SystemExit("moto_server did not start")


def peak_rss_mb(pid: int) -> float:
    status = Path(f"/proc/{pid}/status").read_text(encoding="utf-8")
    return next(int(line.split()[1]) for line in status.splitlines() if line.startswith("VmHWM:")) / 1024


def put_all(db: Any, items: list[dict[str, Any]]) -> None:
    from carjunction.api.store.db import to_item  # noqa: PLC0415

    for start in range(0, len(items), 25):
        requests: dict[str, Any] = {
            db.table: [{"PutRequest": {"Item": to_item(item)}} for item in items[start : start + 25]]
        }
        while requests:
            requests = db.client.batch_write_item(RequestItems=requests).get("UnprocessedItems") or {}


def world(db: Any, members: int, per_member: int, rng: random.Random, cars: list[Any]) -> None:
    """Profiles and saved searches as sign-up, the opt-in and store.alerts write them (the contract's layout)."""
    from carjunction.clock import iso  # noqa: PLC0415

    items: list[dict[str, Any]] = []
    created = iso(T0)
    for _ in range(members):
        member_id = uuid.uuid4().hex[:16]
        items.append(
            {
                "pk": f"MEMBER#{member_id}",
                "sk": "PROFILE",
                "gsi1pk": "MEMBER",
                "gsi1sk": f"{iso(T0 - 48 * HOUR)}#{member_id}",
                "member_id": member_id,
                "email": f"buyer-{member_id}@example.org",
                "email_key": f"buyer-{member_id}@example.org",
                "name": "Amani Otieno",
                "confirmed": True,
                "updates_opt_in": True,
                "language": rng.choice(["en", "en", "en", "fr", "pt", "es", "ru", "sw"]),
                "session_epoch": 1,
                "alert_count": per_member,
            }
        )
        for _ in range(per_member):
            alert_id = uuid.uuid4().hex[:8]
            items.append(
                {
                    "pk": f"MEMBER#{member_id}",
                    "sk": f"ALERT#{alert_id}",
                    "gsi1pk": "ALERT",
                    "gsi1sk": f"{created}#{member_id}#{alert_id}",
                    "alert_id": alert_id,
                    "member_id": member_id,
                    "name": "Saved search",
                    "filters": search(rng, cars),
                    "paused": False,
                    "created_at": created,
                }
            )
    put_all(db, items)


def measure(members: int, per_member: int, old: int, new: int, seed: int) -> dict[str, Any]:
    import boto3  # noqa: PLC0415

    from carjunction import sample_stock  # noqa: PLC0415
    from carjunction.api.alert_filters import car_from_vehicle  # noqa: PLC0415
    from carjunction.api.deps import build_deps  # noqa: PLC0415
    from carjunction.api.logic.alert_digest import run_alerts  # noqa: PLC0415
    from carjunction.api.logic.sync_catalogue import sync_catalogue  # noqa: PLC0415
    from carjunction.api.settings import Settings  # noqa: PLC0415
    from carjunction.api.tables import create_tables  # noqa: PLC0415
    from carjunction.catalogue import Catalogue, Vehicle, load_catalogue  # noqa: PLC0415
    from carjunction.local.dynamodb import local_aws_environment  # noqa: PLC0415

    rng = random.Random(seed)
    stock = [
        Vehicle.model_validate(sample_stock.vehicle(n, rng), context={"today": TODAY}) for n in range(1, old + new + 1)
    ]
    local_aws_environment()
    server, endpoint = start_moto_process()
    outbox = tempfile.mkdtemp(prefix="bench-alert-outbox-")
    try:
        session = boto3.session.Session(region_name="ap-northeast-1")
        settings = Settings(
            table_name=f"bench-alerts-{uuid.uuid4().hex[:6]}",
            site_origin="https://www.example.org",
            cookie_secret_parameter="/bench/cookie",  # noqa: S106 - a parameter name
            content_dir=ROOT / "content",
            outbox_dir=Path(outbox),
        )
        create_tables(
            session.client("dynamodb", endpoint_url=endpoint),
            ROOT / "template.yaml",
            {"DataTable": settings.table_name},
        )
        session.client("ssm", endpoint_url=endpoint).put_parameter(
            Name=settings.cookie_secret_parameter, Value=uuid.uuid4().hex * 2, Type="SecureString", Overwrite=True
        )
        deps = build_deps(settings, session, endpoint_url=endpoint)
        content = load_catalogue(ROOT / "content")
        # The stock before the searches were saved, the searches, then a deploy that lists the new cars.
        sync_catalogue(deps.db, Catalogue(tuple(stock[:old]), content.shipping, content.company), T0 - HOUR)
        world(deps.db, members, per_member, rng, [car_from_vehicle(v) for v in stock])
        sync_catalogue(deps.db, Catalogue(tuple(stock), content.shipping, content.company), T0 + HOUR)

        timeouts: list[str] = []  # calls moto answered too late, which boto3 then sent again

        def timed_out(caught_exception: Exception | None = None, operation: Any = None, **_: Any) -> None:
            if caught_exception is not None:
                timeouts.append(operation.name if operation else "?")

        deps.db.client.meta.events.register("needs-retry.dynamodb", timed_out)
        started, cpu_started = time.perf_counter(), time.process_time()
        summary = run_alerts(deps, now=T0 + 2 * HOUR)
        seconds, cpu = time.perf_counter() - started, time.process_time() - cpu_started
        again_started = time.perf_counter()
        again = run_alerts(deps, now=T0 + 3 * HOUR)  # nothing new to send: the job's fixed cost at this size
        again_seconds = time.perf_counter() - again_started
        moto_peak_mb = peak_rss_mb(server.pid)
    finally:
        server.kill()
        server.wait(timeout=30)
        shutil.rmtree(outbox, ignore_errors=True)
    return {
        "members": members,
        "searches": members * per_member,
        "old_cars": old,
        "new_cars": new,
        "seconds": seconds,
        "cpu_seconds": cpu,  # this process's: the job's own work and boto3's, not moto's
        "summary": vars(summary),
        "again_seconds": again_seconds,
        "again": vars(again),
        "retried_calls": len(timeouts),
        "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
        "moto_peak_rss_mb": moto_peak_mb,
    }


def figures() -> dict[str, Any]:
    """Measure in a fresh interpreter (bench/run.py's call)."""
    out = subprocess.run([sys.executable, __file__], capture_output=True, text=True, check=True)
    answer: dict[str, Any] = json.loads(out.stdout.splitlines()[-1])
    return answer


def retried(skipped: int, calls: int) -> str:
    if not skipped and not calls:
        return ""
    # A write that moto applied but answered too late is sent again by boto3 and finds the state changed.
    return (
        f"; {skipped} members skipped as changed meanwhile, with {calls} DynamoDB calls that failed on the busy "
        "moto and were sent again"
    )


def section(f: dict[str, Any]) -> list[str]:
    done, again = f["summary"], f["again"]
    return [
        f"**The whole job against moto, a smaller world** (`bench/measure_alert_job.py`; not the figure above): "
        f"`run_alerts` over {f['members']:,} members × {f['searches'] // f['members']} saved searches, "
        f"{f['old_cars']:,} cars listed before the searches and {f['new_cars']:,} after, every member confirmed "
        f"with updates on, mail to the outbox: {f['seconds']:.1f} s wall-clock, of which {f['cpu_seconds']:.2f} s "
        f"CPU in the job's own process ({1000 * f['cpu_seconds'] / max(done['digests_queued'], 1):.1f} ms per "
        f"digest), peak RSS {f['peak_rss_mb']:.0f} MB ({f['cpu']}); moto's process peaked at "
        f"{f['moto_peak_rss_mb']:,.0f} MB. {done['digests_queued']:,} digests with {done['cars_listed']:,} car "
        f"lines{retried(done['skipped_changed'], f['retried_calls'])}; a second run an hour later took "
        f"{f['again_seconds']:.1f} s and queued "
        f"{again['digests_queued']} ({again['pending_requeued']} of them pending ones re-queued). moto copies the "
        "whole table in every transaction, so the wall-clock figure grows with the world and says nothing of "
        "DynamoDB; the job's CPU seconds are what carries over to AWS.",
    ]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--members", type=int, default=200)
    parser.add_argument("--per-member", type=int, default=5)
    parser.add_argument("--old", type=int, default=300)
    parser.add_argument("--new", type=int, default=500)
    parser.add_argument("--seed", type=int, default=19)
    args = parser.parse_args()
    pinned = pin_to_one_core()
    result = measure(args.members, args.per_member, args.old, args.new, args.seed)
    print(json.dumps({**result, "cpu": pinned}))


if __name__ == "__main__":
    main()
