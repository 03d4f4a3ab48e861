"""Prescriptions, sealed sick leaves, the printable certificate and public verification."""

from __future__ import annotations

import io
from datetime import date, timedelta

import boto3
import pytest

from chalicelib import errors
from chalicelib.auth import Principal
from chalicelib.prescriptions import repository, seal
from chalicelib.prescriptions import service as prescriptions
from chalicelib.schema import ListQuery
from tests.service.appointments.conftest import TODAY, World
from tests.service.prescriptions.builders import (
    JOSE_NSS,
    MARIA_NSS,
    issue_sick_leave,
    prescription_in,
    sick_leave_in,
)


def test_prescriptions_reach_the_whole_nucleus_with_the_notice(world: World) -> None:
    issued = prescriptions.issue_prescription(
        world.operator,
        prescription_in(),
    )
    listing = prescriptions.prescriptions(world.titular, ListQuery())
    assert [p.id for p in listing.items] == [issued.id]
    assert listing.items[0].patient_name == "JOSE LUIS HERNANDEZ"
    assert listing.items[0].medicines[0].quantity == 10
    assert "no sustituye" in listing.notice
    assert prescriptions.prescriptions(world.other, ListQuery()).items == []
    with pytest.raises(errors.NotFound):
        prescriptions.issue_prescription(
            world.operator,
            prescription_in(
                "99999999999", medicine={"name": "Paracetamol", "dose": "1 diaria", "quantity": 1}
            ),
        )


def test_authorized_sick_leave_is_sealed_and_the_seal_verifies(world: World) -> None:
    sealed = issue_sick_leave(world, TODAY)

    assert sealed.status == "sellada"
    assert sealed.end_date == TODAY + timedelta(days=2)
    assert sealed.verify_url is not None
    assert f"id={sealed.id}" in sealed.verify_url
    answer = prescriptions.verify(sealed.id, sealed.seal or "")
    assert answer.valid
    assert answer.certificate is not None
    assert answer.certificate.patient_name == "MARIA GUADALUPE HERNANDEZ"
    assert answer.certificate.nss_masked.endswith("7897")
    # The signature is KMS's own, checkable with its public key alone.
    key_id = boto3.client("kms").list_aliases()["Aliases"]
    assert any(a["AliasName"].endswith("seals") for a in key_id)


def test_changing_any_sealed_field_breaks_the_seal(world: World) -> None:
    sealed = issue_sick_leave(world, TODAY)
    stored = repository.get_sick_leave(sealed.id)
    assert stored is not None
    fields = stored.sealed_fields()
    key_id = stored.seal_key_id or ""
    assert seal.verify(key_id, seal.canonical(fields), stored.seal or "")
    for field in seal.FIELDS:
        changed = dict(fields)
        value = fields[field]
        changed[field] = value + 1 if isinstance(value, int) else f"{value}X"
        assert not seal.verify(key_id, seal.canonical(changed), stored.seal or ""), field


def test_tampered_record_or_seal_is_not_genuine(world: World) -> None:
    from chalicelib.prescriptions.models import SickLeaveModel

    sealed = issue_sick_leave(world, TODAY)
    other = issue_sick_leave(world, TODAY - timedelta(days=1))
    assert not prescriptions.verify(sealed.id, other.seal or "").valid
    assert not prescriptions.verify(sealed.id, "not-a-seal").valid
    assert not prescriptions.verify("missing", sealed.seal or "").valid

    SickLeaveModel(f"SL#{sealed.id}", "SL").update(actions=[SickLeaveModel.days.set(30)])
    answer = prescriptions.verify(sealed.id, sealed.seal or "")
    assert not answer.valid
    assert answer.certificate is None


def test_issued_but_not_authorized_is_not_sealed_until_authorized(world: World) -> None:
    issued = issue_sick_leave(world, TODAY, authorize=False)
    assert issued.status == "emitida"
    assert prescriptions.sick_leaves(world.titular, ListQuery()).items == []
    with pytest.raises(errors.Conflict) as refused:
        prescriptions.certificate(world.titular, issued.id)
    assert refused.value.error_code == "not_sealed"

    sealed = prescriptions.authorize_sick_leave(world.operator, issued.id)
    again = prescriptions.authorize_sick_leave(world.operator, issued.id)

    assert sealed.status == again.status == "sellada"
    assert again.seal == sealed.seal  # authorizing twice keeps the first seal
    assert [s.id for s in prescriptions.sick_leaves(world.titular, ListQuery()).items] == [
        issued.id
    ]


def test_six_month_window_at_its_edges(world: World) -> None:
    # Today is 2026-11-25 in Mexico City: six months earlier is 2026-05-25.
    edge = issue_sick_leave(world, date(2026, 5, 25))
    issue_sick_leave(world, date(2026, 5, 24))
    recent = issue_sick_leave(world, TODAY)
    issue_sick_leave(world, TODAY, nss=JOSE_NSS)  # the relative's own: not the titular's to see

    listing = prescriptions.sick_leaves(world.titular, ListQuery())

    assert [s.id for s in listing.items] == [recent.id, edge.id]
    # A day later the edge one has left the window.
    world.clock.advance(days=1)
    assert [s.id for s in prescriptions.sick_leaves(world.titular, ListQuery()).items] == [
        recent.id
    ]
    with pytest.raises(errors.NotFound):
        prescriptions.certificate(world.titular, edge.id)


def test_certificate_pdf_has_the_fields_the_seal_and_is_reused(world: World) -> None:
    from pypdf import PdfReader

    sealed = issue_sick_leave(world, TODAY)
    link = prescriptions.certificate(world.titular, sealed.id)
    again = prescriptions.certificate(world.titular, sealed.id)

    assert link.expires_at > world.clock.now
    s3 = boto3.client("s3")
    bucket = s3.list_buckets()["Buckets"][0]["Name"]
    key = f"derived/certificates/sick-leaves/{sealed.id}.pdf"
    objects = s3.list_object_versions(Bucket=bucket, Prefix="derived/certificates/")
    assert [v["Key"] for v in objects.get("Versions", [])] == [key]  # written once
    assert key in link.url
    assert key in again.url
    body = s3.get_object(Bucket=bucket, Key=key)["Body"].read()
    text = PdfReader(io.BytesIO(body)).pages[0].extract_text()
    for expected in ("MARIA GUADALUPE HERNANDEZ", MARIA_NSS, "Enfermedad general", sealed.id):
        assert expected in text
    assert (sealed.seal or "")[:40] in text.replace("\n", "")
    with pytest.raises(errors.NotFound):
        prescriptions.certificate(world.other, sealed.id)


def test_another_insurers_operator_is_told_the_affiliate_does_not_exist(world: World) -> None:
    norte = Principal("op-norte", "operador", ("adn",))
    issued = issue_sick_leave(world, TODAY, authorize=False)
    with pytest.raises(errors.NotFound) as refused:
        prescriptions.authorize_sick_leave(norte, issued.id)
    with pytest.raises(errors.NotFound) as unknown:
        prescriptions.authorize_sick_leave(norte, "0" * 32)
    assert refused.value.error_message == unknown.value.error_message
    with pytest.raises(errors.NotFound) as foreign:
        prescriptions.issue_sick_leave(
            norte,
            sick_leave_in(doctor="DRA. NORTE", clinic="UMF Norte"),
        )
    with pytest.raises(errors.NotFound) as unregistered:
        issue_sick_leave(world, TODAY, nss="99999999999")
    assert foreign.value.error_code == unregistered.value.error_code
    assert foreign.value.error_message == unregistered.value.error_message
    with pytest.raises(errors.NotFound):
        prescriptions.issue_prescription(
            norte,
            prescription_in(
                medicine={"name": "Paracetamol 500 mg", "dose": "1 cada 8 horas", "quantity": 1},
                doctor="DRA. NORTE",
                clinic="UMF Norte",
            ),
        )
    # Nothing changed: the sick leave is still waiting for its own insurer's operator.
    assert prescriptions.authorize_sick_leave(world.operator, issued.id).status == "sellada"
