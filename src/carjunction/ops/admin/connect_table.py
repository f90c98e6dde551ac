"""Which table the admin commands work on: the local stack's (`--local`) or the deployed one."""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from carjunction.ops.admin.context import AdminError

STACK_FILE = "stack.json"  # written by the local stack while it runs (carjunction.local.stack)


@dataclass(frozen=True)
class Target:
    table: str
    region: str | None = None
    endpoint_url: str | None = None
    local: bool = False


def local_target(state_dir: Path) -> Target:
    path = state_dir / STACK_FILE
    try:
        stack = json.loads(path.read_text(encoding="utf-8"))
        return Target(
            table=str(stack["table"]), region=str(stack["region"]), endpoint_url=str(stack["endpoint"]), local=True
        )
    except FileNotFoundError:
        raise AdminError(f"the local stack is not running ({path} is missing): start it with `make serve`") from None
    except (ValueError, KeyError, TypeError) as error:
        raise AdminError(f"{path} is not what the local stack writes ({error}); restart `make serve`") from None


def deployed_target(
    environ: Mapping[str, str],
    *,
    table: str | None,
    stack: str | None,
    region: str | None,
    endpoint_url: str | None,
    cloudformation: Any = None,
) -> Target:
    """--table, else CARJUNCTION_TABLE_NAME, else the stack's DataTableName output (what deploy uses)."""
    from carjunction.ops.deploy import OUTPUT_TABLE, stack_outputs  # noqa: PLC0415

    region = region or environ.get("AWS_REGION") or environ.get("AWS_DEFAULT_REGION") or None
    name = table or environ.get("CARJUNCTION_TABLE_NAME")
    if name:
        return Target(table=name, region=region, endpoint_url=endpoint_url)
    stack_name = stack or environ.get("CARJUNCTION_STACK_NAME") or "carjunction"
    if cloudformation is None:
        raise AdminError("no table: give --table, or --local for the stack `make serve` runs")
    try:
        outputs = stack_outputs(cloudformation, stack_name)
    except Exception as error:  # botocore's errors: no credentials, no such stack
        raise AdminError(
            f"cannot read the outputs of stack {stack_name!r} ({error}); give --table or --local"
        ) from None
    if OUTPUT_TABLE not in outputs:
        raise AdminError(f"stack {stack_name!r} has no {OUTPUT_TABLE} output; give --table")
    return Target(table=outputs[OUTPUT_TABLE], region=region, endpoint_url=endpoint_url)
