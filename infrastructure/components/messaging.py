"""Queues (each with its dead-letter queue) and what starts the app's functions besides the API:
the queue consumers and the schedules.
"""

from __future__ import annotations

from dataclasses import dataclass

import aws_cdk as cdk
from aws_cdk import aws_events as events
from aws_cdk import aws_lambda as lambda_
from aws_cdk import aws_sqs as sqs
from chalice.app import Chalice as ChaliceApp
from chalice.app import ScheduledEventConfig, SQSEventConfig
from chalice.utils import to_cfn_resource_name

from infrastructure import definition as d
from infrastructure.components.settings import DeploySettings

# `@app.on_sqs_message(queue_arn=…)` needs a valid ARN when app.py is imported; the stack
# replaces whatever the app says with the queue it creates.
SQS_BATCH_FAILURES = ["ReportBatchItemFailures"]


@dataclass(frozen=True)
class Queues:
    queues: dict[str, sqs.Queue]
    dead_letters: dict[str, sqs.Queue]  # by the name of the queue they serve


def queues(stack: cdk.Stack, settings: DeploySettings, parameters: d.Parameters) -> Queues:
    created: dict[str, sqs.Queue] = {}
    dead_letters: dict[str, sqs.Queue] = {}
    retention = cdk.Duration.seconds(parameters.message_retention_seconds)
    for queue in d.QUEUES:
        logical = to_cfn_resource_name(queue.name)
        dead_letter = sqs.Queue(
            stack,
            f"Queue{logical}Dlq",
            queue_name=settings.resource_prefix + queue.dead_letter_name,
            retention_period=retention,
            encryption=sqs.QueueEncryption.SQS_MANAGED,
            enforce_ssl=True,
        )
        created[queue.name] = sqs.Queue(
            stack,
            f"Queue{logical}",
            queue_name=settings.resource_prefix + queue.name,
            visibility_timeout=cdk.Duration.seconds(parameters.visibility_timeout(queue)),
            retention_period=retention,
            encryption=sqs.QueueEncryption.SQS_MANAGED,
            enforce_ssl=True,
            dead_letter_queue=sqs.DeadLetterQueue(
                queue=dead_letter, max_receive_count=parameters.max_receive_count
            ),
        )
        dead_letters[queue.name] = dead_letter
    return Queues(queues=created, dead_letters=dead_letters)


def wire_queue_consumers(
    app: ChaliceApp,
    functions: dict[str, cdk.CfnResource],
    queues: dict[str, sqs.Queue],
    parameters: d.Parameters,
) -> None:
    """Point each `@app.on_sqs_message` at the stack's queue, with partial failures."""
    consumers = {queue.consumer: queue for queue in d.QUEUES}
    for source in app.event_sources:
        if not isinstance(source, SQSEventConfig):
            continue
        queue = consumers.get(source.name)
        if queue is None:
            raise ValueError(
                f"{source.name} consumes SQS but no queue of infrastructure/definition.py "
                "names it as consumer"
            )
        event = to_cfn_resource_name(f"{source.name}-sqs-event-source")
        function = functions[source.name]
        base = f"Events.{event}.Properties"
        function.add_property_override(f"{base}.Queue", queues[queue.name].queue_arn)
        function.add_property_override(f"{base}.FunctionResponseTypes", SQS_BATCH_FAILURES)
        timeout = parameters.consumer_timeout_seconds[source.name]
        function.add_property_override("Timeout", timeout)


def wire_schedules(
    stack: cdk.Stack, app: ChaliceApp, functions: dict[str, cdk.CfnResource]
) -> None:
    """A definition schedule whose function has no `@app.schedule` gets a rule here."""
    scheduled_by_chalice = {
        source.name for source in app.event_sources if isinstance(source, ScheduledEventConfig)
    }
    for schedule in d.SCHEDULES:
        function = functions.get(schedule.consumer)
        if function is None or schedule.consumer in scheduled_by_chalice:
            continue
        logical = to_cfn_resource_name(schedule.consumer)
        rule = events.CfnRule(
            stack,
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
            stack,
            f"Schedule{logical}Permission",
            action="lambda:InvokeFunction",
            function_name=function.ref,
            principal="events.amazonaws.com",
            source_arn=rule.attr_arn,
        )
