"""The local bootstrap (moto) and the AWS stack build the same tables, queues and buckets."""

from __future__ import annotations

import json
import os
from datetime import timedelta
from typing import Any

import boto3

from chalicelib.accounts.service import SESSION_TTL
from infrastructure import definition as d
from tests.infrastructure import invariants as inv

AWS_PREFIX = "portal-prod-"


def _template_tables(template: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {
        props["TableName"].removeprefix(AWS_PREFIX): inv.table_shape(props)
        for props in inv.resources(template, "AWS::DynamoDB::Table").values()
    }


def _moto_tables(prefix: str) -> dict[str, dict[str, Any]]:
    dynamodb = boto3.client("dynamodb")
    shapes = {}
    for name in dynamodb.list_tables()["TableNames"]:
        described = dynamodb.describe_table(TableName=name)["Table"]
        ttl = dynamodb.describe_time_to_live(TableName=name)["TimeToLiveDescription"]
        if ttl.get("TimeToLiveStatus") == "ENABLED":
            described["TimeToLiveSpecification"] = {
                "Enabled": True,
                "AttributeName": ttl["AttributeName"],
            }
        shapes[name.removeprefix(prefix)] = inv.table_shape(described)
    return shapes


def _template_queues(template: dict[str, Any]) -> dict[str, int | None]:
    """Queue name -> maxReceiveCount (None for a dead-letter queue)."""
    return {
        props["QueueName"].removeprefix(AWS_PREFIX): props.get("RedrivePolicy", {}).get(
            "maxReceiveCount"
        )
        for props in inv.resources(template, "AWS::SQS::Queue").values()
    }


def _moto_queues(prefix: str) -> dict[str, int | None]:
    sqs = boto3.client("sqs")
    queues: dict[str, int | None] = {}
    for url in sqs.list_queues(QueueNamePrefix=prefix).get("QueueUrls", []):
        attributes = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["All"])["Attributes"]
        redrive = json.loads(attributes.get("RedrivePolicy", "{}"))
        queues[url.rsplit("/", 1)[1].removeprefix(prefix)] = redrive.get("maxReceiveCount")
    return queues


def _template_buckets(template: dict[str, Any]) -> dict[str, dict[str, Any]]:
    buckets = inv.resources(template, "AWS::S3::Bucket")
    notifications = inv.resources(template, "Custom::S3BucketNotifications").values()
    queue_names = {
        logical: props["QueueName"].removeprefix(AWS_PREFIX)
        for logical, props in inv.resources(template, "AWS::SQS::Queue").items()
    }
    found = {}
    for bucket in d.BUCKETS:
        logical = next(name for name in buckets if name.startswith(f"Bucket{bucket.name.title()}"))
        props = buckets[logical]
        notify = [
            (
                queue_names[str(inv.referenced_id(config["QueueArn"]))],
                [rule["Value"] for rule in config["Filter"]["Key"]["FilterRules"]],
            )
            for notification in notifications
            if inv.referenced_id(notification["BucketName"]) == logical
            for config in notification["NotificationConfiguration"]["QueueConfigurations"]
        ]
        found[bucket.name] = {
            "versioned": props["VersioningConfiguration"]["Status"] == "Enabled",
            "cors_methods": [
                rule["AllowedMethods"]
                for rule in props.get("CorsConfiguration", {}).get("CorsRules", [])
            ],
            "notify": notify,
            "public_access_blocked": all(props["PublicAccessBlockConfiguration"].values()),
        }
    return found


def _moto_buckets(prefix: str) -> dict[str, dict[str, Any]]:
    s3 = boto3.client("s3")
    found = {}
    for entry in s3.list_buckets()["Buckets"]:
        name = entry["Name"]
        try:
            cors = s3.get_bucket_cors(Bucket=name)["CORSRules"]
        except s3.exceptions.ClientError:
            cors = []
        notifications = s3.get_bucket_notification_configuration(Bucket=name)
        block = s3.get_public_access_block(Bucket=name)["PublicAccessBlockConfiguration"]
        found[name.removeprefix(prefix)] = {
            "versioned": s3.get_bucket_versioning(Bucket=name).get("Status") == "Enabled",
            "cors_methods": [rule["AllowedMethods"] for rule in cors],
            "notify": [
                (
                    config["QueueArn"].rsplit(":", 1)[1].removeprefix(prefix),
                    [rule["Value"] for rule in config["Filter"]["Key"]["FilterRules"]],
                )
                for config in notifications.get("QueueConfigurations", [])
            ],
            "public_access_blocked": all(block.values()),
        }
    return found


def test_the_template_has_the_tables_of_the_definition(template: dict[str, Any]) -> None:
    assert _template_tables(template) == {
        table.name: inv.definition_shape(table) for table in d.TABLES
    }


def test_bootstrap_and_template_define_the_same_tables(
    aws: dict[str, str], template: dict[str, Any]
) -> None:
    assert _moto_tables(os.environ["RESOURCE_PREFIX"]) == _template_tables(template)


def test_bootstrap_and_template_define_the_same_queues(
    aws: dict[str, str], template: dict[str, Any]
) -> None:
    expected = {queue.name for queue in d.QUEUES} | {queue.dead_letter_name for queue in d.QUEUES}
    assert set(_template_queues(template)) == expected
    assert _moto_queues(os.environ["RESOURCE_PREFIX"]) == _template_queues(template)


def test_bootstrap_and_template_define_the_same_buckets(
    aws: dict[str, str], template: dict[str, Any]
) -> None:
    assert _moto_buckets(os.environ["RESOURCE_PREFIX"]) == _template_buckets(template)


def _template_client(template: dict[str, Any]) -> dict[str, Any]:
    (props,) = inv.resources(template, "AWS::Cognito::UserPoolClient").values()
    return inv.app_client_shape(props)


def _moto_client(aws: dict[str, str]) -> dict[str, Any]:
    described = boto3.client("cognito-idp").describe_user_pool_client(
        UserPoolId=aws["USER_POOL_ID"], ClientId=aws["USER_POOL_CLIENT_ID"]
    )["UserPoolClient"]
    return inv.app_client_shape(described)


def test_the_template_has_the_app_client_of_the_definition(template: dict[str, Any]) -> None:
    assert _template_client(template) == inv.definition_client_shape()


def test_bootstrap_and_template_define_the_same_app_client(
    aws: dict[str, str], template: dict[str, Any]
) -> None:
    """Name, secret, flows, read and write attributes, token validity, revocation."""
    assert _moto_client(aws) == _template_client(template)


def test_a_session_lasts_as_long_as_the_app_clients_refresh_token() -> None:
    assert d.USER_POOL_CLIENT.refresh_token_days == SESSION_TTL.days
    assert timedelta(days=d.USER_POOL_CLIENT.refresh_token_days) == SESSION_TTL
