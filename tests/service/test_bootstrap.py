"""The local bootstrap creates what the one resource definition says, on moto in-process."""

from __future__ import annotations

import json
import time
from typing import Any
from urllib.parse import unquote_plus

import boto3

from infrastructure import definition as d

PREFIX = "portal-test-"


def test_every_table_has_the_definition_keys_indexes_and_ttl(aws: dict[str, Any]) -> None:
    dynamodb = boto3.client("dynamodb")
    for table in d.TABLES:
        description = dynamodb.describe_table(TableName=PREFIX + table.name)["Table"]
        keys = {k["KeyType"]: k["AttributeName"] for k in description["KeySchema"]}
        assert keys["HASH"] == table.partition_key
        assert keys.get("RANGE") == table.sort_key
        assert description["BillingModeSummary"]["BillingMode"] == "PAY_PER_REQUEST"
        indexes = {i["IndexName"] for i in description.get("GlobalSecondaryIndexes", [])}
        assert indexes == {i.name for i in table.indexes}
        ttl = dynamodb.describe_time_to_live(TableName=PREFIX + table.name)
        status = ttl["TimeToLiveDescription"]
        if table.ttl_attribute:
            assert status["AttributeName"] == table.ttl_attribute
        else:
            assert status["TimeToLiveStatus"] == "DISABLED"


def test_every_queue_has_a_dlq_with_five_receives(aws: dict[str, Any]) -> None:
    sqs = boto3.client("sqs")
    for queue in d.QUEUES:
        url = sqs.get_queue_url(QueueName=PREFIX + queue.name)["QueueUrl"]
        attributes = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["All"])["Attributes"]
        redrive = json.loads(attributes["RedrivePolicy"])
        assert redrive["maxReceiveCount"] == 5
        assert redrive["deadLetterTargetArn"].endswith(PREFIX + queue.dead_letter_name)
        assert int(attributes["VisibilityTimeout"]) == d.LOCAL.visibility_timeout(queue)


def test_uploads_notify_the_queue_and_derived_objects_do_not(aws: dict[str, Any]) -> None:
    s3 = boto3.client("s3")
    sqs = boto3.client("sqs")
    bucket = aws["DOCUMENTS_BUCKET"]
    url = sqs.get_queue_url(QueueName=PREFIX + "document-uploaded")["QueueUrl"]
    s3.put_object(Bucket=bucket, Key="derived/merged.pdf", Body=b"%PDF-1.4")
    s3.put_object(Bucket=bucket, Key="uploads/claim/a b.pdf", Body=b"%PDF-1.4")
    time.sleep(0.1)
    messages = sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10).get("Messages", [])
    # Keys arrive URL-encoded (moto also encodes "/"): unquote_plus restores them.
    keys = [
        unquote_plus(record["s3"]["object"]["key"])
        for message in messages
        for record in json.loads(message["Body"]).get("Records", [])
    ]
    assert keys == ["uploads/claim/a b.pdf"]


def test_documents_bucket_is_private_versioned_and_accepts_posts_from_the_site_only(
    aws: dict[str, Any],
) -> None:
    s3 = boto3.client("s3")
    bucket = aws["DOCUMENTS_BUCKET"]
    block = s3.get_public_access_block(Bucket=bucket)["PublicAccessBlockConfiguration"]
    assert all(block.values())
    assert s3.get_bucket_versioning(Bucket=bucket)["Status"] == "Enabled"
    rules = s3.get_bucket_cors(Bucket=bucket)["CORSRules"]
    assert rules == [
        {
            "AllowedOrigins": ["http://127.0.0.1:8080"],
            "AllowedMethods": ["POST"],
            "AllowedHeaders": ["*"],
            "MaxAgeSeconds": 600,
        }
    ]


def test_user_pool_has_the_explicit_password_policy_groups_and_server_side_client(
    aws: dict[str, Any],
) -> None:
    cognito = boto3.client("cognito-idp")
    pool = cognito.describe_user_pool(UserPoolId=aws["USER_POOL_ID"])["UserPool"]
    policy = pool["Policies"]["PasswordPolicy"]
    assert policy["MinimumLength"] == 8
    assert not any(policy[k] for k in ("RequireUppercase", "RequireNumbers", "RequireSymbols"))
    groups = cognito.list_groups(UserPoolId=aws["USER_POOL_ID"])["Groups"]
    assert {g["GroupName"] for g in groups} == set(d.ROLES)
    client = cognito.describe_user_pool_client(
        UserPoolId=aws["USER_POOL_ID"], ClientId=aws["USER_POOL_CLIENT_ID"]
    )["UserPoolClient"]
    assert client["ClientSecret"]
    assert client["ExplicitAuthFlows"] == [
        "ALLOW_ADMIN_USER_PASSWORD_AUTH",
        "ALLOW_REFRESH_TOKEN_AUTH",
    ]
    assert not any(a.startswith("custom:") for a in client["ReadAttributes"])
    assert client["WriteAttributes"]
    assert not any(a.startswith("custom:") for a in client["WriteAttributes"])
    assert client["PreventUserExistenceErrors"] == "ENABLED"


def test_seal_key_signs_and_verifies(aws: dict[str, Any]) -> None:
    kms = boto3.client("kms")
    signature = kms.sign(
        KeyId=aws["SEAL_KEY_ID"],
        Message=b"incapacidad",
        MessageType="RAW",
        SigningAlgorithm="ECDSA_SHA_256",
    )["Signature"]
    verified = kms.verify(
        KeyId=aws["SEAL_KEY_ID"],
        Message=b"incapacidad",
        MessageType="RAW",
        Signature=signature,
        SigningAlgorithm="ECDSA_SHA_256",
    )
    assert verified["SignatureValid"] is True


def test_mail_domain_is_verified_for_sending(aws: dict[str, Any]) -> None:
    ses = boto3.client("ses")
    ses.send_email(
        Source=f"no-responder@{d.MAIL_DOMAIN}",
        Destination={"ToAddresses": ["persona@example.mx"]},
        Message={"Subject": {"Data": "Prueba"}, "Body": {"Text": {"Data": "Hola"}}},
    )
    assert ses.get_send_quota()["SentLast24Hours"] == 1
