"""Step 1 and step 2 of a claim: what the insured's policy and insurer offer (policy,
catalogue, network hospitals, forms), the new claim in `borrador`, and the upload slots for
its documents with the guard that keeps them once it has its folio."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Final

from chalicelib import aws, clock, errors, paging
from chalicelib.accounts import service as accounts
from chalicelib.auth import Principal
from chalicelib.claims import access, changes, eligibility, presentation, repository
from chalicelib.claims.repository import Claim
from chalicelib.claims.schemas import (
    CatalogEntryOut,
    CatalogOut,
    ClaimFilesIn,
    ClaimIn,
    ClaimOut,
    ConditionOut,
    FormOut,
    FormsOut,
    FormsQuery,
    HospitalOut,
    HospitalsOut,
    MemberOut,
    NetworkOut,
    PolicyOut,
)
from chalicelib.config import get_settings
from chalicelib.documents import service as documents
from chalicelib.documents.schemas import SlotsOut
from chalicelib.documents.service import Declared, Document, DocumentOwner, FileSpec, Owner
from chalicelib.errors import ErrorDetail
from chalicelib.observability import logger
from chalicelib.policies import service as policies
from chalicelib.policies.service import Catalog, DocumentKind

FORM_LINK_SECONDS: Final = 300


class ClaimLocked(errors.Conflict):
    code = "claim_locked"
    message = "Este trámite ya no admite documentos nuevos."


def _file_name(key: str) -> str:
    return key.rsplit("/", 1)[-1]


# --- policy, catalogue, network, forms ----------------------------------------------------------


def my_policy(principal: Principal) -> PolicyOut:
    """The insured's policy: members, coverages and registered conditions."""
    contact = access.insured(principal)
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


def claim_catalog(
    principal: Principal, *, limit: int | None = None, cursor: str | None = None
) -> CatalogOut:
    """The claim types of the insured's insurer and the documents each stage needs (a page
    of `limit`: a short catalogue, cut in memory)."""
    contact = access.insured(principal)
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
                        documents=[
                            presentation.kind_out(k) for k in catalog.kinds(claim_type.type, stage)
                        ],
                    )
                )
    if limit is None:
        return CatalogOut(items=items)
    page, next_cursor = paging.page_in_memory(items, limit, cursor)
    return CatalogOut(items=page, next_cursor=next_cursor)


def list_hospitals(
    principal: Principal,
    query: str | None,
    *,
    limit: int | None = None,
    cursor: str | None = None,
) -> HospitalsOut:
    """The insurer's network hospitals, optionally searched by name or city (a page of
    `limit`: one insurer's network, read whole and cut in memory)."""
    contact = access.insured(principal)
    items = [
        HospitalOut(id=h.hospital_id, name=h.name, city=h.city, state=h.state, address=h.address)
        for h in policies.hospitals(contact.insurer_id, query)
    ]
    if limit is None:
        return HospitalsOut(items=items)
    page, next_cursor = paging.page_in_memory(items, limit, cursor)
    return HospitalsOut(items=page, next_cursor=next_cursor)


def medical_network(principal: Principal) -> NetworkOut:
    """The insurer's notice about its medical network and the link to it."""
    contact = access.insured(principal)
    catalog = policies.catalog(contact.insurer_id)
    return NetworkOut(notice=catalog.network_notice, url=catalog.network_url)


def list_forms(principal: Principal, query: FormsQuery) -> FormsOut:
    """Forms to download for a claim type and stage, as short-lived links (`limit` at a time:
    a short list, cut in memory before any link is signed)."""
    contact = access.insured(principal)
    catalog = policies.catalog(contact.insurer_id)
    s3 = aws.s3()
    bucket = get_settings().documents_bucket
    chosen = [
        (claim_type, stage, form)
        for (claim_type, stage), forms in sorted(catalog.forms.items())
        if not (query.type and claim_type != query.type)
        and not (query.stage and stage != query.stage)
        for form in forms
    ]
    page, next_cursor = paging.page_in_memory(chosen, query.limit, query.cursor)
    items = []
    for claim_type, stage, form in page:
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
        items=items,
        next_cursor=next_cursor,
        expires_at=clock.iso(datetime.fromtimestamp(expires, clock.now().tzinfo)),
    )


# --- step 1: the claim --------------------------------------------------------------------------


def create_claim(principal: Principal, body: ClaimIn) -> ClaimOut:
    """A new claim in `borrador`, checked against the policy and the insurer's catalogue."""
    contact = access.insured(principal)
    policy = policies.get_policy(contact.insurer_id, contact.policy_number)
    if policy is None:
        raise errors.NotFound()
    catalog = policies.catalog(contact.insurer_id)
    eligible = eligibility.check_claim(
        body,
        policy,
        catalog,
        conditions=lambda: policies.conditions_of(contact.insurer_id, contact.policy_number),
        hospitals=lambda: policies.hospitals(contact.insurer_id),
        today=clock.now().astimezone(documents.MEXICO_CITY).date(),
    )
    member = eligible.member
    now = changes.now_iso()
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
        condition_description=eligible.condition_description,
        condition_pending=body.condition_pending,
        hospital_id=body.hospital_id if eligible.claim_type.needs_hospital else None,
        hospital_name=eligible.hospital_name,
        payout_clabe=eligible.payout_clabe,
        consent_at=now,
        status="borrador",
        created_at=now,
        updated_at=now,
        history=[changes.history_entry(None, "borrador", now, "asegurado", None)],
    )
    repository.create(claim)
    logger.info("claim created", extra={"claim_id": claim.claim_id, "type": claim.claim_type})
    return presentation.claim_out(
        claim, catalog, documents.documents_of(DocumentOwner.CLAIM, claim.claim_id)
    )


# --- step 2: documents ----------------------------------------------------------------------------


def _allowed_kinds(claim: Claim, catalog: Catalog) -> tuple[DocumentKind, ...]:
    return catalog.kinds(claim.claim_type, claim.stage)


def request_slots(principal: Principal, claim_id: str, body: ClaimFilesIn) -> SlotsOut:
    """Upload slots for files of the claim's document kinds (before the folio, or to answer
    a request for pending documents)."""
    claim = access.own_claim(principal, claim_id)
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
    from chalicelib.claims.expense_invoices import check_expense_invoice

    return {
        DocumentOwner.CLAIM: documents.DocumentHooks(
            guard=_delete_guard, check=check_expense_invoice
        )
    }
