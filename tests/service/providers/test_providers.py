"""Providers on moto in-process: bank account, orders, invoices matched to their orders,
payment, complement and statement, through the real documents pipeline."""

from __future__ import annotations

from typing import Any

import boto3
import pytest

import app as app_module
from chalicelib import errors
from chalicelib.auth import Principal
from chalicelib.providers import schemas as s
from chalicelib.providers import service as providers
from infrastructure.fake_sat import FakeSatServer
from tests.service.accounts.conftest import Clock, Mailbox
from tests.service.documents.world import DocumentsWorld
from tests.service.providers.world import OPERATOR_ADN, OPERATOR_SEC, ProvidersWorld
from tests.unit.documents.builders import make_pdf, statement_pdf
from tests.unit.providers.cfdi import INVOICE_UUID, cfdi_payment, order_invoice

RFC = "RASJ750312H42"
CLABE = "002180700845632136"
OTHER_CLABE = "002010077777777771"
PERIOD = "Periodo: del 01/10/2026 al 31/10/2026"


def _statement(clabe: str = CLABE, holder: str = "JORGE ALBERTO RAMÍREZ SOTO") -> bytes:
    return statement_pdf(clabe=clabe, holder=holder, period=PERIOD)


def _record_payment(operator: Principal, invoice_id: str, amount: str) -> s.InvoiceOut:
    """The operator records the invoice paid on 25 November 2026, for `amount` pesos."""
    payment = s.PaymentIn(amount=s.MoneyIn(amount=amount), paid_on="2026-11-25")  # type: ignore[arg-type]
    return providers.record_payment(operator, invoice_id, payment)


def _register_account(world: ProvidersWorld, provider: Principal, clabe: str, pdf: bytes) -> None:
    answer = providers.register_bank_account(
        provider,
        s.BankAccountIn(
            clabe=clabe,
            statement=s.UploadFile(
                name="estado.pdf", size=len(pdf), content_type="application/pdf"
            ),
        ),
    )
    assert answer.status == "en_validacion"
    world.upload(answer.slot, pdf)


def test_bank_account_is_active_after_its_statement_and_a_rejected_change_keeps_it(
    world: ProvidersWorld, mailbox: Mailbox, moved_clock: Clock
) -> None:
    provider = world.provider()
    assert providers.bank_account(provider).status == "sin_registrar"
    _register_account(world, provider, CLABE, _statement())
    first = providers.bank_account(provider)
    assert first.status == "activa"
    assert first.active is not None
    assert first.active.bank == "Banamex"
    assert first.pending is None

    # A change whose statement belongs to someone else: the old account keeps receiving.
    moved_clock.advance(minutes=5)
    _register_account(world, provider, OTHER_CLABE, _statement(OTHER_CLABE, "OTRA PERSONA"))
    second = providers.bank_account(provider)
    assert second.active is not None
    assert second.active.clabe == CLABE
    assert second.pending is not None
    assert second.pending.status == "rechazada"
    assert second.pending.reasons, "a rejected account says why"
    subjects = [m.subject for m in mailbox.sent()]
    assert "Tu cuenta bancaria ya está activa" in subjects
    assert "No pudimos validar tu cuenta bancaria" in subjects

    # A corrected statement for the new CLABE: it becomes the active one.
    moved_clock.advance(minutes=5)
    _register_account(world, provider, OTHER_CLABE, _statement(OTHER_CLABE))
    third = providers.bank_account(provider)
    assert third.active is not None
    assert third.active.clabe == OTHER_CLABE
    assert third.pending is None


def test_invoice_payment_complement_and_statement(world: ProvidersWorld, mailbox: Mailbox) -> None:
    provider = world.provider()
    orders = world.load_orders(
        RFC,
        ("A-1001", "ANA SOFIA TORRES VEGA", "1000.00"),
        ("A-1002", "LUIS TORRES VEGA", "555.55"),
    )
    assert [o.amount_to_invoice.amount for o in orders] == ["900.00", "499.99"]  # 55.555 → 55.56
    assert orders[1].retention.lines[0].amount.amount == "55.56"

    pairs = [
        ("A-1001", "Ana Sofía Torres Vega", "1000.00"),
        ("A-1002", "LUIS TORRES VEGA", "555.55"),
    ]
    invoice_id = world.invoice(provider, [o.id for o in orders], order_invoice(pairs))
    invoice = providers.invoice(provider, invoice_id)
    assert invoice.status == "aceptada", invoice.reasons
    assert invoice.uuid == INVOICE_UUID
    assert invoice.total.amount == "1399.99"
    listed = providers.care_orders(provider, s.CareOrdersQuery(status="factura_validada"))
    assert {o.id for o in listed.items} == {o.id for o in orders}

    with pytest.raises(errors.InvalidInput) as wrong:
        _record_payment(OPERATOR_SEC, invoice_id, "1000")
    assert wrong.value.error_code == "payment_amount_mismatch"
    with pytest.raises(errors.NotFound):
        _record_payment(OPERATOR_ADN, invoice_id, "1399.99")
    paid = _record_payment(OPERATOR_SEC, invoice_id, "1399.99")
    assert paid.status == "pagada"
    assert paid.payment is not None
    assert paid.payment.sat_status == "vigente"
    assert any("complemento de pago" in m.subject for m in mailbox.sent())
    due = providers.statement(provider, s.StatementQuery()).root
    assert isinstance(due, s.StatementOut)
    assert due.totals.complements_due == 2
    assert due.totals.paid.amount == "1399.99"

    # A complement that pays less than was paid is rejected; the right one completes it.
    rounds: tuple[tuple[bytes, str, set[str]], ...] = (
        (
            cfdi_payment(
                previous="1399.99",
                paid="1300.00",
                balance="99.99",
                uuid="11111111-2222-4333-8444-555555555555",
            ),
            "rechazado",
            {"complement_paid_mismatch", "complement_balance_mismatch"},
        ),
        (cfdi_payment(previous="1399.99", paid="1399.99", balance="0.00"), "aceptado", set()),
    )
    for data, expected, codes in rounds:
        slot = providers.request_complement(
            provider,
            invoice_id,
            s.ComplementIn(file=s.UploadFile(name="complemento.xml", size=len(data))),
        ).slot
        world.upload(slot, data)
        complement = providers.invoice(provider, invoice_id).complement
        assert complement is not None
        assert complement.status == expected, complement
        assert {reason.code for reason in complement.reasons} == codes

    done = providers.statement(provider, s.StatementQuery()).root
    assert isinstance(done, s.StatementOut)
    assert {row.status for row in done.items} == {"complemento_recibido"}
    assert done.totals.complements_due == 0
    assert done.totals.amount_to_invoice.amount == done.totals.paid.amount == "1399.99"

    export = providers.statement(provider, s.StatementQuery(format="xlsx")).root
    assert isinstance(export, s.ExportOut)
    assert "exports/providers/" in export.url


def world_event(bodies: list[str]) -> Any:
    """A real-shaped Lambda SQS event, one record per body, each with its own id."""
    return DocumentsWorld().event(bodies)


def _rejected_codes(
    world: ProvidersWorld, provider: Principal, data: bytes, order: str
) -> set[str]:
    invoice_id = world.invoice(provider, [order], data)
    invoice = providers.invoice(provider, invoice_id)
    assert invoice.status == "rechazada"
    return {reason.code for reason in invoice.reasons}


def test_a_rejected_invoice_frees_its_order_and_the_corrected_one_is_accepted(
    world: ProvidersWorld,
) -> None:
    provider = world.provider()
    [order] = world.load_orders(RFC, ("B-2001", "ANA SOFIA TORRES VEGA", "1000.00"))
    wrong_patient = order_invoice([("B-2001", "OTRO PACIENTE", "1000.00")])
    assert _rejected_codes(world, provider, wrong_patient, order.id) == {"invoice_concept_missing"}
    assert providers.care_order(provider, order.id).invoice_id is None
    # Same UUID: the rejection did not reserve it.
    good = order_invoice([("B-2001", "ANA SOFIA TORRES VEGA", "1000.00")])
    invoice_id = world.invoice(provider, [order.id], good)
    assert providers.invoice(provider, invoice_id).status == "aceptada"
    # The order is taken now; and the same CFDI cannot invoice another order.
    with pytest.raises(errors.Conflict):
        world.invoice(provider, [order.id], good)


def test_ten_uploads_of_one_uuid_in_one_batch_accept_one(world: ProvidersWorld) -> None:
    """Ten invoices carrying the same folio fiscal reach the validating function together:
    one is accepted, the others are told the UUID was already presented. (Threads against
    moto in-process are not a fair race: its transactions are not atomic across threads,
    so the concurrent version of this test runs on the platform fixture, whose DynamoDB is
    serialised as the local stack's is, see tests/api/test_providers_http.py.)"""
    provider = world.provider()
    orders = world.load_orders(
        RFC, *((f"C-{n:04d}", "ANA SOFIA TORRES VEGA", "1000.00") for n in range(10))
    )
    created = []
    for order in orders:
        data = order_invoice([(order.account_number, "ANA SOFIA TORRES VEGA", "1000.00")])
        answer = providers.create_invoice(
            provider,
            s.InvoiceIn(care_order_ids=[order.id], file=s.UploadFile(name="f.xml", size=len(data))),
        )
        world.upload(answer.slot, data, validate=False)
        created.append(answer.invoice_id)
    bodies = world.notifications()
    assert len(bodies) == 10
    result = app_module.validate_document(world_event(bodies), None)
    assert result == {"batchItemFailures": []}
    invoices = [providers.invoice(provider, invoice_id) for invoice_id in created]
    assert [i.status for i in invoices].count("aceptada") == 1
    rejected = [i for i in invoices if i.status != "aceptada"]
    assert len(rejected) == 9
    assert {r.code for i in rejected for r in i.reasons} == {"cfdi_uuid_duplicate"}
    # The nine orders of the rejected invoices are free to invoice again.
    free = providers.care_orders(provider, s.CareOrdersQuery(status="registrada"))
    assert len([o for o in free.items if o.invoice_id is None]) == 9


def test_sat_cancelled_invoice_is_not_paid(world: ProvidersWorld, fake_sat: FakeSatServer) -> None:
    provider = world.provider()
    [order] = world.load_orders(RFC, ("D-3001", "ANA SOFIA TORRES VEGA", "1000.00"))
    invoice_id = world.invoice(
        provider, [order.id], order_invoice([("D-3001", "ANA SOFIA TORRES VEGA", "1000.00")])
    )
    fake_sat.state.answers[INVOICE_UUID] = {"estado": "Cancelado"}
    with pytest.raises(errors.Conflict) as caught:
        _record_payment(OPERATOR_SEC, invoice_id, "900.00")
    assert caught.value.error_code == "invoice_sat_cancelado"
    assert providers.invoice(provider, invoice_id).status == "aceptada"


def test_others_records_answer_not_found(world: ProvidersWorld) -> None:
    provider = world.provider()
    stranger = world.provider(rfc="GOMA800101AB1", name="ANA GOMEZ MARTINEZ")
    [order] = world.load_orders(RFC, ("E-4001", "ANA SOFIA TORRES VEGA", "1000.00"))
    with pytest.raises(errors.NotFound):
        providers.care_order(stranger, order.id)
    with pytest.raises(errors.NotFound):
        providers.care_order(OPERATOR_ADN, order.id)
    assert providers.care_order(OPERATOR_SEC, order.id).id == order.id
    with pytest.raises(errors.NotFound):
        world.invoice(stranger, [order.id], b"<x/>")
    with pytest.raises(errors.NotFound):  # an operator loads only for its own insurers
        providers.load_digital_orders(
            OPERATOR_SEC,
            s.OperatorOrdersIn(
                insurer_id="adn",
                provider_rfc=RFC,
                orders=[
                    s.DigitalOrderIn(
                        account_number="E-4002",
                        patient_name="ANA",
                        service="consulta",
                        date="2026-11-01",  # type: ignore[arg-type]
                        amount=s.MoneyIn(amount="1.00"),
                        insured_signature=True,
                        doctor_signature=True,
                    )
                ],
            ),
        )
    assert providers.care_orders(provider, s.CareOrdersQuery()).items[0].id == order.id
    with pytest.raises(errors.Conflict):
        world.load_orders(RFC, ("E-4001", "OTRA", "5.00"))


def test_three_pdfs_of_a_traditional_order_are_merged_into_its_format(
    world: ProvidersWorld,
) -> None:
    provider = world.provider()
    parts = [
        make_pdf([[f"{title} página {n}"] for n in range(1, pages + 1)])
        for title, pages in (("Carta", 1), ("Estado de cuenta", 2), ("Constancia", 1))
    ]
    answer = providers.register_traditional_order(
        provider,
        s.TraditionalOrderIn(
            insurer_id="sec",
            account_number="T-5001",
            patient_name="Ana Sofía Torres Vega",
            service="honorarios_quirurgicos",
            date="2026-11-01",  # type: ignore[arg-type]
            amount=s.MoneyIn(amount="5000.00"),
            files=[
                s.TraditionalFileIn(name=f"{name}.pdf", size=len(data), doc_type=doc_type)  # type: ignore[arg-type]
                for name, data, doc_type in zip(
                    ("carta", "estado", "constancia"),
                    parts,
                    ("carta", "estado_cuenta", "constancia_fiscal"),
                    strict=True,
                )
            ],
        ),
    )
    assert answer.order.format is not None
    assert answer.order.format.status == "pendiente"
    for slot, data in zip(answer.slots, parts, strict=True):
        world.upload(slot, data)
    order = providers.care_order(provider, answer.order.id)
    assert order.format is not None
    assert order.format.status == "aceptado"
    assert order.format.merged
    link = providers.order_format(provider, order.id)
    assert "derived/care_order/" in link.url
    from io import BytesIO

    from pypdf import PdfReader

    merged = (
        boto3.client("s3")
        .get_object(
            Bucket="portal-test-documents",
            Key=f"derived/care_order/{order.id}/orden-de-atencion.pdf",
        )["Body"]
        .read()
    )
    assert len(PdfReader(BytesIO(merged)).pages) == 4
