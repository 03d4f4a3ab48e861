"""What stands in front of the API: its CORS origin and gateway responses (API Gateway's
own answers, in the app's error shape) and the WAF rate limit on abuse-prone routes.
"""

from __future__ import annotations

import json
from typing import Any, cast

import aws_cdk as cdk
from aws_cdk import aws_sam as sam
from aws_cdk import aws_wafv2 as wafv2
from chalice.cdk import Chalice

from infrastructure import definition as d

# Chalice bakes the CORS origin of app.py into the API's OPTIONS answers when it packages;
# the site's real origin (CloudFront's domain) exists only at deploy time, so the package is
# built with this marker and the stack swaps it for the real origin.
SITE_ORIGIN_MARKER = "https://site-origin.invalid"

# The routes a WAF rate-based rule protects: log-in, registrations, payment look-up.
# API Gateway's execute-api URLs carry the stage before the path, so the match is on the end
# (or the middle) of the path rather than on its start.
RATE_LIMITED_PATHS: tuple[tuple[str, str], ...] = (
    ("ENDS_WITH", "/v1/auth/login"),
    ("CONTAINS", "/v1/accounts/"),
    ("ENDS_WITH", "/v1/payments/lookup"),
)


def api_url() -> str:
    """The deployed API's base URL (SAM's `RestAPI` and the stage it generates)."""
    return cdk.Fn.sub(
        "https://${RestAPI}.execute-api.${AWS::Region}.${AWS::URLSuffix}/${RestAPI.Stage}"
    )


def wire_api(stack: cdk.Stack, chalice: Chalice, *, site_url: str, rate_limit: int) -> None:
    """The site's origin in the API's CORS answers, gateway responses, the firewall."""
    rest_api = cast(sam.CfnApi, chalice.get_resource("RestAPI"))
    site_origin = f"'{site_url}'"
    body = _replace_strings(rest_api.definition_body, {f"'{SITE_ORIGIN_MARKER}'": site_origin})
    body["x-amazon-apigateway-gateway-responses"] = {
        response_type: {
            "statusCode": str(status),
            "responseParameters": {
                "gatewayresponse.header.Access-Control-Allow-Origin": site_origin,
                "gatewayresponse.header.Content-Type": "'application/json'",
                **{
                    f"gatewayresponse.header.{name}": f"'{value}'"
                    for name, value in d.API_ANSWER_HEADERS.items()
                },
            },
            "responseTemplates": {
                "application/json": json.dumps(
                    {"error": {"code": code, "message": message, "details": []}}
                )
            },
        }
        for response_type, (status, code, message) in d.GATEWAY_RESPONSES.items()
    }
    rest_api.definition_body = body
    _firewall(stack, rate_limit)


def _firewall(stack: cdk.Stack, rate_limit: int) -> None:
    scope_down = wafv2.CfnWebACL.StatementProperty(
        or_statement=wafv2.CfnWebACL.OrStatementProperty(
            statements=[
                wafv2.CfnWebACL.StatementProperty(
                    byte_match_statement=wafv2.CfnWebACL.ByteMatchStatementProperty(
                        field_to_match=wafv2.CfnWebACL.FieldToMatchProperty(uri_path={}),
                        positional_constraint=constraint,
                        search_string=path,
                        text_transformations=[
                            wafv2.CfnWebACL.TextTransformationProperty(priority=0, type="LOWERCASE")
                        ],
                    )
                )
                for constraint, path in RATE_LIMITED_PATHS
            ]
        )
    )
    acl = wafv2.CfnWebACL(
        stack,
        "ApiFirewall",
        scope="REGIONAL",
        default_action=wafv2.CfnWebACL.DefaultActionProperty(allow={}),
        visibility_config=_visibility("portal-api"),
        rules=[
            wafv2.CfnWebACL.RuleProperty(
                name="rate-limit-sensitive-routes",
                priority=0,
                action=wafv2.CfnWebACL.RuleActionProperty(
                    block=wafv2.CfnWebACL.BlockActionProperty(
                        custom_response=wafv2.CfnWebACL.CustomResponseProperty(
                            response_code=429,
                            custom_response_body_key="too_many_attempts",
                        )
                    )
                ),
                statement=wafv2.CfnWebACL.StatementProperty(
                    rate_based_statement=wafv2.CfnWebACL.RateBasedStatementProperty(
                        aggregate_key_type="IP",
                        limit=rate_limit,
                        evaluation_window_sec=300,
                        scope_down_statement=scope_down,
                    )
                ),
                visibility_config=_visibility("rate-limit-sensitive-routes"),
            )
        ],
        custom_response_bodies={
            "too_many_attempts": wafv2.CfnWebACL.CustomResponseBodyProperty(
                content_type="APPLICATION_JSON",
                content=json.dumps(
                    {
                        "error": {
                            "code": "too_many_attempts",
                            "message": d.GATEWAY_RESPONSES["THROTTLED"][2],
                            "details": [],
                        }
                    }
                ),
            )
        },
    )
    # `RestAPI.Stage` is SAM's reference to the stage it generates, so the association
    # waits for the stage to exist.
    stage_arn = cdk.Fn.sub(
        "arn:${AWS::Partition}:apigateway:${AWS::Region}::/restapis/${RestAPI}"
        "/stages/${RestAPI.Stage}"
    )
    wafv2.CfnWebACLAssociation(
        stack, "ApiFirewallAssociation", resource_arn=stage_arn, web_acl_arn=acl.attr_arn
    )


def _visibility(name: str) -> wafv2.CfnWebACL.VisibilityConfigProperty:
    return wafv2.CfnWebACL.VisibilityConfigProperty(
        cloud_watch_metrics_enabled=True, metric_name=name, sampled_requests_enabled=True
    )


def _replace_strings(value: Any, replacements: dict[str, str]) -> Any:
    if isinstance(value, str):
        return replacements.get(value, value)
    if isinstance(value, list):
        return [_replace_strings(item, replacements) for item in value]
    if isinstance(value, dict):
        return {key: _replace_strings(item, replacements) for key, item in value.items()}
    return value
