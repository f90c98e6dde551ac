"""No function's role can Scan, delete a table, or write data that is not its own (template.yaml).

What each function may call is pinned exactly by tests/infra/test_iam.py; this states the boundaries:
- no Scan, no wildcard action, no table-level or backup action anywhere;
- only the order function touches the idempotency table, which is its own;
- only the register function deletes members' data from the data table (erasure of the member, DESIGN.md / the
  policy); the mail function deletes only its own once-claims (ONCE# keys), the alert job nothing;
- the inquiry function, which anyone can call, cannot delete or run transactions; the release function
  cannot create items."""

from __future__ import annotations

import json

from carjunction.api.tables import load_template
from tests.support.api import ROOT


def grants() -> dict[str, list[tuple[str, str]]]:
    """{function: [(action, resource and condition as text)]} from each function's inline policy statements."""
    template = load_template(ROOT / "template.yaml")
    found: dict[str, list[tuple[str, str]]] = {}
    for name, resource in template["Resources"].items():
        if resource["Type"] != "AWS::Serverless::Function":
            continue
        pairs = found.setdefault(name, [])
        for policy in resource["Properties"].get("Policies", []):
            assert isinstance(policy, dict), f"{name}: only inline statements, no managed policy templates"
            for statement in policy["Statement"]:
                assert statement["Effect"] == "Allow"
                actions = statement["Action"] if isinstance(statement["Action"], list) else [statement["Action"]]
                where = json.dumps(statement["Resource"]) + json.dumps(statement.get("Condition", {}))
                pairs.extend((action, where) for action in actions)
    return found


def test_no_function_can_scan_delete_tables_or_write_what_is_not_its_own() -> None:
    # Given every function's grants
    roles = grants()
    functions = {"InquiryFunction", "RegisterFunction", "OrderFunction", "ReleaseFunction", "MailFunction"}
    assert set(roles) == functions | {"AlertsFunction"}
    everything = [(name, action, where) for name, pairs in roles.items() for action, where in pairs]

    # Then no one can scan, use wildcards, or act on whole tables
    assert not [g for g in everything if "Scan" in g[1] or "*" in g[1]]
    table_level = ("DeleteTable", "UpdateTable", "CreateTable", "Backup", "Restore", "Export", "Import", "PartiQL")
    assert not [g for g in everything if any(word in g[1] for word in table_level)]
    # And only the order function touches the idempotency table
    assert {name for name, _, where in everything if "IdempotencyTable" in where} == {"OrderFunction"}
    # And only the register function deletes from the data table (erasure)
    deleters = {name for name, action, where in everything if "Delete" in action and "DataTable" in where}
    assert deleters == {"RegisterFunction", "MailFunction"}
    # And the mail function writes nothing but its once-claims
    mail_writes = [where for action, where in roles["MailFunction"] if action.startswith("dynamodb:")]
    assert mail_writes and all('"dynamodb:LeadingKeys": ["ONCE#*"]' in where for where in mail_writes)
    # And the alert job reaches members' items by key only, and deletes nothing
    alerts_by_key = [
        where for action, where in roles["AlertsFunction"] if action != "dynamodb:Query" and "Data" in where
    ]
    assert alerts_by_key and all('"dynamodb:LeadingKeys": ["MEMBER#*"]' in where for where in alerts_by_key)
    # And the public inquiry function cannot delete or transact; the release function creates nothing
    inquiry = {action for action, _ in roles["InquiryFunction"]}
    assert not {a for a in inquiry if "Delete" in a or "Transact" in a or "Batch" in a}
    release = {action for action, _ in roles["ReleaseFunction"]}
    assert "dynamodb:PutItem" not in release
    assert not {a for a in release if "Delete" in a}
