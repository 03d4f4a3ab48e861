"""Invoice matching, rule by rule, on facts the real CFDI validator produced from generated
fixtures: the valid invoice matches; each single broken rule gives its own code."""

from __future__ import annotations

from typing import Any

import pytest

from chalicelib.documents.context import ValidationContext
from chalicelib.documents.validators.cfdi import validate_cfdi
from chalicelib.providers.matching import OrderToMatch, match_complement, match_invoice
from chalicelib.providers.money import parse_amount
from chalicelib.providers.payment_detail import payment_detail
from tests.unit.providers.cfdi import INVOICE_UUID, cfdi_payment, order_invoice

ORDERS = [("A-1001", "ANA SOFIA TORRES VEGA", "1000.00"), ("A-1002", "LUIS TORRES VEGA", "555.55")]


def _orders(regime: str = "612", cedular: bool = False) -> list[OrderToMatch]:
    return [
        OrderToMatch(
            number,
            patient,
            payment_detail(parse_amount(amount), 0, regime=regime, jalisco_cedular=cedular),
        )
        for number, patient, amount in ORDERS
    ]


def _facts(data: bytes, kind: str = "cfdi_invoice") -> dict[str, Any]:
    verdict = validate_cfdi(data, kind, ValidationContext())
    return verdict.facts


def _codes(data: bytes, orders: list[OrderToMatch] | None = None, regime: str = "612") -> set[str]:
    return {code for code, _ in match_invoice(_facts(data), orders or _orders(), regime)}


def test_a_matching_invoice_breaks_no_rule() -> None:
    assert _codes(order_invoice(ORDERS)) == set()


def test_descriptions_compare_without_case_or_accents() -> None:
    lower = [(n, p.lower().replace("ANA", "Ána"), a) for n, p, a in ORDERS]
    assert _codes(order_invoice(lower)) == set()


def test_cedular_variant_matches_its_own_orders() -> None:
    data = order_invoice(ORDERS, regime="626", cedular=True)
    assert _codes(data, _orders("626", True), "626") == set()


SUMS = {"invoice_subtotal_mismatch", "invoice_retention_mismatch", "invoice_total_mismatch"}


@pytest.mark.parametrize(
    ("invoice", "codes"),
    [
        (
            order_invoice([("A-1001", "ANA SOFIA TORRES VEGA", "1000.00")]),
            {"invoice_concept_count", "invoice_concept_missing"} | SUMS,
        ),
        (
            order_invoice([ORDERS[0], ("A-9999", "LUIS TORRES VEGA", "555.55")]),
            {"invoice_concept_missing"},
        ),
        (
            order_invoice([ORDERS[0], ("A-1002", "OTRO PACIENTE", "555.55")]),
            {"invoice_concept_missing"},
        ),
        (
            order_invoice([ORDERS[0], ("A-10021", "LUIS TORRES VEGA", "555.55")]),
            {"invoice_concept_missing"},
        ),
        (
            order_invoice([ORDERS[0], ("A-1002", "LUIS TORRES VEGA", "600.00")]),
            {"invoice_concept_amount"} | SUMS,
        ),
        (
            order_invoice(ORDERS, regime="626"),
            {"invoice_regime_mismatch", "invoice_retention_mismatch", "invoice_total_mismatch"},
        ),
        (order_invoice(ORDERS, total_delta="1.00"), {"invoice_total_mismatch"}),
        (
            order_invoice(ORDERS, isr_rate="0.050000"),
            {"invoice_retention_mismatch", "invoice_total_mismatch"},
        ),
    ],
    ids=[
        "one concept for two orders",
        "account number missing",
        "patient name missing",
        "account number only as a prefix",
        "amount of a concept",
        "regime",
        "total",
        "retention",
    ],
)
def test_each_broken_rule_has_its_code(invoice: bytes, codes: set[str]) -> None:
    assert _codes(invoice) == codes


def test_every_reason_is_spanish_for_the_doctor() -> None:
    reasons = match_invoice(_facts(order_invoice(ORDERS, total_delta="1.00")), _orders(), "612")
    [(code, message)] = reasons
    assert code == "invoice_total_mismatch"
    assert "monto a facturar: 1399.99" in message


def test_a_complement_must_pay_what_was_paid_with_consistent_balances() -> None:
    good = _facts(cfdi_payment(previous="1399.99", paid="1399.99", balance="0.00"), "cfdi_payment")
    assert match_complement(good, INVOICE_UUID, 139999, 139999) == []
    short = _facts(
        cfdi_payment(previous="1399.99", paid="1000.00", balance="399.99"), "cfdi_payment"
    )
    assert {c for c, _ in match_complement(short, INVOICE_UUID, 139999, 139999)} == {
        "complement_paid_mismatch",
        "complement_balance_mismatch",
    }
    other = _facts(
        cfdi_payment(related_uuid="00000000-0000-4000-8000-000000000000"), "cfdi_payment"
    )
    assert [c for c, _ in match_complement(other, INVOICE_UUID, 90000, 90000)] == [
        "complement_invoice_missing"
    ]


def test_invoice_amounts_with_more_decimals_round_half_up_to_the_centavo() -> None:
    # A CFDI amount may carry up to six decimals; 1000.005 is 1000.01 under the one rounding
    # rule (half-up), not 1000.00 as Decimal's default half-even would make it.
    orders = [("A-1001", "ANA SOFIA TORRES VEGA", "1000.01")]
    detail = payment_detail(parse_amount("1000.01"), 0, regime="612", jalisco_cedular=False)
    order_list = [OrderToMatch(number, patient, detail) for number, patient, _ in orders]
    facts = _facts(order_invoice(orders))
    facts["concept_lines"][0]["amount"] = "1000.005"
    codes = {code for code, _ in match_invoice(facts, order_list, "612")}
    assert "invoice_concept_amount" not in codes
    facts["concept_lines"][0]["amount"] = "1000.004999"
    codes = {code for code, _ in match_invoice(facts, order_list, "612")}
    assert "invoice_concept_amount" in codes


# Facts as the validator gives them, written out: each reason's message, word for word.
def _written_facts(**changes: Any) -> dict[str, Any]:
    facts: dict[str, Any] = {
        "issuer_regime": "612",
        "concept_lines": [
            {"description": "Consulta cuenta A-1001 ANA SOFIA TORRES VEGA", "amount": "1000.00"},
            {"description": "Honorarios cuenta A-1002 Luis Torres Vega", "amount": "555.55"},
        ],
        "subtotal": "1555.55",
        "withheld_taxes": "155.56",
        "total": "1399.99",
    }
    facts.update(changes)
    return facts


def test_written_facts_of_a_matching_invoice_break_no_rule() -> None:
    assert match_invoice(_written_facts(), _orders(), "612") == []


def test_each_reason_tells_the_doctor_what_to_fix() -> None:
    facts = _written_facts(
        issuer_regime=None,
        concept_lines=[
            {"description": "Cuenta A-1002 LUIS TORRES VEGA", "amount": "600.00"},
            {"description": "Otro servicio", "amount": "1000.00"},
            {"description": "Honorarios"},
        ],
        subtotal="1600.00",
        withheld_taxes="160.00",
        total="1440.00",
    )
    assert match_invoice(facts, _orders(), "612") == [
        (
            "invoice_regime_mismatch",
            "La factura se emitió con el régimen fiscal (vacío), pero tu cuenta está registrada "
            "con el régimen 612. Emite la factura con tu régimen registrado.",
        ),
        (
            "invoice_concept_count",
            "La factura tiene 3 concepto(s) y estás facturando 2 orden(es): debe haber un "
            "concepto por cada orden.",
        ),
        (
            "invoice_concept_missing",
            "Ningún concepto menciona la cuenta A-1001 y el paciente ANA SOFIA TORRES VEGA. "
            "Escribe ambos en la descripción del concepto de esa orden.",
        ),
        # The order after a missing one is still checked.
        (
            "invoice_concept_amount",
            "El concepto de la cuenta A-1002 tiene un importe de 600.00; el detalle de pago de "
            "esa orden es 555.55.",
        ),
        (
            "invoice_subtotal_mismatch",
            "El SubTotal de la factura (1600.00) debe ser la suma de los montos de las órdenes: "
            "1555.55.",
        ),
        (
            "invoice_retention_mismatch",
            "Las retenciones de la factura suman 160.00; según la tabla de retenciones de tu "
            "régimen deben ser 155.56.",
        ),
        (
            "invoice_total_mismatch",
            "El Total de la factura (1440.00) debe ser el monto a facturar: 1399.99.",
        ),
    ]


def test_the_regime_reason_names_the_regime_the_invoice_carries() -> None:
    [(code, message)] = match_invoice(_written_facts(issuer_regime="626"), _orders(), "612")
    assert code == "invoice_regime_mismatch"
    assert message.startswith("La factura se emitió con el régimen fiscal 626, pero ")


@pytest.mark.parametrize("placeholder", ["NONE", "XXXX"])
def test_a_concept_without_description_mentions_no_order(placeholder: str) -> None:
    detail = payment_detail(100000, 0, regime="612", jalisco_cedular=False)
    order = OrderToMatch(placeholder, placeholder, detail)
    facts = _written_facts(
        concept_lines=[{"amount": "1000.00"}],
        subtotal="1000.00",
        withheld_taxes="100.00",
        total="900.00",
    )
    assert [code for code, _ in match_invoice(facts, [order], "612")] == ["invoice_concept_missing"]


def test_federal_and_local_retentions_add_up_and_a_missing_one_counts_as_zero() -> None:
    # 612 with the Jalisco cedular tax: ISR 100.00 (federal) + cedular 30.00 (local).
    detail = payment_detail(100000, 0, regime="612", jalisco_cedular=True)
    order = OrderToMatch("A-1001", "ANA SOFIA TORRES VEGA", detail)
    concept = [{"description": "Cuenta A-1001 ANA SOFIA TORRES VEGA", "amount": "1000.00"}]
    facts = _written_facts(
        concept_lines=concept,
        subtotal="1000.00",
        withheld_taxes="100.00",
        local_withheld_taxes="30.00",
        total="870.00",
    )
    assert match_invoice(facts, [order], "612") == []
    del facts["withheld_taxes"]
    assert match_invoice(facts, [order], "612") == [
        (
            "invoice_retention_mismatch",
            "Las retenciones de la factura suman 30.00; según la tabla de retenciones de tu "
            "régimen deben ser 130.00.",
        )
    ]


def test_an_order_with_nothing_withheld_matches_an_invoice_without_retentions() -> None:
    # 0.04 × 10% = 0.004 rounds to 0.00: the invoice has no retention at all.
    detail = payment_detail(4, 0, regime="612", jalisco_cedular=False)
    order = OrderToMatch("A-1001", "ANA SOFIA TORRES VEGA", detail)
    concept = [{"description": "Cuenta A-1001 ANA SOFIA TORRES VEGA", "amount": "0.04"}]
    facts = _written_facts(concept_lines=concept, subtotal="0.04", total="0.04")
    del facts["withheld_taxes"]
    assert match_invoice(facts, [order], "612") == []


def _complement(**document: Any) -> dict[str, Any]:
    related = {
        "uuid": INVOICE_UUID.lower(),
        "paid": "1000.00",
        "previous_balance": "1399.99",
        "balance": "399.99",
    }
    related.update(document)
    return {"payments": [{"related_documents": [related]}]}


@pytest.mark.parametrize(
    ("document", "reasons"),
    [
        ({}, []),
        (
            {"paid": "999.00"},
            [
                (
                    "complement_paid_mismatch",
                    "El complemento registra un pago de 999.00; la aseguradora pagó 1000.00.",
                )
            ],
        ),
        (
            {"previous_balance": "1400.00"},
            [
                (
                    "complement_balance_mismatch",
                    "El saldo anterior del complemento (1400.00) debe ser el total de la "
                    "factura: 1399.99.",
                )
            ],
        ),
        (
            {"balance": "0.00"},
            [
                (
                    "complement_balance_mismatch",
                    "El saldo insoluto del complemento (0.00) debe ser 399.99.",
                )
            ],
        ),
    ],
    ids=["a partial payment", "paid", "previous balance", "balance"],
)
def test_each_complement_reason_tells_what_the_figure_must_be(
    document: dict[str, Any], reasons: list[tuple[str, str]]
) -> None:
    assert match_complement(_complement(**document), INVOICE_UUID, 139999, 100000) == reasons
