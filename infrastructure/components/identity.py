"""Who may log in and how we write to them: the Cognito user pool, its client and groups
(the roles), and the SES identity with its configuration set.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import cast

import aws_cdk as cdk
from aws_cdk import aws_cognito as cognito
from aws_cdk import aws_kms as kms
from aws_cdk import aws_ses as ses
from aws_cdk import aws_sns as sns
from chalice.utils import to_cfn_resource_name

from infrastructure import definition as d
from infrastructure.components.settings import DeploySettings


@dataclass(frozen=True)
class Identity:
    user_pool: cognito.UserPool
    client: cognito.UserPoolClient


@dataclass(frozen=True)
class Mail:
    identity: ses.EmailIdentity
    configuration_set: ses.ConfigurationSet


def user_pool(stack: cdk.Stack, settings: DeploySettings) -> Identity:
    pool = cognito.UserPool(
        stack,
        "UserPool",
        user_pool_name=settings.resource_prefix + d.USER_POOL_NAME,
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
            name: cognito.StringAttribute(mutable=True) for name in d.USER_POOL_CUSTOM_ATTRIBUTES
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
            stack,
            f"Group{to_cfn_resource_name(role)}",
            user_pool_id=pool.user_pool_id,
            group_name=role,
        )
    return Identity(user_pool=pool, client=client)


def mail(stack: cdk.Stack, settings: DeploySettings, topic_key: kms.Key) -> Mail:
    """SES sends from the mail domain; bounces and complaints go to a topic and to metrics."""
    events_topic = sns.Topic(stack, "MailEvents", master_key=topic_key)
    configuration_set = ses.ConfigurationSet(
        stack,
        "MailConfiguration",
        configuration_set_name=f"{settings.app_name}-mail",
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
                    default_value=f"{settings.app_name}-mail",
                )
            ]
        ),
        events=recorded,
    )
    identity = ses.EmailIdentity(
        stack,
        "MailIdentity",
        identity=ses.Identity.domain(d.MAIL_DOMAIN),
        configuration_set=configuration_set,
        dkim_signing=True,
        dkim_identity=ses.DkimIdentity.easy_dkim(ses.EasyDkimSigningKeyLength.RSA_2048_BIT),
    )
    return Mail(identity=identity, configuration_set=configuration_set)
