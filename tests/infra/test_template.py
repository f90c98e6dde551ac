"""template.yaml: lint-clean, transformable offline, and the promises of DESIGN.md §3 and §7 hold in it."""

from __future__ import annotations

import json
from typing import Any

import pytest
from cfnlint.api import ManualArgs, lint
from samtranslator.translator.transform import transform

from carjunction.api.openapi import function_openapi
from carjunction.api.routes import FUNCTIONS
from carjunction.api.tables import load_template, table_definitions
from tests.support.api import ROOT

TEMPLATE = ROOT / "template.yaml"


@pytest.fixture(scope="module")
def template() -> dict[str, Any]:
    return load_template(TEMPLATE)


def resources_of(template: dict[str, Any], kind: str) -> dict[str, dict[str, Any]]:
    return {k: v for k, v in template["Resources"].items() if v["Type"] == kind}


def test_cfn_lint_finds_nothing() -> None:
    config = ManualArgs(regions=["ap-northeast-1", "us-east-1"])  # where it deploys, and CloudFront's home
    matches = lint(TEMPLATE.read_text(encoding="utf-8"), config=config)
    # Errors and warnings, as the cfn-lint command reports by default; informational hints are advice.
    assert [str(m) for m in matches if m.rule.id[0] in "EW"] == []


@pytest.fixture(scope="module")
def transformed(template: dict[str, Any]) -> dict[str, Any]:
    """The template as CloudFormation receives it: SAM's transform applied offline (no managed policies)."""

    class NoManagedPolicies:
        def load(self) -> dict[str, str]:
            return {}

    plain = json.loads(json.dumps(template))
    # As `sam package` does after the build: the code is an uploaded artifact.
    for owner in [plain["Globals"]["Function"], *(r["Properties"] for r in plain["Resources"].values())]:
        if "CodeUri" in owner:
            owner["CodeUri"] = "s3://artifacts-bucket/carjunction.zip"
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("AWS_DEFAULT_REGION", "ap-northeast-1")  # for ARNs; nothing is called
        output: dict[str, Any] = transform(plain, {"AWS::Region": "ap-northeast-1"}, NoManagedPolicies())
    return output


def fatal_matches(template_text: str) -> list[str]:
    """cfn-lint's errors and warnings, and every IAM finding at any level (W3037 among them)."""
    config = ManualArgs(regions=["ap-northeast-1", "us-east-1"], include_checks=["I"])
    matches = lint(template_text, config=config)
    return [str(m) for m in matches if m.rule.id[0] in "EW" or "iam" in m.rule.tags]


def test_cfn_lint_finds_nothing_in_the_transformed_template(transformed: dict[str, Any]) -> None:
    # cfn-lint skips its IAM action check (W3037) on a template with the SAM transform: only the transformed
    # template shows an action AWS does not know, such as dynamodb:TransactWriteItems.
    assert "Transform" not in transformed
    assert fatal_matches(json.dumps(transformed)) == []


def test_cfn_lint_on_the_transformed_template_refuses_an_action_aws_does_not_know(
    transformed: dict[str, Any],
) -> None:
    # Given the transformed template with a transaction "action" granted to one role
    broken = json.loads(json.dumps(transformed))
    role = broken["Resources"]["OrderFunctionRole"]["Properties"]
    role["Policies"][0]["PolicyDocument"]["Statement"][0]["Action"].append("dynamodb:TransactWriteItems")
    # Then the lint reports it
    assert [m for m in fatal_matches(json.dumps(broken)) if "W3037" in m]


def test_the_sam_transform_succeeds_offline(transformed: dict[str, Any]) -> None:
    output = transformed
    kinds = {r["Type"] for r in output["Resources"].values()}
    assert {"AWS::Lambda::Function", "AWS::ApiGatewayV2::Api", "AWS::Scheduler::Schedule", "AWS::IAM::Role"} <= kinds
    functions = [r for r in output["Resources"].values() if r["Type"] == "AWS::Lambda::Function"]
    assert len(functions) == 6
    assert {f["Properties"]["Runtime"] for f in functions} == {"python3.13"}


def test_both_tables_are_kept_safe_once_created(template: dict[str, Any]) -> None:
    tables = resources_of(template, "AWS::DynamoDB::Table")
    assert set(tables) == {"DataTable", "IdempotencyTable"}
    for table in tables.values():
        # Kept on a stack's deletion and on replacement; removed only by the rollback of their own failed create
        assert table["DeletionPolicy"] == "RetainExceptOnCreate"
        assert table["UpdateReplacePolicy"] == "Retain"
        assert table["Properties"]["PointInTimeRecoverySpecification"]["PointInTimeRecoveryEnabled"] is True
        assert table["Properties"]["TimeToLiveSpecification"]["Enabled"] is True
        # Deletion protection is on unless a first create asks otherwise (a protected table blocks its rollback)
        assert table["Properties"]["DeletionProtectionEnabled"] == {"Ref": "TableDeletionProtection"}
    protection = template["Parameters"]["TableDeletionProtection"]
    assert protection["Default"] == "true" and set(protection["AllowedValues"]) == {"true", "false"}


def test_the_bucket_is_removed_by_a_failed_first_create_and_keeps_old_versions_a_month(
    template: dict[str, Any],
) -> None:
    (bucket,) = resources_of(template, "AWS::S3::Bucket").values()
    assert bucket["DeletionPolicy"] == "RetainExceptOnCreate"
    assert bucket["UpdateReplacePolicy"] == "Retain"
    assert bucket["Properties"]["VersioningConfiguration"]["Status"] == "Enabled"
    # Old versions expire, with their delete markers, and abandoned multipart uploads are cleared
    rules = [r for r in bucket["Properties"]["LifecycleConfiguration"]["Rules"] if r["Status"] == "Enabled"]
    assert rules and all("Prefix" not in r and "Filter" not in r for r in rules)  # the whole bucket
    assert 1 <= min(r["NoncurrentVersionExpiration"]["NoncurrentDays"] for r in rules) <= 90
    assert any(r.get("ExpiredObjectDeleteMarker") is True for r in rules)
    assert min(r["AbortIncompleteMultipartUpload"]["DaysAfterInitiation"] for r in rules) <= 7


def test_the_data_table_has_the_keys_and_indexes_the_store_uses(template: dict[str, Any]) -> None:
    data = table_definitions(template)["DataTable"]
    assert [k["AttributeName"] for k in data["KeySchema"]] == ["pk", "sk"]
    assert {i["IndexName"] for i in data["GlobalSecondaryIndexes"]} == {"gsi1", "gsi2"}
    assert data["TimeToLiveSpecification"]["AttributeName"] == "expires_at"
    assert table_definitions(template)["IdempotencyTable"]["TimeToLiveSpecification"]["AttributeName"] == "expiration"


def test_the_bucket_is_private_and_cloudfront_reads_it_through_oac(template: dict[str, Any]) -> None:
    (bucket,) = resources_of(template, "AWS::S3::Bucket").values()
    block = bucket["Properties"]["PublicAccessBlockConfiguration"]
    assert all(
        block[k] is True for k in ("BlockPublicAcls", "BlockPublicPolicy", "IgnorePublicAcls", "RestrictPublicBuckets")
    )
    # The bucket is read by the inner PagesDistribution (the 404 page), which the viewer-facing one goes through.
    pages = template["Resources"]["PagesDistribution"]["Properties"]["DistributionConfig"]
    (bucket_origin,) = pages["Origins"]
    assert "OriginAccessControlId" in bucket_origin
    config = template["Resources"]["Distribution"]["Properties"]["DistributionConfig"]
    site = next(o for o in config["Origins"] if o["Id"] == "site")
    assert site["DomainName"] == {"Fn::GetAtt": ["PagesDistribution", "DomainName"]}
    (api,) = [b for b in config["CacheBehaviors"] if b["PathPattern"] == "/api/*"]
    assert api["TargetOriginId"] == "api"


def test_responses_carry_the_security_headers(template: dict[str, Any]) -> None:
    (policy,) = resources_of(template, "AWS::CloudFront::ResponseHeadersPolicy").values()
    headers = policy["Properties"]["ResponseHeadersPolicyConfig"]["SecurityHeadersConfig"]
    csp = headers["ContentSecurityPolicy"]["ContentSecurityPolicy"]
    assert "unsafe-inline" not in csp and "default-src 'self'" in csp and "frame-ancestors 'none'" in csp
    assert headers["StrictTransportSecurity"]["AccessControlMaxAgeSec"] >= 31536000
    assert headers["FrameOptions"]["FrameOption"] == "DENY"
    assert "ContentTypeOptions" in headers and "ReferrerPolicy" in headers


def test_the_api_is_throttled_and_logs_no_visitor_address(template: dict[str, Any]) -> None:
    (api,) = resources_of(template, "AWS::Serverless::HttpApi").values()
    settings = api["Properties"]["DefaultRouteSettings"]
    assert settings["ThrottlingRateLimit"] > 0 and settings["ThrottlingBurstLimit"] > 0
    log_format = api["Properties"]["AccessLogSettings"]["Format"]
    assert "sourceIp" not in log_format and "userAgent" not in log_format


def test_every_route_in_the_code_is_routed_to_its_function(template: dict[str, Any]) -> None:
    for function in FUNCTIONS:
        resource = template["Resources"][f"{function.capitalize()}Function"]
        routed = {
            (str(e["Properties"]["Method"]), str(e["Properties"]["Path"]))
            for e in resource["Properties"]["Events"].values()
        }
        for method, path in code_routes(function):
            assert (method, path) in routed or ("ANY", path) in routed, (function, method, path)


def code_routes(function: str) -> set[tuple[str, str]]:
    document = function_openapi(function)
    return {(method.upper(), path) for path, item in document["paths"].items() for method in item}


# How each function is built, and what its artefact holds: test_artefact.py.


def test_the_api_receives_only_the_one_cookie_and_the_viewer_address(template: dict[str, Any]) -> None:
    (policy,) = resources_of(template, "AWS::CloudFront::OriginRequestPolicy").values()
    config = policy["Properties"]["OriginRequestPolicyConfig"]
    assert config["CookiesConfig"]["Cookies"] == ["member"]
    headers = config["HeadersConfig"]["Headers"]
    assert "CloudFront-Viewer-Address" in headers and "Origin" in headers and "Host" not in headers


def test_mail_leaves_through_an_encrypted_queue_with_a_dead_letter_queue(template: dict[str, Any]) -> None:
    queues = resources_of(template, "AWS::SQS::Queue")
    assert set(queues) == {"MailQueue", "MailDeadLetterQueue"}
    assert all(q["Properties"]["SqsManagedSseEnabled"] is True for q in queues.values())
    mail = queues["MailQueue"]["Properties"]
    assert mail["RedrivePolicy"]["deadLetterTargetArn"] == {"Fn::GetAtt": ["MailDeadLetterQueue", "Arn"]}
    assert 1 < mail["RedrivePolicy"]["maxReceiveCount"] <= 10
    # A failed mail names its recipient: kept for days, not the 14 SQS allows
    retention = queues["MailDeadLetterQueue"]["Properties"]["MessageRetentionPeriod"]
    assert mail["MessageRetentionPeriod"] <= retention <= 7 * 86400


def test_the_mail_function_takes_the_queue_s_batches_at_ses_s_pace(template: dict[str, Any]) -> None:
    function = template["Resources"]["MailFunction"]["Properties"]
    (mapping,) = resources_of(template, "AWS::Lambda::EventSourceMapping").values()
    source = mapping["Properties"]
    assert source["FunctionName"] == {"Ref": "MailFunction"}
    assert source["EventSourceArn"] == {"Fn::GetAtt": ["MailQueue", "Arn"]}
    assert source["FunctionResponseTypes"] == ["ReportBatchItemFailures"]
    # Few senders, and the event source never asks for more than are reserved (throttled polls count as receives)
    assert 1 <= function["ReservedConcurrentExecutions"] <= 5
    assert source["ScalingConfig"]["MaximumConcurrency"] <= max(2, function["ReservedConcurrentExecutions"])
    # Lambda's rule for SQS sources: visibility timeout at least six times the function's timeout
    visibility = template["Resources"]["MailQueue"]["Properties"]["VisibilityTimeout"]
    assert visibility >= 6 * function["Timeout"]
    assert function["Handler"] == "functions.mail.app.lambda_handler"


def test_each_mail_sender_sends_its_share_of_ses_s_rate_and_its_timeout_covers_a_paced_batch(
    template: dict[str, Any],
) -> None:
    function = template["Resources"]["MailFunction"]["Properties"]
    (mapping,) = resources_of(template, "AWS::Lambda::EventSourceMapping").values()
    variables = function["Environment"]["Variables"]
    rate = template["Parameters"]["SesSendRate"]
    # SES's rate is a parameter (14 at first outside the sandbox), given to the function, and shared by as many
    # senders as can ever run at once
    assert rate["Type"] == "Number" and rate["Default"] == 14 and rate["MinValue"] >= 1
    assert variables["SES_SEND_RATE"] == {"Ref": "SesSendRate"}
    senders = int(variables["MAIL_SENDERS"])
    assert senders >= function["ReservedConcurrentExecutions"]
    assert senders >= mapping["Properties"]["ScalingConfig"]["MaximumConcurrency"]
    # At the slowest rate allowed, a whole batch's waits leave most of the timeout to SES itself
    paced = mapping["Properties"]["BatchSize"] * senders / rate["MinValue"]
    assert paced <= function["Timeout"] / 2


def test_the_alert_job_runs_hourly_on_one_vcpu_and_its_name_is_an_output(
    template: dict[str, Any], transformed: dict[str, Any]
) -> None:
    resource = template["Resources"]["AlertsFunction"]
    function = resource["Properties"]
    assert function["Handler"] == "functions.alerts.app.lambda_handler"
    assert function["MemorySize"] == 1769  # a full vCPU
    assert function["Timeout"] == 900  # 20,000 members' searches; a run cut short is resumed by the next
    assert function["ReservedConcurrentExecutions"] == 1  # the deploy's run never overlaps the hourly one
    (schedule,) = function["Events"].values()
    assert schedule["Type"] == "ScheduleV2"
    assert schedule["Properties"]["ScheduleExpression"] == "rate(1 hour)"
    # Its mails are links to the site: it is given the address even on a stack without a domain
    origin = function["Environment"]["Variables"]["SITE_ORIGIN"]
    assert origin["Fn::If"][0] == "HasDomain" and "Distribution.DomainName" in str(origin["Fn::If"][2])
    # It queues its digests for the mail function, built like the others, and the deploy finds it by its output
    assert resource["Metadata"]["BuildMethod"] == "makefile"
    assert template["Outputs"]["AlertsFunctionName"]["Value"] == {"Ref": "AlertsFunction"}
    lambda_function = transformed["Resources"]["AlertsFunction"]["Properties"]
    assert lambda_function["Runtime"] == "python3.13" and lambda_function["Architectures"] == ["arm64"]
    assert "MAIL_QUEUE_URL" in lambda_function["Environment"]["Variables"]


def test_the_origin_secret_is_never_in_an_environment_and_cloudfront_sends_the_same_secret(
    template: dict[str, Any],
) -> None:
    # Given the functions' environment and CloudFront's header to the API
    variables = dict(template["Globals"]["Function"]["Environment"]["Variables"])
    for resource in resources_of(template, "AWS::Serverless::Function").values():
        variables |= resource["Properties"].get("Environment", {}).get("Variables", {})
    distribution = template["Resources"]["Distribution"]
    api = next(o for o in distribution["Properties"]["DistributionConfig"]["Origins"] if o["Id"] == "api")
    (header,) = api["OriginCustomHeaders"]
    # Then the functions get the secret's name only, and no parameter carries the value
    assert "ORIGIN_VERIFY" not in variables
    assert variables["ORIGIN_VERIFY_SECRET_ID"] == {"Ref": "OriginVerifySecret"}
    assert template["Resources"]["OriginVerifySecret"]["Type"] == "AWS::SecretsManager::Secret"
    assert not [p for p in template["Parameters"].values() if p.get("NoEcho")]
    # And CloudFront resolves the same secret (a secretsmanager reference: ssm-secure is refused in this property)
    assert header["HeaderName"] == "X-Origin-Verify"
    assert header["HeaderValue"] == {"Fn::Sub": "{{resolve:secretsmanager:${OriginVerifySecret}:SecretString}}"}
