"""What an SQS record from S3 says: the objects created, keys decoded. Pure."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any
from urllib.parse import unquote_plus


class NotAnS3Notification(ValueError):
    """A body the pipeline cannot read; the message goes back and ends in the DLQ."""


@dataclass(frozen=True)
class CreatedObject:
    bucket: str
    key: str
    size: int | None
    etag: str | None
    version_id: str | None


def created_objects(body: str) -> list[CreatedObject]:
    """The ObjectCreated records of an S3 notification; none for `s3:TestEvent`."""
    try:
        payload: Any = json.loads(body)
    except ValueError as exc:
        raise NotAnS3Notification("the body is not JSON") from exc
    if not isinstance(payload, dict):
        raise NotAnS3Notification("the body is not an object")
    if payload.get("Event") == "s3:TestEvent":
        return []
    records = payload.get("Records")
    if not isinstance(records, list):
        raise NotAnS3Notification("no Records")
    found: list[CreatedObject] = []
    for record in records:
        if not isinstance(record, dict) or record.get("eventSource") != "aws:s3":
            raise NotAnS3Notification("a record that is not from S3")
        if not str(record.get("eventName", "")).startswith("ObjectCreated:"):
            continue
        s3 = record.get("s3") or {}
        bucket = (s3.get("bucket") or {}).get("name")
        obj = s3.get("object") or {}
        key = obj.get("key")
        if not isinstance(bucket, str) or not isinstance(key, str):
            raise NotAnS3Notification("a record without bucket or key")
        size = obj.get("size")
        found.append(
            CreatedObject(
                bucket=bucket,
                # S3 URL-encodes keys in notifications, spaces as "+".
                key=unquote_plus(key),
                size=int(size) if isinstance(size, int) else None,
                etag=str(obj["eTag"]).strip('"') if obj.get("eTag") else None,
                version_id=str(obj["versionId"]) if obj.get("versionId") else None,
            )
        )
    return found
