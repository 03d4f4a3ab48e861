"""Request and response bodies of the audit routes."""

from __future__ import annotations

from datetime import date
from typing import Any

from pydantic import ConfigDict, Field

from chalicelib.schema import ListQuery, Page, Schema, SingleLine


class AuditFilters(Schema):
    """Which records: the list and its CSV export take the same filters."""

    model_config = ConfigDict(extra="forbid")

    # The acting staff member: an account id or the e-mail the account signs in with.
    actor: SingleLine[str] | None = Field(default=None, min_length=1, max_length=254)
    action: str | None = Field(default=None, max_length=60, pattern=r"^[a-z_]+(\.[a-z_]+)*$")
    subject: str | None = Field(default=None, max_length=80, pattern=r"^[A-Za-z0-9_.:-]+$")
    insurer: str | None = Field(default=None, max_length=40, pattern=r"^[a-z0-9_-]+$")
    # Calendar days in Mexico City, both included. `from` is a Python keyword; the query
    # parameter keeps API.md's name.
    since: date | None = Field(default=None, alias="from")
    until: date | None = Field(default=None, alias="to")


class AuditQuery(AuditFilters, ListQuery):
    limit: int = Field(default=50, ge=1, le=200)


class AuditExportQuery(AuditFilters):
    pass


class AuditRecordOut(Schema):
    id: str
    insurer_id: str
    actor_id: str
    # The acting account's e-mail and name as its account says them now (None when the
    # account no longer exists).
    actor_email: str | None = None
    actor_name: str | None = None
    action: str
    action_label: str
    subject: str
    at: str
    source_ip: str | None = None
    detail: dict[str, Any]


class AuditListOut(Page[AuditRecordOut]):
    pass


class AuditActionOut(Schema):
    action: str
    label: str


class AuditActionsQuery(ListQuery):
    model_config = ConfigDict(extra="forbid")

    limit: int = Field(default=100, ge=1, le=200)


class AuditActionsOut(Page[AuditActionOut]):
    pass


class AuditExportOut(Schema):
    url: str
    expires_at: str
    rows: int
