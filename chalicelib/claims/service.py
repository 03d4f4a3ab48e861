"""Claims (trámites): step 1 (the claim), step 2 (documents), the folio, tracking, the
insured's answer to pending documents, operators' review, notifications and contact.

The only door into the claims context. Documents live in the documents context: this module
asks it for upload slots under the owner kind `claim` and registers the delete guard that
keeps a claim's files once it has its folio.
"""

from __future__ import annotations

import re
import time
import uuid
from dataclasses import replace
from datetime import datetime, timedelta
from typing import Final

from chalicelib import aws, clock, dynamo, errors
from chalicelib.accounts import service as accounts
from chalicelib.accounts.service import InsuredContact
from chalicelib.audit import service as audit
from chalicelib.auth import Principal, require_insurer, require_role
from chalicelib.claims import business_hours, folios, machine, repository
from chalicelib.claims.repository import Claim, Notification
from chalicelib.claims.schemas import (
    CatalogEntryOut,
    CatalogOut,
    ClaimFilesIn,
    ClaimIn,
    ClaimListOut,
    ClaimListQuery,
    ClaimOut,
    ClaimSummaryOut,
    ConditionOut,
    ContactIn,
    ContactOut,
    DocumentKindOut,
    Done,
    FolioOut,
    FormOut,
    FormsOut,
    FormsQuery,
    HistoryOut,
    HospitalOut,
    HospitalsOut,
    MemberOut,
    NetworkOut,
    NotificationListOut,
    NotificationOut,
    OperatorQueueQuery,
    PageQuery,
    PendingResponseIn,
    PolicyOut,
    RequiredKindOut,
    TransitionIn,
)
from chalicelib.config import get_settings
from chalicelib.documents import service as documents
from chalicelib.documents.schemas import DownloadOut, SlotsOut
from chalicelib.documents.service import Declared, Document, DocumentOwner, FileSpec, Owner
from chalicelib.errors import ErrorDetail
from chalicelib.notifications.service import Email
from chalicelib.observability import logger
from chalicelib.personal_data import CLINICAL, FISCAL, PersonalData, Retained, Retention
from chalicelib.policies import service as policies
from chalicelib.policies.service import Catalog, DocumentKind

__all__ = [
    "answer_pending",
    "claim_catalog",
    "contact",
    "create_claim",
    "generate_folio",
    "list_claims",
    "list_forms",
    "list_hospitals",
    "mark_notification_read",
    "medical_network",
    "my_notifications",
    "my_policy",
    "operator_claim",
    "operator_download",
    "operator_queue",
    "read_claim",
    "request_slots",
    "transition",
]

COMPLAINTS_ADDRESS: Final = "quejas@portal-medico.mx"
FORM_LINK_SECONDS: Final = 300
# A folio request holds its reservation this long at most (a request lasts seconds).
FOLIO_RESERVATION: Final = timedelta(seconds=30)
FOLIO_WAIT: Final = timedelta(seconds=10)
_ACTUAL_LIMIT: Final = 5
_DOCUMENT_ID = re.compile(r"^[A-Za-z0-9-]{1,64}$")
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


class DocumentsIncomplete(errors.Conflict):
    code = "documents_incomplete"
    message = "Faltan documentos o alguno fue rechazado. Revisa la lista antes de generar el folio."


class FolioInProgress(errors.Conflict):
    code = "folio_in_progress"
    message = "Tu folio se está generando. Consulta tu trámite en unos segundos."


class ClaimLocked(errors.Conflict):
    code = "claim_locked"
    message = "Este trámite ya no admite documentos nuevos."


def _invalid(field: str, code: str, message: str) -> errors.InvalidInput:
    return errors.InvalidInput(
        message, code="validation_error", details=[ErrorDetail(field, code, message)]
    )


def _claim_link(claim_id: str) -> str:
    return f"{get_settings().site_url}/asegurados/tramite.html?id={claim_id}"


def _file_name(key: str) -> str:
    return key.rsplit("/", 1)[-1]


def _now_iso() -> str:
    return clock.iso(clock.now())


# --- who is asking ------------------------------------------------------------------------------


def _insured(principal: Principal) -> InsuredContact:
    require_role(principal, "asegurado")
    contact = accounts.insured_contact(principal.account_id)
    if contact is None:
        raise errors.Unauthorized()
    return contact


def _own_claim(principal: Principal, claim_id: str) -> Claim:
    require_role(principal, "asegurado")
    claim = repository.get(claim_id) if _DOCUMENT_ID.match(claim_id) else None
    if claim is None or claim.account_id != principal.account_id:
        raise errors.NotFound()
    return claim


def _operator_claim(principal: Principal, claim_id: str) -> Claim:
    require_role(principal, "operador")
    claim = repository.get(claim_id) if _DOCUMENT_ID.match(claim_id) else None
    if claim is None or claim.status == "borrador":
        raise errors.NotFound()  # a draft is still the insured's alone
    require_insurer(principal, claim.insurer_id)
    return claim


# --- policy, catalogue, network, forms ----------------------------------------------------------


def my_policy(principal: Principal) -> PolicyOut:
    """The insured's policy: members, coverages and registered conditions."""
    contact = _insured(principal)
    policy = policies.get_policy(contact.insurer_id, contact.policy_number)
    if policy is None:
        raise errors.NotFound()
    insurer = policies.get_insurer(contact.insurer_id)
    return PolicyOut(
        policy_number=policy.policy_number,
        insurer=policy.insurer_id,
        insurer_name=insurer.name if insurer else policy.insurer_id,
        members=[
            MemberOut(id=m.id, full_name=m.full_name, relationship=m.relationship)
            for m in policy.members
        ],
        coverages=list(policy.coverages),
        conditions=[
            ConditionOut(
                id=c.condition_id,
                member_id=c.member_id,
                description=c.description,
                registered_on=c.registered_on,
            )
            for c in policies.conditions_of(contact.insurer_id, contact.policy_number)
        ],
    )


def _kind_out(kind: DocumentKind) -> DocumentKindOut:
    return DocumentKindOut(
        doc_type=kind.doc_type, name=kind.name, required=kind.required, formats=list(kind.formats)
    )


def claim_catalog(principal: Principal) -> CatalogOut:
    """The claim types of the insured's insurer and the documents each stage needs."""
    contact = _insured(principal)
    catalog = policies.catalog(contact.insurer_id)
    items = []
    for claim_type in catalog.types.values():
        for subtype in claim_type.subtypes or (None,):
            for stage in ("inicial", "complemento"):
                items.append(
                    CatalogEntryOut(
                        type=claim_type.type,
                        label=claim_type.label,
                        subtype=subtype,
                        stage=stage,
                        coverages=list(claim_type.coverages),
                        needs_hospital=claim_type.needs_hospital,
                        pays_out=claim_type.pays_out,
                        service_level_hours=catalog.service_level_hours[claim_type.type],
                        documents=[_kind_out(k) for k in catalog.kinds(claim_type.type, stage)],
                    )
                )
    return CatalogOut(items=items)


def list_hospitals(principal: Principal, query: str | None) -> HospitalsOut:
    """The insurer's network hospitals, optionally searched by name or city."""
    contact = _insured(principal)
    return HospitalsOut(
        items=[
            HospitalOut(
                id=h.hospital_id, name=h.name, city=h.city, state=h.state, address=h.address
            )
            for h in policies.hospitals(contact.insurer_id, query)
        ]
    )


def medical_network(principal: Principal) -> NetworkOut:
    """The insurer's notice about its medical network and the link to it."""
    contact = _insured(principal)
    catalog = policies.catalog(contact.insurer_id)
    return NetworkOut(notice=catalog.network_notice, url=catalog.network_url)


def list_forms(principal: Principal, query: FormsQuery) -> FormsOut:
    """Forms to download for a claim type and stage, as short-lived links."""
    contact = _insured(principal)
    catalog = policies.catalog(contact.insurer_id)
    s3 = aws.s3()
    bucket = get_settings().documents_bucket
    items = []
    for (claim_type, stage), forms in sorted(catalog.forms.items()):
        if (query.type and claim_type != query.type) or (query.stage and stage != query.stage):
            continue
        for form in forms:
            url = s3.generate_presigned_url(
                "get_object",
                Params={
                    "Bucket": bucket,
                    "Key": form.key,
                    "ResponseContentType": "application/pdf",
                    "ResponseContentDisposition": f'attachment; filename="{_file_name(form.key)}"',
                },
                ExpiresIn=FORM_LINK_SECONDS,
            )
            items.append(FormOut(name=form.name, type=claim_type, stage=stage, url=url))
    expires = clock.now().timestamp() + FORM_LINK_SECONDS
    return FormsOut(
        items=items, expires_at=clock.iso(datetime.fromtimestamp(expires, clock.now().tzinfo))
    )


# --- step 1: the claim --------------------------------------------------------------------------


def create_claim(principal: Principal, body: ClaimIn) -> ClaimOut:
    """A new claim in `borrador`, checked against the policy and the insurer's catalogue."""
    contact = _insured(principal)
    policy = policies.get_policy(contact.insurer_id, contact.policy_number)
    if policy is None:
        raise errors.NotFound()
    catalog = policies.catalog(contact.insurer_id)
    member = next((m for m in policy.members if m.id == body.member_id), None)
    if member is None:
        raise _invalid("member_id", "not_on_policy", "Esa persona no está en tu póliza.")
    if body.coverage not in policy.coverages:
        raise _invalid("coverage", "coverage_not_in_policy", "Tu póliza no tiene esa cobertura.")
    claim_type = catalog.types.get(body.type)
    if claim_type is None:
        raise _invalid(
            "type", "type_not_available", "Tu aseguradora no ofrece ese tipo de trámite."
        )
    if body.coverage not in claim_type.coverages:
        raise _invalid(
            "type",
            "type_needs_coverage",
            f"El trámite de {claim_type.label.lower()} no corresponde a la cobertura elegida.",
        )
    if claim_type.subtypes and body.subtype not in claim_type.subtypes:
        raise _invalid("subtype", "subtype_required", "Elige qué se va a programar.")
    if not claim_type.subtypes and body.subtype is not None:
        raise _invalid("subtype", "subtype_not_allowed", "Este trámite no tiene subtipo.")
    condition_description: str | None = None
    if body.stage == "complemento":
        if body.condition_id and body.condition_pending:
            raise _invalid(
                "condition_id",
                "condition_ambiguous",
                "Elige un padecimiento registrado o «padecimiento pendiente», no ambos.",
            )
        if body.condition_id:
            condition = next(
                (
                    c
                    for c in policies.conditions_of(contact.insurer_id, contact.policy_number)
                    if c.condition_id == body.condition_id and c.member_id == member.id
                ),
                None,
            )
            if condition is None:
                raise _invalid(
                    "condition_id",
                    "condition_not_found",
                    "Ese padecimiento no está registrado para esta persona.",
                )
            condition_description = condition.description
        elif not body.condition_pending:
            raise _invalid(
                "condition_id",
                "condition_required",
                "Un complemento necesita el padecimiento registrado o «padecimiento pendiente».",
            )
    elif body.condition_id or body.condition_pending:
        raise _invalid(
            "condition_id",
            "condition_not_allowed",
            "El padecimiento se elige solo en un complemento; en un trámite inicial se registra "
            "con el informe médico.",
        )
    hospital_name: str | None = None
    if claim_type.needs_hospital:
        hospital = next(
            (
                h
                for h in policies.hospitals(contact.insurer_id)
                if h.hospital_id == body.hospital_id
            ),
            None,
        )
        if hospital is None:
            raise _invalid(
                "hospital_id", "hospital_required", "Elige un hospital de la red de tu aseguradora."
            )
        hospital_name = hospital.name
    elif body.hospital_id:
        raise _invalid("hospital_id", "hospital_not_allowed", "Este trámite no lleva hospital.")
    clabe: str | None = None
    if claim_type.pays_out:
        from clabe import validate_clabe

        clabe = "".join((body.payout_clabe or "").split())
        if not clabe:
            raise _invalid(
                "payout_clabe",
                "clabe_required",
                "Escribe la CLABE de 18 dígitos de la cuenta donde recibirás el pago.",
            )
        if not (clabe.isdigit() and len(clabe) == 18 and validate_clabe(clabe)):
            raise _invalid(
                "payout_clabe",
                "clabe_invalid",
                "La CLABE no es válida: revisa sus 18 dígitos (el último es de verificación).",
            )
    elif body.payout_clabe:
        raise _invalid("payout_clabe", "clabe_not_allowed", "Este trámite no lleva cuenta de pago.")
    if body.consent is not True:
        raise _invalid(
            "consent",
            "consent_required",
            "Para registrar el trámite necesitamos tu consentimiento para usar tus datos "
            "personales y de salud.",
        )
    now = _now_iso()
    claim = Claim(
        claim_id=str(uuid.uuid4()),
        account_id=contact.account_id,
        insurer_id=contact.insurer_id,
        policy_number=contact.policy_number,
        member_id=member.id,
        member_name=member.full_name,
        relationship=member.relationship,
        coverage=body.coverage,
        claim_type=body.type,
        subtype=body.subtype,
        stage=body.stage,
        condition_id=body.condition_id,
        condition_description=condition_description,
        condition_pending=body.condition_pending,
        hospital_id=body.hospital_id if claim_type.needs_hospital else None,
        hospital_name=hospital_name,
        payout_clabe=clabe,
        consent_at=now,
        status="borrador",
        created_at=now,
        updated_at=now,
        history=[_entry(None, "borrador", now, "asegurado", None)],
    )
    repository.create(claim)
    logger.info("claim created", extra={"claim_id": claim.claim_id, "type": claim.claim_type})
    return _claim_out(claim, catalog, documents.documents_of(DocumentOwner.CLAIM, claim.claim_id))


def _entry(
    source: str | None, target: str, at: str, by: str, note: str | None
) -> dict[str, str | None]:
    return {"from": source, "to": target, "at": at, "by": by, "note": note}


# --- presenting a claim ---------------------------------------------------------------------------


def _summary(claim: Claim) -> ClaimSummaryOut:
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


def _folio_problems(claim: Claim, catalog: Catalog, docs: list[Document]) -> list[ErrorDetail]:
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


def _claim_out(
    claim: Claim, catalog: Catalog, docs: list[Document], *, for_operator: bool = False
) -> ClaimOut:
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
        **_summary(claim).model_dump(),
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
        requested_documents=[_kind_out(k) for k in requested],
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
        can_generate_folio=claim.status == "borrador" and not _folio_problems(claim, catalog, docs),
        next_statuses=(
            machine.operator_targets(claim.status, catalog.types[claim.claim_type].final_status)
            if for_operator
            else []
        ),
    )


def read_claim(principal: Principal, claim_id: str) -> ClaimOut:
    """One of the insured's claims with its documents, history and deadlines."""
    claim = _own_claim(principal, claim_id)
    return _claim_out(
        claim,
        policies.catalog(claim.insurer_id),
        documents.documents_of(DocumentOwner.CLAIM, claim.claim_id),
    )


# --- tracking -------------------------------------------------------------------------------------


def list_claims(principal: Principal, query: ClaimListQuery) -> ClaimListOut:
    """The insured's claims: `actuales`, `en_tramite` (filters) or `historial` (search)."""
    require_role(principal, "asegurado")
    if query.folio:
        if query.view != "historial":
            raise _invalid(
                "folio", "folio_only_in_history", "La búsqueda por folio es del historial."
            )
        parts = folios.parse_folio(query.folio)
        if parts is None:
            raise _invalid(
                "folio",
                "folio_invalid",
                "Ese folio no es válido: revisa que esté completo y bien escrito "
                "(por ejemplo RE-SEC-2026-000123-47).",
            )
        owner = repository.folio_owner(folios.normalize(query.folio))
        claim = repository.get(owner.claim_id) if owner else None
        if claim is None or claim.account_id != principal.account_id:
            return ClaimListOut(items=[], next_cursor=None)
        return ClaimListOut(items=[_summary(claim)], next_cursor=None)
    cursor = dynamo.decode_cursor(query.cursor)
    if query.view == "actuales":
        statuses: tuple[str, ...] | None = ("borrador", *machine.IN_PROGRESS)
        limit = min(query.limit, _ACTUAL_LIMIT) if query.cursor is None else query.limit
    elif query.view == "en_tramite":
        statuses = (query.status,) if query.status else machine.IN_PROGRESS
        if query.status and query.status not in machine.IN_PROGRESS:
            raise _invalid(
                "status", "status_not_in_progress", "Ese estado no es de un trámite en curso."
            )
        limit = query.limit
    else:
        statuses = (query.status,) if query.status else None
        limit = query.limit
    claims, next_cursor = repository.for_account(
        principal.account_id,
        statuses=statuses,
        claim_type=query.type,
        member_id=query.member_id,
        with_folio=query.view == "historial",
        limit=limit,
        cursor=cursor,
    )
    if query.view == "actuales":
        next_cursor = next_cursor if len(claims) >= limit else None
    return ClaimListOut(items=[_summary(c) for c in claims], next_cursor=next_cursor)


# --- step 2: documents ----------------------------------------------------------------------------


def _allowed_kinds(claim: Claim, catalog: Catalog) -> tuple[DocumentKind, ...]:
    return catalog.kinds(claim.claim_type, claim.stage)


def request_slots(principal: Principal, claim_id: str, body: ClaimFilesIn) -> SlotsOut:
    """Upload slots for files of the claim's document kinds (before the folio, or to answer
    a request for pending documents)."""
    claim = _own_claim(principal, claim_id)
    if claim.status not in ("borrador", "pendiente_documentos"):
        raise ClaimLocked()
    catalog = policies.catalog(claim.insurer_id)
    kinds = {k.doc_type: k for k in _allowed_kinds(claim, catalog)}
    problems = []
    specs = []
    holder = accounts.insured_contact(claim.account_id)
    for index, file in enumerate(body.files):
        kind = kinds.get(file.doc_type)
        if kind is None:
            problems.append(
                ErrorDetail(
                    f"files.{index}.doc_type",
                    "doc_type_not_in_catalog",
                    "Este trámite no lleva ese tipo de documento.",
                )
            )
            continue
        extension = file.name.rsplit(".", 1)[-1].lower() if "." in file.name else ""
        if extension and extension not in kind.formats:
            accepted = ", ".join(f.upper() for f in kind.formats)
            problems.append(
                ErrorDetail(
                    f"files.{index}.name",
                    "file_type_not_allowed",
                    f"{kind.name}: se acepta {accepted}.",
                )
            )
            continue
        declared = None
        if file.doc_type == "bank_statement":
            declared = Declared(
                clabe=claim.payout_clabe, holder=holder.full_name if holder else None
            )
        specs.append(FileSpec(file.name, file.size, file.content_type, file.doc_type, declared))
    if problems:
        raise errors.InvalidInput(problems[0].message, code=problems[0].code, details=problems)
    owner = Owner(DocumentOwner.CLAIM, claim.claim_id, claim.account_id, claim.insurer_id)
    return SlotsOut(items=documents.create_slots(owner, specs, principal.account_id))


def _delete_guard(document: Document) -> str | None:
    claim = repository.get(document.owner_id)
    if claim is None:
        return "Este documento ya no se puede eliminar."
    if claim.status == "borrador":
        return None
    if (
        claim.status == "pendiente_documentos"
        and claim.pending_since
        and document.created_at >= claim.pending_since
    ):
        return None
    return "Este documento ya forma parte de tu trámite con folio; no se puede eliminar."


def document_hooks() -> dict[DocumentOwner, documents.DocumentHooks]:
    """What the documents pipeline asks this context (chalicelib/wiring.py registers it)."""
    return {DocumentOwner.CLAIM: documents.DocumentHooks(guard=_delete_guard)}


# --- the folio ------------------------------------------------------------------------------------


def generate_folio(principal: Principal, claim_id: str) -> FolioOut:
    """Allocate the claim's folio once, when every required document is accepted."""
    claim = _own_claim(principal, claim_id)
    catalog = policies.catalog(claim.insurer_id)
    docs = documents.documents_of(DocumentOwner.CLAIM, claim.claim_id)
    if claim.folio:
        return FolioOut(folio=claim.folio, claim=_claim_out(claim, catalog, docs))
    if claim.status != "borrador":
        raise machine.IllegalTransition()
    problems = _folio_problems(claim, catalog, docs)
    if problems:
        raise DocumentsIncomplete(details=problems)
    contact = accounts.insured_contact(claim.account_id)
    registered = register_with_folio(claim, docs, contact)
    return FolioOut(folio=registered.folio or "", claim=_claim_out(registered, catalog, docs))


def register_with_folio(
    claim: Claim, docs: list[Document], contact: InsuredContact | None
) -> Claim:
    """Number the claim and move it to `registrado` in one transaction; a request that loses
    the race (or repeats) gets the folio that won.

    Concurrent requests for one claim first race for a reservation on the claim (a
    conditional update), so one of them numbers it and the others wait for its folio: no
    sequence number is spent on a request that would lose anyway.
    """
    now = clock.now()
    stale_before = clock.iso(now - FOLIO_RESERVATION)
    reservation = repository.reserve_folio(
        claim.claim_id, uuid.uuid4().hex, clock.iso(now), stale_before
    )
    if reservation is None:
        return _await_folio(claim.claim_id)
    folio = reservation.kept_folio or allocate_folio(claim.claim_type, claim.insurer_id, now)
    try:
        return commit_folio(claim, folio, docs, contact, now)
    except Exception:
        # AWS failed the commit (nothing of it was written: one transaction). Free the claim
        # at once for the person's retry, which commits this same folio.
        try:
            repository.release_folio(claim.claim_id, reservation.token, folio)
        except Exception:
            logger.exception("could not release the folio reservation", extra={"folio": folio})
        raise


def allocate_folio(claim_type: str, insurer_id: str, now: datetime) -> str:
    """The next folio of the insurer's, type's and local year's sequence."""
    year = now.astimezone(business_hours.MEXICO_CITY).year
    sequence = repository.next_sequence(insurer_id, claim_type, year)
    return folios.make_folio(claim_type, insurer_id, year, sequence)


def commit_folio(
    claim: Claim, folio: str, docs: list[Document], contact: InsuredContact | None, now: datetime
) -> Claim:
    """Write the folio, the move to `registrado`, the notification and the email at once."""
    at = clock.iso(now)
    after = replace(
        claim,
        status="registrado",
        folio=folio,
        registered_at=at,
        updated_at=at,
        version=claim.version + 1,
        history=[*claim.history, _entry("borrador", "registrado", at, "asegurado", None)],
    )
    files = "\n".join(f"- {d.name}" for d in docs)
    emails = (
        [
            Email(
                contact.addresses,
                "claim_registered",
                {
                    "name": contact.full_name,
                    "folio": folio,
                    "type": TYPE_LABELS.get(claim.claim_type, claim.claim_type),
                    "member": claim.member_name,
                    "files": files,
                    "link": _claim_link(claim.claim_id),
                },
            )
        ]
        if contact
        else []
    )
    notification = _notification(
        claim, f"Trámite registrado con folio {folio}", "Recibimos tu trámite y tus documentos."
    )
    try:
        email_ids = repository.save_changes(
            claim, after, notification=notification, emails=emails, folio_guard=True
        )
    except repository.StaleClaim:
        current = repository.get(claim.claim_id)
        if current is not None and current.folio:
            return current
        raise
    from chalicelib.notifications import service as notifications

    notifications.dispatch(email_ids)
    logger.info("folio allocated", extra={"claim_id": claim.claim_id, "folio": folio})
    return after


def _await_folio(claim_id: str) -> Claim:
    deadline = time.monotonic() + FOLIO_WAIT.total_seconds()
    while True:
        current = repository.get(claim_id)
        if current is not None and current.folio:
            return current
        if current is None or current.status != "borrador" or time.monotonic() > deadline:
            raise FolioInProgress()
        time.sleep(0.2)


def _notification(claim: Claim, title: str, body: str) -> Notification:
    now = clock.now()
    return Notification(
        notification_id=f"{now.strftime('%Y%m%d%H%M%S')}-{uuid.uuid4().hex[:12]}",
        account_id=claim.account_id,
        title=title,
        body=body,
        created_at=clock.iso(now),
        claim_id=claim.claim_id,
    )


# --- the insured's answer -------------------------------------------------------------------------


def answer_pending(principal: Principal, claim_id: str, body: PendingResponseIn) -> ClaimOut:
    """Send the requested documents (already uploaded and accepted) with observations; the
    claim goes back to `en_revision`."""
    claim = _own_claim(principal, claim_id)
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
    at = _now_iso()
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
            _entry("pendiente_documentos", "en_revision", at, "asegurado", note),
        ],
    )
    repository.save_changes(claim, after, notification=None, emails=[])
    return _claim_out(after, catalog, docs)


# --- operators ------------------------------------------------------------------------------------


def operator_queue(
    principal: Principal, query: OperatorQueueQuery, source_ip: str | None
) -> ClaimListOut:
    """An insurer's claims in one status (the operator's work queue)."""
    require_role(principal, "operador")
    if not principal.insurer_ids:
        raise errors.NotFound()
    insurer_id = query.insurer or principal.insurer_ids[0]
    require_insurer(principal, insurer_id)
    if query.status == "borrador":
        raise _invalid("status", "status_not_visible", "Los borradores son solo del asegurado.")
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
    return ClaimListOut(items=[_summary(c) for c in claims], next_cursor=next_cursor)


def operator_claim(principal: Principal, claim_id: str, source_ip: str | None) -> ClaimOut:
    """A claim of the operator's insurer with its documents (the read is audited)."""
    claim = _operator_claim(principal, claim_id)
    docs = documents.documents_of(DocumentOwner.CLAIM, claim.claim_id)
    audit.record(
        principal.account_id,
        claim.insurer_id,
        "claim.read",
        claim.claim_id,
        source_ip=source_ip,
        detail={"folio": claim.folio, "documents": [d.document_id for d in docs]},
    )
    return _claim_out(claim, policies.catalog(claim.insurer_id), docs, for_operator=True)


def operator_download(
    principal: Principal, claim_id: str, document_id: str, disposition: str, source_ip: str | None
) -> DownloadOut:
    """A link to one document of a claim of the operator's insurer (audited)."""
    claim = _operator_claim(principal, claim_id)
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
    claim = _operator_claim(principal, claim_id)
    catalog = policies.catalog(claim.insurer_id)
    machine.check_operator_move(claim.status, body.to, catalog.types[claim.claim_type].final_status)
    requested: list[str] = []
    if body.to == "pendiente_documentos":
        kinds = {k.doc_type for k in catalog.kinds(claim.claim_type, claim.stage)}
        unknown = [d for d in body.requested_documents if d not in kinds]
        if not body.requested_documents or unknown:
            raise _invalid(
                "requested_documents",
                "requested_documents_invalid",
                "Indica qué documentos del catálogo de este trámite hacen falta.",
            )
        if not body.note:
            raise _invalid("note", "note_required", "Explica al asegurado qué necesitas.")
        requested = list(dict.fromkeys(body.requested_documents))
    elif body.requested_documents:
        raise _invalid(
            "requested_documents",
            "requested_documents_not_allowed",
            "Solo se solicitan documentos al pasar a «Pendiente de documentos».",
        )
    if body.to == "rechazado" and not body.note:
        raise _invalid("note", "note_required", "Explica al asegurado por qué no procede.")
    at = _now_iso()
    after = replace(
        claim,
        status=body.to,
        updated_at=at,
        version=claim.version + 1,
        requested_documents=requested,
        pending_note=body.note if body.to == "pendiente_documentos" else None,
        pending_since=at if body.to == "pendiente_documentos" else None,
        decided_at=at if body.to in machine.FINAL else claim.decided_at,
        history=[*claim.history, _entry(claim.status, body.to, at, "operador", body.note)],
    )
    contact = accounts.insured_contact(claim.account_id)
    label = machine.STATUS_LABELS[body.to]
    sentence = _TRANSITION_EMAIL_SENTENCES.get(body.to, "")
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
                    "link": _claim_link(claim.claim_id),
                },
            )
        )
    notification = _notification(
        claim,
        f"Folio {claim.folio}: {label}",
        f"{sentence} {body.note or ''}".strip(),
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
        detail={"from": claim.status, "to": body.to, "requested_documents": requested},
    )
    docs = documents.documents_of(DocumentOwner.CLAIM, claim.claim_id)
    return _claim_out(after, catalog, docs, for_operator=True)


# --- notifications and contact --------------------------------------------------------------------


def my_notifications(principal: Principal, query: PageQuery) -> NotificationListOut:
    """The insured's in-app notifications, newest first."""
    require_role(principal, "asegurado")
    items, next_cursor = repository.notifications_of(
        principal.account_id, limit=query.limit, cursor=dynamo.decode_cursor(query.cursor)
    )
    return NotificationListOut(
        items=[
            NotificationOut(
                id=n.notification_id,
                title=n.title,
                body=n.body,
                claim_id=n.claim_id,
                created_at=n.created_at,
                read=n.read_at is not None,
            )
            for n in items
        ],
        next_cursor=next_cursor,
        unread=sum(1 for n in items if n.read_at is None),
    )


def mark_notification_read(principal: Principal, notification_id: str) -> Done:
    """Mark one of the insured's notifications as read."""
    require_role(principal, "asegurado")
    if not re.match(r"^\d{14}-[0-9a-f]{12}$", notification_id):
        raise errors.NotFound()
    if not repository.mark_read(principal.account_id, notification_id, _now_iso()):
        raise errors.NotFound()
    return Done(message="Notificación leída.")


_CONTACT_KIND_LABELS: Final = {"queja": "Queja", "sugerencia": "Sugerencia", "duda": "Duda"}


def contact(principal: Principal, body: ContactIn) -> ContactOut:
    """Store a complaint or suggestion, acknowledge it by email and forward it."""
    person = _insured(principal)
    kind = _CONTACT_KIND_LABELS[body.kind]
    values = {
        "name": person.full_name,
        "kind": kind,
        "subject": body.subject,
        "message": body.message,
        "policy": person.policy_number,
        "email": person.email,
    }
    ticket, email_ids = repository.save_contact(
        person.account_id,
        body.subject,
        body.message,
        _now_iso(),
        [
            Email(person.addresses, "contact_received", values),
            Email([COMPLAINTS_ADDRESS], "contact_forward", values),
        ],
    )
    from chalicelib.notifications import service as notifications

    notifications.dispatch(email_ids)
    return ContactOut(
        ticket=ticket,
        message=f"Recibimos tu mensaje con el número {ticket}. Te responderemos por correo.",
    )


# --- privacy rights (ARCO) ------------------------------------------------------------------


def personal_data(account_id: str) -> PersonalData:
    """The person's claims with their history, and the claims that own their files."""
    from dataclasses import asdict

    claims = repository.all_for_account(account_id)
    return PersonalData(
        "tramites",
        [{k: v for k, v in asdict(c).items() if k != "version"} for c in claims],
        document_owners=tuple((str(DocumentOwner.CLAIM), c.claim_id) for c in claims),
        last_activity={CLINICAL: max((c.updated_at for c in claims), default="")},
    )


def erase_personal_data(account_id: str, retention: Retention | None = None) -> list[Retained]:
    """Anonymise the person's claims, notifications and contact messages; the folios and their
    dates stay as accounting records."""
    claims = repository.all_for_account(account_id)
    for claim in claims:
        repository.erase_personal_fields(claim)
    repository.erase_messages(account_id)
    # A folio is an accounting record (CFF art. 30); one past its period, or a draft without
    # folio, goes entirely.
    with_folio = [
        c
        for c in claims
        if c.folio and (retention is None or retention.keeps(FISCAL, c.updated_at))
    ]
    kept = {c.claim_id for c in with_folio}
    for claim in claims:
        if claim.claim_id not in kept and retention is not None:
            repository.delete_claim(claim)
    if not with_folio:
        return []
    return [
        Retained(
            what="Folios, tipos, estados y fechas de tus trámites (sin nombres ni notas)",
            category=FISCAL,
            count=len(with_folio),
            last_activity=max(c.updated_at for c in with_folio),
            ids=tuple(c.claim_id for c in with_folio),
        )
    ]


def purge_retained(claim_ids: list[str]) -> int:
    """Delete the claims a deletion kept for their folio, once the period ended (by id: the
    account is anonymised by then). Repeatable: a claim already gone is skipped."""
    purged = 0
    for claim_id in claim_ids:
        claim = repository.get(claim_id)
        if claim is not None:
            repository.delete_claim(claim)
            purged += 1
    return purged
