"""The call → IAM action rule the least-privilege test relies on (iam_actions), and the template's actions held to
AWS's catalogue: an action AWS does not know is never granted, and the test never maps a call to one."""

from __future__ import annotations

from typing import Any

import pytest

from carjunction.api.tables import load_template
from tests.infra.iam_actions import NotAnAction, catalogue, checked_actions, is_action
from tests.support.api import ROOT


def test_the_catalogue_is_aws_s_and_knows_the_actions_but_not_the_transaction_call() -> None:
    # Given cfn-lint's copy of AWS's service authorization reference
    services = catalogue()
    # Then it holds every service the functions call, and DynamoDB's item actions, but no TransactWriteItems
    assert {"dynamodb", "ses", "sqs", "ssm", "secretsmanager"} <= set(services)
    assert {"putitem", "updateitem", "deleteitem", "conditioncheckitem"} <= services["dynamodb"]
    assert not is_action("dynamodb:TransactWriteItems")
    assert is_action("dynamodb:PutItem") and is_action("SES:sendemail")


def test_a_write_transaction_is_checked_item_by_item_on_each_item_s_table() -> None:
    # Given a transaction with one item of each kind, across two tables
    items = [
        {"Put": {"TableName": "data"}},
        {"Update": {"TableName": "data"}},
        {"Delete": {"TableName": "other"}},
        {"ConditionCheck": {"TableName": "data"}},
    ]
    # When the actions AWS checks are worked out
    pairs = checked_actions("dynamodb", "TransactWriteItems", {"TransactItems": items})
    # Then each item is its own action on its own table
    assert pairs == [
        ("dynamodb:PutItem", "data"),
        ("dynamodb:UpdateItem", "data"),
        ("dynamodb:DeleteItem", "other"),
        ("dynamodb:ConditionCheckItem", "data"),
    ]


def test_a_plain_call_is_its_own_action_and_an_sqs_batch_its_single_message_action() -> None:
    assert checked_actions("dynamodb", "Query", {"TableName": "data"}) == [("dynamodb:Query", "data")]
    assert checked_actions("sqs", "DeleteMessageBatch", {}) == [("sqs:DeleteMessage", None)]


def test_a_dynamodb_batch_is_its_own_action_on_each_table_it_names() -> None:
    request: dict[str, Any] = {"RequestItems": {"data": {"Keys": []}, "other": {"Keys": []}}}
    assert checked_actions("dynamodb", "BatchGetItem", request) == [
        ("dynamodb:BatchGetItem", "data"),
        ("dynamodb:BatchGetItem", "other"),
    ]


def test_a_call_that_is_no_action_and_has_no_documented_expansion_is_refused() -> None:
    with pytest.raises(NotAnAction):
        checked_actions("dynamodb", "ExecuteTransaction", {"TransactStatements": []})
    with pytest.raises(NotAnAction):
        checked_actions("ses", "SendEmailBatch", {})


def test_every_action_the_template_grants_is_one_aws_knows() -> None:
    # Given every IAM action in template.yaml: the functions' inline policies
    template = load_template(ROOT / "template.yaml")
    granted = {
        (name, action)
        for name, resource in template["Resources"].items()
        if resource["Type"] == "AWS::Serverless::Function"
        for policy in resource["Properties"].get("Policies", [])
        for statement in policy["Statement"]
        for action in (statement["Action"] if isinstance(statement["Action"], list) else [statement["Action"]])
    }
    assert granted
    # Then each is in AWS's catalogue (W3037 on the transformed template says the same: test_template.py)
    assert [(name, action) for name, action in sorted(granted) if not is_action(action)] == []
