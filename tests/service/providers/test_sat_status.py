"""SAT's status of accepted invoices on moto in-process, asked of the fake SAT through the real
client: the worker keeps each answer and asks again after `No encontrado` or silence; a
payment needs `Vigente` within 24 hours and an issuer off the 69-B list."""

from __future__ import annotations

import json

import pytest

from chalicelib import errors
from chalicelib.auth import Principal
from chalicelib.providers import sat_checks
from chalicelib.providers import schemas as s
from chalicelib.providers import service as providers
from infrastructure.fake_sat import FakeSatServer
from tests.service.accounts.conftest import Clock
from tests.service.providers.world import OPERATOR_SEC, ProvidersWorld
from tests.unit.providers.cfdi import INVOICE_UUID, cfdi_payment, order_invoice

RFC = "RASJ750312H42"
ORDER = ("S-5001", "ANA SOFIA TORRES VEGA", "1000.00")


def _accepted_invoice(world: ProvidersWorld) -> tuple[Principal, str]:
    provider = world.provider()
    [order] = world.load_orders(RFC, ORDER)
    invoice_id = world.invoice(provider, [order.id], order_invoice([ORDER]))
    assert providers.invoice(provider, invoice_id).status == "aceptada"
    return provider, invoice_id


def _pay(invoice_id: str) -> s.InvoiceOut:
    payment = s.PaymentIn(amount=s.MoneyIn(amount="900.00"), paid_on="2026-11-25")  # type: ignore[arg-type]
    return providers.record_payment(OPERATOR_SEC, invoice_id, payment)


@pytest.fixture
def requeued(monkeypatch: pytest.MonkeyPatch) -> list[tuple[str, int]]:
    """The checks handed to the worker: (invoice, attempt), (invoice, -1 - attempt) for its
    payment complement."""
    calls: list[tuple[str, int]] = []

    def enqueue(invoice_id: str, attempt: int = 0, *, complement: bool = False) -> None:
        calls.append((invoice_id, -1 - attempt if complement else attempt))

    monkeypatch.setattr(sat_checks, "enqueue", enqueue)
    return calls


def test_no_encontrado_after_stamping_is_asked_again_until_vigente(
    world: ProvidersWorld, fake_sat: FakeSatServer, requeued: list[tuple[str, int]]
) -> None:
    fake_sat.state.answers[INVOICE_UUID] = {"estado": "No Encontrado"}
    provider, invoice_id = _accepted_invoice(world)
    assert requeued == [(invoice_id, 0)], "an accepted invoice is handed to the worker"
    sat_checks.handle_check(json.dumps({"invoice_id": invoice_id, "attempt": 0}))
    seen = providers.invoice(provider, invoice_id)
    assert seen.status == "aceptada", "not found is no rejection"
    assert seen.sat is not None
    assert (seen.sat.status, seen.sat.label) == ("no_encontrado", "No encontrado")
    assert requeued[-1] == (invoice_id, 1)
    expression = fake_sat.state.requests[-1]
    assert expression.startswith(f"?id={INVOICE_UUID}&re={RFC}&rr=SEC0104236T8&tt=900.00&fe=")
    assert len(expression.rsplit("&fe=", 1)[1]) == 8

    fake_sat.state.answers[INVOICE_UUID] = {"estado": "Vigente"}
    sat_checks.handle_check(json.dumps({"invoice_id": invoice_id, "attempt": 1}))
    seen = providers.invoice(provider, invoice_id)
    assert seen.sat is not None
    assert seen.sat.status == "vigente"
    assert seen.sat.checked_at
    assert requeued[-1] == (invoice_id, 1), "a final answer is not asked again"


def test_silence_is_asked_again_and_stops_after_the_last_attempt(
    world: ProvidersWorld, fake_sat: FakeSatServer, requeued: list[tuple[str, int]]
) -> None:
    _, invoice_id = _accepted_invoice(world)
    fake_sat.state.unreachable = True
    sat_checks.handle_check(json.dumps({"invoice_id": invoice_id, "attempt": 2}))
    assert requeued[-1] == (invoice_id, 3)
    last = sat_checks.MAX_ATTEMPTS - 1
    sat_checks.handle_check(json.dumps({"invoice_id": invoice_id, "attempt": last}))
    assert requeued[-1] == (invoice_id, 3)


def test_a_payment_needs_vigente_now_or_within_24_hours_when_sat_is_silent(
    world: ProvidersWorld,
    fake_sat: FakeSatServer,
    requeued: list[tuple[str, int]],
    moved_clock: Clock,
) -> None:
    provider, invoice_id = _accepted_invoice(world)
    fake_sat.state.unreachable = True
    with pytest.raises(errors.Conflict) as silent:
        _pay(invoice_id)
    assert silent.value.error_code == "invoice_sat_sin_respuesta"

    fake_sat.state.unreachable = False
    checked = providers.recheck_sat_status(OPERATOR_SEC, invoice_id)
    assert checked.sat is not None
    assert checked.sat.status == "vigente"
    with pytest.raises(errors.NotFound):
        providers.recheck_sat_status(provider, invoice_id)

    moved_clock.advance(hours=25)
    fake_sat.state.unreachable = True
    with pytest.raises(errors.Conflict) as stale:
        _pay(invoice_id)
    assert stale.value.error_code == "invoice_sat_sin_respuesta"

    fake_sat.state.unreachable = False
    providers.recheck_sat_status(OPERATOR_SEC, invoice_id)
    moved_clock.advance(hours=2)
    fake_sat.state.unreachable = True
    paid = _pay(invoice_id)
    assert paid.status == "pagada"
    assert paid.payment is not None
    assert paid.payment.sat_status == "vigente"


def test_an_issuer_on_the_69b_list_blocks_the_payment(
    world: ProvidersWorld, fake_sat: FakeSatServer, requeued: list[tuple[str, int]]
) -> None:
    provider, invoice_id = _accepted_invoice(world)
    fake_sat.state.answers[INVOICE_UUID] = {"estado": "Vigente", "validacion_efos": "100"}
    with pytest.raises(errors.Conflict) as listed:
        _pay(invoice_id)
    assert listed.value.error_code == "invoice_sat_efos"
    assert "69-B" in str(listed.value)
    seen = providers.invoice(provider, invoice_id)
    assert seen.status == "aceptada"
    assert seen.sat is not None
    assert seen.sat.issuer_listed is True


def test_a_cancelled_invoice_is_shown_cancelled_and_not_paid(
    world: ProvidersWorld, fake_sat: FakeSatServer, requeued: list[tuple[str, int]]
) -> None:
    provider, invoice_id = _accepted_invoice(world)
    fake_sat.state.answers[INVOICE_UUID] = {"estado": "Cancelado"}
    with pytest.raises(errors.Conflict) as cancelled:
        _pay(invoice_id)
    assert cancelled.value.error_code == "invoice_sat_cancelado"
    seen = providers.invoice(provider, invoice_id)
    assert seen.sat is not None
    assert seen.sat.status == "cancelado"


def test_an_accepted_payment_complement_gets_its_own_sat_status(
    world: ProvidersWorld, fake_sat: FakeSatServer, requeued: list[tuple[str, int]]
) -> None:
    provider, invoice_id = _accepted_invoice(world)
    _pay(invoice_id)
    complement_uuid = "7A1B2C3D-4E5F-4A6B-8C7D-9E0F1A2B3C4D"
    data = cfdi_payment(previous="900.00", paid="900.00", balance="0.00", uuid=complement_uuid)
    slot = providers.request_complement(
        provider,
        invoice_id,
        s.ComplementIn(file=s.UploadFile(name="complemento.xml", size=len(data))),
    ).slot
    world.upload(slot, data)
    assert requeued[-1] == (invoice_id, -1), "an accepted complement is handed to the worker"
    fake_sat.state.answers[complement_uuid] = {"estado": "No Encontrado"}
    sat_checks.handle_check(json.dumps({"invoice_id": invoice_id, "complement": True}))
    assert requeued[-1] == (invoice_id, -2)
    assert fake_sat.state.requests[-1].startswith(f"?id={complement_uuid}&")
    assert "&tt=0&fe=" in fake_sat.state.requests[-1]
    fake_sat.state.answers[complement_uuid] = {"estado": "Vigente"}
    sat_checks.handle_check(
        json.dumps({"invoice_id": invoice_id, "complement": True, "attempt": 1})
    )
    seen = providers.invoice(provider, invoice_id)
    assert seen.complement is not None
    assert seen.complement.sat is not None
    assert seen.complement.sat.status == "vigente"
    assert seen.sat is not None
    assert seen.sat.status == "vigente", "the invoice's own status is kept apart"
