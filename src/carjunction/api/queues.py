"""Create SQS queues from their definitions in template.yaml, so tests and the local stack queue mail as AWS does."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from carjunction.api.tables import load_template

# CloudFormation's AWS::SQS::Queue properties that CreateQueue takes as attributes of the same name.
PLAIN_ATTRIBUTES = (
    "DelaySeconds",
    "MaximumMessageSize",
    "MessageRetentionPeriod",
    "ReceiveMessageWaitTimeSeconds",
    "SqsManagedSseEnabled",
    "VisibilityTimeout",
)


def queue_definitions(template: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """Logical id → Properties of every AWS::SQS::Queue in the template."""
    return {
        logical_id: dict(resource.get("Properties") or {})
        for logical_id, resource in template["Resources"].items()
        if resource["Type"] == "AWS::SQS::Queue"
    }


def create_queues(client: Any, template_path: Path, names: dict[str, str]) -> dict[str, str]:
    """Create each queue in ``names`` (logical id → queue name) as the template defines it, dead-letter queues
    first; a redrive policy's target must be one of ``names``. Returns logical id → queue URL."""
    definitions = queue_definitions(load_template(template_path))
    urls: dict[str, str] = {}
    arns: dict[str, str] = {}

    def create(logical_id: str) -> None:
        if logical_id in urls:
            return
        properties = definitions[logical_id]
        attributes = {key: _text(properties[key]) for key in PLAIN_ATTRIBUTES if key in properties}
        redrive = properties.get("RedrivePolicy")
        if redrive:
            target = _get_att_target(redrive["deadLetterTargetArn"])
            create(target)
            policy = {"deadLetterTargetArn": arns[target], "maxReceiveCount": int(redrive["maxReceiveCount"])}
            attributes["RedrivePolicy"] = json.dumps(policy)
        urls[logical_id] = client.create_queue(QueueName=names[logical_id], Attributes=attributes)["QueueUrl"]
        found = client.get_queue_attributes(QueueUrl=urls[logical_id], AttributeNames=["QueueArn"])
        arns[logical_id] = found["Attributes"]["QueueArn"]

    for logical_id in names:
        create(logical_id)
    return urls


def _get_att_target(value: Any) -> str:
    """MailDeadLetterQueue from ``!GetAtt MailDeadLetterQueue.Arn`` (either form cfn-lint's loader gives)."""
    target = value["Fn::GetAtt"]
    return str(target[0] if isinstance(target, list) else str(target).split(".")[0])


def _text(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)
