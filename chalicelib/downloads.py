"""Files the API writes for a person to download (reports, exports): stored under `exports/`
in the documents bucket, whose lifecycle removes them a day later, and handed out as a
presigned GET that expires in minutes, named as an attachment so the browser saves it."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import timedelta
from typing import Final

from chalicelib import aws, clock
from chalicelib.config import get_settings

EXPORTS_PREFIX: Final = "exports/"
EXPORT_LIFETIME: Final = timedelta(minutes=5)


@dataclass(frozen=True)
class Link:
    url: str
    expires_at: str


def store_for_download(owner_id: str, filename: str, body: bytes, content_type: str) -> Link:
    """Writes `body` under the owner's exports and answers a short-lived link to it."""
    key = f"{EXPORTS_PREFIX}{owner_id}/{uuid.uuid4()}/{filename}"
    store(key, body, content_type)
    return link_to(key, filename, content_type)


def store(key: str, body: bytes, content_type: str) -> None:
    """Writes a file that is kept (a report that belongs to a record's history) at `key`."""
    aws.s3().put_object(
        Bucket=get_settings().documents_bucket, Key=key, Body=body, ContentType=content_type
    )


def link_to(key: str, filename: str, content_type: str) -> Link:
    """A short-lived link that downloads the stored file at `key` as `filename`."""
    bucket = get_settings().documents_bucket
    s3 = aws.s3()
    url = s3.generate_presigned_url(
        "get_object",
        Params={
            "Bucket": bucket,
            "Key": key,
            "ResponseContentType": content_type,
            "ResponseContentDisposition": f'attachment; filename="{filename}"',
        },
        ExpiresIn=int(EXPORT_LIFETIME.total_seconds()),
    )
    return Link(url=url, expires_at=clock.iso(clock.now() + EXPORT_LIFETIME))
