"""Payment detail per order: the retention table by regime and cedular variant, rounding
half-up per line, and invoice figures that are sums of the orders' rounded lines."""

from __future__ import annotations

from dataclasses import replace
from decimal import ROUND_HALF_UP, Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from chalicelib.documents.service import default_table
from chalicelib.providers.money import format_amount, parse_amount
from chalicelib.providers.payment_detail import (
    InvoiceFigures,
    UnknownRegime,
    explain,
    invoice_figures,
    payment_detail,
)


def _lines(amount: str, regime: str, cedular: bool) -> dict[str, str]:
    detail = payment_detail(parse_amount(amount), 0, regime=regime, jalisco_cedular=cedular)
    return {line.tax: format_amount(line.amount) for line in detail.lines}


@pytest.mark.parametrize(
    ("amount", "regime", "cedular", "expected", "to_invoice"),
    [
        # persona física: 10% ISR; 0.05 → 0.005 rounds up to one centavo
        ("1000.00", "612", False, {"isr": "100.00"}, "900.00"),
        ("0.05", "612", False, {"isr": "0.01"}, "0.04"),
        ("0.04", "612", False, {"isr": "0.00"}, "0.04"),
        ("555.55", "612", False, {"isr": "55.56"}, "499.99"),
        # RESICO: 1.25% ISR; 0.40 → 0.005 rounds up, 0.39 → 0.004875 rounds up too
        ("1000.00", "626", False, {"isr": "12.50"}, "987.50"),
        ("0.40", "626", False, {"isr": "0.01"}, "0.39"),
        ("0.36", "626", False, {"isr": "0.00"}, "0.36"),
        ("1.20", "626", False, {"isr": "0.02"}, "1.18"),  # 0.015 → 0.02 (half-up)
        # Jalisco cedular: 10% + 3%, and RESICO 2.5% + 3%
        ("1000.00", "612", True, {"isr": "100.00", "cedular": "30.00"}, "870.00"),
        ("0.50", "612", True, {"isr": "0.05", "cedular": "0.02"}, "0.43"),  # 0.015 → 0.02
        ("1000.00", "626", True, {"isr": "25.00", "cedular": "30.00"}, "945.00"),
        ("0.20", "626", True, {"isr": "0.01", "cedular": "0.01"}, "0.18"),  # 0.005, 0.006
    ],
)
def test_retention_by_regime_and_cedular_at_boundaries(
    amount: str, regime: str, cedular: bool, expected: dict[str, str], to_invoice: str
) -> None:
    assert _lines(amount, regime, cedular) == expected
    detail = payment_detail(parse_amount(amount), 0, regime=regime, jalisco_cedular=cedular)
    assert format_amount(detail.to_invoice) == to_invoice
    assert detail.table_version == 1


def test_iva_is_exempt_by_default_and_a_taxed_service_is_explicit() -> None:
    exempt = payment_detail(100000, 0, regime="612", jalisco_cedular=False)
    assert exempt.iva_transferred == 0
    assert "exentos de IVA" in explain(exempt)
    taxed = payment_detail(100000, 0, regime="612", jalisco_cedular=False, iva_taxed=True)
    assert taxed.iva_transferred == 16000
    assert {line.tax: line.amount for line in taxed.lines} == {"isr": 10000, "iva": 10667}
    assert taxed.to_invoice == 100000 + 16000 - 10000 - 10667


def test_an_unknown_regime_has_no_rule() -> None:
    with pytest.raises(UnknownRegime):
        payment_detail(1000, 0, regime="601", jalisco_cedular=False)


def test_the_explanation_reads_as_the_source_portal_shows_it() -> None:
    text = explain(payment_detail(100000, 20000, regime="626", jalisco_cedular=True))
    assert "RESICO" in text
    assert "ISR 2.5% = $25.00" in text
    assert "cedular (Jalisco) 3% = $30.00" in text
    assert "El monto a facturar es $945.00." in text


@given(
    st.lists(st.integers(min_value=1, max_value=10**9), min_size=1, max_size=25),
    st.sampled_from([("612", False), ("612", True), ("626", False), ("626", True)]),
)
def test_invoice_figures_reconcile_with_the_orders(
    amounts: list[int], variant: tuple[str, bool]
) -> None:
    regime, cedular = variant
    details = [payment_detail(a, 0, regime=regime, jalisco_cedular=cedular) for a in amounts]
    figures = invoice_figures(details)
    assert figures.subtotal == sum(amounts)
    assert figures.total == figures.subtotal - figures.federal_withheld - figures.local_withheld
    assert figures.total == sum(d.to_invoice for d in details)
    for amount, detail in zip(amounts, details, strict=True):
        for line in detail.lines:
            exact = Decimal(amount) * line.rate  # in centavos
            assert line.amount == int(exact.quantize(Decimal(1), rounding=ROUND_HALF_UP))
        assert 0 <= detail.retention_total <= amount


@given(st.integers(min_value=0, max_value=10**11))
def test_amounts_round_trip_as_decimal_strings(centavos: int) -> None:
    assert parse_amount(format_amount(centavos)) == centavos


@pytest.mark.parametrize("text", ["", "abc", "-1.00", "1.001", "NaN", "Infinity"])
def test_bad_amounts_are_refused(text: str) -> None:
    with pytest.raises(ValueError, match=r".+"):
        parse_amount(text)


def test_the_detail_carries_what_it_was_computed_from() -> None:
    detail = payment_detail(123456, 20000, regime="612", jalisco_cedular=True)
    assert (detail.amount, detail.coinsurance) == (123456, 20000)
    assert (detail.regime, detail.jalisco_cedular) == ("612", True)
    assert (detail.table_version, detail.table_valid_from) == (1, "2022-01-01")
    with pytest.raises(UnknownRegime) as raised:
        payment_detail(1000, 0, regime="601", jalisco_cedular=False)
    assert raised.value.args == ("601",)


def test_an_insurers_own_table_gives_every_rate() -> None:
    table = replace(
        default_table(),
        version=2,
        valid_from="2027-01-01",
        iva_taxed_rate=Decimal("0.08"),
        iva_withholding_rates=(Decimal("0.02"), Decimal("0.05")),
    )
    detail = payment_detail(
        100000, 0, regime="612", jalisco_cedular=False, iva_taxed=True, table=table
    )
    assert detail.iva_transferred == 8000
    assert {line.tax: line.amount for line in detail.lines} == {"isr": 10000, "iva": 5000}
    assert (detail.table_version, detail.table_valid_from) == (2, "2027-01-01")


def test_invoice_figures_add_the_transferred_iva_of_taxed_orders() -> None:
    taxed = payment_detail(100000, 0, regime="612", jalisco_cedular=True, iva_taxed=True)
    exempt = payment_detail(50000, 0, regime="612", jalisco_cedular=True)
    figures = invoice_figures([taxed, exempt])
    assert figures == InvoiceFigures(
        subtotal=150000,
        iva_transferred=16000,
        federal_withheld=10000 + 10667 + 5000,
        local_withheld=3000 + 1500,
        total=150000 + 16000 - 25667 - 4500,
    )


def test_the_explanation_of_an_exempt_and_a_taxed_order_word_for_word() -> None:
    exempt = payment_detail(100000, 20000, regime="626", jalisco_cedular=True)
    assert explain(exempt) == (
        "Como contribuyente del Régimen Simplificado de Confianza (RESICO, régimen 626) con "
        "impuesto cedular de Jalisco, la aseguradora te retiene sobre $1,000.00: "
        "ISR 2.5% = $25.00; Impuesto cedular (Jalisco) 3% = $30.00. "
        "Los honorarios médicos están exentos de IVA. El monto a facturar es $945.00."
    )
    taxed = payment_detail(100000, 0, regime="612", jalisco_cedular=False, iva_taxed=True)
    assert explain(taxed) == (
        "Como persona física con actividad empresarial y profesional (régimen 612), la "
        "aseguradora te retiene sobre $1,000.00: ISR 10% = $100.00; IVA retenido 10.6667% = "
        "$106.67. El servicio causa IVA al 16% ($160.00), que se suma. "
        "El monto a facturar es $953.33."
    )


def test_a_regime_without_a_label_is_named_by_its_code() -> None:
    detail = replace(payment_detail(100000, 0, regime="612", jalisco_cedular=False), regime="605")
    assert explain(detail).startswith("Como régimen 605, la aseguradora te retiene sobre")


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("abc", "not a decimal amount"),
        ("", "not a decimal amount"),
        ("-0.01", "not a positive amount"),
        ("NaN", "not a positive amount"),
        ("1.001", "more than two decimals"),
    ],
)
def test_each_bad_amount_says_what_is_wrong(text: str, message: str) -> None:
    with pytest.raises(ValueError, match=rf"^{message}$"):
        parse_amount(text)
    assert parse_amount("0") == 0
