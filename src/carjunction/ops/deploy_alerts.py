"""The deploy's last word to the members: after the catalogue sync, the alert job (template.yaml's AlertsFunction)
is started once, so that the cars the deploy listed are announced now rather than at the next hourly run."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from carjunction.ops.stack_outputs import OUTPUT_ALERTS_FUNCTION, stack_outputs


def start_alert_job(
    lambda_client: Any | None,
    cloudformation_client: Any | None,
    stack_name: str,
    function_name: str | None,
    say: Callable[[str], None],
) -> str | None:
    """Invoke the alert job asynchronously (InvocationType Event: the deploy does not wait for it). The function is
    ``function_name``, else the stack's AlertsFunctionName output. Returns why it was not started, or None. A
    failure is reported, never fatal: the hourly schedule runs the job anyway."""

    def not_started(problem: str) -> str:
        say(f"    WARNING: alert job not started: {problem}; the hourly run will announce the new cars")
        return problem

    if lambda_client is None:
        return not_started("no Lambda client")
    if function_name is None and cloudformation_client is not None:
        try:
            function_name = stack_outputs(cloudformation_client, stack_name).get(OUTPUT_ALERTS_FUNCTION)
        except Exception as error:  # botocore's ClientError: no such stack (bucket and table given as options)
            return not_started(f"cannot read the outputs of stack {stack_name!r} ({type(error).__name__})")
    if not function_name:
        return not_started(f"stack {stack_name!r} has no {OUTPUT_ALERTS_FUNCTION} output (deploy the stack first)")
    try:
        lambda_client.invoke(FunctionName=function_name, InvocationType="Event", Payload=b'{"source":"deploy"}')
    except Exception as error:  # no permission, throttled, no such function, no network
        return not_started(f"{type(error).__name__}: {error}")
    say(f"    alert job {function_name} started: members hear of matching new cars within minutes")
    return None
