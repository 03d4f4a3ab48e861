"""Request and response bodies of the audit routes."""

from __future__ import annotations

from datetime import date
from typing import Any

from pydantic import ConfigDict, Field

from chalicelib.schema import Page, Schema


class AuditQuery(Schema):
    model_config = ConfigDict(extra="forbid")

    subject: str | None = Field(default=None, max_length=80, pattern=r"^[A-Za-z0-9_.:-]+$")
    insurer: str | None = Field(default=None, max_length=40, pattern=r"^[a-z0-9_-]+$")
    # `from` is a Python keyword; the query parameter keeps API.md's name.
    since: date | None = Field(default=None, alias="from")
    until: date | None = Field(default=None, alias="to")
    limit: int = Field(default=50, ge=1, le=200)
    cursor: str | None = Field(default=None, max_length=2000)


class AuditRecordOut(Schema):
    id: str
    insurer_id: str
    actor_id: str
    action: str
    subject: str
    at: str
    source_ip: str | None = None
    detail: dict[str, Any]


class AuditListOut(Page[AuditRecordOut]):
    pass
