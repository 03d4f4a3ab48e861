"""How a claim is shown: its summary, the state of each document kind it needs, what still
stands between it and its folio, and the full view for the insured or an operator."""

from __future__ import annotations

from datetime import datetime
from typing import Final

from chalicelib import clock
from chalicelib.claims import business_hours, decision, machine
from chalicelib.claims.repository import Claim
from chalicelib.claims.schemas import (
    ClaimMoneyOut,
    ClaimOut,
    ClaimSummaryOut,
    DecisionOut,
    DocumentKindOut,
    HistoryOut,
    RequiredKindOut,
)
from chalicelib.config import get_settings
from chalicelib.documents import service as documents
from chalicelib.documents.service import Document
from chalicelib.errors import ErrorDetail
from chalicelib.policies.service import Catalog, DocumentKind

TYPE_LABELS: Final = {
    "reembolso": "Reembolso",
    "programacion": "Programación",
    "menores": "Gastos médicos menores",
}
RELATIONSHIP_LABELS: Final = {
    "titular": "Titular",
    "conyuge": "Cónyuge",
    "hijo": "Hijo",
    "hija": "Hija",
    "padre": "Padre",
    "madre": "Madre",
    "otro": "Otro",
}


def claim_link(claim_id: str) -> str:
    """The insured's page for the claim (for emails)."""
    return f"{get_settings().site_url}/asegurados/tramite.html?id={claim_id}"


def kind_out(kind: DocumentKind) -> DocumentKindOut:
    """A document kind of the catalogue, as the API shows it."""
    return DocumentKindOut(
        doc_type=kind.doc_type, name=kind.name, required=kind.required, formats=list(kind.formats)
    )


def summary(claim: Claim) -> ClaimSummaryOut:
    """The claim as a line of a list."""
    return ClaimSummaryOut(
        id=claim.claim_id,
        folio=claim.folio,
        status=claim.status,  # type: ignore[arg-type]  # one of the machine's, by construction
        status_label=machine.STATUS_LABELS[claim.status],
        type=claim.claim_type,
        type_label=TYPE_LABELS.get(claim.claim_type, claim.claim_type),
        subtype=claim.subtype,
        stage=claim.stage,
        member_id=claim.member_id,
        member_name=claim.member_name,
        relationship=claim.relationship,
        created_at=claim.created_at,
        registered_at=claim.registered_at,
        updated_at=claim.updated_at,
    )


def _kind_states(claim: Claim, catalog: Catalog, docs: list[Document]) -> list[RequiredKindOut]:
    states = []
    for kind in catalog.kinds(claim.claim_type, claim.stage):
        of_kind = [d for d in docs if d.doc_type == kind.doc_type]
        if any(d.status == "aceptado" for d in of_kind):
            state = "aceptado"
        elif any(d.status == "pendiente" for d in of_kind):
            state = "en_revision"
        elif of_kind:
            state = "rechazado"
        else:
            state = "falta" if kind.required else "opcional"
        states.append(
            RequiredKindOut(
                doc_type=kind.doc_type,
                name=kind.name,
                required=kind.required,
                formats=list(kind.formats),
                state=state,  # type: ignore[arg-type]
            )
        )
    return states


def folio_problems(claim: Claim, catalog: Catalog, docs: list[Document]) -> list[ErrorDetail]:
    """What keeps the claim from its folio: rejected or pending files, missing kinds."""
    problems = []
    for document in docs:
        if document.status == "rechazado":
            problems.append(
                ErrorDetail(
                    document.doc_type,
                    "rejected",
                    f"«{document.name}» fue rechazado: elimínalo y sube uno correcto.",
                )
            )
        elif document.status == "pendiente":
            problems.append(
                ErrorDetail(
                    document.doc_type,
                    "pending",
                    f"«{document.name}» todavía se está revisando. Espera unos segundos.",
                )
            )
    for kind in catalog.kinds(claim.claim_type, claim.stage):
        accepted = any(d.doc_type == kind.doc_type and d.status == "aceptado" for d in docs)
        reported = any(p.field == kind.doc_type for p in problems)
        if kind.required and not accepted and not reported:
            problems.append(ErrorDetail(kind.doc_type, "missing", f"Falta: {kind.name}."))
    return problems


def decision_out(claim: Claim) -> DecisionOut | None:
    """The approval's amounts and the net to be paid, once a claim was approved with them."""
    if claim.approved_cents is None:
        return None
    made = decision.Decision(
        claim.approved_cents, claim.deductible_cents or 0, claim.coinsurance_cents or 0
    )

    def money(centavos: int) -> ClaimMoneyOut:
        return ClaimMoneyOut(amount=decision.pesos(centavos))

    return DecisionOut(
        approved_amount=money(made.approved_cents),
        deductible=money(made.deductible_cents),
        coinsurance=money(made.coinsurance_cents),
        net_payable=money(made.net_cents),
        decided_at=next((h["at"] for h in reversed(claim.history) if h["to"] == "aprobado"), None),
    )


def claim_out(
    claim: Claim, catalog: Catalog, docs: list[Document], *, for_operator: bool = False
) -> ClaimOut:
    """The full claim: documents, history, deadlines and what may be done next."""
    now = clock.now()
    sla = catalog.service_level_hours.get(claim.claim_type, 45)
    elapsed: float | None = None
    due: str | None = None
    if claim.registered_at:
        registered = datetime.fromisoformat(claim.registered_at)
        end = datetime.fromisoformat(claim.decided_at) if claim.decided_at else now
        elapsed = business_hours.elapsed_hours(registered, end)
        due = business_hours.due_date(registered, sla).isoformat()
    requested = [
        kind
        for doc_type in claim.requested_documents
        if (kind := catalog.kind(claim.claim_type, claim.stage, doc_type)) is not None
    ]
    clabe = claim.payout_clabe
    return ClaimOut(
        **summary(claim).model_dump(),
        coverage=claim.coverage,
        condition_id=claim.condition_id,
        condition_description=claim.condition_description,
        condition_pending=claim.condition_pending,
        hospital_id=claim.hospital_id,
        hospital_name=claim.hospital_name,
        payout_clabe_masked=f"•••• {clabe[-4:]}" if clabe else None,
        stage_description=machine.STAGE_DESCRIPTIONS[claim.status],
        elapsed_business_hours=elapsed,
        estimated_response_date=due,
        service_level_hours=sla,
        documents=[documents.to_out(d) for d in docs],
        document_kinds=_kind_states(claim, catalog, docs),
        requested_documents=[kind_out(k) for k in requested],
        pending_note=claim.pending_note,
        history=[
            HistoryOut(
                from_status=h.get("from"),
                to=h["to"],
                to_label=machine.STATUS_LABELS.get(h["to"], h["to"]),
                at=h["at"],
                by=h["by"],
                note=h.get("note"),
            )
            for h in claim.history
        ],
        can_upload=claim.status in ("borrador", "pendiente_documentos"),
        can_generate_folio=claim.status == "borrador" and not folio_problems(claim, catalog, docs),
        next_statuses=(
            machine.operator_targets(claim.status, catalog.types[claim.claim_type].final_status)
            if for_operator
            else []
        ),
        decision=decision_out(claim),
    )
