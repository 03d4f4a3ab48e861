"""Where the data lives: KMS keys, DynamoDB tables, the documents bucket, the app's secrets."""

from __future__ import annotations

from dataclasses import dataclass

import aws_cdk as cdk
from aws_cdk import aws_dynamodb as dynamodb
from aws_cdk import aws_iam as iam
from aws_cdk import aws_kms as kms
from aws_cdk import aws_s3 as s3
from aws_cdk import aws_s3_notifications as s3_notifications
from aws_cdk import aws_secretsmanager as secretsmanager
from aws_cdk import aws_sqs as sqs
from chalice.utils import to_cfn_resource_name

from infrastructure import definition as d
from infrastructure.components.settings import DeploySettings


@dataclass(frozen=True)
class Keys:
    data: kms.Key  # tables, documents, secrets, encrypted fields
    seal: kms.Key  # signs sick-leave certificates
    topic: kms.Key  # alarm and mail-event topics


@dataclass(frozen=True)
class Secrets:
    cursor: secretsmanager.Secret
    payments_webhook: secretsmanager.Secret


def keys(stack: cdk.Stack, settings: DeploySettings) -> Keys:
    prefix = settings.resource_prefix
    data = kms.Key(
        stack,
        "DataKey",
        description="Portal Médico: tables, documents",
        enable_key_rotation=True,
        alias=f"alias/{prefix}{d.DATA_KEY_ALIAS}",
        removal_policy=cdk.RemovalPolicy.RETAIN,
    )
    seal = kms.Key(
        stack,
        "SealKey",
        description="Portal Médico: seals of sick-leave certificates",
        key_spec=kms.KeySpec[d.SEAL_KEY_SPEC],
        key_usage=kms.KeyUsage.SIGN_VERIFY,
        alias=f"alias/{prefix}{d.SEAL_KEY_ALIAS}",
        removal_policy=cdk.RemovalPolicy.RETAIN,
    )
    return Keys(data=data, seal=seal, topic=_topic_key(stack))


def _topic_key(stack: cdk.Stack) -> kms.Key:
    """Key of the alarm and mail-event topics, kept apart from the data key.

    CloudWatch and SES publish to an encrypted topic only if its key lets them; giving
    services the data key would widen who can use the key of the health data.
    """
    key = kms.Key(
        stack,
        "TopicKey",
        description="Portal Médico: alarm and mail-event topics",
        enable_key_rotation=True,
        removal_policy=cdk.RemovalPolicy.DESTROY,
    )
    for service in ("cloudwatch.amazonaws.com", "ses.amazonaws.com"):
        key.add_to_resource_policy(
            iam.PolicyStatement(
                principals=[iam.ServicePrincipal(service)],
                actions=["kms:Decrypt", "kms:GenerateDataKey"],
                resources=["*"],  # in a key policy, "*" means this key
                conditions={"StringEquals": {"aws:SourceAccount": cdk.Aws.ACCOUNT_ID}},
            )
        )
    return key


def tables(
    stack: cdk.Stack, settings: DeploySettings, data_key: kms.Key
) -> dict[str, dynamodb.Table]:
    return {table.name: _table(stack, settings, data_key, table) for table in d.TABLES}


def _table(
    stack: cdk.Stack, settings: DeploySettings, data_key: kms.Key, table: d.Table
) -> dynamodb.Table:
    def key(name: str) -> dynamodb.Attribute:
        return dynamodb.Attribute(name=name, type=dynamodb.AttributeType.STRING)

    resource = dynamodb.Table(
        stack,
        f"Table{to_cfn_resource_name(table.name)}",
        table_name=settings.resource_prefix + table.name,
        partition_key=key(table.partition_key),
        sort_key=key(table.sort_key) if table.sort_key else None,
        billing_mode=dynamodb.BillingMode.PAY_PER_REQUEST,
        point_in_time_recovery_specification=dynamodb.PointInTimeRecoverySpecification(
            point_in_time_recovery_enabled=True
        ),
        encryption=dynamodb.TableEncryption.CUSTOMER_MANAGED,
        encryption_key=data_key,
        time_to_live_attribute=table.ttl_attribute,
        deletion_protection=True,
        removal_policy=cdk.RemovalPolicy.RETAIN,
    )
    for index in table.indexes:
        resource.add_global_secondary_index(
            index_name=index.name,
            partition_key=key(index.partition_key),
            sort_key=key(index.sort_key) if index.sort_key else None,
            projection_type=dynamodb.ProjectionType.ALL,
        )
    return resource


def buckets(
    stack: cdk.Stack,
    *,
    parameters: d.Parameters,
    data_key: kms.Key,
    site_url: str,
    queues: dict[str, sqs.Queue],
) -> dict[str, s3.Bucket]:
    """The definition's buckets; browser uploads are allowed from the site's origin only."""
    return {
        bucket.name: _bucket(stack, parameters, data_key, site_url, queues, bucket)
        for bucket in d.BUCKETS
    }


def _bucket(
    stack: cdk.Stack,
    parameters: d.Parameters,
    data_key: kms.Key,
    site_url: str,
    queues: dict[str, sqs.Queue],
    bucket: d.Bucket,
) -> s3.Bucket:
    lifecycle = [
        s3.LifecycleRule(
            id="expire-noncurrent-versions",
            noncurrent_version_expiration=cdk.Duration.days(
                parameters.noncurrent_version_retention_days
            ),
            expired_object_delete_marker=True,
            abort_incomplete_multipart_upload_after=cdk.Duration.days(1),
        )
    ]
    if bucket.browser_upload:
        # Only uploads still tagged pending: a submitted document keeps living under
        # uploads/, so age alone cannot tell an abandoned upload from a kept one.
        tag, value = d.PENDING_UPLOAD_TAG
        lifecycle.append(
            s3.LifecycleRule(
                id="remove-abandoned-uploads",
                prefix=d.UPLOADS_PREFIX,
                tag_filters={tag: value},
                expiration=cdk.Duration.days(parameters.abandoned_upload_days),
            )
        )
        # Report files (Excel, CSV) are fetched within minutes through a presigned link;
        # a day later nobody needs them.
        lifecycle.append(
            s3.LifecycleRule(
                id="expire-report-exports",
                prefix=d.EXPORTS_PREFIX,
                expiration=cdk.Duration.days(1),
            )
        )
        # Imports' error reports (and files the local demo imports) outlive the link that
        # fetches them while the history shows the import; three months later they go.
        lifecycle.append(
            s3.LifecycleRule(
                id="expire-import-reports",
                prefix=d.IMPORTS_PREFIX,
                expiration=cdk.Duration.days(d.IMPORTS_RETENTION_DAYS),
            )
        )
    resource = s3.Bucket(
        stack,
        f"Bucket{to_cfn_resource_name(bucket.name)}",
        block_public_access=s3.BlockPublicAccess.BLOCK_ALL,
        encryption=s3.BucketEncryption.KMS,
        encryption_key=data_key,
        bucket_key_enabled=True,
        versioned=True,
        enforce_ssl=True,
        object_ownership=s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,
        lifecycle_rules=lifecycle,
        cors=(
            [
                s3.CorsRule(
                    allowed_origins=[site_url],
                    allowed_methods=[s3.HttpMethods.POST],
                    allowed_headers=["*"],
                    max_age=600,
                )
            ]
            if bucket.browser_upload
            else None
        ),
        removal_policy=cdk.RemovalPolicy.RETAIN,
    )
    if bucket.notify_queue:
        resource.add_event_notification(
            s3.EventType.OBJECT_CREATED,
            s3_notifications.SqsDestination(queues[bucket.notify_queue]),
            s3.NotificationKeyFilter(prefix=bucket.notify_prefix or ""),
        )
    return resource


def secrets(stack: cdk.Stack, data_key: kms.Key) -> Secrets:
    def generated(logical_id: str) -> secretsmanager.Secret:
        return secretsmanager.Secret(
            stack,
            logical_id,
            encryption_key=data_key,
            generate_secret_string=secretsmanager.SecretStringGenerator(
                exclude_punctuation=True, password_length=64
            ),
        )

    return Secrets(
        # Signs the API's list cursors; generated once, never leaves AWS.
        cursor=generated("CursorSecret"),
        # Verifies the payment network's signed confirmations. Generated so the stack
        # deploys; put the network's own signing secret in it (same name) before going live.
        payments_webhook=generated("PaymentsWebhookSecret"),
    )
