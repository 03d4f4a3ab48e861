"""Create every resource of `infrastructure/definition.py` in an AWS endpoint (moto).

Used by the local stack and by the test fixtures. Returns the environment variables the app
needs to find what was created (ids that moto makes up: user pool, client, keys).
"""

from __future__ import annotations

import json
from typing import Any

from infrastructure import definition as d


def bootstrap(
    session: Any,
    *,
    prefix: str,
    region: str,
    site_origin: str,
    parameters: d.Parameters = d.LOCAL,
    endpoint_url: str | None = None,
) -> dict[str, str]:
    """Create tables, queues, buckets, the user pool, the SES identity and the KMS keys."""

    def client(name: str) -> Any:
        return session.client(name, region_name=region, endpoint_url=endpoint_url)

    _tables(client("dynamodb"), prefix)
    queue_arns = _queues(client("sqs"), prefix, parameters)
    buckets = _buckets(client("s3"), prefix, region, site_origin, queue_arns)
    pool_id, client_id = _user_pool(client("cognito-idp"), prefix)
    _email_identity(client("ses"))
    data_key, seal_key = _keys(client("kms"), prefix)
    return {
        "DOCUMENTS_BUCKET": buckets["documents"],
        "USER_POOL_ID": pool_id,
        "USER_POOL_CLIENT_ID": client_id,
        "DATA_KEY_ID": data_key,
        "SEAL_KEY_ID": seal_key,
    }


def _tables(dynamodb: Any, prefix: str) -> None:
    for table in d.TABLES:
        keys = [{"AttributeName": table.partition_key, "KeyType": "HASH"}]
        if table.sort_key:
            keys.append({"AttributeName": table.sort_key, "KeyType": "RANGE"})
        request: dict[str, Any] = {
            "TableName": prefix + table.name,
            "KeySchema": keys,
            "AttributeDefinitions": [
                {"AttributeName": name, "AttributeType": "S"} for name in table.key_attributes
            ],
            "BillingMode": "PAY_PER_REQUEST",
        }
        if table.indexes:
            request["GlobalSecondaryIndexes"] = [
                {
                    "IndexName": index.name,
                    "KeySchema": [{"AttributeName": index.partition_key, "KeyType": "HASH"}]
                    + (
                        [{"AttributeName": index.sort_key, "KeyType": "RANGE"}]
                        if index.sort_key
                        else []
                    ),
                    "Projection": {"ProjectionType": "ALL"},
                }
                for index in table.indexes
            ]
        dynamodb.create_table(**request)
        if table.ttl_attribute:
            dynamodb.update_time_to_live(
                TableName=prefix + table.name,
                TimeToLiveSpecification={"Enabled": True, "AttributeName": table.ttl_attribute},
            )


def _queues(sqs: Any, prefix: str, parameters: d.Parameters) -> dict[str, str]:
    arns: dict[str, str] = {}
    for queue in d.QUEUES:
        dlq_url = sqs.create_queue(
            QueueName=prefix + queue.dead_letter_name,
            Attributes={"MessageRetentionPeriod": str(parameters.message_retention_seconds)},
        )["QueueUrl"]
        dlq_arn = sqs.get_queue_attributes(QueueUrl=dlq_url, AttributeNames=["QueueArn"])[
            "Attributes"
        ]["QueueArn"]
        url = sqs.create_queue(
            QueueName=prefix + queue.name,
            Attributes={
                "VisibilityTimeout": str(parameters.visibility_timeout(queue)),
                "MessageRetentionPeriod": str(parameters.message_retention_seconds),
                "RedrivePolicy": json.dumps(
                    {
                        "deadLetterTargetArn": dlq_arn,
                        "maxReceiveCount": parameters.max_receive_count,
                    }
                ),
            },
        )["QueueUrl"]
        arns[queue.name] = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn"])[
            "Attributes"
        ]["QueueArn"]
    return arns


def _buckets(
    s3: Any, prefix: str, region: str, site_origin: str, queue_arns: dict[str, str]
) -> dict[str, str]:
    names: dict[str, str] = {}
    for bucket in d.BUCKETS:
        name = prefix + bucket.name
        if region == "us-east-1":
            s3.create_bucket(Bucket=name)
        else:
            s3.create_bucket(Bucket=name, CreateBucketConfiguration={"LocationConstraint": region})
        s3.put_bucket_versioning(Bucket=name, VersioningConfiguration={"Status": "Enabled"})
        s3.put_public_access_block(
            Bucket=name,
            PublicAccessBlockConfiguration={
                "BlockPublicAcls": True,
                "IgnorePublicAcls": True,
                "BlockPublicPolicy": True,
                "RestrictPublicBuckets": True,
            },
        )
        if bucket.browser_upload:
            s3.put_bucket_cors(
                Bucket=name,
                CORSConfiguration={
                    "CORSRules": [
                        {
                            "AllowedOrigins": [site_origin],
                            "AllowedMethods": ["POST"],
                            "AllowedHeaders": ["*"],
                            "MaxAgeSeconds": 600,
                        }
                    ]
                },
            )
        if bucket.notify_queue:
            s3.put_bucket_notification_configuration(
                Bucket=name,
                NotificationConfiguration={
                    "QueueConfigurations": [
                        {
                            "QueueArn": queue_arns[bucket.notify_queue],
                            "Events": ["s3:ObjectCreated:*"],
                            "Filter": {
                                "Key": {
                                    "FilterRules": [
                                        {"Name": "prefix", "Value": bucket.notify_prefix or ""}
                                    ]
                                }
                            },
                        }
                    ]
                },
            )
        names[bucket.name] = name
    return names


def _user_pool(cognito: Any, prefix: str) -> tuple[str, str]:
    pool_id: str = cognito.create_user_pool(
        PoolName=prefix + d.USER_POOL_NAME,
        Policies={
            "PasswordPolicy": {
                "MinimumLength": d.PASSWORD_MIN_LENGTH,
                "RequireUppercase": False,
                "RequireLowercase": False,
                "RequireNumbers": False,
                "RequireSymbols": False,
            }
        },
        # The username is the account id; people log in with an email, NSS or RUT that the
        # accounts context resolves to it.
        Schema=[
            {"Name": name, "AttributeDataType": "String", "Mutable": True}
            for name in d.USER_POOL_CUSTOM_ATTRIBUTES
        ],
    )["UserPool"]["Id"]
    client_id: str = cognito.create_user_pool_client(
        UserPoolId=pool_id, **_app_client_request(d.USER_POOL_CLIENT)
    )["UserPoolClient"]["ClientId"]
    for role in d.ROLES:
        cognito.create_group(UserPoolId=pool_id, GroupName=role)
    return pool_id, client_id


def _app_client_request(spec: d.AppClient) -> dict[str, Any]:
    """CreateUserPoolClient's arguments for the definition's app client, as the stack makes it.

    moto ignores the flows and the write attributes, but the client is made the same.
    """
    return {
        "ClientName": spec.name,
        "GenerateSecret": spec.generate_secret,
        "ExplicitAuthFlows": list(spec.auth_flows),
        "ReadAttributes": list(spec.read_attributes),
        "WriteAttributes": list(spec.write_attributes),
        "IdTokenValidity": spec.id_token_minutes,
        "AccessTokenValidity": spec.access_token_minutes,
        "RefreshTokenValidity": spec.refresh_token_days,
        "TokenValidityUnits": {
            "IdToken": "minutes",
            "AccessToken": "minutes",
            "RefreshToken": "days",
        },
        "PreventUserExistenceErrors": "ENABLED" if spec.prevent_user_existence_errors else "LEGACY",
        "EnableTokenRevocation": spec.enable_token_revocation,
        "AllowedOAuthFlowsUserPoolClient": False,
    }


def _email_identity(ses: Any) -> None:
    ses.verify_domain_identity(Domain=d.MAIL_DOMAIN)


def _keys(kms: Any, prefix: str) -> tuple[str, str]:
    data_key: str = kms.create_key(Description="Portal Médico data key")["KeyMetadata"]["KeyId"]
    kms.create_alias(AliasName=f"alias/{prefix}{d.DATA_KEY_ALIAS}", TargetKeyId=data_key)
    seal_key: str = kms.create_key(
        Description="Portal Médico seals",
        KeyUsage="SIGN_VERIFY",
        KeySpec=d.SEAL_KEY_SPEC,
    )["KeyMetadata"]["KeyId"]
    kms.create_alias(AliasName=f"alias/{prefix}{d.SEAL_KEY_ALIAS}", TargetKeyId=seal_key)
    return data_key, seal_key
