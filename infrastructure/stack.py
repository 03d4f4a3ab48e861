"""The AWS stack: the Chalice app (chalice.cdk) plus every resource of the definition.

Chalice packages `app.py` + `chalicelib/` as a SAM template that the `Chalice` construct
includes; this stack creates what the app talks to (tables, buckets, queues, user pool,
keys, email identity), wires the app's functions to it (environment, one IAM role each,
queue event sources) and adds what protects and watches it (WAF, CloudFront, alarms).
"""

from __future__ import annotations

import json
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any, cast

import aws_cdk as cdk
from aws_cdk import aws_cloudfront as cloudfront
from aws_cdk import aws_cloudfront_origins as origins
from aws_cdk import aws_cloudwatch as cloudwatch
from aws_cdk import aws_cloudwatch_actions as cloudwatch_actions
from aws_cdk import aws_cognito as cognito
from aws_cdk import aws_dynamodb as dynamodb
from aws_cdk import aws_events as events
from aws_cdk import aws_iam as iam
from aws_cdk import aws_kms as kms
from aws_cdk import aws_lambda as lambda_
from aws_cdk import aws_logs as logs
from aws_cdk import aws_s3 as s3
from aws_cdk import aws_s3_deployment as s3_deployment
from aws_cdk import aws_s3_notifications as s3_notifications
from aws_cdk import aws_sam as sam
from aws_cdk import aws_secretsmanager as secretsmanager
from aws_cdk import aws_ses as ses
from aws_cdk import aws_sns as sns
from aws_cdk import aws_sns_subscriptions as subscriptions
from aws_cdk import aws_sqs as sqs
from aws_cdk import aws_wafv2 as wafv2
from chalice.app import Chalice as ChaliceApp
from chalice.app import ScheduledEventConfig, SQSEventConfig
from chalice.cdk import Chalice
from chalice.utils import to_cfn_resource_name
from constructs import Construct

from infrastructure import definition as d
from infrastructure.stack_access import ACCESS, API_HANDLER, AUTHORIZER, Access, check_access_table

# Chalice bakes the CORS origin of app.py into the API's OPTIONS answers when it packages;
# the site's real origin (CloudFront's domain) exists only at deploy time, so the package is
# built with this marker and the stack swaps it for the real origin.
SITE_ORIGIN_MARKER = "https://site-origin.invalid"
# `@app.on_sqs_message(queue_arn=…)` needs a valid ARN when app.py is imported; the stack
# replaces whatever the app says with the queue it creates.
SQS_BATCH_FAILURES = ["ReportBatchItemFailures"]
# Variables of chalicelib/config.py that the functions do not get from the stack, and why.
ENVIRONMENT_DEFAULTS_ON_AWS: dict[str, str] = {
    "APP_VERSION": "the version the code declares",
    "AWS_REGION": "set by Lambda",
    "AWS_DEFAULT_REGION": "set by Lambda",
    "AWS_ENDPOINT_URL": "must stay unset on AWS: it points boto3 at moto locally",
    "COGNITO_JWKS_URL": "derived from the region and the user pool",
    "COGNITO_REVOKE_TOKENS": "true by default, which is what AWS supports",
    "PAYMENTS_SIMULATOR": "false off the local stack: no one may sign webhooks but the network",
    "PAYMENTS_STORE_REFERENCE_DAYS": "3 days, the convenience-store networks' usual validity",
    "PAYMENTS_BANK_REFERENCE_DAYS": "5 days, the banks' usual validity",
    "BOOKING_WINDOW_DAYS": "14 days ahead, the affiliates' booking window",
    "SICK_LEAVE_VISIBLE_MONTHS": "6 months, how far back an affiliate sees sick leaves",
}
PLACEHOLDER_ROLE_ARN = "arn:aws:iam::123456789012:role/replaced-by-the-stack"
STATIC_SITE = Path(__file__).resolve().parents[1] / "static_site"

TABLE_ITEM_ACTIONS = [
    "dynamodb:GetItem",
    "dynamodb:BatchGetItem",
    "dynamodb:Query",
    "dynamodb:PutItem",
    "dynamodb:UpdateItem",
    "dynamodb:DeleteItem",
    "dynamodb:BatchWriteItem",
    "dynamodb:ConditionCheckItem",
    "dynamodb:DescribeTable",
]
# No Scan anywhere: every list is a Query on a key or an index (DESIGN.md §2).
TABLE_READ_ACTIONS = [
    "dynamodb:GetItem",
    "dynamodb:BatchGetItem",
    "dynamodb:Query",
    "dynamodb:ConditionCheckItem",
    "dynamodb:DescribeTable",
]
USER_POOL_ADMIN_ACTIONS = [
    "cognito-idp:AdminCreateUser",
    "cognito-idp:AdminGetUser",
    "cognito-idp:AdminDeleteUser",
    "cognito-idp:AdminSetUserPassword",
    "cognito-idp:AdminUpdateUserAttributes",
    "cognito-idp:AdminAddUserToGroup",
    "cognito-idp:AdminRemoveUserFromGroup",
    "cognito-idp:AdminListGroupsForUser",
    "cognito-idp:AdminConfirmSignUp",
    "cognito-idp:AdminEnableUser",
    "cognito-idp:AdminDisableUser",
    "cognito-idp:AdminInitiateAuth",
    "cognito-idp:AdminRespondToAuthChallenge",
    "cognito-idp:AdminUserGlobalSignOut",
    "cognito-idp:AdminSetUserMFAPreference",
    # The app client's secret (for SECRET_HASH) is read at run time, never kept in variables.
    "cognito-idp:DescribeUserPoolClient",
]
QUEUE_CONSUME_ACTIONS = [
    "sqs:ReceiveMessage",
    "sqs:DeleteMessage",
    "sqs:ChangeMessageVisibility",
    "sqs:GetQueueAttributes",
]


@dataclass(frozen=True)
class DeploySettings:
    """What an operator chooses per deployment (CDK context, see cdk_app.py)."""

    stage: str = "prod"
    alarm_email: str | None = None
    # Requests per 5 minutes per client IP on the abuse-prone routes.
    rate_limit_per_5_minutes: int = 100
    log_retention: logs.RetentionDays = logs.RetentionDays.THREE_MONTHS
    # Lambda's default account concurrency; the alarm fires at 80 % of it.
    account_concurrency: int = 1000
    # API Gateway's default account throttle (requests per second, steady state).
    api_requests_per_second: int = 10_000

    @property
    def resource_prefix(self) -> str:
        return f"portal-{self.stage}-"

    @property
    def app_name(self) -> str:
        return f"portal-medico-{self.stage}"


# The routes a WAF rate-based rule protects: log-in, registrations, payment look-up.
# API Gateway's execute-api URLs carry the stage before the path, so the match is on the end
# (or the middle) of the path rather than on its start.
RATE_LIMITED_PATHS: tuple[tuple[str, str], ...] = (
    ("ENDS_WITH", "/v1/auth/login"),
    ("CONTAINS", "/v1/accounts/"),
    ("ENDS_WITH", "/v1/payments/lookup"),
)


class PortalStack(cdk.Stack):
    """One deployment (one Chalice stage) of Portal Médico."""

    def __init__(
        self,
        scope: Construct,
        *,
        source_dir: Path,
        settings: DeploySettings,
        parameters: d.Parameters = d.AWS,
        **kwargs: Any,
    ) -> None:
        # The Chalice construct takes its stage from this construct's id.
        super().__init__(scope, settings.stage, **kwargs)
        check_access_table()
        self.settings = settings
        self.parameters = parameters
        prefix = settings.resource_prefix

        self.data_key = kms.Key(
            self,
            "DataKey",
            description="Portal Médico: tables, documents",
            enable_key_rotation=True,
            alias=f"alias/{prefix}{d.DATA_KEY_ALIAS}",
            removal_policy=cdk.RemovalPolicy.RETAIN,
        )
        self.seal_key = kms.Key(
            self,
            "SealKey",
            description="Portal Médico: seals of sick-leave certificates",
            key_spec=kms.KeySpec[d.SEAL_KEY_SPEC],
            key_usage=kms.KeyUsage.SIGN_VERIFY,
            alias=f"alias/{prefix}{d.SEAL_KEY_ALIAS}",
            removal_policy=cdk.RemovalPolicy.RETAIN,
        )
        self.topic_key = self._topic_key()
        self.alarm_topic = sns.Topic(self, "Alarms", master_key=self.topic_key)
        if settings.alarm_email:
            self.alarm_topic.add_subscription(subscriptions.EmailSubscription(settings.alarm_email))

        self.tables = {table.name: self._table(table) for table in d.TABLES}
        self.queues, self.dead_letter_queues = self._queues()
        self.site_bucket, self.distribution = self._site()
        self.site_url = f"https://{self.distribution.distribution_domain_name}"
        self.buckets = {bucket.name: self._bucket(bucket) for bucket in d.BUCKETS}
        self.user_pool, self.user_pool_client = self._user_pool()
        self.mail_identity, self.mail_configuration_set = self._email()
        # Signs the API's list cursors; generated once, never leaves AWS.
        self.cursor_secret = secretsmanager.Secret(
            self,
            "CursorSecret",
            encryption_key=self.data_key,
            generate_secret_string=secretsmanager.SecretStringGenerator(
                exclude_punctuation=True, password_length=64
            ),
        )

        # Verifies the payment network's signed confirmations. Generated so the stack deploys;
        # put the network's own signing secret in it (same name) before going live.
        self.payments_webhook_secret = secretsmanager.Secret(
            self,
            "PaymentsWebhookSecret",
            encryption_key=self.data_key,
            generate_secret_string=secretsmanager.SecretStringGenerator(
                exclude_punctuation=True, password_length=64
            ),
        )

        self.chalice = Chalice(
            self,
            "App",
            source_dir=str(source_dir),
            stage_config={
                "app_name": "portal-medico",
                "autogen_policy": False,
                "manage_iam_role": False,
                "iam_role_arn": PLACEHOLDER_ROLE_ARN,
                "api_gateway_endpoint_type": "REGIONAL",
                "lambda_functions": {
                    name: {"lambda_timeout": seconds}
                    for name, seconds in parameters.consumer_timeout_seconds.items()
                },
            },
        )
        self.app = _chalice_app(source_dir)
        self.functions = self._wire_functions()
        self._wire_queue_consumers()
        self._wire_schedules()
        self._wire_api()
        self._config_js()
        self._alarms()
        cdk.CfnOutput(self, "SiteUrl", value=self.site_url)
        cdk.CfnOutput(self, "UserPoolId", value=self.user_pool.user_pool_id)
        cdk.CfnOutput(self, "DocumentsBucket", value=self.buckets["documents"].bucket_name)

    def _topic_key(self) -> kms.Key:
        """Key of the alarm and mail-event topics, kept apart from the data key.

        CloudWatch and SES publish to an encrypted topic only if its key lets them; giving
        services the data key would widen who can use the key of the health data.
        """
        key = kms.Key(
            self,
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

    # --- data --------------------------------------------------------------------------

    def _table(self, table: d.Table) -> dynamodb.Table:
        def key(name: str) -> dynamodb.Attribute:
            return dynamodb.Attribute(name=name, type=dynamodb.AttributeType.STRING)

        resource = dynamodb.Table(
            self,
            f"Table{to_cfn_resource_name(table.name)}",
            table_name=self.settings.resource_prefix + table.name,
            partition_key=key(table.partition_key),
            sort_key=key(table.sort_key) if table.sort_key else None,
            billing_mode=dynamodb.BillingMode.PAY_PER_REQUEST,
            point_in_time_recovery_specification=dynamodb.PointInTimeRecoverySpecification(
                point_in_time_recovery_enabled=True
            ),
            encryption=dynamodb.TableEncryption.CUSTOMER_MANAGED,
            encryption_key=self.data_key,
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

    def _queues(self) -> tuple[dict[str, sqs.Queue], dict[str, sqs.Queue]]:
        queues: dict[str, sqs.Queue] = {}
        dead_letters: dict[str, sqs.Queue] = {}
        retention = cdk.Duration.seconds(self.parameters.message_retention_seconds)
        for queue in d.QUEUES:
            logical = to_cfn_resource_name(queue.name)
            dead_letter = sqs.Queue(
                self,
                f"Queue{logical}Dlq",
                queue_name=self.settings.resource_prefix + queue.dead_letter_name,
                retention_period=retention,
                encryption=sqs.QueueEncryption.SQS_MANAGED,
                enforce_ssl=True,
            )
            queues[queue.name] = sqs.Queue(
                self,
                f"Queue{logical}",
                queue_name=self.settings.resource_prefix + queue.name,
                visibility_timeout=cdk.Duration.seconds(self.parameters.visibility_timeout(queue)),
                retention_period=retention,
                encryption=sqs.QueueEncryption.SQS_MANAGED,
                enforce_ssl=True,
                dead_letter_queue=sqs.DeadLetterQueue(
                    queue=dead_letter, max_receive_count=self.parameters.max_receive_count
                ),
            )
            dead_letters[queue.name] = dead_letter
        return queues, dead_letters

    def _bucket(self, bucket: d.Bucket) -> s3.Bucket:
        lifecycle = [
            s3.LifecycleRule(
                id="expire-noncurrent-versions",
                noncurrent_version_expiration=cdk.Duration.days(
                    self.parameters.noncurrent_version_retention_days
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
                    expiration=cdk.Duration.days(self.parameters.abandoned_upload_days),
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
        resource = s3.Bucket(
            self,
            f"Bucket{to_cfn_resource_name(bucket.name)}",
            block_public_access=s3.BlockPublicAccess.BLOCK_ALL,
            encryption=s3.BucketEncryption.KMS,
            encryption_key=self.data_key,
            bucket_key_enabled=True,
            versioned=True,
            enforce_ssl=True,
            object_ownership=s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,
            lifecycle_rules=lifecycle,
            cors=(
                [
                    s3.CorsRule(
                        allowed_origins=[self.site_url],
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
                s3_notifications.SqsDestination(self.queues[bucket.notify_queue]),
                s3.NotificationKeyFilter(prefix=bucket.notify_prefix or ""),
            )
        return resource

    # --- identity and email ------------------------------------------------------------

    def _user_pool(self) -> tuple[cognito.UserPool, cognito.UserPoolClient]:
        pool = cognito.UserPool(
            self,
            "UserPool",
            user_pool_name=self.settings.resource_prefix + d.USER_POOL_NAME,
            # Accounts are created by the API's admin calls after our own checks.
            self_sign_up_enabled=False,
            sign_in_case_sensitive=False,
            password_policy=cognito.PasswordPolicy(
                min_length=d.PASSWORD_MIN_LENGTH,
                require_lowercase=False,
                require_uppercase=False,
                require_digits=False,
                require_symbols=False,
            ),
            # Activation and reset tokens are our own, sent by our own emails.
            account_recovery=cognito.AccountRecovery.NONE,
            mfa=cognito.Mfa.OPTIONAL,
            mfa_second_factor=cognito.MfaSecondFactor(sms=False, otp=True),
            custom_attributes={
                name: cognito.StringAttribute(mutable=True)
                for name in d.USER_POOL_CUSTOM_ATTRIBUTES
            },
            deletion_protection=True,
            removal_policy=cdk.RemovalPolicy.RETAIN,
        )
        spec = d.USER_POOL_CLIENT
        client = pool.add_client(
            "ApiClient",
            user_pool_client_name=spec.name,
            generate_secret=spec.generate_secret,
            # No hosted UI, no OAuth grants: the API logs in with the admin flow only.
            disable_o_auth=True,
            id_token_validity=cdk.Duration.minutes(spec.id_token_minutes),
            access_token_validity=cdk.Duration.minutes(spec.access_token_minutes),
            refresh_token_validity=cdk.Duration.days(spec.refresh_token_days),
            prevent_user_existence_errors=spec.prevent_user_existence_errors,
            enable_token_revocation=spec.enable_token_revocation,
        )
        # The lists go to CloudFormation exactly as the definition says them (the local
        # bootstrap sends the same ones to moto).
        resource = cast(cognito.CfnUserPoolClient, client.node.default_child)
        resource.explicit_auth_flows = list(spec.auth_flows)
        resource.read_attributes = list(spec.read_attributes)
        resource.write_attributes = list(spec.write_attributes)
        for role in d.ROLES:
            cognito.CfnUserPoolGroup(
                self,
                f"Group{to_cfn_resource_name(role)}",
                user_pool_id=pool.user_pool_id,
                group_name=role,
            )
        return pool, client

    def _email(self) -> tuple[ses.EmailIdentity, ses.ConfigurationSet]:
        events_topic = sns.Topic(self, "MailEvents", master_key=self.topic_key)
        configuration_set = ses.ConfigurationSet(
            self,
            "MailConfiguration",
            configuration_set_name=f"{self.settings.app_name}-mail",
            reputation_metrics=True,
            sending_enabled=True,
        )
        recorded = [ses.EmailSendingEvent.BOUNCE, ses.EmailSendingEvent.COMPLAINT]
        configuration_set.add_event_destination(
            "BouncesAndComplaints",
            destination=ses.EventDestination.sns_topic(events_topic),
            events=recorded,
        )
        configuration_set.add_event_destination(
            "BounceAndComplaintCounts",
            destination=ses.EventDestination.cloud_watch_dimensions(
                [
                    ses.CloudWatchDimension(
                        name="ses:configuration-set",
                        source=ses.CloudWatchDimensionSource.MESSAGE_TAG,
                        default_value=f"{self.settings.app_name}-mail",
                    )
                ]
            ),
            events=recorded,
        )
        identity = ses.EmailIdentity(
            self,
            "MailIdentity",
            identity=ses.Identity.domain(d.MAIL_DOMAIN),
            configuration_set=configuration_set,
            dkim_signing=True,
            dkim_identity=ses.DkimIdentity.easy_dkim(ses.EasyDkimSigningKeyLength.RSA_2048_BIT),
        )
        return identity, configuration_set

    # --- site ----------------------------------------------------------------------------

    def _site(self) -> tuple[s3.Bucket, cloudfront.Distribution]:
        bucket = s3.Bucket(
            self,
            "SiteBucket",
            block_public_access=s3.BlockPublicAccess.BLOCK_ALL,
            # Public pages and scripts, no personal data: S3's own encryption suffices and
            # keeps CloudFront's origin access free of a KMS grant.
            encryption=s3.BucketEncryption.S3_MANAGED,
            enforce_ssl=True,
            object_ownership=s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,
            # Rebuilt from static_site/ by every deployment, so a tear-down may empty it.
            removal_policy=cdk.RemovalPolicy.DESTROY,
            auto_delete_objects=True,
        )
        region = cdk.Aws.REGION
        # The documents bucket's name is generated, so the browser's POST and previews are
        # allowed to regional S3 endpoints; the API's own URL is not known to CloudFront
        # without a dependency cycle (the API's CORS needs the site's origin).
        s3_sources = f"https://*.s3.{region}.amazonaws.com https://*.s3.amazonaws.com"
        api_sources = f"https://*.execute-api.{region}.amazonaws.com"
        csp = (
            "default-src 'self'; script-src 'self'; style-src 'self'; "
            f"img-src 'self' data: blob: {s3_sources}; "
            f"connect-src 'self' {api_sources} {s3_sources}; "
            f"frame-src 'self' {s3_sources}; object-src 'none'; base-uri 'self'; "
            "form-action 'self'; frame-ancestors 'none'"
        )
        headers = cloudfront.ResponseHeadersPolicy(
            self,
            "SiteHeaders",
            security_headers_behavior=cloudfront.ResponseSecurityHeadersBehavior(
                content_security_policy=cloudfront.ResponseHeadersContentSecurityPolicy(
                    content_security_policy=csp, override=True
                ),
                strict_transport_security=cloudfront.ResponseHeadersStrictTransportSecurity(
                    access_control_max_age=cdk.Duration.days(365),
                    include_subdomains=True,
                    preload=True,
                    override=True,
                ),
                content_type_options=cloudfront.ResponseHeadersContentTypeOptions(override=True),
                frame_options=cloudfront.ResponseHeadersFrameOptions(
                    frame_option=cloudfront.HeadersFrameOption.DENY, override=True
                ),
                referrer_policy=cloudfront.ResponseHeadersReferrerPolicy(
                    referrer_policy=cloudfront.HeadersReferrerPolicy.STRICT_ORIGIN_WHEN_CROSS_ORIGIN,
                    override=True,
                ),
            ),
        )
        distribution = cloudfront.Distribution(
            self,
            "Site",
            default_root_object="index.html",
            minimum_protocol_version=cloudfront.SecurityPolicyProtocol.TLS_V1_2_2021,
            http_version=cloudfront.HttpVersion.HTTP2_AND_3,
            default_behavior=cloudfront.BehaviorOptions(
                origin=origins.S3BucketOrigin.with_origin_access_control(bucket),
                viewer_protocol_policy=cloudfront.ViewerProtocolPolicy.REDIRECT_TO_HTTPS,
                response_headers_policy=headers,
                compress=True,
            ),
        )
        return bucket, distribution

    # --- the Chalice app's functions -----------------------------------------------------

    def _function_names(self) -> dict[str, str]:
        """Chalice function name -> its resource in the included SAM template."""
        names: dict[str, str] = {}
        if self.app.routes:
            names[API_HANDLER] = "APIHandler"
        for authorizer in self.app.builtin_auth_handlers:
            names[authorizer.name] = to_cfn_resource_name(authorizer.name)
        for source in self.app.event_sources:
            names[source.name] = to_cfn_resource_name(source.name)
        for function in self.app.pure_lambda_functions:
            names[function.name] = to_cfn_resource_name(function.name)
        return names

    def _environment(self) -> dict[str, str]:
        return {
            "STAGE": self.settings.stage,
            "RESOURCE_PREFIX": self.settings.resource_prefix,
            "DOCUMENTS_BUCKET": self.buckets["documents"].bucket_name,
            "SITE_URL": self.site_url,
            "MAIL_FROM": f"Portal Médico <no-responder@{d.MAIL_DOMAIN}>",
            "USER_POOL_ID": self.user_pool.user_pool_id,
            "USER_POOL_CLIENT_ID": self.user_pool_client.user_pool_client_id,
            "DATA_KEY_ID": self.data_key.key_arn,
            "SEAL_KEY_ID": self.seal_key.key_arn,
            # Resolved by CloudFormation at deploy time; the template holds only a reference.
            "CURSOR_SECRET": self.cursor_secret.secret_value.unsafe_unwrap(),
            "PAYMENTS_WEBHOOK_SECRET": self.payments_webhook_secret.secret_value.unsafe_unwrap(),
        }

    def _wire_functions(self) -> dict[str, cdk.CfnResource]:
        authorizers = {authorizer.name for authorizer in self.app.builtin_auth_handlers}
        environment = self._environment()
        functions: dict[str, cdk.CfnResource] = {}
        for name, cfn_name in self._function_names().items():
            function = self.chalice.get_resource(cfn_name)
            physical_name = f"{self.settings.app_name}-{name}"
            access = ACCESS.get(AUTHORIZER if name in authorizers else name)
            if access is None:
                cdk.Annotations.of(self).add_warning_v2(
                    f"portal:unknown-function:{name}",
                    f"{name} is not in infrastructure/stack_access.py: it may only write logs",
                )
                access = Access()
            log_group = logs.LogGroup(
                self,
                f"Logs{cfn_name}",
                log_group_name=f"/aws/lambda/{physical_name}",
                retention=self.settings.log_retention,
                removal_policy=cdk.RemovalPolicy.DESTROY,
            )
            role = iam.Role(
                self,
                f"Role{cfn_name}",
                assumed_by=iam.ServicePrincipal("lambda.amazonaws.com"),
                description=f"{physical_name}: what it uses and nothing else",
                inline_policies={"access": self._policy(access, log_group)},
            )
            function.add_property_override("FunctionName", physical_name)
            function.add_property_override("Role", role.role_arn)
            for key, value in environment.items():
                function.add_property_override(f"Environment.Variables.{key}", value)
            function.node.add_dependency(log_group)
            functions[name] = function
        return functions

    def _policy(self, access: Access, log_group: logs.LogGroup) -> iam.PolicyDocument:
        statements = [
            iam.PolicyStatement(
                actions=["logs:CreateLogStream", "logs:PutLogEvents"],
                resources=[log_group.log_group_arn],
            )
        ]

        def table_arns(names: tuple[str, ...]) -> list[str]:
            arns: list[str] = []
            for name in names:
                arns += [self.tables[name].table_arn, f"{self.tables[name].table_arn}/index/*"]
            return arns

        if access.tables:
            statements.append(
                iam.PolicyStatement(actions=TABLE_ITEM_ACTIONS, resources=table_arns(access.tables))
            )
        if access.read_only_tables:
            statements.append(
                iam.PolicyStatement(
                    actions=TABLE_READ_ACTIONS, resources=table_arns(access.read_only_tables)
                )
            )
        documents = self.buckets["documents"]
        if access.documents_read:
            statements.append(
                iam.PolicyStatement(
                    actions=["s3:GetObject", "s3:GetObjectVersion"],
                    resources=[documents.arn_for_objects(f"{p}*") for p in access.documents_read],
                )
            )
        if access.documents_write:
            statements.append(
                iam.PolicyStatement(
                    actions=[
                        "s3:PutObject",
                        "s3:DeleteObject",
                        # The pending-upload tag rides on the presigned POST and is removed
                        # when the upload is submitted.
                        "s3:PutObjectTagging",
                        "s3:DeleteObjectTagging",
                    ],
                    resources=[documents.arn_for_objects(f"{p}*") for p in access.documents_write],
                )
            )
        if access.documents_untag:
            statements.append(
                iam.PolicyStatement(
                    actions=["s3:DeleteObjectTagging", "s3:DeleteObjectVersionTagging"],
                    resources=[documents.arn_for_objects(f"{p}*") for p in access.documents_untag],
                )
            )
        if access.documents_delete_versions:
            statements += [
                iam.PolicyStatement(
                    actions=["s3:DeleteObjectVersion"],
                    resources=[documents.arn_for_objects("*")],
                ),
                iam.PolicyStatement(
                    actions=["s3:ListBucketVersions", "s3:ListBucket"],
                    resources=[documents.bucket_arn],
                ),
            ]
        if access.documents_read or access.documents_write or access.data_key:
            # SSE-KMS objects and CMK-encrypted tables need the data key through S3 and
            # DynamoDB; the API also encrypts fields with it directly.
            statements.append(
                iam.PolicyStatement(
                    actions=["kms:Decrypt", "kms:Encrypt", "kms:GenerateDataKey"],
                    resources=[self.data_key.key_arn],
                )
            )
        if access.send_queues:
            statements.append(
                iam.PolicyStatement(
                    actions=["sqs:SendMessage", "sqs:GetQueueUrl"],
                    resources=[self.queues[name].queue_arn for name in access.send_queues],
                )
            )
        if access.consume_queue:
            statements.append(
                iam.PolicyStatement(
                    actions=QUEUE_CONSUME_ACTIONS,
                    resources=[self.queues[access.consume_queue].queue_arn],
                )
            )
        if access.user_pool_admin:
            statements.append(
                iam.PolicyStatement(
                    actions=USER_POOL_ADMIN_ACTIONS, resources=[self.user_pool.user_pool_arn]
                )
            )
        if access.send_email:
            account_identity = cdk.Stack.of(self).format_arn(
                service="ses", resource="identity", resource_name=d.MAIL_DOMAIN
            )
            configuration_set = cdk.Stack.of(self).format_arn(
                service="ses",
                resource="configuration-set",
                resource_name=self.mail_configuration_set.configuration_set_name,
            )
            statements.append(
                iam.PolicyStatement(
                    actions=["ses:SendEmail", "ses:SendRawEmail"],
                    resources=[account_identity, configuration_set],
                )
            )
        seal_actions = (["kms:Sign"] if access.seal_sign else []) + (
            ["kms:Verify", "kms:GetPublicKey"] if access.seal_verify else []
        )
        if seal_actions:
            statements.append(
                iam.PolicyStatement(actions=seal_actions, resources=[self.seal_key.key_arn])
            )
        return iam.PolicyDocument(statements=statements)

    def _wire_queue_consumers(self) -> None:
        """Point each `@app.on_sqs_message` at the stack's queue, with partial failures."""
        consumers = {queue.consumer: queue for queue in d.QUEUES}
        for source in self.app.event_sources:
            if not isinstance(source, SQSEventConfig):
                continue
            queue = consumers.get(source.name)
            if queue is None:
                raise ValueError(
                    f"{source.name} consumes SQS but no queue of infrastructure/definition.py "
                    "names it as consumer"
                )
            event = to_cfn_resource_name(f"{source.name}-sqs-event-source")
            function = self.functions[source.name]
            base = f"Events.{event}.Properties"
            function.add_property_override(f"{base}.Queue", self.queues[queue.name].queue_arn)
            function.add_property_override(f"{base}.FunctionResponseTypes", SQS_BATCH_FAILURES)
            timeout = self.parameters.consumer_timeout_seconds[source.name]
            function.add_property_override("Timeout", timeout)

    def _wire_schedules(self) -> None:
        """A definition schedule whose function has no `@app.schedule` gets a rule here."""
        scheduled_by_chalice = {
            source.name
            for source in self.app.event_sources
            if isinstance(source, ScheduledEventConfig)
        }
        for schedule in d.SCHEDULES:
            function = self.functions.get(schedule.consumer)
            if function is None or schedule.consumer in scheduled_by_chalice:
                continue
            logical = to_cfn_resource_name(schedule.consumer)
            rule = events.CfnRule(
                self,
                f"Schedule{logical}",
                description=schedule.purpose,
                schedule_expression=schedule.aws_expression,
                state="ENABLED",
                targets=[
                    events.CfnRule.TargetProperty(
                        id=schedule.consumer, arn=function.get_att("Arn").to_string()
                    )
                ],
            )
            lambda_.CfnPermission(
                self,
                f"Schedule{logical}Permission",
                action="lambda:InvokeFunction",
                function_name=function.ref,
                principal="events.amazonaws.com",
                source_arn=rule.attr_arn,
            )

    # --- API Gateway ------------------------------------------------------------------------

    def _wire_api(self) -> None:
        if API_HANDLER not in self.functions:
            return
        rest_api = cast(sam.CfnApi, self.chalice.get_resource("RestAPI"))
        site_origin = f"'{self.site_url}'"
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
        self._waf()

    def _waf(self) -> None:
        scope_down = wafv2.CfnWebACL.StatementProperty(
            or_statement=wafv2.CfnWebACL.OrStatementProperty(
                statements=[
                    wafv2.CfnWebACL.StatementProperty(
                        byte_match_statement=wafv2.CfnWebACL.ByteMatchStatementProperty(
                            field_to_match=wafv2.CfnWebACL.FieldToMatchProperty(uri_path={}),
                            positional_constraint=constraint,
                            search_string=path,
                            text_transformations=[
                                wafv2.CfnWebACL.TextTransformationProperty(
                                    priority=0, type="LOWERCASE"
                                )
                            ],
                        )
                    )
                    for constraint, path in RATE_LIMITED_PATHS
                ]
            )
        )
        acl = wafv2.CfnWebACL(
            self,
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
                            limit=self.settings.rate_limit_per_5_minutes,
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
            self, "ApiFirewallAssociation", resource_arn=stage_arn, web_acl_arn=acl.attr_arn
        )

    def _config_js(self) -> None:
        """The site's `/config.js`, as the local stack serves it, with the deployed API URL."""
        from infrastructure.local.site import config_js

        config = config_js(self._endpoint_url()).replace(
            '"environment": "local"', '"environment": "aws"'
        )
        s3_deployment.BucketDeployment(
            self,
            "SiteContent",
            destination_bucket=self.site_bucket,
            sources=[
                s3_deployment.Source.asset(str(STATIC_SITE)),
                s3_deployment.Source.data("config.js", config),
            ],
            distribution=self.distribution,
            distribution_paths=["/*"],
            prune=True,
        )

    def _endpoint_url(self) -> str:
        return cdk.Fn.sub(
            "https://${RestAPI}.execute-api.${AWS::Region}.${AWS::URLSuffix}/${RestAPI.Stage}"
        )

    # --- alarms -----------------------------------------------------------------------------

    def _alarms(self) -> None:
        action = cloudwatch_actions.SnsAction(self.alarm_topic)
        for name, dead_letter in self.dead_letter_queues.items():
            alarm = dead_letter.metric_approximate_number_of_messages_visible(
                period=cdk.Duration.minutes(5), statistic="Maximum"
            ).create_alarm(
                self,
                f"Alarm{to_cfn_resource_name(name)}Dlq",
                alarm_description=f"Messages of {name} failed 5 times and wait in its DLQ",
                threshold=0,
                comparison_operator=cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
                evaluation_periods=1,
                treat_missing_data=cloudwatch.TreatMissingData.NOT_BREACHING,
            )
            alarm.add_alarm_action(action)
        if API_HANDLER in self.functions:
            dimensions = {"ApiName": "portal-medico", "Stage": cdk.Fn.sub("${RestAPI.Stage}")}
            server_errors = cloudwatch.Metric(
                namespace="AWS/ApiGateway",
                metric_name="5XXError",
                dimensions_map=dimensions,
                statistic="Average",  # the share of requests answered 5xx
                period=cdk.Duration.minutes(5),
            ).create_alarm(
                self,
                "AlarmApi5xxRate",
                alarm_description="More than 1 % of API requests answered 5xx",
                threshold=0.01,
                comparison_operator=cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
                evaluation_periods=3,
                datapoints_to_alarm=2,
                treat_missing_data=cloudwatch.TreatMissingData.NOT_BREACHING,
            )
            server_errors.add_alarm_action(action)
            requests = cloudwatch.Metric(
                namespace="AWS/ApiGateway",
                metric_name="Count",
                dimensions_map=dimensions,
                statistic="Sum",
                period=cdk.Duration.minutes(1),
            ).create_alarm(
                self,
                "AlarmApiNearAccountThrottle",
                alarm_description="API requests above 80 % of the account's steady-state limit",
                threshold=0.8 * self.settings.api_requests_per_second * 60,
                comparison_operator=cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
                evaluation_periods=3,
                treat_missing_data=cloudwatch.TreatMissingData.NOT_BREACHING,
            )
            requests.add_alarm_action(action)
        concurrency = cloudwatch.Metric(
            namespace="AWS/Lambda",
            metric_name="ConcurrentExecutions",
            statistic="Maximum",
            period=cdk.Duration.minutes(1),
        ).create_alarm(
            self,
            "AlarmLambdaConcurrency",
            alarm_description="Lambda concurrency above 80 % of the account limit",
            threshold=0.8 * self.settings.account_concurrency,
            comparison_operator=cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
            evaluation_periods=3,
            treat_missing_data=cloudwatch.TreatMissingData.NOT_BREACHING,
        )
        concurrency.add_alarm_action(action)
        throttles = cloudwatch.Metric(
            namespace="AWS/Lambda",
            metric_name="Throttles",
            statistic="Sum",
            period=cdk.Duration.minutes(5),
        ).create_alarm(
            self,
            "AlarmLambdaThrottles",
            alarm_description="Lambda invocations throttled (concurrency limit reached)",
            threshold=0,
            comparison_operator=cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
            evaluation_periods=1,
            treat_missing_data=cloudwatch.TreatMissingData.NOT_BREACHING,
        )
        throttles.add_alarm_action(action)
        bounces = cloudwatch.Metric(
            namespace="AWS/SES",
            metric_name="Reputation.BounceRate",
            statistic="Maximum",
            period=cdk.Duration.hours(1),
        ).create_alarm(
            self,
            "AlarmMailBounceRate",
            alarm_description="SES bounce rate above 4 % (SES reviews accounts at 5 %)",
            threshold=0.04,
            comparison_operator=cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
            evaluation_periods=1,
            treat_missing_data=cloudwatch.TreatMissingData.NOT_BREACHING,
        )
        bounces.add_alarm_action(action)


def _visibility(name: str) -> wafv2.CfnWebACL.VisibilityConfigProperty:
    return wafv2.CfnWebACL.VisibilityConfigProperty(
        cloud_watch_metrics_enabled=True, metric_name=name, sampled_requests_enabled=True
    )


def _chalice_app(source_dir: Path) -> ChaliceApp:
    """The app object that Chalice imported while packaging (it is `app` in sys.modules)."""
    module = sys.modules.get("app")
    if module is None or Path(module.__file__ or "").resolve().parent != source_dir.resolve():
        raise RuntimeError(f"the Chalice app imported is not {source_dir}/app.py")
    app: ChaliceApp = module.app
    return app


def _replace_strings(value: Any, replacements: dict[str, str]) -> Any:
    if isinstance(value, str):
        return replacements.get(value, value)
    if isinstance(value, list):
        return [_replace_strings(item, replacements) for item in value]
    if isinstance(value, dict):
        return {key: _replace_strings(item, replacements) for key, item in value.items()}
    return value
