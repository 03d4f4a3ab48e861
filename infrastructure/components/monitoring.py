"""What wakes someone up: the alarm topic and the alarms, each built by `_alarm`.

Every alarm fires above its threshold, treats missing data as fine (a queue or an API with
no traffic is healthy) and notifies the one alarm topic.
"""

from __future__ import annotations

import aws_cdk as cdk
from aws_cdk import aws_cloudwatch as cloudwatch
from aws_cdk import aws_cloudwatch_actions as cloudwatch_actions
from aws_cdk import aws_kms as kms
from aws_cdk import aws_sns as sns
from aws_cdk import aws_sns_subscriptions as subscriptions
from aws_cdk import aws_sqs as sqs
from chalice.utils import to_cfn_resource_name

from infrastructure.components.settings import DeploySettings


def alarm_topic(stack: cdk.Stack, settings: DeploySettings, topic_key: kms.Key) -> sns.Topic:
    topic = sns.Topic(stack, "Alarms", master_key=topic_key)
    if settings.alarm_email:
        topic.add_subscription(subscriptions.EmailSubscription(settings.alarm_email))
    return topic


def alarms(
    stack: cdk.Stack,
    *,
    settings: DeploySettings,
    topic: sns.Topic,
    dead_letters: dict[str, sqs.Queue],
    with_api: bool,
) -> None:
    action = cloudwatch_actions.SnsAction(topic)

    def alarm(
        logical_id: str,
        metric: cloudwatch.Metric,
        description: str,
        *,
        threshold: float,
        evaluation_periods: int = 1,
        datapoints_to_alarm: int | None = None,
    ) -> None:
        metric.create_alarm(
            stack,
            logical_id,
            alarm_description=description,
            threshold=threshold,
            comparison_operator=cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
            evaluation_periods=evaluation_periods,
            datapoints_to_alarm=datapoints_to_alarm,
            treat_missing_data=cloudwatch.TreatMissingData.NOT_BREACHING,
        ).add_alarm_action(action)

    def metric(
        namespace: str,
        name: str,
        statistic: str,
        period: cdk.Duration,
        dimensions: dict[str, str] | None = None,
    ) -> cloudwatch.Metric:
        return cloudwatch.Metric(
            namespace=namespace,
            metric_name=name,
            dimensions_map=dimensions,
            statistic=statistic,
            period=period,
        )

    for name, dead_letter in dead_letters.items():
        alarm(
            f"Alarm{to_cfn_resource_name(name)}Dlq",
            dead_letter.metric_approximate_number_of_messages_visible(
                period=cdk.Duration.minutes(5), statistic="Maximum"
            ),
            f"Messages of {name} failed 5 times and wait in its DLQ",
            threshold=0,
        )
    if with_api:
        api = {"ApiName": "portal-medico", "Stage": cdk.Fn.sub("${RestAPI.Stage}")}
        alarm(
            "AlarmApi5xxRate",
            # The average of 5XXError is the share of requests answered 5xx.
            metric("AWS/ApiGateway", "5XXError", "Average", cdk.Duration.minutes(5), api),
            "More than 1 % of API requests answered 5xx",
            threshold=0.01,
            evaluation_periods=3,
            datapoints_to_alarm=2,
        )
        alarm(
            "AlarmApiNearAccountThrottle",
            metric("AWS/ApiGateway", "Count", "Sum", cdk.Duration.minutes(1), api),
            "API requests above 80 % of the account's steady-state limit",
            threshold=0.8 * settings.api_requests_per_second * 60,
            evaluation_periods=3,
        )
    alarm(
        "AlarmLambdaConcurrency",
        metric("AWS/Lambda", "ConcurrentExecutions", "Maximum", cdk.Duration.minutes(1)),
        "Lambda concurrency above 80 % of the account limit",
        threshold=0.8 * settings.account_concurrency,
        evaluation_periods=3,
    )
    alarm(
        "AlarmLambdaThrottles",
        metric("AWS/Lambda", "Throttles", "Sum", cdk.Duration.minutes(5)),
        "Lambda invocations throttled (concurrency limit reached)",
        threshold=0,
    )
    alarm(
        "AlarmMailBounceRate",
        metric("AWS/SES", "Reputation.BounceRate", "Maximum", cdk.Duration.hours(1)),
        "SES bounce rate above 4 % (SES reviews accounts at 5 %)",
        threshold=0.04,
    )
