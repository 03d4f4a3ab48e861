"""Traditional care orders: the provider registers one with its PDF (one merged, or the three
parts we merge once each is validated) and downloads the order-format PDF."""

from __future__ import annotations

import uuid
from typing import Any, Final

from chalicelib import aws, clock, errors
from chalicelib.auth import Principal
from chalicelib.config import get_settings
from chalicelib.documents import service as documents
from chalicelib.documents.service import Document, DocumentOwner, FileSpec, Owner
from chalicelib.errors import ErrorDetail
from chalicelib.observability import logger
from chalicelib.policies import service as policies
from chalicelib.providers import access, presentation, repository
from chalicelib.providers import schemas as s
from chalicelib.providers.care_orders import check_regime, new_order

FORMAT_NAME: Final = "orden-de-atencion.pdf"
TRADITIONAL_PARTS: Final = ("carta", "estado_cuenta", "constancia_fiscal")


def register_traditional_order(
    principal: Principal, body: s.TraditionalOrderIn
) -> s.TraditionalOrderOut:
    """A traditional order with its PDF(s): one merged PDF, or the three we merge."""
    provider = access.provider(principal)
    check_regime(provider)
    if policies.get_insurer(body.insurer_id) is None:
        raise errors.InvalidInput(
            "Elige una aseguradora de la lista.",
            code="insurer_unknown",
            details=[ErrorDetail("insurer_id", "insurer_unknown", "Aseguradora desconocida.")],
        )
    if len(body.files) == 1:
        doc_types = ["orden"]
    elif len(body.files) == 3:
        given = [f.doc_type for f in body.files]
        doc_types = list(TRADITIONAL_PARTS) if all(t is None for t in given) else given  # type: ignore[assignment]
        if sorted(doc_types) != sorted(TRADITIONAL_PARTS):
            raise errors.InvalidInput(
                "Sube la carta, el estado de cuenta y la constancia de situación fiscal, una vez "
                "cada una.",
                code="order_files_invalid",
            )
    else:
        raise errors.InvalidInput(
            "Sube un solo PDF con la carta, el estado de cuenta y la constancia de situación "
            "fiscal unidos, o los tres PDF por separado y nosotros los unimos.",
            code="order_files_invalid",
        )
    amount = presentation.amount_in(body.amount, "amount")
    coinsurance = presentation.amount_in(body.coinsurance, "coinsurance")
    order_id = str(uuid.uuid4())
    owner = Owner(DocumentOwner.CARE_ORDER, order_id, provider.account_id, body.insurer_id)
    specs = [FileSpec.of(f, doc_type) for f, doc_type in zip(body.files, doc_types, strict=True)]
    for spec in specs:
        if not spec.name.lower().endswith(".pdf"):
            raise errors.InvalidInput(
                f"«{spec.name}» debe ser un PDF.", code="file_type_not_allowed"
            )
    slots = documents.create_slots(owner, specs, principal.account_id)
    order = new_order(
        principal,
        provider,
        body.insurer_id,
        body,
        order_id=order_id,
        kind="tradicional",
        amount=amount,
        coinsurance=coinsurance,
        created_at=clock.iso(clock.now()),
        format_document_ids=[slot.document_id for slot in slots],
        format_status="pendiente",
    )
    repository.create_orders([order])
    return s.TraditionalOrderOut(order=presentation.order_out(order), slots=slots)


def _read_object(document: Document) -> bytes:
    params: dict[str, Any] = {"Bucket": get_settings().documents_bucket, "Key": document.object_key}
    if document.version_id and document.version_id != "null":
        params["VersionId"] = document.version_id
    body = aws.s3().get_object(**params)["Body"]
    try:
        return bytes(body.read())
    finally:
        body.close()


def on_order_document(document: Document) -> None:
    """Once every PDF of a traditional order is judged: merge them, or say which failed."""
    from chalicelib.providers.merge import merge_pdfs

    order = repository.get_order(document.owner_id)
    if order is None or order.format_status != "pendiente":
        return
    found = {
        d.document_id: d for d in documents.documents_of(DocumentOwner.CARE_ORDER, order.order_id)
    }
    parts = [found.get(document_id) for document_id in order.format_document_ids]
    rejected = [p for p in parts if p is not None and p.status == "rechazado"]
    if rejected:
        reasons = [
            {"code": r["code"], "message": f"«{p.name}»: {r['message']}"}
            for p in rejected
            for r in p.reasons
        ]
        repository.set_order_format(order.order_id, "rechazado", reasons, None)
        return
    if any(p is None or p.status != "aceptado" for p in parts):
        return  # the others are still being validated
    ready = [p for p in parts if p is not None]
    if len(ready) == 1:
        repository.set_order_format(order.order_id, "aceptado", [], ready[0].object_key)
        return
    merged = merge_pdfs([_read_object(p) for p in ready])
    key = f"derived/care_order/{order.order_id}/{FORMAT_NAME}"
    aws.s3().put_object(
        Bucket=get_settings().documents_bucket, Key=key, Body=merged, ContentType="application/pdf"
    )
    repository.set_order_format(order.order_id, "aceptado", [], key)
    logger.info("order format merged", extra={"order_id": order.order_id, "parts": len(ready)})


def order_format(principal: Principal, order_id: str) -> s.ExportOut:
    """A short link to a traditional order's order-format PDF (merged by us when needed)."""
    order = access.own_order(principal, order_id)
    if order.kind != "tradicional" or not order.format_key:
        raise errors.Conflict(
            "El formato de la orden aún no está listo.", code="order_format_not_ready"
        )
    return presentation.presigned(
        order.format_key, f"orden-{order.account_number}.pdf", "application/pdf"
    )
