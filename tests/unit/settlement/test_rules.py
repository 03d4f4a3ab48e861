"""Settlement arithmetic and item rules, no AWS."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal

from hypothesis import given, settings
from hypothesis import strategies as st

from chalicelib.kernel.money import round_to_unit
from chalicelib.settlement import money, rules
from chalicelib.settlement.service import settle_in_memory
from chalicelib.settlement.transaction_csv import TRANSACTIONS_CSV

RUT = "76.123.456-0"


def bono(**overrides: object) -> dict[str, object]:
    item: dict[str, object] = {
        "kind": "bono",
        "id": "B-1",
        "provider_rut": RUT,
        "occurred_at": "2026-11-20",
        "total_value": "30000",
        "payer_contribution": "15000",
        "insurer_contribution": "9000",
        "copay": "6000",
        "insurer": "SEGUROS EJEMPLO",
        "place": "Providencia",
        "payer": "Fonasa",
    }
    return {**item, **overrides}


def card(**overrides: object) -> dict[str, object]:
    item: dict[str, object] = {
        "kind": "tarjeta",
        "id": "T-1",
        "provider_rut": "761234560",
        "occurred_at": "2026-11-20T10:30:00",
        "card_amount": 100_000,
        "installments": 3,
        "issuer_commission": 1_500,
        "transaction_cost": 200,
        "issuer_answer": "aprobada",
    }
    return {**item, **overrides}


def test_the_commission_is_a_quarter_percent_rounded_half_up_to_the_peso() -> None:
    assert money.platform_commission(100_000) == 250
    assert money.platform_commission(200) == 1  # 0.5 → 1 (half-up, not banker's)
    assert money.platform_commission(199) == 0  # 0.4975 → 0
    assert money.platform_commission(600) == 2  # 1.5 → 2
    assert money.platform_commission(1000) == 3  # 2.5 → 3


def test_a_card_transaction_pays_amount_less_commissions_and_cost() -> None:
    transaction = rules.parse_transaction(card())
    figures = rules.figures_of(transaction)
    assert figures["card_net"] == 100_000 - 1_500 - 250 - 200
    assert figures["total"] == figures["card_credit"] == 98_050
    assert figures["insurer_credit"] == 0


def test_a_voucher_credits_the_insurer_contribution() -> None:
    figures = rules.figures_of(rules.parse_transaction(bono()))
    assert (figures["total_value"], figures["insurer_credit"], figures["total"]) == (
        30000,
        9000,
        9000,
    )


def test_items_are_judged_one_by_one_with_index_and_code() -> None:
    items = [
        bono(),
        bono(id="B-2", total_value="30001"),
        bono(id="B-3", provider_rut="76.123.456-1"),
        card(issuer_commission="1.5"),
        card(id="T-2", installments=0),
        {"kind": "cheque"},
        "not an object",
        bono(),  # repeated id in the same batch
        card(id="T-3", occurred_at="20/11/2026"),
        card(id="T-4", card_amount=1000, issuer_commission=990, transaction_cost=10),
    ]
    accepted, rejected = rules.validate_items(items)
    assert [index for index, _ in accepted] == [0]
    assert [(r.index, r.code) for r in rejected] == [
        (1, "amounts_mismatch"),
        (2, "invalid_rut"),
        (3, "invalid_amount"),
        (4, "invalid_installments"),
        (5, "invalid_kind"),
        (6, "invalid_item"),
        (7, "duplicate_in_batch"),
        (8, "invalid_date"),
        (9, "amounts_mismatch"),
    ]
    assert all(r.message for r in rejected)


def test_a_declined_card_is_stored_but_never_payable() -> None:
    assert not rules.parse_transaction(card(issuer_answer="rechazada")).payable
    assert rules.parse_transaction(card(issuer_answer="APROBADA")).payable


def test_a_csv_row_maps_to_an_item() -> None:
    row = {
        "tipo": "tarjeta",
        "id_transaccion": "T-9",
        "rut_prestador": "76.123.456-0",
        "fecha": "2026-11-20",
        "valor_total": "",
        "aporte_financiador": "",
        "aporte_seguro": "",
        "copago": "",
        "monto": "5000",
        "cuotas": "1",
        "comision_emisor": "50",
        "respuesta_emisor": "aprobada",
    }
    transaction = rules.parse_transaction(TRANSACTIONS_CSV.row_to_item(row))
    assert transaction.card_amount == 5000
    assert transaction.transaction_cost == 0
    assert transaction.occurred_at == datetime(2026, 11, 20, 3, 0, tzinfo=UTC)  # Santiago UTC-3


amounts = st.integers(min_value=0, max_value=5_000_000)


@st.composite
def transactions(draw: st.DrawFn) -> rules.Transaction:
    when = datetime(2026, 11, 20, tzinfo=UTC)
    if draw(st.booleans()):
        parts = draw(st.tuples(amounts, amounts, amounts))
        return rules.Transaction(
            transaction_id=f"B{draw(st.integers(0, 10**9))}",
            kind="bono",
            provider_rut=draw(st.sampled_from(["761234560", "111111111"])),
            occurred_at=when,
            total_value=sum(parts),
            payer_contribution=parts[0],
            insurer_contribution=parts[1],
            copay=parts[2],
        )
    amount = draw(st.integers(min_value=1, max_value=50_000_000))
    fee = draw(st.integers(min_value=0, max_value=amount // 20))
    cost = draw(st.integers(min_value=0, max_value=amount // 20))
    return rules.Transaction(
        transaction_id=f"T{draw(st.integers(0, 10**9))}",
        kind="tarjeta",
        provider_rut=draw(st.sampled_from(["761234560", "111111111"])),
        occurred_at=when,
        card_amount=amount,
        installments=draw(st.integers(1, 24)),
        issuer_commission=fee,
        transaction_cost=cost,
        issuer_answer="aprobada",
    )


@settings(max_examples=200, deadline=None)
@given(st.lists(transactions(), max_size=60), st.integers(min_value=1, max_value=7))
def test_totals_reconcile_to_the_peso_however_the_details_are_chunked(
    batch: list[rules.Transaction], chunk_size: int
) -> None:
    whole = rules.Figures.of(batch)
    one_by_one = rules.Figures()
    for t in batch:
        one_by_one.add(rules.figures_of(t))
    assert whole.values == one_by_one.values
    chunked = rules.Figures()
    for start in range(0, len(batch), chunk_size):
        chunked.add(rules.Figures.of(batch[start : start + chunk_size]))
    assert chunked.values == whole.values
    assert whole["total"] == whole["insurer_credit"] + whole["card_credit"]
    assert whole["insurer_credit"] == sum(t.insurer_contribution for t in batch)
    assert (
        whole["total_value"]
        == whole["payer_contribution"] + whole["insurer_contribution"] + (whole["copay"])
    )
    for t in batch:
        if t.kind == "tarjeta":
            exact = Decimal(t.card_amount) * Decimal("0.0025")
            commission = rules.figures_of(t)["platform_commission"]
            assert abs(Decimal(commission) - exact) <= Decimal("0.5")
            assert commission == int(exact + Decimal("0.5"))  # half-up for positives
    assert whole["card_net"] == (
        whole["card_amount"]
        - whole["issuer_commission"]
        - whole["platform_commission"]
        - whole["transaction_cost"]
    )
    per_provider = settle_in_memory(batch)
    assert sum(f["total"] for f in per_provider.values()) == whole["total"]


@given(st.integers(min_value=0, max_value=10**13))
def test_the_integer_commission_is_decimal_half_up(amount: int) -> None:
    exact = Decimal(amount) * money.PLATFORM_COMMISSION_RATE
    assert money.platform_commission(amount) == round_to_unit(exact)


def test_money_in_the_api_is_a_decimal_string_with_currency() -> None:
    assert money.to_api(592199) == {"amount": "592199", "currency": "CLP"}
    assert money.format_clp(1234567) == "$1.234.567"
    assert money.format_clp(-5000) == "-$5.000"
