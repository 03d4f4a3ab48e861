"""Privacy requests on moto in-process: the claims world (an insured with real uploads judged
by the pipeline, operators of two insurers) plus the data-requests queue delivered on demand."""

from __future__ import annotations

import boto3

from chalicelib import aws
from chalicelib.config import get_settings
from chalicelib.privacy import service as privacy
from tests.service.claims.conftest import ClaimsWorld, world  # noqa: F401 - the fixture

EXPORT_QUEUE = "portal-test-data-requests"

__all__ = ["ClaimsWorld", "deliver_exports", "stored_versions"]


def deliver_exports() -> int:
    """Run the export consumer over every queued message, as the Lambda would."""
    sqs = boto3.client("sqs", region_name="us-east-1")
    url = sqs.get_queue_url(QueueName=EXPORT_QUEUE)["QueueUrl"]
    handled = 0
    while True:
        batch = sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10).get("Messages", [])
        if not batch:
            return handled
        for message in batch:
            privacy.handle_export_message(message["Body"])
            sqs.delete_message(QueueUrl=url, ReceiptHandle=message["ReceiptHandle"])
            handled += 1


def stored_versions(key: str) -> list[str]:
    """Every stored version and delete marker of exactly `key` in the documents bucket."""
    answer = aws.s3().list_object_versions(Bucket=get_settings().documents_bucket, Prefix=key)
    entries = [*answer.get("Versions", []), *answer.get("DeleteMarkers", [])]
    return [e["VersionId"] for e in entries if e["Key"] == key]
