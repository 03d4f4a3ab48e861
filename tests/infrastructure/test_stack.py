"""The synthesized AWS stack keeps the invariants of the design (DESIGN.md §2, issue 3)."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from aws_cdk.assertions import Match
from aws_cdk.assertions import Template as CdkTemplate

from infrastructure import definition as d
from infrastructure.stack import ENVIRONMENT_DEFAULTS_ON_AWS, SITE_ORIGIN_MARKER
from tests.infrastructure import invariants as inv

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.parametrize("check", inv.ALL_CHECKS, ids=lambda check: check.__name__)
def test_the_real_app_keeps_every_invariant(
    template: dict[str, Any], check: Callable[[dict[str, Any]], list[str]]
) -> None:
    assert check(template) == []


@pytest.mark.parametrize("check", inv.ALL_CHECKS, ids=lambda check: check.__name__)
def test_an_app_with_every_kind_of_handler_keeps_every_invariant(
    sample_template: dict[str, Any], check: Callable[[dict[str, Any]], list[str]]
) -> None:
    assert check(sample_template) == []


def test_cfn_lint_reports_no_errors(synthesized: dict[str, Path]) -> None:
    result = subprocess.run(
        [
            str(Path(sys.executable).parent / "cfn-lint"),
            "--format",
            "json",
            "--non-zero-exit-code",
            "none",
            *[str(path) for path in synthesized.values()],
        ],
        capture_output=True,
        text=True,
        check=True,
        timeout=120,
    )
    findings = json.loads(result.stdout or "[]")
    errors = [finding for finding in findings if finding["Level"] == "Error"]
    assert errors == []


def test_cdk_assertions_on_the_resources_of_the_definition(template: dict[str, Any]) -> None:
    stack = CdkTemplate.from_json(template)
    stack.resource_count_is("AWS::DynamoDB::Table", len(d.TABLES))
    stack.resource_count_is("AWS::SQS::Queue", 2 * len(d.QUEUES))
    stack.all_resources_properties(
        "AWS::DynamoDB::Table",
        {
            "BillingMode": "PAY_PER_REQUEST",
            "PointInTimeRecoverySpecification": {"PointInTimeRecoveryEnabled": True},
            "SSESpecification": {
                "SSEEnabled": True,
                "SSEType": "KMS",
                "KMSMasterKeyId": Match.any_value(),
            },
        },
    )
    for queue in d.QUEUES:
        stack.has_resource_properties(
            "AWS::SQS::Queue",
            {
                "QueueName": f"portal-prod-{queue.name}",
                "VisibilityTimeout": d.AWS.visibility_timeout(queue),
                "RedrivePolicy": {"maxReceiveCount": 5, "deadLetterTargetArn": Match.any_value()},
            },
        )
    client = d.USER_POOL_CLIENT
    stack.resource_count_is("AWS::Cognito::UserPoolClient", 1)
    stack.has_resource_properties(
        "AWS::Cognito::UserPoolClient",
        {
            "ClientName": client.name,
            "GenerateSecret": True,
            "ExplicitAuthFlows": ["ALLOW_ADMIN_USER_PASSWORD_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"],
            "ReadAttributes": ["email", "email_verified"],
            "WriteAttributes": list(client.write_attributes),
            "IdTokenValidity": client.id_token_minutes,
            "AccessTokenValidity": client.access_token_minutes,
            "RefreshTokenValidity": client.refresh_token_days * 24 * 60,
            "TokenValidityUnits": {
                "IdToken": "minutes",
                "AccessToken": "minutes",
                "RefreshToken": "minutes",
            },
            "EnableTokenRevocation": True,
            "PreventUserExistenceErrors": "ENABLED",
            "AllowedOAuthFlowsUserPoolClient": False,
            "AllowedOAuthFlows": Match.absent(),
        },
    )
    stack.has_resource_properties(
        "AWS::KMS::Key", {"KeySpec": d.SEAL_KEY_SPEC, "KeyUsage": "SIGN_VERIFY"}
    )
    stack.has_resource_properties(
        "AWS::S3::Bucket",
        {
            "VersioningConfiguration": {"Status": "Enabled"},
            "CorsConfiguration": {"CorsRules": [Match.object_like({"AllowedMethods": ["POST"]})]},
        },
    )


def test_every_queue_consumer_of_the_app_reads_the_stacks_queue(
    sample_template: dict[str, Any],
) -> None:
    functions = inv.functions(sample_template)
    consumers = {queue.consumer: queue for queue in d.QUEUES}
    mapped = {}
    for function, _event, props in inv.sqs_events(sample_template):
        name = functions[function]["FunctionName"].removeprefix("portal-medico-prod-")
        mapped[name] = inv.referenced_id(props["Queue"])
        assert props["FunctionResponseTypes"] == ["ReportBatchItemFailures"]
        assert functions[function]["Timeout"] == d.AWS.consumer_timeout_seconds[name]
    assert mapped == {
        name: inv._queue_id(sample_template, consumers[name].name)
        for name in ("validate_document", "send_email")
    }
    # settle_provider is not in the sample app: its queue exists, nothing reads it yet.
    assert inv._queue_id(sample_template, "settlement-tasks") is not None


def test_the_real_apps_queue_mappings_are_those_of_the_definition(
    template: dict[str, Any],
) -> None:
    consumers = {queue.consumer for queue in d.QUEUES}
    functions = inv.functions(template)
    for function, _event, _props in inv.sqs_events(template):
        name = functions[function]["FunctionName"].removeprefix("portal-medico-prod-")
        assert name in consumers


def test_a_schedule_of_the_definition_gets_a_rule_when_the_app_has_none(
    sample_template: dict[str, Any],
) -> None:
    rules = inv.resources(sample_template, "AWS::Events::Rule")
    expressions = {
        inv.referenced_id(rule["Targets"][0]["Arn"]): rule["ScheduleExpression"]
        for rule in rules.values()
    }
    # A function scheduled by Chalice (`@app.schedule`) carries its expression in its own
    # Schedule event instead; it must agree with the definition too.
    for name, function_props in inv.functions(sample_template).items():
        for event in function_props.get("Events", {}).values():
            if event["Type"] == "Schedule":
                expressions[name] = event["Properties"]["Schedule"]
    for schedule in d.SCHEDULES:
        function = "".join(part.title() for part in schedule.consumer.split("_"))
        if function in inv.functions(sample_template):
            assert expressions.get(function) == schedule.aws_expression
    events = inv.functions(sample_template)["WeeklySettlement"]["Events"]
    assert [event["Type"] for event in events.values()] == ["Schedule"]


def test_a_function_the_access_table_does_not_know_may_only_write_logs(
    sample_template: dict[str, Any],
) -> None:
    role_id = inv.referenced_id(inv.functions(sample_template)["UnlistedJob"]["Role"])
    role = inv.resources(sample_template, "AWS::IAM::Role")[role_id]
    actions = {
        action
        for policy in role["Policies"]
        for statement in policy["PolicyDocument"]["Statement"]
        for action in statement["Action"]
    }
    assert actions == {"logs:CreateLogStream", "logs:PutLogEvents"}


def _variables_config_reads() -> set[str]:
    source = (ROOT / "chalicelib" / "config.py").read_text()
    return set(re.findall(r"""\.get\(\s*["']([A-Z][A-Z0-9_]+)["']""", source))


def test_functions_get_every_variable_config_reads(
    template: dict[str, Any], sample_template: dict[str, Any]
) -> None:
    read = _variables_config_reads()
    assert {"STAGE", "RESOURCE_PREFIX", "DOCUMENTS_BUCKET", "SEAL_KEY_ID"} <= read
    required = (read - set(ENVIRONMENT_DEFAULTS_ON_AWS)) | {
        "POWERTOOLS_SERVICE_NAME",
        "POWERTOOLS_METRICS_NAMESPACE",
    }
    assert inv.environment_problems(template, required) == []
    assert inv.environment_problems(sample_template, required) == []
    variables = inv.functions(template)["APIHandler"]["Environment"]["Variables"]
    assert variables["RESOURCE_PREFIX"] == "portal-prod-"
    assert variables["STAGE"] == "prod"


def test_the_site_origin_replaces_the_packaging_marker(
    template: dict[str, Any], sample_template: dict[str, Any]
) -> None:
    for each in (template, sample_template):
        text = json.dumps(each)
        assert SITE_ORIGIN_MARKER not in text
        assert "127.0.0.1" not in text


def test_the_site_gets_a_config_js_with_the_api_url(synthesized: dict[str, Path]) -> None:
    outdir = synthesized["app"].parent
    modules = [path.read_text() for path in outdir.glob("asset.*/config.js")]
    assert len(modules) == 1
    assert modules[0].startswith("export default Object.freeze(")
    assert '"apiUrl": "<<marker:' in modules[0]
    deployment = next(
        iter(
            inv.resources(
                json.loads(synthesized["app"].read_text()), "Custom::CDKBucketDeployment"
            ).values()
        )
    )
    assert "execute-api" in json.dumps(deployment["SourceMarkers"])


def test_the_site_is_uploaded_built_through_the_page_layout(synthesized: dict[str, Path]) -> None:
    site_root = Path(__file__).resolve().parents[2] / "static_site"
    outdir = synthesized["app"].parent
    [asset] = [path.parent for path in outdir.glob("asset.*/favicon.svg")]
    pages = sorted(str(path.relative_to(site_root)) for path in site_root.rglob("*.html"))
    built = sorted(str(path.relative_to(asset)) for path in asset.rglob("*.html"))
    assert built == pages
    for name in pages:
        page = (asset / name).read_text(encoding="utf-8")
        assert page.startswith("<!doctype html>"), name
        assert '<script type="module" src="/js/layout.js"></script>' in page, name
        assert "<page" not in page, name
    assert (asset / "js" / "layout.js").read_bytes() == (site_root / "js/layout.js").read_bytes()


# Logical IDs of resources that hold state or identity on a deployed stack. CloudFormation
# replaces a resource whose logical ID changes (a nested construct, a renamed id): a new empty
# table, bucket or user pool, and new keys, secrets and queue URLs. Remove an entry only with
# the resource itself.
DEPLOYED_LOGICAL_IDS: dict[str, str] = {
    "DataKey17AFBB84": "AWS::KMS::Key",
    "SealKey94782D95": "AWS::KMS::Key",
    "TableAccounts5F846290": "AWS::DynamoDB::Table",
    "TablePolicies150D2D76": "AWS::DynamoDB::Table",
    "TableClaims7FDF30BC": "AWS::DynamoDB::Table",
    "TableDocumentsBA6DB502": "AWS::DynamoDB::Table",
    "TableCounters179720A7": "AWS::DynamoDB::Table",
    "TableCareOrders6F0E9943": "AWS::DynamoDB::Table",
    "TableInvoices9F08D07F": "AWS::DynamoDB::Table",
    "TablePaymentReferences48E9AB70": "AWS::DynamoDB::Table",
    "TableMemberships2C1D2061": "AWS::DynamoDB::Table",
    "TableTransactions1D3A5C21": "AWS::DynamoDB::Table",
    "TableSettlements22D61706": "AWS::DynamoDB::Table",
    "TableAgendas7F8318BE": "AWS::DynamoDB::Table",
    "TablePrescriptionsCDB8B0A1": "AWS::DynamoDB::Table",
    "TableEmailOutbox3FB8173A": "AWS::DynamoDB::Table",
    "TableAudit877C0E79": "AWS::DynamoDB::Table",
    "TableAffiliates769A5258": "AWS::DynamoDB::Table",
    "TableDataRequestsC80D1EB9": "AWS::DynamoDB::Table",
    "QueueDocumentUploadedDlq54E488ED": "AWS::SQS::Queue",
    "QueueDocumentUploaded3B9B2CF7": "AWS::SQS::Queue",
    "QueueSettlementTasksDlqC3531841": "AWS::SQS::Queue",
    "QueueSettlementTasks181A6D42": "AWS::SQS::Queue",
    "QueueEmailOutboxDlqC1C0B1AE": "AWS::SQS::Queue",
    "QueueEmailOutbox434102C1": "AWS::SQS::Queue",
    "QueueAccountRequestsDlq758BDA07": "AWS::SQS::Queue",
    "QueueAccountRequests73C99A9C": "AWS::SQS::Queue",
    "QueueDataRequestsDlq05241D2D": "AWS::SQS::Queue",
    "QueueDataRequests9960B2D0": "AWS::SQS::Queue",
    "BucketDocumentsE0A2A2EC": "AWS::S3::Bucket",
    "UserPool6BA7E5F2": "AWS::Cognito::UserPool",
    "UserPoolApiClient5E25D46A": "AWS::Cognito::UserPoolClient",
    "CursorSecretABAE1358": "AWS::SecretsManager::Secret",
    "PaymentsWebhookSecret84EF8C08": "AWS::SecretsManager::Secret",
}


def test_deployed_resources_keep_their_logical_ids(template: dict[str, Any]) -> None:
    types = {name: resource["Type"] for name, resource in template["Resources"].items()}
    missing = {name: kind for name, kind in DEPLOYED_LOGICAL_IDS.items() if types.get(name) != kind}
    assert missing == {}, "these would be replaced (new, empty) on the next deployment"
