"""The IAM actions AWS checks for an API call, from AWS's own definitions rather than a hand-written map.

The catalogue is cfn-lint's copy of AWS's service authorization reference (servicereference.us-east-1.amazonaws.com,
refreshed with each cfn-lint release): every IAM action of every service, by its IAM prefix. The prefix of a boto3
service is its signing name (sesv2 → ses, secrets-manager → secretsmanager).

Most calls are checked as the action of the same name. Those that are not actions in the catalogue are expanded by
the two rules AWS documents, and the result must be in the catalogue too:
- a DynamoDB transaction is checked item by item: Put → PutItem, Update → UpdateItem, Delete → DeleteItem,
  ConditionCheck → ConditionCheckItem, Get → GetItem, each on its item's table;
- an SQS batch call is checked as its single-message action (SendMessageBatch → SendMessage).
DynamoDB's BatchGetItem and BatchWriteItem are actions of their own, checked on each table of the request.
Any other call that is not an action fails loudly, so a new kind of call cannot be granted by a guess.
"""

from __future__ import annotations

import json
from functools import cache
from importlib import resources
from typing import Any


@cache
def catalogue() -> dict[str, frozenset[str]]:
    """{IAM prefix: its actions, lower-cased as the catalogue keeps them}."""
    text = resources.files("cfnlint.data.AdditionalSpecs").joinpath("Policies.json").read_text(encoding="utf-8")
    return {prefix: frozenset(service["Actions"]) for prefix, service in json.loads(text).items()}


def is_action(action: str) -> bool:
    """Whether ``prefix:Name`` is an IAM action AWS knows (IAM compares action names case-insensitively)."""
    prefix, _, name = action.partition(":")
    return name.lower() in catalogue().get(prefix.lower(), frozenset())


class NotAnAction(AssertionError):
    """A call whose IAM action is neither in AWS's catalogue nor given by a documented expansion."""


def checked_actions(prefix: str, operation: str, params: dict[str, Any]) -> list[tuple[str, str | None]]:
    """The (IAM action, table name or None) pairs AWS checks for one call of ``operation`` with ``params``."""
    if is_action(f"{prefix}:{operation}") and prefix == "dynamodb" and "RequestItems" in params:
        # BatchGetItem, BatchWriteItem: their own action, checked on each table they name.
        return [(f"{prefix}:{operation}", str(table)) for table in params["RequestItems"]]
    if is_action(f"{prefix}:{operation}"):
        return [(f"{prefix}:{operation}", params.get("TableName"))]
    if prefix == "dynamodb" and operation in {"TransactWriteItems", "TransactGetItems"}:
        pairs: list[tuple[str, str | None]] = []
        for item in params["TransactItems"]:
            ((kind, part),) = item.items()  # exactly one of Put, Update, Delete, ConditionCheck (or Get)
            pairs.append((_known(f"dynamodb:{kind}Item", operation), str(part["TableName"])))
        return pairs
    if prefix == "sqs" and operation.endswith("Batch"):
        return [(_known(f"sqs:{operation.removesuffix('Batch')}", operation), None)]
    raise NotAnAction(f"{prefix}:{operation} is not an IAM action and has no documented expansion")


def _known(action: str, operation: str) -> str:
    if not is_action(action):
        raise NotAnAction(f"{operation} expands to {action}, which AWS's catalogue does not list")
    return action


def iam_prefix(client: Any) -> str:
    """A boto3 client's IAM prefix: its service's signing name."""
    return str(client.meta.service_model.signing_name)
