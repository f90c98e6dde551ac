"""The deployed stack's outputs (template.yaml's Outputs section), where deploy and the admin commands find the
bucket, distribution, table, site address and alert job."""

from __future__ import annotations

from typing import Any

OUTPUT_BUCKET = "SiteBucketName"
OUTPUT_DISTRIBUTION = "DistributionId"
OUTPUT_TABLE = "DataTableName"
OUTPUT_SITE_URL = "SiteUrl"
OUTPUT_ALERTS_FUNCTION = "AlertsFunctionName"


def stack_outputs(cloudformation_client: Any, stack_name: str) -> dict[str, str]:
    """Output key → value; botocore's ClientError when there is no such stack."""
    stacks = cloudformation_client.describe_stacks(StackName=stack_name)["Stacks"]
    return {str(o["OutputKey"]): str(o["OutputValue"]) for o in stacks[0].get("Outputs", [])}
