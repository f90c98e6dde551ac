"""Create DynamoDB tables from their definitions in template.yaml, so tests and the local stack match production."""

from __future__ import annotations

from pathlib import Path
from typing import Any

# Properties CreateTable understands, as CloudFormation spells them; the rest (PITR, deletion
# protection, SSE) has no meaning for moto and is checked by the template tests instead.
CREATE_KEYS = ("AttributeDefinitions", "KeySchema", "GlobalSecondaryIndexes", "BillingMode")


def load_template(path: Path) -> dict[str, Any]:
    """template.yaml as data; cfn-lint's loader understands the short tags (!Ref, !Sub, !GetAtt)."""
    from cfnlint.decode.cfn_yaml import loads  # noqa: PLC0415 - a dev/local dependency, never in Lambda

    template: dict[str, Any] = loads(path.read_text(encoding="utf-8"), str(path))
    return template


def table_definitions(template: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """Logical id → Properties of every AWS::DynamoDB::Table in the template."""
    return {
        logical_id: dict(resource["Properties"])
        for logical_id, resource in template["Resources"].items()
        if resource["Type"] == "AWS::DynamoDB::Table"
    }


def create_tables(client: Any, template_path: Path, names: dict[str, str]) -> None:
    """Create each table named in ``names`` (logical id → table name) exactly as the template defines it."""
    definitions = table_definitions(load_template(template_path))
    for logical_id, table_name in names.items():
        properties = definitions[logical_id]
        request = {key: _plain(properties[key]) for key in CREATE_KEYS if key in properties}
        client.create_table(TableName=table_name, **request)
        ttl = properties.get("TimeToLiveSpecification")
        if ttl and ttl.get("Enabled"):
            client.update_time_to_live(
                TableName=table_name,
                TimeToLiveSpecification={"AttributeName": str(ttl["AttributeName"]), "Enabled": True},
            )


def _plain(value: Any) -> Any:
    # cfn-lint returns str/dict/list subclasses carrying line marks; boto3 wants plain types.
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_plain(v) for v in value]
    if isinstance(value, bool | int):
        return value
    return str(value)
