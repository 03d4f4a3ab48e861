"""Each invariant check fails when the invariant it guards is broken in a template."""

from __future__ import annotations

import copy
import json
from collections.abc import Callable
from typing import Any

import pytest
from aws_cdk.assertions import Match
from aws_cdk.assertions import Template as CdkTemplate

from infrastructure import definition as d
from tests.infrastructure import invariants as inv

Mutation = Callable[[dict[str, Any]], None]


def _one(
    template: dict[str, Any], kind: str, where: Callable[[str, dict[str, Any]], bool]
) -> dict[str, Any]:
    found = [
        props for logical, props in inv.resources(template, kind).items() if where(logical, props)
    ]
    assert found, f"nothing to break: no {kind} matches"
    return found[0]


def _queue(name: str) -> Callable[[dict[str, Any]], dict[str, Any]]:
    return lambda t: _one(
        t, "AWS::SQS::Queue", lambda _l, p: str(p.get("QueueName", "")).endswith(name)
    )


def _documents(template: dict[str, Any]) -> dict[str, Any]:
    return _one(
        template, "AWS::S3::Bucket", lambda logical, _p: logical.startswith("BucketDocuments")
    )


def _function_role(template: dict[str, Any], function: str) -> dict[str, Any]:
    role_id = inv.referenced_id(inv.functions(template)[function]["Role"])
    return inv.resources(template, "AWS::IAM::Role")[str(role_id)]


def _first_sqs_event(template: dict[str, Any]) -> dict[str, Any]:
    _function, _event, props = inv.sqs_events(template)[0]
    return props


def _table(name: str) -> Callable[[dict[str, Any]], dict[str, Any]]:
    return lambda t: _one(
        t, "AWS::DynamoDB::Table", lambda _l, p: p.get("TableName") == f"portal-prod-{name}"
    )


def _add_statement(document: dict[str, Any], statement: dict[str, Any]) -> None:
    document["Statement"].append(statement)


def _csp(template: dict[str, Any]) -> dict[str, Any]:
    policy = _one(template, "AWS::CloudFront::ResponseHeadersPolicy", lambda _l, _p: True)
    security: dict[str, Any] = policy["ResponseHeadersPolicyConfig"]["SecurityHeadersConfig"]
    return security


def _gateway_responses(template: dict[str, Any]) -> dict[str, Any]:
    api = _one(template, "AWS::Serverless::Api", lambda _l, _p: True)
    responses: dict[str, Any] = api["DefinitionBody"]["x-amazon-apigateway-gateway-responses"]
    return responses


def _remove_dlq_alarms(template: dict[str, Any]) -> None:
    for logical in [
        logical
        for logical, props in inv.resources(template, "AWS::CloudWatch::Alarm").items()
        if props.get("MetricName") == "ApproximateNumberOfMessagesVisible"
    ][:1]:
        del template["Resources"][logical]


def _rate_rule_without_login(template: dict[str, Any]) -> None:
    acl = _one(template, "AWS::WAFv2::WebACL", lambda _l, _p: True)
    statements = acl["Rules"][0]["Statement"]["RateBasedStatement"]["ScopeDownStatement"]
    statements["OrStatement"]["Statements"] = [
        s for s in statements["OrStatement"]["Statements"] if "login" not in json.dumps(s)
    ]


def _stop_recording_bounces(template: dict[str, Any]) -> None:
    for destination in inv.resources(
        template, "AWS::SES::ConfigurationSetEventDestination"
    ).values():
        spec = destination["EventDestination"]
        spec["MatchingEventTypes"] = [e for e in spec["MatchingEventTypes"] if e != "bounce"]


def _client(template: dict[str, Any]) -> dict[str, Any]:
    return _one(template, "AWS::Cognito::UserPoolClient", lambda _l, _p: True)


def _add_public_client(template: dict[str, Any]) -> None:
    logical, resource = next(
        (logical, resource)
        for logical, resource in template["Resources"].items()
        if resource["Type"] == "AWS::Cognito::UserPoolClient"
    )
    public = copy.deepcopy(resource)
    public["Properties"].update(GenerateSecret=False, ClientName="web")
    template["Resources"][f"{logical}Public"] = public


def _api_without_describe_client(template: dict[str, Any]) -> None:
    for policy in _function_role(template, "APIHandler")["Policies"]:
        for statement in policy["PolicyDocument"]["Statement"]:
            actions = statement["Action"]
            if isinstance(actions, list):
                statement["Action"] = [
                    action for action in actions if action != "cognito-idp:DescribeUserPoolClient"
                ]


def _authorizer(template: dict[str, Any]) -> dict[str, Any]:
    api = _one(template, "AWS::Serverless::Api", lambda _l, _p: True)
    found: dict[str, Any] = next(
        spec["x-amazon-apigateway-authorizer"]
        for spec in api["DefinitionBody"]["securityDefinitions"].values()
        if "x-amazon-apigateway-authorizer" in spec
    )
    return found


# (what is broken, the template to break, how, the check that must notice)
BREAKAGES: list[tuple[str, str, Mutation, Callable[[dict[str, Any]], list[str]]]] = [
    (
        "queue-without-dlq",
        "app",
        lambda t: _queue("document-uploaded")(t).pop("RedrivePolicy"),
        inv.queue_problems,
    ),
    (
        "dlq-after-10-receives",
        "app",
        lambda t: _queue("settlement-tasks")(t)["RedrivePolicy"].update(maxReceiveCount=10),
        inv.queue_problems,
    ),
    (
        "visibility-below-6x-timeout",
        "sample",
        lambda t: _queue("document-uploaded")(t).update(VisibilityTimeout=60),
        inv.queue_problems,
    ),
    (
        "missing-report-batch-item-failures",
        "sample",
        lambda t: _first_sqs_event(t).pop("FunctionResponseTypes"),
        inv.sqs_mapping_problems,
    ),
    (
        "consumer-reading-a-queue-of-another-stack",
        "sample",
        lambda t: _first_sqs_event(t).update(Queue="arn:aws:sqs:us-east-1:123456789012:other"),
        inv.sqs_mapping_problems,
    ),
    (
        "public-bucket",
        "app",
        lambda t: _documents(t)["PublicAccessBlockConfiguration"].update(BlockPublicPolicy=False),
        inv.bucket_problems,
    ),
    (
        "bucket-policy-for-everyone",
        "app",
        lambda t: _add_statement(
            _one(t, "AWS::S3::BucketPolicy", lambda _l, _p: True)["PolicyDocument"],
            {"Effect": "Allow", "Principal": "*", "Action": "s3:GetObject", "Resource": "*"},
        ),
        inv.bucket_problems,
    ),
    (
        "s3-star-on-the-api",
        "app",
        lambda t: _add_statement(
            _function_role(t, "APIHandler")["Policies"][0]["PolicyDocument"],
            {"Effect": "Allow", "Action": "s3:*", "Resource": "*"},
        ),
        inv.wildcard_action_problems,
    ),
    (
        "dynamodb-star-anywhere",
        "app",
        lambda t: _add_statement(
            _one(t, "AWS::IAM::Policy", lambda _l, _p: True)["PolicyDocument"],
            {"Effect": "Allow", "Action": ["dynamodb:*"], "Resource": "*"},
        ),
        inv.wildcard_action_problems,
    ),
    (
        "kms-star-on-a-consumer",
        "sample",
        lambda t: _add_statement(
            _function_role(t, "ValidateDocument")["Policies"][0]["PolicyDocument"],
            {"Effect": "Allow", "Action": "kms:*", "Resource": "*"},
        ),
        inv.wildcard_action_problems,
    ),
    (
        "scan-for-a-function",
        "app",
        lambda t: _add_statement(
            _function_role(t, "APIHandler")["Policies"][0]["PolicyDocument"],
            {"Effect": "Allow", "Action": ["dynamodb:Scan"], "Resource": "arn:aws:dynamodb:x"},
        ),
        inv.function_role_problems,
    ),
    (
        "table-without-pitr",
        "app",
        lambda t: _table("claims")(t).pop("PointInTimeRecoverySpecification"),
        inv.table_problems,
    ),
    (
        "table-without-its-gsi",
        "app",
        lambda t: _table("claims")(t)["GlobalSecondaryIndexes"].pop(),
        inv.table_problems,
    ),
    (
        "table-without-ttl",
        "app",
        lambda t: _table("accounts")(t).pop("TimeToLiveSpecification"),
        inv.table_problems,
    ),
    (
        "table-with-aws-owned-key",
        "app",
        lambda t: _table("audit")(t).pop("SSESpecification"),
        inv.table_problems,
    ),
    (
        "documents-cors-for-any-origin",
        "app",
        lambda t: _documents(t)["CorsConfiguration"]["CorsRules"][0].update(AllowedOrigins=["*"]),
        inv.documents_bucket_problems,
    ),
    (
        "documents-keeps-old-versions-forever",
        "app",
        lambda t: _documents(t)["LifecycleConfiguration"].update(Rules=[]),
        inv.documents_bucket_problems,
    ),
    (
        "abandoned-uploads-rule-on-every-upload",
        "app",
        lambda t: [
            rule.pop("TagFilters", None)
            for rule in _documents(t)["LifecycleConfiguration"]["Rules"]
        ],
        inv.documents_bucket_problems,
    ),
    (
        "documents-unversioned",
        "app",
        lambda t: _documents(t).pop("VersioningConfiguration"),
        inv.documents_bucket_problems,
    ),
    (
        "password-composition-rules",
        "app",
        lambda t: _one(t, "AWS::Cognito::UserPool", lambda _l, _p: True)["Policies"][
            "PasswordPolicy"
        ].update(RequireSymbols=True),
        inv.identity_problems,
    ),
    (
        "user-existence-revealed",
        "app",
        lambda t: _client(t).update(PreventUserExistenceErrors="LEGACY"),
        inv.app_client_problems,
    ),
    (
        "app-client-without-secret",
        "app",
        lambda t: _client(t).update(GenerateSecret=False),
        inv.app_client_problems,
    ),
    (
        "second-app-client-for-the-browser",
        "app",
        _add_public_client,
        inv.app_client_problems,
    ),
    (
        "app-client-allows-user-password-auth",
        "app",
        lambda t: _client(t)["ExplicitAuthFlows"].append("ALLOW_USER_PASSWORD_AUTH"),
        inv.app_client_problems,
    ),
    (
        "app-client-allows-srp",
        "app",
        lambda t: _client(t)["ExplicitAuthFlows"].append("ALLOW_USER_SRP_AUTH"),
        inv.app_client_problems,
    ),
    (
        "app-client-allows-oauth-grants",
        "app",
        lambda t: _client(t).update(
            AllowedOAuthFlowsUserPoolClient=True, AllowedOAuthFlows=["implicit"]
        ),
        inv.app_client_problems,
    ),
    (
        "app-client-reads-custom-attributes",
        "app",
        lambda t: _client(t)["ReadAttributes"].append("custom:insurers"),
        inv.app_client_problems,
    ),
    (
        "app-client-writes-custom-attributes",
        "app",
        lambda t: _client(t)["WriteAttributes"].append("custom:insurers"),
        inv.app_client_problems,
    ),
    (
        "app-client-write-attributes-left-out",
        "app",
        lambda t: _client(t).pop("WriteAttributes"),
        inv.app_client_problems,
    ),
    (
        "app-client-write-attributes-empty",
        "app",
        lambda t: _client(t).update(WriteAttributes=[]),
        inv.app_client_problems,
    ),
    (
        "access-token-valid-for-a-day",
        "app",
        lambda t: _client(t).update(AccessTokenValidity=1440),
        inv.app_client_problems,
    ),
    (
        "refresh-token-valid-for-a-year",
        "app",
        lambda t: _client(t).update(RefreshTokenValidity=365 * 24 * 60),
        inv.app_client_problems,
    ),
    (
        "refresh-tokens-not-revocable",
        "app",
        lambda t: _client(t).update(EnableTokenRevocation=False),
        inv.app_client_problems,
    ),
    (
        "api-cannot-read-the-client-secret",
        "app",
        _api_without_describe_client,
        inv.user_pool_access_problems,
    ),
    (
        "authorizer-cached-five-minutes",
        "sample",
        lambda t: _authorizer(t).update(authorizerResultTtlInSeconds=300),
        inv.authorizer_cache_problems,
    ),
    (
        "authorizer-cache-left-to-api-gateway",
        "sample",
        lambda t: _authorizer(t).pop("authorizerResultTtlInSeconds"),
        inv.authorizer_cache_problems,
    ),
    (
        "seal-key-of-another-spec",
        "app",
        lambda t: _one(t, "AWS::KMS::Key", lambda _l, p: p.get("KeyUsage") == "SIGN_VERIFY").update(
            KeySpec="RSA_2048"
        ),
        inv.key_problems,
    ),
    ("bounces-not-recorded", "app", _stop_recording_bounces, inv.email_problems),
    (
        "csp-with-unsafe-inline",
        "app",
        lambda t: _csp(t)["ContentSecurityPolicy"].update(
            ContentSecurityPolicy="default-src 'self'; script-src 'self' 'unsafe-inline';"
        ),
        inv.site_problems,
    ),
    (
        "logos-refused-as-images",
        "app",
        lambda t: _csp(t)["ContentSecurityPolicy"].update(
            ContentSecurityPolicy="default-src 'self'; script-src 'self'; img-src 'self' data:; "
            "frame-ancestors 'none'"
        ),
        inv.site_problems,
    ),
    (
        "no-hsts",
        "app",
        lambda t: _csp(t).pop("StrictTransportSecurity"),
        inv.site_problems,
    ),
    (
        "referrer-policy-unsafe-url",
        "app",
        lambda t: _csp(t)["ReferrerPolicy"].update(ReferrerPolicy="unsafe-url"),
        inv.site_problems,
    ),
    (
        "site-may-be-framed",
        "app",
        lambda t: _csp(t).pop("FrameOptions"),
        inv.site_problems,
    ),
    (
        "gateway-401-in-another-shape",
        "app",
        lambda t: _gateway_responses(t)["UNAUTHORIZED"].update(
            responseTemplates={"application/json": '{"message": "Unauthorized"}'}
        ),
        inv.gateway_response_problems,
    ),
    (
        "gateway-answer-may-be-cached",
        "app",
        lambda t: _gateway_responses(t)["DEFAULT_4XX"]["responseParameters"].pop(
            "gatewayresponse.header.Cache-Control"
        ),
        inv.gateway_response_problems,
    ),
    (
        "gateway-answer-may-be-sniffed",
        "sample",
        lambda t: _gateway_responses(t)["ACCESS_DENIED"]["responseParameters"].update(
            {"gatewayresponse.header.X-Content-Type-Options": "'sniff'"}
        ),
        inv.gateway_response_problems,
    ),
    (
        "gateway-answer-readable-by-any-origin",
        "app",
        lambda t: _gateway_responses(t)["UNAUTHORIZED"]["responseParameters"].update(
            {"gatewayresponse.header.Access-Control-Allow-Origin": "'*'"}
        ),
        inv.gateway_response_problems,
    ),
    ("no-rate-limit-on-login", "app", _rate_rule_without_login, inv.waf_problems),
    ("dlq-without-alarm", "app", _remove_dlq_alarms, inv.alarm_problems),
]


@pytest.mark.parametrize(
    ("which", "mutate", "check"),
    [(which, mutate, check) for _name, which, mutate, check in BREAKAGES],
    ids=[name for name, *_ in BREAKAGES],
)
def test_the_check_reports_the_breakage(
    template: dict[str, Any],
    sample_template: dict[str, Any],
    which: str,
    mutate: Mutation,
    check: Callable[[dict[str, Any]], list[str]],
) -> None:
    original = template if which == "app" else sample_template
    assert check(original) == []
    broken = copy.deepcopy(original)
    mutate(broken)
    assert check(broken) != []


def test_a_missing_environment_variable_is_reported(template: dict[str, Any]) -> None:
    broken = copy.deepcopy(template)
    inv.functions(broken)["APIHandler"]["Environment"]["Variables"].pop("SEAL_KEY_ID")
    assert inv.environment_problems(template, {"SEAL_KEY_ID"}) == []
    assert inv.environment_problems(broken, {"SEAL_KEY_ID"}) == ["APIHandler lacks ['SEAL_KEY_ID']"]


def test_cdk_assertions_fail_on_a_queue_without_dlq(template: dict[str, Any]) -> None:
    broken = copy.deepcopy(template)
    for queue in inv.resources(broken, "AWS::SQS::Queue").values():
        queue.pop("RedrivePolicy", None)
    expected = {
        "QueueName": "portal-prod-document-uploaded",
        "RedrivePolicy": {"maxReceiveCount": 5},
    }
    CdkTemplate.from_json(template).has_resource_properties("AWS::SQS::Queue", expected)
    with pytest.raises(Exception, match="RedrivePolicy"):
        CdkTemplate.from_json(broken).has_resource_properties("AWS::SQS::Queue", expected)


def test_cdk_assertions_fail_on_a_gateway_answer_without_its_headers(
    template: dict[str, Any],
) -> None:
    headers = Match.object_like(
        {
            "gatewayresponse.header.Cache-Control": "'no-store'",
            "gatewayresponse.header.X-Content-Type-Options": "'nosniff'",
            "gatewayresponse.header.Access-Control-Allow-Origin": Match.any_value(),
        }
    )
    expected = {
        "DefinitionBody": Match.object_like(
            {
                "x-amazon-apigateway-gateway-responses": {
                    kind: Match.object_like({"responseParameters": headers})
                    for kind in d.GATEWAY_RESPONSES
                }
            }
        )
    }
    CdkTemplate.from_json(template).has_resource_properties("AWS::Serverless::Api", expected)
    broken = copy.deepcopy(template)
    _gateway_responses(broken)["THROTTLED"]["responseParameters"].pop(
        "gatewayresponse.header.X-Content-Type-Options"
    )
    with pytest.raises(Exception, match="X-Content-Type-Options"):
        CdkTemplate.from_json(broken).has_resource_properties("AWS::Serverless::Api", expected)
