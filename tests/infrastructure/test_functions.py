"""The real app's Lambda functions and what starts each one, pinned.

Chalice names a function after its handler (`app.<name>`): a handler renamed, moved to a
blueprint's module or registered with a name prefix becomes another function on AWS (its
role, log group and alarms with it) and stops matching the local event pump. So the exact
set of functions, their handlers and their triggers (queues, schedules, the authorizer) is
written out here, and any change to it fails.
"""

from __future__ import annotations

from typing import Any

from aws_cdk.assertions import Match
from aws_cdk.assertions import Template as CdkTemplate

from tests.infrastructure import invariants as inv

PREFIX = "portal-medico-prod-"

# logical id → handler; every function is named PREFIX + the handler's name.
FUNCTIONS = {
    "APIHandler": "app.app",
    "Cognito": "app.cognito",
    "HandleAccountRequest": "app.handle_account_request",
    "SendEmail": "app.send_email",
    "ResendPendingEmails": "app.resend_pending_emails",
    "ValidateDocument": "app.validate_document",
    "ExpirePaymentReferences": "app.expire_payment_references",
    "RemindMembershipsDue": "app.remind_memberships_due",
    "WeeklySettlement": "app.weekly_settlement",
    "SettleProvider": "app.settle_provider",
    "BuildDataExport": "app.build_data_export",
    "RunDataRequests": "app.run_data_requests",
    "RunImport": "app.run_import",
    "CheckSatStatus": "app.check_sat_status",
}

# function → (queue name, batch size)
QUEUE_CONSUMERS = {
    "HandleAccountRequest": ("account-requests", 10),
    "SendEmail": ("email-outbox", 10),
    "ValidateDocument": ("document-uploaded", 5),
    "SettleProvider": ("settlement-tasks", 1),
    "BuildDataExport": ("data-requests", 1),
    "RunImport": ("imports", 1),
    "CheckSatStatus": ("sat-status", 1),
}

# function → schedule expression (UTC)
SCHEDULED = {
    "ResendPendingEmails": "rate(5 minutes)",
    "ExpirePaymentReferences": "rate(1 hour)",
    "RemindMembershipsDue": "cron(0 15 * * ? *)",
    "WeeklySettlement": "cron(0 12 ? * WED *)",
    "RunDataRequests": "rate(1 hour)",
}


def _function_name(handler: str) -> str:
    return PREFIX + ("api_handler" if handler == "app.app" else handler.removeprefix("app."))


def test_the_app_has_exactly_these_functions(template: dict[str, Any]) -> None:
    found = {
        logical: (props["FunctionName"], props["Handler"])
        for logical, props in inv.functions(template).items()
    }
    assert found == {
        logical: (_function_name(handler), handler) for logical, handler in FUNCTIONS.items()
    }


def test_each_function_has_exactly_its_trigger(template: dict[str, Any]) -> None:
    stack = CdkTemplate.from_json(template)
    for logical, (queue, batch_size) in QUEUE_CONSUMERS.items():
        queue_id = inv._queue_id(template, queue)
        assert queue_id is not None, queue
        stack.has_resource_properties(
            "AWS::Serverless::Function",
            {
                "FunctionName": _function_name(FUNCTIONS[logical]),
                "Events": {
                    f"{logical}SqsEventSource": {
                        "Type": "SQS",
                        "Properties": Match.object_like(
                            {
                                "Queue": {"Fn::GetAtt": [queue_id, "Arn"]},
                                "BatchSize": batch_size,
                                "FunctionResponseTypes": ["ReportBatchItemFailures"],
                            }
                        ),
                    }
                },
            },
        )
    for logical, expression in SCHEDULED.items():
        stack.has_resource_properties(
            "AWS::Serverless::Function",
            {
                "FunctionName": _function_name(FUNCTIONS[logical]),
                "Events": {
                    f"{logical}Event": {
                        "Type": "Schedule",
                        "Properties": Match.object_like({"Schedule": expression}),
                    }
                },
            },
        )
    # The API function and the authorizer are invoked by API Gateway, by nothing else.
    triggered = {
        logical for logical, props in inv.functions(template).items() if props.get("Events")
    }
    assert triggered == set(QUEUE_CONSUMERS) | set(SCHEDULED)
    assert set(FUNCTIONS) - triggered == {"APIHandler", "Cognito"}
    stack.resource_count_is("AWS::Events::Rule", 0)


def test_the_api_is_guarded_by_the_cognito_function(template: dict[str, Any]) -> None:
    (api,) = inv.resources(template, "AWS::Serverless::Api").values()
    definitions = api["DefinitionBody"]["securityDefinitions"]
    assert set(definitions) == {"cognito"}
    authorizer = definitions["cognito"]["x-amazon-apigateway-authorizer"]
    assert authorizer["type"] == "token"
    assert "${Cognito.Arn}" in authorizer["authorizerUri"]["Fn::Sub"]
    assert authorizer["authorizerResultTtlInSeconds"] == 30
    protected = {
        (path, method)
        for path, operations in api["DefinitionBody"]["paths"].items()
        for method, operation in operations.items()
        if operation.get("security") == [{"cognito": []}]
    }
    assert protected, "no route uses the authorizer"
