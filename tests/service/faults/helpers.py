"""Reading back what a fault may have left: raw items, outbox emails, the API's answer."""

from __future__ import annotations

from typing import Any

import boto3

from chalicelib import errors, http
from chalicelib.config import get_settings


def items(table: str, pk: str, *, index: str | None = None) -> list[dict[str, Any]]:
    """Every item of a partition, read straight from DynamoDB (no PynamoDB model)."""
    key = "gsi1pk" if index == "gsi1" else "gsi2pk" if index == "gsi2" else "pk"
    params: dict[str, Any] = {
        "TableName": get_settings().table_name(table),
        "KeyConditionExpression": "#k = :v",
        "ExpressionAttributeNames": {"#k": key},
        "ExpressionAttributeValues": {":v": {"S": pk}},
    }
    if index:
        params["IndexName"] = index
    return list(boto3.client("dynamodb").query(**params)["Items"])


def outbox(status: str | None = None) -> list[dict[str, Any]]:
    """Outbox emails still pending (the outbox's gsi1 holds only those)."""
    found = items("email_outbox", "OUTBOX#pendiente", index="gsi1")
    return [i for i in found if status is None or i["status"]["S"] == status]


def answered_status(exc: BaseException) -> int:
    """The HTTP status the API's error mapping gives `exc` (chalicelib/http.py)."""
    if isinstance(exc, errors.DomainError):
        return http.status_for(exc)
    return 503 if http.aws_unavailable(exc) else 500
