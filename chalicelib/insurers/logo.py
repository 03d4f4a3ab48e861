"""An insurer's logo: uploaded by a platform administrator through the documents pipeline,
recorded on the insurer as a new version once it is accepted, shown through a short-lived
link to its clean copy (the documents bucket stays private).

Each upload is its own document owner (`insurer_logo`, a new id per upload; the document's
`insurer_id` names the insurer), so replacing a logo many times never fills an owner's file
limit. The pipeline judges the file (`documents.validators.logo`: PNG or JPEG that decodes
within the pixel cap, 512 KB at most) and calls `on_logo_verdict`: an accepted logo becomes
the insurer's `logo` in a new version (audited `insurer.updated`, by the administrator who
uploaded it); a rejected one changes nothing, and its reasons are read with `logo_upload`.
"""

from __future__ import annotations

import uuid
from typing import Final

from chalice.app import Response

from chalicelib import errors
from chalicelib.auth import Principal
from chalicelib.config import get_settings
from chalicelib.documents import service as documents
from chalicelib.documents.rules import DocumentOwner, FileSpec
from chalicelib.documents.schemas import ReasonOut
from chalicelib.insurers import repository
from chalicelib.insurers.repository import Insurer
from chalicelib.insurers.schemas import LogoIn, LogoSlotOut, LogoUploadOut
from chalicelib.observability import logger

LOGO_DOC_TYPE: Final = "insurer_logo"
# Another change of the insurer between reading and writing it: read again and repeat.
_ATTEMPTS: Final = 5
# How long a mail client or proxy may keep the logo route's redirect: well within the
# presigned link's hour (`documents.IMAGE_LINK_LIFETIME`), so a kept redirect still loads.
LOGO_REDIRECT_MAX_AGE: Final = 600


def _insurer(insurer_id: str) -> Insurer:
    from chalicelib.insurers import service

    found = service.get_insurer(insurer_id)
    if found is None:
        raise errors.NotFound("No existe esa aseguradora.")
    return found


def request_logo_upload(principal: Principal, insurer_id: str, body: LogoIn) -> LogoSlotOut:
    """An upload slot for the insurer's new logo (a presigned POST of at most 512 KB)."""
    insurer = _insurer(insurer_id)
    owner = documents.Owner(
        kind=DocumentOwner.INSURER_LOGO,
        id=str(uuid.uuid4()),
        account_id=principal.account_id,
        insurer_id=insurer.insurer_id,
    )
    [slot] = documents.create_slots(
        owner, [FileSpec.of(body.file, LOGO_DOC_TYPE)], principal.account_id
    )
    return LogoSlotOut(document_id=slot.document_id, slot=slot)


def _logo_document(insurer: Insurer, document_id: str) -> documents.Document | None:
    document = documents.owned_document(DocumentOwner.INSURER_LOGO, document_id)
    if document is None or document.insurer_id != insurer.insurer_id:
        return None
    return document


def logo_upload(insurer_id: str, document_id: str) -> LogoUploadOut:
    """One upload of the insurer's logo and its verdict (404 for another insurer's)."""
    insurer = _insurer(insurer_id)
    document = _logo_document(insurer, document_id)
    if document is None:
        raise errors.NotFound("No existe esa carga de logotipo.")
    return LogoUploadOut(
        document_id=document.document_id,
        status=document.status,  # type: ignore[arg-type]  # one of the three, by construction
        reasons=[ReasonOut(**reason) for reason in document.reasons],
        current=(insurer.logo or {}).get("document_id") == document.document_id,
    )


def logo_url(insurer: Insurer) -> str | None:
    """A link the browser loads as an image (presigned, `documents.IMAGE_LINK_LIFETIME`)."""
    own = insurer.logo or {}
    document_id = own.get("document_id")
    if own.get("status") != "aceptado" or not isinstance(document_id, str):
        return None
    document = _logo_document(insurer, document_id)
    return documents.image_link(document) if document is not None else None


def logo_address(insurer: Insurer) -> str | None:
    """The logo's stable address for emails (the public route below, on the API's public base
    URL); None without an accepted logo or without `PUBLIC_API_URL`."""
    own = insurer.logo or {}
    base = get_settings().public_api_url
    if own.get("status") != "aceptado" or not base:
        return None
    return f"{base}/v1/insurers/{insurer.insurer_id}/logo"


def public_logo(insurer_id: str) -> Response:
    """The insurer's current logo for anyone: a 302 to a fresh presigned link, cacheable for
    a few minutes (404 for an unknown insurer or one without a logo)."""
    url = logo_url(_insurer(insurer_id))
    if url is None:
        raise errors.NotFound("Esta aseguradora no tiene logotipo.")
    return Response(
        body="",
        status_code=302,
        headers={"Location": url, "Cache-Control": f"public, max-age={LOGO_REDIRECT_MAX_AGE}"},
    )


def on_logo_verdict(document: documents.Document) -> None:
    """The pipeline's listener: an accepted logo becomes the insurer's (a new version)."""
    from chalicelib.insurers import service

    if document.status != "aceptado":
        logger.info("insurer logo rejected", extra={"document_id": document.document_id})
        return
    for _ in range(_ATTEMPTS):
        insurer = repository.get(document.insurer_id, consistent=True)
        if insurer is None:
            return
        shown = insurer.logo or {}
        if shown.get("document_id") == document.document_id:
            return  # a redelivered verdict: already recorded
        if str(shown.get("uploaded_at") or "") > document.created_at:
            return  # a logo uploaded later was accepted first: it stays
        logo = {
            "document_id": document.document_id,
            "status": "aceptado",
            "uploaded_at": document.created_at,
        }
        try:
            service._apply(document.uploaded_by, insurer, insurer.version, {"logo": logo})
        except errors.Conflict as conflict:
            if conflict.error_code != "version_conflict":
                raise
            continue
        return
    # Changed on every attempt: the message comes back and the listener runs again.
    raise RuntimeError(f"insurer {document.insurer_id} kept changing; logo not recorded yet")
