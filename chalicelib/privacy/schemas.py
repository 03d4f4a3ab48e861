"""Request and response bodies of the data-request routes (ARCO rights)."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import Field, StringConstraints, ValidationInfo, field_validator

from chalicelib.schema import ListQuery, MultiLine, PageWithNextCursor, Schema, SingleLine, Strict

RequestType = Literal["export", "deletion"]
Status = Literal[
    "pendiente", "en_proceso", "lista", "fallida", "aprobada", "rechazada", "completada"
]


class DataRequestIn(Strict):
    type: RequestType


class DataRequestCreated(Schema):
    request_id: str


class RetainedOut(Schema):
    what: str
    count: int
    legal_basis: str
    until: str  # YYYY-MM-DD
    purged_at: str | None = None  # YYYY-MM-DD: the day the kept records went at last


class DataRequestOut(Schema):
    request_id: str
    type: RequestType
    type_label: str
    status: Status
    status_label: str
    created_at: str
    updated_at: str
    due_at: str | None = None
    reason: str | None = None
    completed_at: str | None = None
    available_until: str | None = None  # an export's file, until the storage removes it
    url: str | None = None  # an export ready to download: a presigned GET, 5 minutes
    expires_at: str | None = None  # of `url`
    size: int | None = None
    files: int | None = None
    retained: list[RetainedOut] = Field(default_factory=list)


class DataRequestListOut(PageWithNextCursor[DataRequestOut]):
    pass


class OperatorDataRequestOut(DataRequestOut):
    account_id: str
    role: str
    insurer_id: str
    history: list[dict[str, str | None]] = Field(default_factory=list)
    full_name: str | None = None  # on the single (audited) read, to verify the person
    email: str | None = None


class OperatorDataRequestListOut(PageWithNextCursor[OperatorDataRequestOut]):
    pass


class OperatorQuery(ListQuery):
    status: Status = "pendiente"
    insurer: SingleLine[Annotated[str, StringConstraints(max_length=40)]] | None = None


class DecisionIn(Strict):
    decision: Literal["aprobar", "rechazar"]
    # Written in a textarea and sent to the person by email: lines are welcome.
    reason: MultiLine[Annotated[str, StringConstraints(strip_whitespace=True, max_length=500)]] = (
        Field(default="", validate_default=True)
    )

    # A field's validator (not the model's), so the refusal is said beside the reason's box;
    # `validate_default` checks a reason left out too. The decision is validated before it.
    @field_validator("reason", mode="after")
    @classmethod
    def _reason_for_rejection(cls, reason: str, info: ValidationInfo) -> str:
        if info.data.get("decision") == "rechazar" and len(reason) < 5:
            raise ValueError("Explica a la persona por qué se rechaza su solicitud.")
        return reason
