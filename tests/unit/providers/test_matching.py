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
