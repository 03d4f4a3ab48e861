"""Request and response bodies of the claim routes (API.md "Claims")."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import Field, StringConstraints

from chalicelib.claims.machine import Status
from chalicelib.documents import limits
from chalicelib.documents.schemas import DocumentOut, FileIn
from chalicelib.schema import ListQuery, MultiLine, Page, Schema, SingleLine, Strict

Coverage = Literal["gmm_mayores", "gmm_menores"]
ClaimType = Literal["reembolso", "programacion", "menores"]
Subtype = Literal["cirugia", "medicamentos", "quimioterapia", "estudio", "terapias"]
Stage = Literal["inicial", "complemento"]
Id = Annotated[str, StringConstraints(pattern=r"^[A-Za-z0-9_-]{1,64}$")]
DocType = Annotated[str, StringConstraints(pattern=r"^[a-z0-9_]{1,40}$")]
Note = MultiLine[Annotated[str, StringConstraints(strip_whitespace=True, max_length=2000)]]


# --- policy and catalogue ---------------------------------------------------------------------


class MemberOut(Schema):
    id: str
    full_name: str
    relationship: str


class ConditionOut(Schema):
    id: str
    member_id: str
    description: str
    registered_on: str


class PolicyOut(Schema):
    policy_number: str
    insurer: str
    insurer_name: str
    members: list[MemberOut]
    coverages: list[str]
    conditions: list[ConditionOut]


class DocumentKindOut(Schema):
    doc_type: str
    name: str
    required: bool
    formats: list[str]


class CatalogEntryOut(Schema):
    type: str
    label: str
    subtype: str | None = None
    stage: str
    coverages: list[str]
    needs_hospital: bool
    pays_out: bool
    service_level_hours: int
    documents: list[DocumentKindOut]


class CatalogQuery(ListQuery):
    # The whole catalogue fits one page by default (a few dozen entries).
    limit: int = Field(default=100, ge=1, le=100)


class CatalogOut(Page[CatalogEntryOut]):
    pass


class HospitalQuery(ListQuery):
    q: (
        SingleLine[Annotated[str, StringConstraints(strip_whitespace=True, max_length=80)]] | None
    ) = None
    # One insurer's network fits one page by default.
    limit: int = Field(default=500, ge=1, le=500)


class HospitalOut(Schema):
    id: str
    name: str
    city: str
    state: str
    address: str


class HospitalsOut(Page[HospitalOut]):
    pass


class FormsQuery(ListQuery):
    type: ClaimType | None = None
    stage: Stage | None = None
    limit: int = Field(default=100, ge=1, le=100)


class FormOut(Schema):
    name: str
    type: str
    stage: str
    url: str


class FormsOut(Page[FormOut]):
    expires_at: str


class NetworkOut(Schema):
    notice: str
    url: str


# --- claims -----------------------------------------------------------------------------------


class ClaimIn(Strict):
    member_id: Id
    coverage: Coverage
    type: ClaimType
    subtype: Subtype | None = None
    stage: Stage
    condition_id: Id | None = None
    condition_pending: bool = False
    hospital_id: Id | None = None
    payout_clabe: (
        SingleLine[Annotated[str, StringConstraints(strip_whitespace=True, max_length=40)]] | None
    ) = None
    # Checked by the service so the message can say why consent is needed.
    consent: bool = False


class HistoryOut(Schema):
    from_status: str | None
    to: str
    to_label: str
    at: str
    by: Literal["asegurado", "operador", "sistema"]
    note: str | None = None


class RequiredKindOut(Schema):
    doc_type: str
    name: str
    required: bool
    formats: list[str]
    state: Literal["falta", "en_revision", "aceptado", "rechazado", "opcional"]


class ClaimSummaryOut(Schema):
    id: str
    folio: str | None
    status: Status
    status_label: str
    type: str
    type_label: str
    subtype: str | None
    stage: str
    member_id: str
    member_name: str
    relationship: str
    created_at: str
    registered_at: str | None
    updated_at: str


class ClaimMoneyOut(Schema):
    amount: str
    currency: Literal["MXN"] = "MXN"


class DecisionOut(Schema):
    """An approval's amounts: the net is what the insurer pays."""

    approved_amount: ClaimMoneyOut
    deductible: ClaimMoneyOut
    coinsurance: ClaimMoneyOut
    net_payable: ClaimMoneyOut
    decided_at: str | None


class ClaimOut(ClaimSummaryOut):
    coverage: str
    condition_id: str | None
    condition_description: str | None
    condition_pending: bool
    hospital_id: str | None
    hospital_name: str | None
    payout_clabe_masked: str | None
    stage_description: str
    elapsed_business_hours: float | None
    estimated_response_date: str | None
    service_level_hours: int
    documents: list[DocumentOut]
    document_kinds: list[RequiredKindOut]
    requested_documents: list[DocumentKindOut]
    pending_note: str | None
    history: list[HistoryOut]
    can_upload: bool
    can_generate_folio: bool
    next_statuses: list[str] = Field(default_factory=list)
    decision: DecisionOut | None = None


class ClaimListQuery(ListQuery):
    view: Literal["actuales", "en_tramite", "historial"] = "actuales"
    type: ClaimType | None = None
    member_id: Id | None = None
    status: Status | None = None
    folio: SingleLine[Annotated[str, StringConstraints(max_length=40)]] | None = None


class ClaimListOut(Page[ClaimSummaryOut]):
    pass


class ClaimFilesIn(Strict):
    files: Annotated[list[FileIn], Field(min_length=1, max_length=limits.MAX_FILES_PER_OWNER + 1)]


class FolioOut(Schema):
    folio: str
    claim: ClaimOut


class PendingResponseIn(Strict):
    observations: Note = ""
    document_ids: Annotated[list[Id], Field(min_length=1, max_length=limits.MAX_FILES_PER_OWNER)]


# --- operators --------------------------------------------------------------------------------


class OperatorQueueQuery(ListQuery):
    status: Status = "registrado"
    insurer: Annotated[str, StringConstraints(pattern=r"^[a-z0-9_-]{1,40}$")] | None = None
    # A folio finds its claim in any status of the operator's insurers (not a filter).
    folio: SingleLine[Annotated[str, StringConstraints(max_length=40)]] | None = None


# An amount in pesos as typed ("15000.00"); its rules (decision.py) say what is wrong with it.
AmountText = SingleLine[Annotated[str, StringConstraints(strip_whitespace=True, max_length=20)]]


class TransitionIn(Strict):
    to: Status
    note: Note | None = None
    requested_documents: Annotated[list[DocType], Field(max_length=20)] = Field(
        default_factory=list
    )
    # Only with `to: "aprobado"`: the approved amount (required), the deductible and the
    # coinsurance (absent or empty: none), decimal strings in pesos.
    approved_amount: AmountText | None = None
    deductible: AmountText | None = None
    coinsurance: AmountText | None = None


class QueueCountOut(Schema):
    """How many of an insurer's claims wait in one status; `more` when there are more than
    `count` (the home counts up to a cap)."""

    insurer_id: str
    status: Status
    status_label: str
    count: int
    more: bool


class InsuredClaimsOut(Schema):
    """The insured's home: the newest current claims and the unread notifications."""

    current_claims: list[ClaimSummaryOut]
    more_claims: bool
    unread_notifications: int


class OperatorDownloadQuery(Strict):
    disposition: Literal["attachment", "inline"] = "attachment"


# --- notifications and contact ----------------------------------------------------------------


class NotificationOut(Schema):
    id: str
    title: str
    body: str
    claim_id: str | None
    created_at: str
    read: bool


class NotificationListOut(Page[NotificationOut]):
    unread: int


class ContactIn(Strict):
    subject: SingleLine[
        Annotated[str, StringConstraints(strip_whitespace=True, min_length=3, max_length=150)]
    ]
    message: MultiLine[
        Annotated[str, StringConstraints(strip_whitespace=True, min_length=10, max_length=4000)]
    ]
    kind: Literal["queja", "sugerencia", "duda"] = "duda"


class ContactOut(Schema):
    ticket: str
    message: str


class Done(Schema):
    message: str
