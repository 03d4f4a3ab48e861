"""The Chalice app's functions: names, environment, log groups, and one IAM role each,
built from the grants of `infrastructure/stack_access.py`.
"""

from __future__ import annotations

from dataclasses import dataclass

import aws_cdk as cdk
from aws_cdk import aws_cognito as cognito
from aws_cdk import aws_dynamodb as dynamodb
from aws_cdk import aws_iam as iam
from aws_cdk import aws_kms as kms
from aws_cdk import aws_logs as logs
from aws_cdk import aws_s3 as s3
from aws_cdk import aws_ses as ses
from aws_cdk import aws_sqs as sqs
from chalice.app import Chalice as ChaliceApp
from chalice.cdk import Chalice
from chalice.utils import to_cfn_resource_name

from infrastructure import definition as d
from infrastructure.components.settings import DeploySettings
from infrastructure.stack_access import ACCESS, API_HANDLER, AUTHORIZER, Access

# Variables of chalicelib/config.py that the functions do not get from the stack, and why.
ENVIRONMENT_DEFAULTS_ON_AWS: dict[str, str] = {
    "APP_VERSION": "the version the code declares",
    "PUBLIC_API_URL": "unset until the CDK option public_api_url names the API's public address "
    "(a custom domain, or the ApiUrl output of a first deploy); until then emails show no logo",
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
    "IMPORT_TIME_BUDGET_SECONDS": "600 s of reading per message, within run_import's 900 s",
}

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
class Grantable:
    """What a function's role may be granted, by the logical names of stack_access.py."""

    tables: dict[str, dynamodb.Table]
    documents: s3.Bucket
    data_key: kms.Key
    seal_key: kms.Key
    queues: dict[str, sqs.Queue]
    user_pool: cognito.UserPool
    mail_configuration_set: ses.ConfigurationSet


def function_names(app: ChaliceApp) -> dict[str, str]:
    """Chalice function name -> its resource in the included SAM template."""
    names: dict[str, str] = {}
    if app.routes:
        names[API_HANDLER] = "APIHandler"
    for authorizer in app.builtin_auth_handlers:
        names[authorizer.name] = to_cfn_resource_name(authorizer.name)
    for source in app.event_sources:
        names[source.name] = to_cfn_resource_name(source.name)
    for function in app.pure_lambda_functions:
        names[function.name] = to_cfn_resource_name(function.name)
    return names


def wire_functions(
    stack: cdk.Stack,
    *,
    chalice: Chalice,
    app: ChaliceApp,
    settings: DeploySettings,
    environment: dict[str, str],
    grantable: Grantable,
) -> dict[str, cdk.CfnResource]:
    """Name each function, give it the environment, its log group and its own role."""
    authorizers = {authorizer.name for authorizer in app.builtin_auth_handlers}
    functions: dict[str, cdk.CfnResource] = {}
    for name, cfn_name in function_names(app).items():
        function = chalice.get_resource(cfn_name)
        physical_name = f"{settings.app_name}-{name}"
        access = ACCESS.get(AUTHORIZER if name in authorizers else name)
        if access is None:
            cdk.Annotations.of(stack).add_warning_v2(
                f"portal:unknown-function:{name}",
                f"{name} is not in infrastructure/stack_access.py: it may only write logs",
            )
            access = Access()
        log_group = logs.LogGroup(
            stack,
            f"Logs{cfn_name}",
            log_group_name=f"/aws/lambda/{physical_name}",
            retention=settings.log_retention,
            removal_policy=cdk.RemovalPolicy.DESTROY,
        )
        role = iam.Role(
            stack,
            f"Role{cfn_name}",
            assumed_by=iam.ServicePrincipal("lambda.amazonaws.com"),
            description=f"{physical_name}: what it uses and nothing else",
            inline_policies={"access": _policy(stack, grantable, access, log_group)},
        )
        function.add_property_override("FunctionName", physical_name)
        function.add_property_override("Role", role.role_arn)
        for key, value in environment.items():
            function.add_property_override(f"Environment.Variables.{key}", value)
        function.node.add_dependency(log_group)
        functions[name] = function
    return functions


def _policy(
    stack: cdk.Stack, grantable: Grantable, access: Access, log_group: logs.LogGroup
) -> iam.PolicyDocument:
    statements = [
        iam.PolicyStatement(
            actions=["logs:CreateLogStream", "logs:PutLogEvents"],
            resources=[log_group.log_group_arn],
        )
    ]

    def table_arns(names: tuple[str, ...]) -> list[str]:
        arns: list[str] = []
        for name in names:
            table_arn = grantable.tables[name].table_arn
            arns += [table_arn, f"{table_arn}/index/*"]
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
    documents = grantable.documents
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
                resources=[grantable.data_key.key_arn],
            )
        )
    if access.send_queues:
        statements.append(
            iam.PolicyStatement(
                actions=["sqs:SendMessage", "sqs:GetQueueUrl"],
                resources=[grantable.queues[name].queue_arn for name in access.send_queues],
            )
        )
    if access.consume_queue:
        statements.append(
            iam.PolicyStatement(
                actions=QUEUE_CONSUME_ACTIONS,
                resources=[grantable.queues[access.consume_queue].queue_arn],
            )
        )
    if access.user_pool_admin:
        statements.append(
            iam.PolicyStatement(
                actions=USER_POOL_ADMIN_ACTIONS, resources=[grantable.user_pool.user_pool_arn]
            )
        )
    if access.send_email:
        account_identity = stack.format_arn(
            service="ses", resource="identity", resource_name=d.MAIL_DOMAIN
        )
        configuration_set = stack.format_arn(
            service="ses",
            resource="configuration-set",
            resource_name=grantable.mail_configuration_set.configuration_set_name,
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
            iam.PolicyStatement(actions=seal_actions, resources=[grantable.seal_key.key_arn])
        )
    return iam.PolicyDocument(statements=statements)
