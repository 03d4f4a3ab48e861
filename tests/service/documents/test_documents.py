"""Documents on moto in-process: slots, limits, the pipeline, reading, downloading, deleting."""

from __future__ import annotations

import base64
import io
import json
from datetime import datetime, timedelta
from typing import Any
from urllib.parse import parse_qs, urlparse

import pytest

import app as app_module
from chalicelib import errors
from chalicelib.documents import limits
from chalicelib.documents import service as documents
from chalicelib.documents.rules import DocumentOwner, FileSpec
from infrastructure.local.pump import LambdaContext
from tests.service.documents.world import (
    ANA,
    BUCKET,
    LUIS,
    OPERATOR_ADN,
    OPERATOR_SEC,
    DocumentsWorld,
    claim_of,
    file,
)
from tests.unit.documents import builders

PDF = builders.make_pdf([["Informe médico", "Paciente: Ana Sofía Torres Vega"]])


def validate_pending(world: DocumentsWorld) -> dict[str, Any]:
    """Run the validating handler on what S3 notified, as Lambda would."""
    event = world.event(world.notifications())
    result: dict[str, Any] = app_module.validate_document(event, LambdaContext("validate_document"))
    return result


def accepted_pdf(world: DocumentsWorld) -> str:
    slot = world.slot(ANA, "informe.pdf", PDF)
    world.upload(slot, PDF)
    assert validate_pending(world) == {"batchItemFailures": []}
    return slot.document_id


# --- slots -------------------------------------------------------------------------------------


def test_a_slot_signs_the_exact_key_type_size_and_lifetime(world: DocumentsWorld) -> None:
    owner = claim_of(ANA, "claim-1")
    [slot] = documents.create_slots(owner, [file("informe.pdf", PDF)], ANA.account_id)
    fields = slot.upload.fields
    assert fields["key"] == f"uploads/claim/claim-1/{slot.document_id}/informe.pdf"
    assert fields["Content-Type"] == "application/pdf"
    assert BUCKET in slot.upload.url
    policy = json.loads(base64.b64decode(fields["policy"]))
    assert ["content-length-range", 1, len(PDF)] in policy["conditions"]
    assert {"key": fields["key"]} in policy["conditions"]
    assert {"Content-Type": "application/pdf"} in policy["conditions"]
    assert {"tagging": fields["tagging"]} in policy["conditions"]
    lifetime = datetime.fromisoformat(policy["expiration"].replace("Z", "+00:00")) - (
        datetime.fromisoformat(slot.expires_at)
    )
    assert abs(lifetime) <= timedelta(seconds=2)
    assert datetime.fromisoformat(slot.expires_at) - datetime.now(
        datetime.fromisoformat(slot.expires_at).tzinfo
    ) <= timedelta(minutes=15)
    document = documents.read_document(ANA, slot.document_id)
    assert document.model_dump(include={"id", "name", "doc_type", "size", "status"}) == {
        "id": slot.document_id,
        "name": "informe.pdf",
        "doc_type": "informe_medico",
        "size": len(PDF),
        "status": "pendiente",
    }
    assert [d.document_id for d in documents.documents_of(DocumentOwner.CLAIM, "claim-1")] == [
        slot.document_id
    ]


def test_limits_count_the_documents_the_owner_already_has(world: DocumentsWorld) -> None:
    owner = claim_of(ANA)
    documents.create_slots(
        owner, [file(f"f{i}.pdf", b"x" * 1000) for i in range(49)], ANA.account_id
    )
    with pytest.raises(errors.Conflict) as many:
        documents.create_slots(owner, [file("a.pdf", PDF), file("b.pdf", PDF)], ANA.account_id)
    assert many.value.error_code == "too_many_files"
    big = FileSpec("grande.pdf", 20 * limits.MIB, "", "informe_medico")
    other = claim_of(ANA)
    documents.create_slots(other, [big, big], ANA.account_id)
    with pytest.raises(errors.PayloadTooLarge) as large:
        documents.create_slots(other, [big], ANA.account_id)
    assert large.value.error_code == "claim_too_large"
    with pytest.raises(errors.InvalidInput) as name:
        documents.create_slots(other, [file("mi informe.pdf", PDF)], ANA.account_id)
    assert name.value.error_code == "file_name_invalid"
    assert "un espacio" in name.value.error_message


def test_deleting_gives_the_room_back(world: DocumentsWorld) -> None:
    owner = claim_of(ANA)
    slots = documents.create_slots(
        owner, [file(f"f{i}.pdf", b"x") for i in range(50)], ANA.account_id
    )
    with pytest.raises(errors.Conflict):
        documents.create_slots(owner, [file("otro.pdf", PDF)], ANA.account_id)
    documents.delete_document(ANA, slots[0].document_id)
    assert len(documents.create_slots(owner, [file("otro.pdf", PDF)], ANA.account_id)) == 1


# --- the pipeline, through the handler -----------------------------------------------------------


def test_an_uploaded_pdf_is_accepted_and_its_owner_is_told(world: DocumentsWorld) -> None:
    document_id = accepted_pdf(world)
    document = documents.read_document(ANA, document_id)
    assert document.status == "aceptado"
    assert document.reasons == []
    assert document.facts["pages"] == 1
    assert len(document.facts["sha256"]) == 64
    assert document.facts["content_type"] == "application/pdf"
    assert [heard.document_id for heard in world.heard] == [document_id]
    assert world.heard[0].status == "aceptado"


def test_a_photo_is_stored_again_without_its_metadata(world: DocumentsWorld) -> None:
    photo = builders.make_jpeg()
    slot = world.slot(ANA, "receta.jpg", photo, doc_type="receta")
    world.upload(slot, photo)
    validate_pending(world)
    from PIL import Image

    derived = (
        f"derived/claim/{slot.upload.fields['key'].split('/')[2]}/{slot.document_id}/receta.jpg"
    )
    clean = world.s3.get_object(Bucket=BUCKET, Key=derived)["Body"].read()
    assert not Image.open(io.BytesIO(clean)).getexif()
    link = documents.download(ANA, slot.document_id, "inline")
    assert f"/{derived}?" in link.url
    assert world.notifications() == []  # derived/ never notifies


def test_an_expense_invoice_is_accepted_once_across_documents(world: DocumentsWorld) -> None:
    xml = builders.cfdi_expense()
    first = world.slot(ANA, "factura.xml", xml, doc_type="factura")
    world.upload(first, xml)
    validate_pending(world)
    assert documents.read_document(ANA, first.document_id).status == "aceptado"
    second = world.slot(LUIS, "factura.xml", xml, doc_type="factura")
    world.upload(second, xml)
    validate_pending(world)
    again = documents.read_document(LUIS, second.document_id)
    assert again.status == "rechazado"
    assert again.reasons[0].code == "cfdi_uuid_duplicate"
    assert builders.INVOICE_UUID not in again.reasons[0].message, "it reveals nothing"
    documents.delete_document(ANA, first.document_id)  # frees the UUID
    third = world.slot(LUIS, "factura.xml", xml, doc_type="factura")
    world.upload(third, xml)
    validate_pending(world)
    assert documents.read_document(LUIS, third.document_id).status == "aceptado"


def test_a_uuid_is_reserved_for_its_issuer_and_receiver_only(world: DocumentsWorld) -> None:
    from infrastructure.local.cfdi_authority import seal

    genuine = builders.cfdi_expense()
    # Another issuer with a CSD of its own copies the UUID into its stamp: SAT's seal on a
    # stamp is not always verifiable offline, so the copy must not squat the genuine one.
    squatter = seal(genuine.replace(b'Rfc="FAR0101017Z5"', b'Rfc="OTR0101017Z5"'))
    first = world.slot(LUIS, "factura.xml", squatter, doc_type="factura")
    world.upload(first, squatter)
    second = world.slot(ANA, "factura.xml", genuine, doc_type="factura")
    world.upload(second, genuine)
    validate_pending(world)
    assert documents.read_document(LUIS, first.document_id).status == "aceptado"
    assert documents.read_document(ANA, second.document_id).status == "aceptado"


# --- reading and ownership -----------------------------------------------------------------------


def test_another_persons_document_is_not_found(world: DocumentsWorld) -> None:
    document_id = accepted_pdf(world)
    for action in (
        lambda: documents.read_document(LUIS, document_id),
        lambda: documents.download(LUIS, document_id, "attachment"),
        lambda: documents.delete_document(LUIS, document_id),
        lambda: documents.read_document(OPERATOR_ADN, document_id),
        lambda: documents.read_document(ANA, "no-existe"),
        lambda: documents.read_document(ANA, "../../etc"),
    ):
        with pytest.raises(errors.NotFound):
            action()
    assert documents.read_document(ANA, document_id).status == "aceptado"


def test_an_operator_of_the_insurer_reads_only_through_operator_routes(
    world: DocumentsWorld,
) -> None:
    """/v1/documents is the owner's: the insurer's operator gets 404 there (a draft claim's
    files are the insured's alone, and operator reads are audited by the operator routes,
    which call `download`)."""
    document_id = accepted_pdf(world)
    for action in (
        lambda: documents.read_document(OPERATOR_SEC, document_id),
        lambda: documents.download_own(OPERATOR_SEC, document_id, "attachment"),
        lambda: documents.delete_document(OPERATOR_SEC, document_id),
        lambda: documents.download(OPERATOR_ADN, document_id, "attachment"),
    ):
        with pytest.raises(errors.NotFound):
            action()
    assert documents.download(OPERATOR_SEC, document_id, "attachment").url
    assert documents.download_own(ANA, document_id, "attachment").url


# --- downloads ----------------------------------------------------------------------------------


def _query(url: str) -> dict[str, str]:
    return {name: values[0] for name, values in parse_qs(urlparse(url).query).items()}


def test_downloads_are_short_lived_and_pin_the_validated_version(world: DocumentsWorld) -> None:
    document_id = accepted_pdf(world)
    link = documents.download(ANA, document_id, "attachment")
    query = _query(link.url)
    assert query["response-content-disposition"] == 'attachment; filename="informe.pdf"'
    assert query["response-content-type"] == "application/pdf"
    assert int(query["X-Amz-Expires"]) <= 300
    assert query["versionId"]
    inline = _query(documents.download(ANA, document_id, "inline").url)
    assert inline["response-content-disposition"] == 'inline; filename="informe.pdf"'


def test_inline_only_for_accepted_pdf_and_jpeg(world: DocumentsWorld) -> None:
    pending = world.slot(ANA, "informe.pdf", PDF)
    with pytest.raises(documents.DocumentPending):
        documents.download(ANA, pending.document_id, "attachment")
    bad = b"%PDF-1.7\nnada mas"
    rejected = world.slot(ANA, "roto.pdf", bad)
    world.upload(rejected, bad)
    world.upload(pending, PDF)
    validate_pending(world)
    assert documents.read_document(ANA, rejected.document_id).status == "rechazado"
    with pytest.raises(documents.DocumentNotAccepted):
        documents.download(ANA, rejected.document_id, "inline")
    attachment = _query(documents.download(ANA, rejected.document_id, "attachment").url)
    assert attachment["response-content-type"] == "application/octet-stream"
    xml = builders.cfdi_expense(uuid="11111111-2222-4333-8444-555555555555")
    invoice = world.slot(ANA, "factura.xml", xml, doc_type="factura")
    world.upload(invoice, xml)
    validate_pending(world)
    with pytest.raises(documents.InlineNotAvailable):
        documents.download(ANA, invoice.document_id, "inline")


# --- deleting ------------------------------------------------------------------------------------


def test_delete_removes_the_object_and_the_document(world: DocumentsWorld) -> None:
    document_id = accepted_pdf(world)
    key = next(d.object_key for d in world.heard if d.document_id == document_id)
    documents.delete_document(ANA, document_id)
    with pytest.raises(errors.NotFound):
        documents.read_document(ANA, document_id)
    listed = world.s3.list_objects_v2(Bucket=BUCKET, Prefix=key).get("Contents", [])
    assert listed == []


def test_delete_asks_the_owner(world: DocumentsWorld, monkeypatch: pytest.MonkeyPatch) -> None:
    document_id = accepted_pdf(world)
    monkeypatch.setitem(documents._guards, "claim", lambda document: "El trámite ya tiene folio.")
    with pytest.raises(errors.Conflict) as refused:
        documents.delete_document(ANA, document_id)
    assert refused.value.error_message == "El trámite ya tiene folio."
    monkeypatch.delitem(documents._guards, "claim")
    with pytest.raises(errors.Conflict):  # an owner that never said it allows deletion
        documents.delete_document(ANA, document_id)
    assert documents.read_document(ANA, document_id).status == "aceptado"


def test_a_judged_upload_loses_the_pending_tag_so_the_lifecycle_keeps_it(
    world: DocumentsWorld,
) -> None:
    # moto ignores the POST policy's tagging field; tag as S3 does on AWS.
    tag = {"TagSet": [{"Key": "upload-state", "Value": "pending"}]}
    kept = world.slot(ANA, "informe.pdf", PDF)
    world.upload(kept, PDF)
    key = kept.upload.fields["key"]
    world.s3.put_object_tagging(Bucket=BUCKET, Key=key, Tagging=tag)
    assert validate_pending(world) == {"batchItemFailures": []}
    assert world.s3.get_object_tagging(Bucket=BUCKET, Key=key)["TagSet"] == []

    never_judged = world.slot(ANA, "otro.pdf", PDF)
    other_key = never_judged.upload.fields["key"]
    world.s3.put_object(Bucket=BUCKET, Key=other_key, Body=PDF, Tagging="upload-state=pending")
    world.drain()  # its notification is lost: the upload stays tagged for the lifecycle rule
    assert world.s3.get_object_tagging(Bucket=BUCKET, Key=other_key)["TagSet"] == tag["TagSet"]
