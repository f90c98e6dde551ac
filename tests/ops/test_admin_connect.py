"""Which table `carjunction admin` works on: --table, CARJUNCTION_TABLE_NAME, the stack's output, or --local."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from carjunction.cli import main
from carjunction.ops.admin.connect_table import deployed_target, local_target
from carjunction.ops.admin.context import AdminError


class FakeCloudFormation:
    def __init__(self, outputs: dict[str, str]) -> None:
        self.outputs = outputs
        self.asked: list[str] = []

    def describe_stacks(self, StackName: str) -> dict[str, Any]:
        self.asked.append(StackName)
        return {"Stacks": [{"Outputs": [{"OutputKey": k, "OutputValue": v} for k, v in self.outputs.items()]}]}


def test_an_option_wins_over_the_environment_and_the_stack() -> None:
    stack = FakeCloudFormation({"DataTableName": "from-stack"})
    environ = {"CARJUNCTION_TABLE_NAME": "from-env", "AWS_REGION": "eu-west-1"}
    target = deployed_target(environ, table="given", stack=None, region=None, endpoint_url=None, cloudformation=stack)
    assert (target.table, target.region) == ("given", "eu-west-1")
    assert stack.asked == []
    target = deployed_target(environ, table=None, stack=None, region=None, endpoint_url=None, cloudformation=stack)
    assert target.table == "from-env"


def test_the_table_comes_from_the_stack_outputs_like_deploy() -> None:
    stack = FakeCloudFormation({"DataTableName": "carjunction-DataTable-ABC"})
    target = deployed_target(
        {}, table=None, stack="shop", region="ap-northeast-1", endpoint_url=None, cloudformation=stack
    )
    assert target.table == "carjunction-DataTable-ABC"
    assert stack.asked == ["shop"]


def test_a_stack_without_the_output_asks_for_table() -> None:
    with pytest.raises(AdminError, match="no DataTableName output; give --table"):
        deployed_target(
            {}, table=None, stack=None, region=None, endpoint_url=None, cloudformation=FakeCloudFormation({})
        )


def test_local_reads_the_file_the_running_stack_writes(tmp_path: Path) -> None:
    (tmp_path / "stack.json").write_text(
        '{"endpoint": "http://127.0.0.1:5001", "region": "ap-northeast-1", "table": "carjunction-local"}',
        encoding="utf-8",
    )
    target = local_target(tmp_path)
    assert (target.table, target.endpoint_url, target.local) == ("carjunction-local", "http://127.0.0.1:5001", True)
    (tmp_path / "stack.json").write_text("{}", encoding="utf-8")
    with pytest.raises(AdminError, match="restart `make serve`"):
        local_target(tmp_path)


def test_a_missing_table_is_one_line_and_exit_1(aws: None, capsys: pytest.CaptureFixture[str]) -> None:
    code = main(["admin", "orders", "list", "--table", "no-such-table", "--region", "ap-northeast-1"])
    out, err = capsys.readouterr()
    assert code == 1
    assert out == ""
    assert err.startswith("error: the table could not be read or written:")
    assert len(err.strip().splitlines()) == 1
