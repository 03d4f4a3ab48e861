"""Request and response bodies of the document routes and of upload slots (API.md)."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import Field, StringConstraints

from chalicelib.documents import limits
from chalicelib.schema import Schema, SingleLine, Strict

# Names are judged by `names.check_name`, whose message says which character is wrong; the
# model only bounds what it reads.
FileName = Annotated[str, Field(min_length=1, max_length=1000)]
FileSize = Annotated[int, Field(ge=0, le=limits.MAX_BYTES_PER_OWNER * 4)]
ContentType = SingleLine[Annotated[str, StringConstraints(strip_whitespace=True, max_length=200)]]
DocType = Annotated[str, StringConstraints(pattern=r"^[a-z0-9_]{1,40}$")]


class FileIn(Strict):
    name: FileName
    size: FileSize
    content_type: ContentType = ""
    doc_type: DocType


class TransactionFileIn(Strict):
    name: FileName
    size: FileSize
    content_type: ContentType = ""


class TransactionFilesIn(Strict):
    files: Annotated[
        list[TransactionFileIn], Field(min_length=1, max_length=limits.MAX_FILES_PER_OWNER)
    ]


class UploadOut(Schema):
    url: str
    fields: dict[str, str]


class SlotOut(Schema):
    """Where and how the browser uploads one file: POST `fields` + `file` to `url`."""

    document_id: str
    name: str
    upload: UploadOut
    expires_at: str


class SlotsOut(Schema):
    items: list[SlotOut]


class ReasonOut(Schema):
    code: str
    message: str


class DocumentOut(Schema):
    id: str
    name: str
    doc_type: str
    size: int
    status: Literal["pendiente", "aceptado", "rechazado"]
    reasons: list[ReasonOut]
    facts: dict[str, Any]
    content_type: str | None = None
    created_at: str
    validated_at: str | None = None


class DownloadQuery(Strict):
    disposition: Literal["attachment", "inline"] = "attachment"


class DownloadOut(Schema):
    url: str
    expires_at: str
