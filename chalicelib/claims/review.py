"""Review: the insured's answer to a request for pending documents, and the operators' side
(work queue, audited reads and downloads, moves along the status machine)."""

from __future__ import annotations

from dataclasses import replace
from typing import Final

from chalicelib import dynamo, errors
from chalicelib.accounts import service as accounts
from chalicelib.audit import service as audit
from chalicelib.auth import Principal, viewed_insurer
from chalicelib.claims import (
    access,
    changes,
    decision,
    machine,
    presentation,
    repository,
    tracking,
)
from chalicelib.claims.eligibility import invalid
from chalicelib.claims.registration import DocumentsIncomplete
from chalicelib.claims.schemas import (
    ClaimListOut,
    ClaimOut,
    OperatorQueueQuery,
    PendingResponseIn,
    TransitionIn,
)
from chalicelib.documents import service as documents
from chalicelib.documents.schemas import DownloadOut
from chalicelib.documents.service import DocumentOwner
from chalicelib.errors import ErrorDetail
from chalicelib.insurers import service as insurers
from chalicelib.notifications.service import Email
from chalicelib.policies import service as policies

# --- the insured's answer -------------------------------------------------------------------------


def answer_pending(principal: Principal, claim_id: str, body: PendingResponseIn) -> ClaimOut:
    """Send the requested documents (already uploaded and accepted) with observations; the
    claim goes back to `en_revision`."""
    claim = access.own_claim(principal, claim_id)
    if claim.status != "pendiente_documentos":
        raise machine.IllegalTransition("Este trámite no tiene documentos pendientes por enviar.")
    catalog = policies.catalog(claim.insurer_id)
    docs = documents.documents_of(DocumentOwner.CLAIM, claim.claim_id)
    by_id = {d.document_id: d for d in docs}
    problems = []
    chosen = []
    for index, document_id in enumerate(body.document_ids):
        document = by_id.get(document_id)
        if document is None or not claim.pending_since or document.created_at < claim.pending_since:
            problems.append(
                ErrorDetail(
                    f"document_ids.{index}",
                    "document_not_new",
                    "Ese documento no es una carga nueva de este trámite.",
                )
            )
        elif document.status != "aceptado":
            problems.append(
                ErrorDetail(
                    f"document_ids.{index}",
                    "document_not_accepted",
                    f"«{document.name}» no está aceptado (estado: {document.status}).",
                )
            )
        else:
            chosen.append(document)
    for doc_type in claim.requested_documents:
        if not any(d.doc_type == doc_type for d in chosen):
            kind = catalog.kind(claim.claim_type, claim.stage, doc_type)
            problems.append(
                ErrorDetail(doc_type, "missing", f"Falta: {kind.name if kind else doc_type}.")
            )
    if problems:
        raise DocumentsIncomplete(problems[0].message, details=problems)
    at = changes.now_iso()
    note = body.observations or None
    after = replace(
        claim,
        status="en_revision",
        updated_at=at,
        version=claim.version + 1,
        requested_documents=[],
        pending_note=None,
        pending_since=None,
        history=[
            *claim.history,
            changes.history_entry("pendiente_documentos", "en_revision", at, "asegurado", note),
        ],
    )
    repository.save_changes(claim, after, notification=None, emails=[])
    return presentation.claim_out(after, catalog, docs)


# --- operators ------------------------------------------------------------------------------------


def operator_queue(
    principal: Principal, query: OperatorQueueQuery, source_ip: str | None
) -> ClaimListOut:
    """An insurer's claims in one status (the operator's work queue), or the claim a folio
    names."""
    if query.folio:
        return _queue_folio(principal, query.folio, source_ip)
    insurer_id = viewed_insurer(principal, query.insurer)
    if query.status == "borrador":
        raise invalid("status", "status_not_visible", "Los borradores son solo del asegurado.")
    claims, next_cursor = repository.queue(
        insurer_id, query.status, limit=query.limit, cursor=dynamo.decode_cursor(query.cursor)
    )
    audit.record(
        principal.account_id,
        insurer_id,
        "claims.queue",
        f"queue:{query.status}",
        source_ip=source_ip,
        detail={"claims": [c.claim_id for c in claims]},
    )
    return ClaimListOut(items=[presentation.summary(c) for c in claims], next_cursor=next_cursor)


def _queue_folio(principal: Principal, folio: str, source_ip: str | None) -> ClaimListOut:
    """The claim of one of the operator's insurers that `folio` names (a draft has none)."""
    viewed_insurer(principal, None)
    claim = tracking.claim_by_folio(folio)
    if claim is None or claim.insurer_id not in principal.insurer_ids:
        return ClaimListOut(items=[], next_cursor=None)
    audit.record(
        principal.account_id,
        claim.insurer_id,
        "claims.queue",
        f"folio:{claim.folio}",
        source_ip=source_ip,
        detail={"claims": [claim.claim_id]},
    )
    return ClaimListOut(items=[presentation.summary(claim)], next_cursor=None)


def operator_claim(principal: Principal, claim_id: str, source_ip: str | None) -> ClaimOut:
    """A claim of the operator's insurer with its documents (the read is audited)."""
    claim = access.claim_for_operator(principal, claim_id)
    docs = documents.documents_of(DocumentOwner.CLAIM, claim.claim_id)
    audit.record(
        principal.account_id,
        claim.insurer_id,
        "claim.read",
        claim.claim_id,
        source_ip=source_ip,
        detail={"folio": claim.folio, "documents": [d.document_id for d in docs]},
    )
    return presentation.claim_out(
        claim, policies.catalog(claim.insurer_id), docs, for_operator=True
    )


def operator_download(
    principal: Principal, claim_id: str, document_id: str, disposition: str, source_ip: str | None
) -> DownloadOut:
    """A link to one document of a claim of the operator's insurer (audited)."""
    claim = access.claim_for_operator(principal, claim_id)
    docs = documents.documents_of(DocumentOwner.CLAIM, claim.claim_id)
    if not any(d.document_id == document_id for d in docs):
        raise errors.NotFound()
    link = documents.download(principal, document_id, disposition)
    audit.record(
        principal.account_id,
        claim.insurer_id,
        "document.download",
        claim.claim_id,
        source_ip=source_ip,
        detail={"document_id": document_id, "disposition": disposition},
    )
    return link


_TRANSITION_EMAIL_SENTENCES: Final = {
    "en_revision": "Tu trámite ya está en revisión.",
    "pendiente_documentos": "Necesitamos documentos adicionales para continuar con tu trámite.",
    "aprobado": "Tu trámite fue aprobado.",
    "rechazado": "Tu trámite no procede.",
    "pagado": "El pago de tu trámite fue enviado a tu cuenta.",
    "autorizado": "Tu programación fue autorizada.",
}


def transition(
    principal: Principal, claim_id: str, body: TransitionIn, source_ip: str | None
) -> ClaimOut:
    """An operator moves a claim along the status machine, with a note."""
    claim = access.claim_for_operator(principal, claim_id)
    catalog = policies.catalog(claim.insurer_id)
    machine.check_operator_move(claim.status, body.to, catalog.types[claim.claim_type].final_status)
    requested: list[str] = []
    if body.to == "pendiente_documentos":
        kinds = {k.doc_type for k in catalog.kinds(claim.claim_type, claim.stage)}
        unknown = [d for d in body.requested_documents if d not in kinds]
        if not body.requested_documents or unknown:
            raise invalid(
                "requested_documents",
                "requested_documents_invalid",
                "Indica qué documentos del catálogo de este trámite hacen falta.",
            )
        if not body.note:
            raise invalid("note", "note_required", "Explica al asegurado qué necesitas.")
        requested = list(dict.fromkeys(body.requested_documents))
    elif body.requested_documents:
        raise invalid(
            "requested_documents",
            "requested_documents_not_allowed",
            "Solo se solicitan documentos al pasar a «Pendiente de documentos».",
        )
    if body.to == "rechazado" and not body.note:
        raise invalid("note", "note_required", "Explica al asegurado por qué no procede.")
    amounts = (body.approved_amount, body.deductible, body.coinsurance)
    approval: decision.Decision | None = None
    if body.to == "aprobado":
        approval = decision.decide(*amounts)
    elif refusal := decision.not_allowed(dict(zip(decision.FIELDS, amounts, strict=True))):
        raise refusal
    at = changes.now_iso()
    after = replace(
        claim,
        status=body.to,
        updated_at=at,
        version=claim.version + 1,
        requested_documents=requested,
        pending_note=body.note if body.to == "pendiente_documentos" else None,
        pending_since=at if body.to == "pendiente_documentos" else None,
        decided_at=at if body.to in machine.FINAL else claim.decided_at,
        approved_cents=approval.approved_cents if approval else claim.approved_cents,
        deductible_cents=approval.deductible_cents if approval else claim.deductible_cents,
        coinsurance_cents=approval.coinsurance_cents if approval else claim.coinsurance_cents,
        history=[
            *claim.history,
            changes.history_entry(claim.status, body.to, at, "operador", body.note),
        ],
    )
    contact = accounts.insured_contact(claim.account_id)
    label = machine.STATUS_LABELS[body.to]
    sentence = _TRANSITION_EMAIL_SENTENCES.get(body.to, "")
    if approval is not None:
        sentence = (
            f"{sentence} Monto aprobado: {decision.label(approval.approved_cents)}; deducible: "
            f"{decision.label(approval.deductible_cents)}; coaseguro: "
            f"{decision.label(approval.coinsurance_cents)}; neto a pagar: "
            f"{decision.label(approval.net_cents)}."
        )
    kinds_text = "\n".join(
        f"- {k.name}"
        for d in requested
        if (k := catalog.kind(claim.claim_type, claim.stage, d)) is not None
    )
    emails = []
    if contact and body.to != "en_revision":
        emails.append(
            Email(
                contact.addresses,
                "claim_pending_documents" if body.to == "pendiente_documentos" else "claim_status",
                {
                    "name": contact.full_name,
                    "folio": claim.folio or "",
                    "status": label,
                    "sentence": sentence,
                    "note": body.note or "Sin nota adicional.",
                    "documents": kinds_text,
                    "link": presentation.claim_link(claim.claim_id),
                    **insurers.email_brand(claim.insurer_id),
                },
            )
        )
    # A deleted account (ARCO) has nobody to notify: its kept claim is only a record.
    notification = (
        changes.notification(
            claim,
            f"Folio {claim.folio}: {label}",
            f"{sentence} {body.note or ''}".strip(),
        )
        if contact
        else None
    )
    email_ids = repository.save_changes(claim, after, notification=notification, emails=emails)
    from chalicelib.notifications import service as notifications

    notifications.dispatch(email_ids)
    audit.record(
        principal.account_id,
        claim.insurer_id,
        "claim.transition",
        claim.claim_id,
        source_ip=source_ip,
        detail={
            "from": claim.status,
            "to": body.to,
            "requested_documents": requested,
            **(
                {
                    "approved_amount": decision.pesos(approval.approved_cents),
                    "deductible": decision.pesos(approval.deductible_cents),
                    "coinsurance": decision.pesos(approval.coinsurance_cents),
                }
                if approval
                else {}
            ),
        },
    )
    docs = documents.documents_of(DocumentOwner.CLAIM, claim.claim_id)
    return presentation.claim_out(after, catalog, docs, for_operator=True)
