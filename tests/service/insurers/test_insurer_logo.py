"""An insurer's logo on moto in-process: GIVEN a platform administrator and an insurer, WHEN a
logo is uploaded through its slot and S3's notification goes through the pipeline, THEN an
accepted logo is the insurer's next version (audited, by that administrator) with a link to
its clean copy, and a refused file leaves the insurer as it was with the reasons in Spanish."""

from __future__ import annotations

import io
import urllib.parse
from dataclasses import replace
from typing import Any

import pytest
from PIL import Image

from chalicelib import errors
from chalicelib.auth import Principal
from chalicelib.documents import service as documents
from chalicelib.documents.rules import DocumentOwner
from chalicelib.insurers import service as insurers
from chalicelib.insurers.schemas import InsurerIn, ListQuery, LogoIn
from tests.service.documents.world import BUCKET, DocumentsWorld
from tests.service.insurers.test_insurers import _audit

ADMIN = Principal("platform-admin-1", "plataforma")


def _png(size: tuple[int, int] = (120, 40)) -> bytes:
    out = io.BytesIO()
    Image.new("RGBA", size, (11, 79, 138, 255)).save(out, "PNG")
    return out.getvalue()


def _gif() -> bytes:
    out = io.BytesIO()
    Image.new("P", (16, 16)).save(out, "GIF")
    return out.getvalue()


@pytest.fixture
def world(aws: dict[str, Any]) -> DocumentsWorld:
    return DocumentsWorld()


@pytest.fixture
def insurer(aws: dict[str, Any]) -> str:
    insurers.create(
        ADMIN,
        InsurerIn.model_validate(
            {
                "id": "logos",
                "legal_name": "ASEGURADORA DE LOGOS",
                "rfc": "ALO050101AA4",
                "display_name": "Logos",
            }
        ),
    )
    return "logos"


def _upload(world: DocumentsWorld, insurer_id: str, name: str, data: bytes) -> str:
    """Ask for the slot, put the bytes, run S3's notification through the pipeline."""
    content_type = "image/jpeg" if name.endswith(".jpg") else "image/png"
    body = LogoIn.model_validate(
        {"file": {"name": name, "size": len(data), "content_type": content_type}}
    )
    answer = insurers.request_logo_upload(ADMIN, insurer_id, body)
    assert answer.document_id == answer.slot.document_id
    world.upload(answer.slot, data)
    for notification in world.notifications():
        documents.handle_upload_notification(notification)
    return answer.document_id


def test_an_accepted_logo_is_the_insurers_next_version(insurer: str, world: DocumentsWorld) -> None:
    document_id = _upload(world, insurer, "logo-nuevo.png", _png())

    upload = insurers.logo_upload(insurer, document_id)
    assert (upload.status, upload.reasons, upload.current) == ("aceptado", [], True)
    read = insurers.read(insurer)
    assert read.version == 2
    assert read.logo is not None
    assert (read.logo.document_id, read.logo.status) == (document_id, "aceptado")
    [newest, _] = insurers.versions_of(insurer, ListQuery()).items
    assert newest.actor_id == ADMIN.account_id
    assert [c.field for c in newest.changes] == ["logo"]
    assert newest.changes[0].old is None
    assert newest.changes[0].new["document_id"] == document_id
    assert ("insurer.updated", ADMIN.account_id, {"version": 2, "fields": ["logo"]}) in _audit(
        insurer
    )

    # The public link is a presigned GET of the clean copy, which decodes as the PNG sent.
    url = insurers.public(insurer).logo_url
    assert url is not None
    assert read.logo.url is not None
    parsed = urllib.parse.urlparse(url)
    key = urllib.parse.unquote(parsed.path.split(f"/{BUCKET}/", 1)[-1].lstrip("/"))
    assert key.startswith("derived/insurer_logo/")
    assert key.endswith("/logo-nuevo.png")
    assert "X-Amz-Signature" in parsed.query
    assert "X-Amz-Expires=3600" in parsed.query
    stored = world.s3.get_object(Bucket=BUCKET, Key=key)
    assert stored["ContentType"] == "image/png"
    assert Image.open(io.BytesIO(stored["Body"].read())).size == (120, 40)

    # A redelivered verdict records nothing twice.
    document = documents.owned_document(DocumentOwner.INSURER_LOGO, document_id)
    assert document is not None
    insurers.on_logo_verdict(document)
    assert insurers.read(insurer).version == 2


def test_a_refused_file_leaves_the_insurer_and_its_logo_as_they_were(
    insurer: str, world: DocumentsWorld
) -> None:
    first = _upload(world, insurer, "logo.png", _png())
    before = insurers.read(insurer)

    refused = _upload(world, insurer, "animado.png", _gif())
    upload = insurers.logo_upload(insurer, refused)
    assert (upload.status, upload.current) == ("rechazado", False)
    assert [r.code for r in upload.reasons] == ["file_type_mismatch"]
    assert "no corresponde a una imagen PNG o JPEG" in upload.reasons[0].message
    after = insurers.read(insurer)
    assert after.version == before.version == 2
    assert after.logo is not None
    assert after.logo.document_id == first

    cut = _upload(world, insurer, "cortado.png", _png()[:-20])
    assert insurers.logo_upload(insurer, cut).reasons[0].code == "image_damaged"
    assert insurers.read(insurer).version == 2


def test_a_logo_accepted_late_does_not_replace_a_newer_one(
    insurer: str, world: DocumentsWorld
) -> None:
    newer = _upload(world, insurer, "nuevo.png", _png())
    accepted = documents.owned_document(DocumentOwner.INSURER_LOGO, newer)
    assert accepted is not None
    insurers.on_logo_verdict(
        replace(accepted, document_id="older-upload", created_at="2000-01-01T00:00:00Z")
    )
    read = insurers.read(insurer)
    assert read.logo is not None
    assert read.logo.document_id == newer


def test_the_slot_refuses_a_file_above_512_kb_and_other_types(insurer: str) -> None:
    def ask(name: str, size: int, content_type: str = "image/png") -> None:
        body = LogoIn.model_validate(
            {"file": {"name": name, "size": size, "content_type": content_type}}
        )
        insurers.request_logo_upload(ADMIN, insurer, body)

    with pytest.raises(errors.PayloadTooLarge):
        ask("logo.png", 512 * 1024 + 1)
    with pytest.raises(errors.InvalidInput) as refused:
        ask("logo.gif", 100)
    assert refused.value.error_code == "file_type_not_allowed"
    unknown = LogoIn.model_validate(
        {"file": {"name": "logo.png", "size": 10, "content_type": "image/png"}}
    )
    with pytest.raises(errors.NotFound):
        insurers.request_logo_upload(ADMIN, "no-existe", unknown)


def test_another_insurers_upload_is_not_found(insurer: str, world: DocumentsWorld) -> None:
    document_id = _upload(world, insurer, "logo.png", _png())
    insurers.create(
        ADMIN,
        InsurerIn.model_validate(
            {"id": "otra", "legal_name": "OTRA", "rfc": "OTR050101AA4", "display_name": "Otra"}
        ),
    )
    with pytest.raises(errors.NotFound):
        insurers.logo_upload("otra", document_id)
    with pytest.raises(errors.NotFound):
        insurers.logo_upload(insurer, "00000000-0000-0000-0000-000000000000")
