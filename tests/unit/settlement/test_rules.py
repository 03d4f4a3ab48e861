"""Settlement arithmetic and item rules, no AWS."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal

import pytest
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


def test_every_field_is_read_from_its_own_name() -> None:
    voucher = rules.parse_transaction(bono(place="Las  Condes "))
    assert voucher == rules.Transaction(
        transaction_id="B-1",
        kind="bono",
        provider_rut="761234560",
        occurred_at=datetime(2026, 11, 20, 3, 0, tzinfo=UTC),
        total_value=30000,
        payer_contribution=15000,
        insurer_contribution=9000,
        copay=6000,
        insurer="SEGUROS EJEMPLO",
        place="Las Condes",  # spaces collapsed
        payer="Fonasa",
    )
    payment = rules.parse_transaction(card(place="Clínica Norte", kind=" Tarjeta "))
    assert payment == rules.Transaction(
        transaction_id="T-1",
        kind="tarjeta",
        provider_rut="761234560",
        occurred_at=datetime(2026, 11, 20, 13, 30, tzinfo=UTC),
        card_amount=100_000,
        installments=3,
        issuer_commission=1_500,
        transaction_cost=200,
        issuer_answer="aprobada",
        place="Clínica Norte",
    )


def test_optional_texts_default_to_empty_and_a_card_without_cost_costs_nothing() -> None:
    voucher = rules.parse_transaction(
        {k: v for k, v in bono().items() if k not in {"insurer", "place", "payer"}}
    )
    assert (voucher.insurer, voucher.place, voucher.payer) == ("", "", "")
    payment = rules.parse_transaction({k: v for k, v in card().items() if k != "transaction_cost"})
    assert payment.transaction_cost == 0
    assert payment.place == ""
    assert rules.figures_of(payment)["card_net"] == 100_000 - 1_500 - 250


@pytest.mark.parametrize(
    ("value", "accepted"),
    [
        (0, 0),
        (rules.MAX_AMOUNT - 1, rules.MAX_AMOUNT - 1),
        ("999999999999", rules.MAX_AMOUNT - 1),
        (" 42 ", 42),
        (rules.MAX_AMOUNT, None),
        ("1000000000000", None),
        (-1, None),
        ("-1", None),
        (True, None),
        (1.0, None),
        ("", None),
    ],
)
def test_amounts_are_whole_pesos_from_zero_below_the_maximum(
    value: object, accepted: int | None
) -> None:
    item = bono(total_value=value, payer_contribution=value, insurer_contribution=0, copay=0)
    if accepted is None:
        with pytest.raises(rules._Invalid) as raised:
            rules.parse_transaction(item)
        assert raised.value.code == "invalid_amount"
        assert raised.value.message == "«total_value» debe ser un número entero de pesos."
    else:
        assert rules.parse_transaction(item).total_value == accepted


@pytest.mark.parametrize(
    ("place", "accepted"),
    [("x" * 120, True), (" " + "x" * 119, True), ("x" * 121, False), (5, False), (None, False)],
)
def test_texts_are_at_most_120_characters(place: object, accepted: bool) -> None:
    if accepted:
        assert rules.parse_transaction(bono(place=place)).place == str(place).strip()
    else:
        with pytest.raises(rules._Invalid) as raised:
            rules.parse_transaction(bono(place=place))
        assert (raised.value.code, raised.value.message) == (
            "invalid_text",
            "«place» falta o es demasiado largo.",
        )
        assert str(raised.value) == raised.value.message


@pytest.mark.parametrize("answer", ["", "   ", None])
def test_a_card_transaction_needs_the_issuers_answer(answer: object) -> None:
    item = card(issuer_answer=answer) if answer is not None else card()
    if answer is None:
        del item["issuer_answer"]
    with pytest.raises(rules._Invalid) as raised:
        rules.parse_transaction(item)
    assert (raised.value.code, raised.value.message) == (
        "invalid_text",
        "«issuer_answer» falta o es demasiado largo.",
    )


@pytest.mark.parametrize("transaction_id", [None, "", " ", "-B1", "B 1", "x" * 65])
def test_a_transaction_needs_its_id(transaction_id: str | None) -> None:
    item = bono(id=transaction_id) if transaction_id is not None else bono()
    if transaction_id is None:
        del item["id"]
    with pytest.raises(rules._Invalid) as raised:
        rules.parse_transaction(item)
    assert (raised.value.code, raised.value.message) == (
        "invalid_id",
        "El id de la transacción falta o no es válido.",
    )


def test_commissions_and_cost_may_take_the_whole_amount_but_not_more() -> None:
    # 1000 × 0.25% = 2.5 → 3 pesos of platform commission.
    whole = card(card_amount=1000, issuer_commission=990, transaction_cost=7)
    assert rules.figures_of(rules.parse_transaction(whole))["card_net"] == 0
    with pytest.raises(rules._Invalid) as raised:
        rules.parse_transaction(card(card_amount=1000, issuer_commission=990, transaction_cost=8))
    assert raised.value.code == "amounts_mismatch"


def test_each_rejection_says_why_in_spanish() -> None:
    items = [
        bono(),
        bono(id="B-2", total_value="30001"),
        bono(id="B-3", provider_rut="76.123.456-1"),
        card(id="T-1", transaction_cost="1.5"),
        card(id="T-2", installments=0),
        {"kind": "cheque"},
        "not an object",
        bono(),
        card(id="T-3", occurred_at="20/11/2026"),
        card(id="T-4", card_amount=1000, issuer_commission=990, transaction_cost=10),
    ]
    _, rejected = rules.validate_items(items)
    assert [(r.index, r.code, r.message) for r in rejected] == [
        (
            1,
            "amounts_mismatch",
            "El valor total no es la suma del aporte financiador, el aporte del seguro y el "
            "copago.",
        ),
        (2, "invalid_rut", "El RUT del prestador no es válido."),
        (3, "invalid_amount", "«transaction_cost» debe ser un número entero de pesos."),
        (4, "invalid_installments", "Las cuotas deben ser 1 o más."),
        (5, "invalid_kind", "El tipo debe ser «bono» o «tarjeta»."),
        (6, "invalid_item", "Cada transacción debe ser un objeto JSON."),
        (7, "duplicate_in_batch", "El id se repite en esta carga."),
        (8, "invalid_date", "La fecha debe tener el formato AAAA-MM-DD."),
        (9, "amounts_mismatch", "Las comisiones y el costo superan el monto de la transacción."),
    ]


def test_stored_figures_read_back_with_missing_names_as_zero() -> None:
    batch = [rules.parse_transaction(bono()), rules.parse_transaction(card())]
    figures = rules.Figures.of(batch)
    assert rules.Figures.from_dict(figures.values).values == figures.values
    assert rules.Figures.from_dict({k: str(v) for k, v in figures.values.items()}).values == (
        figures.values
    )
    partial = rules.Figures.from_dict({"total": "5", "count": 1})
    assert partial.values == {**dict.fromkeys(rules.FIGURES, 0), "total": 5, "count": 1}
    assert rules.Figures().add(rules.Figures({"total": 5})).values == partial.values | {"count": 0}


def test_a_missing_kind_or_date_is_rejected() -> None:
    without_kind = {k: v for k, v in bono().items() if k != "kind"}
    without_date = {k: v for k, v in card().items() if k != "occurred_at"}
    _, rejected = rules.validate_items([without_kind, without_date])
    assert [(r.index, r.code) for r in rejected] == [(0, "invalid_kind"), (1, "invalid_date")]


def test_zero_pesos_have_no_sign() -> None:
    assert money.format_clp(0) == "$0"
    assert money.format_clp(-1) == "-$1"
