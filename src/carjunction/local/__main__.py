"""`python -m carjunction.local` (what `make serve` runs): the built site and the real API on one loopback origin."""

from __future__ import annotations

import argparse
import signal
import sys
from pathlib import Path
from types import FrameType

from carjunction.local.lock import AlreadyRunning, single_instance


def _parse(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m carjunction.local", description=__doc__)
    parser.add_argument("--root", type=Path, default=Path.cwd(), help="the repository (template.yaml, content/)")
    parser.add_argument("--site-dir", type=Path, default=None, help="the built site (default: ROOT/site)")
    parser.add_argument("--state-dir", type=Path, default=None, help="saved data and outbox (default: ROOT/.local)")
    parser.add_argument(
        "--host",
        default="127.0.0.1",
        help="the address the site server binds; it answers only Host 127.0.0.1, localhost or this address "
        "(with --port), and moto (DynamoDB, SSM) stays on 127.0.0.1 whatever this is",
    )
    parser.add_argument("--port", type=int, default=8000)
    return parser.parse_args(argv)


def _stop_cleanly(signum: int, frame: FrameType | None) -> None:
    # Ctrl-C and SIGTERM stop the same way: the finally blocks save the tables.
    raise KeyboardInterrupt


def main(argv: list[str] | None = None) -> int:
    args = _parse(argv)
    root = args.root.resolve()
    site_dir = (args.site_dir or root / "site").resolve()
    state_dir = (args.state_dir or root / ".local").resolve()
    if not (site_dir / "index.html").is_file():
        print(f"No built site in {site_dir}; run `make serve` (it builds first) or `make build`.", file=sys.stderr)
        return 1
    from carjunction.local.stack import StackConfig, start_stack  # noqa: PLC0415 - heavy: boto3, moto, Powertools

    def say(line: str) -> None:
        print(line, flush=True)

    # SIGINT too: a shell that starts the stack in the background hands it an ignored Ctrl-C.
    for signum in (signal.SIGINT, signal.SIGTERM):
        signal.signal(signum, _stop_cleanly)
    try:
        with single_instance(state_dir / "serve.pid", args.host, args.port):
            config = StackConfig(root, site_dir, state_dir, args.host, args.port, say)
            stack = start_stack(config)
            try:
                say(f"Serving the site and the API on {config.origin}/ (Ctrl-C stops it)")
                stack.serve_forever()
            except KeyboardInterrupt:
                say("Stopping…")
            finally:
                stack.stop()
    except AlreadyRunning as error:
        print(error, file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
