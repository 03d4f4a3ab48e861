"""Event handlers' plumbing: SQS batches with partial failures, logs and metrics per record.

`process_sqs_batch` runs a record handler over a Chalice `SQSEvent` with Powertools'
`BatchProcessor`: a record that raises is reported in `batchItemFailures` (the infrastructure
sets `ReportBatchItemFailures`), so only it comes back. Each record's logs carry its message
id as correlation id.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from chalicelib.observability import logger, metrics

RecordHandler = Callable[[Any], None]


def process_sqs_batch(event: Any, record_handler: RecordHandler) -> dict[str, Any]:
    """Handle each record of a Chalice SQSEvent; answer the Lambda partial-batch response."""
    from aws_lambda_powertools.metrics import MetricUnit
    from aws_lambda_powertools.utilities.batch import (
        BatchProcessor,
        EventType,
        process_partial_response,
    )

    def handle(record: Any) -> None:
        logger.set_correlation_id(record.message_id)
        try:
            record_handler(record)
        except Exception:
            logger.exception("record failed", extra={"message_id": record.message_id})
            metrics.add_metric(name="FailedRecords", unit=MetricUnit.Count, value=1)
            raise

    processor = BatchProcessor(event_type=EventType.SQS, raise_on_entire_batch_failure=False)
    try:
        response = process_partial_response(
            event=event.to_dict(),
            record_handler=handle,
            processor=processor,
            context=event.context,
        )
    finally:
        if metrics.metric_set:
            metrics.flush_metrics()
    return dict(response)
