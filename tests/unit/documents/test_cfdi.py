"""CFDI validator: safe parsing, versions, schema, arithmetic, retentions and payments."""

from __future__ import annotations

import time
from decimal import Decimal

import pytest

from chalicelib.documents import limits
from chalicelib.documents.context import ValidationContext
from chalicelib.documents.retention import default_table, retention_lines
from chalicelib.documents.validation import validate_bytes
from chalicelib.documents.validators.cfdi import validate_cfdi
from chalicelib.documents.validators.cfdi_xml import safe_parser
from chalicelib.documents.verdict import Verdict
from tests.unit.documents import builders

PROVIDER = ValidationContext(issuer_rfc=builders.ISSUER_RFC, receiver_rfc=builders.RECEIVER_RFC)


def _invoice(data: bytes, context: ValidationContext = PROVIDER) -> Verdict:
    return validate_bytes(data, "cfdi_invoice", context)


def _codes(verdict: Verdict) -> list[str]:
    return [reason.code for reason in verdict.reasons]


def test_a_correct_fee_invoice_is_accepted_with_uuid_and_totals() -> None:
    verdict = _invoice(builders.cfdi_invoice())
    assert verdict.accepted, verdict.reasons
    facts = verdict.facts
    assert facts["uuid"] == builders.INVOICE_UUID
    assert (facts["subtotal"], facts["withheld_taxes"], facts["total"]) == (
        "1000.00",
        "100.00",
        "900.00",
    )
    assert facts["retention"]["isr_rate"] == "0.100000"
    assert facts["retention"]["iva"] == "exento"
    assert facts["issuer_rfc"] == builders.ISSUER_RFC


def test_validation_is_fast_once_the_schemas_are_loaded() -> None:
    data = builders.cfdi_invoice()
    _invoice(data)
    started = time.perf_counter()
    for _ in range(20):
        _invoice(data)
    assert (time.perf_counter() - started) / 20 < 0.05


@pytest.mark.parametrize(
    ("regime", "cedular", "isr"),
    [
        ("612", False, "100.00"),
        ("626", False, "12.50"),
        ("612", True, "100.00"),
        ("626", True, "25.00"),
    ],
)
def test_every_row_of_the_retention_table_is_accepted(regime: str, cedular: bool, isr: str) -> None:
    verdict = _invoice(builders.cfdi_invoice(regime=regime, cedular=cedular))
    assert verdict.accepted, verdict.reasons
    assert verdict.facts["retention"]["isr"] == isr
    assert verdict.facts["retention"]["cedular"] == ("30.00" if cedular else "0.00")


def test_wrong_isr_rate_for_the_regime_is_refused() -> None:
    verdict = _invoice(builders.cfdi_invoice(regime="626", isr_rate="0.100000"))
    assert _codes(verdict) == ["retention_isr_wrong"]
    assert "1.25%" in verdict.reasons[0].message


def test_resico_with_cedular_needs_2_5_percent_isr() -> None:
    verdict = _invoice(builders.cfdi_invoice(regime="626", cedular=True, isr_rate="0.012500"))
    assert "retention_isr_wrong" in _codes(verdict)


def test_wrong_cedular_rate_is_refused() -> None:
    verdict = _invoice(builders.cfdi_invoice(cedular=True, cedular_rate="0.02"))
    assert "retention_cedular_wrong" in _codes(verdict)


def test_declared_cedular_must_be_on_the_invoice() -> None:
    context = ValidationContext(jalisco_cedular=True)
    verdict = validate_bytes(builders.cfdi_invoice(), "cfdi_invoice", context)
    assert "retention_cedular_wrong" in _codes(verdict)
    context = ValidationContext(jalisco_cedular=False)
    verdict = validate_bytes(builders.cfdi_invoice(cedular=True), "cfdi_invoice", context)
    assert "retention_cedular_unexpected" in _codes(verdict)


def test_each_tax_is_rounded_half_up_per_concept() -> None:
    # 333.35 * 0.0125 = 4.166875 -> 4.17 per concept; three concepts -> 12.51 (not 12.50)
    verdict = _invoice(builders.cfdi_invoice(["333.35"] * 3, regime="626"))
    assert verdict.accepted, verdict.reasons
    assert verdict.facts["retention"]["isr"] == "12.51"


def test_taxed_iva_is_accepted_when_consistent_and_refused_when_mixed() -> None:
    verdict = _invoice(builders.cfdi_invoice(["1000.00", "500.00"], iva="tasa"))
    assert verdict.accepted, verdict.reasons
    mixed = _invoice(builders.cfdi_invoice(["1000.00", "500.00"], iva=["exento", "tasa"]))
    assert "retention_iva_inconsistent" in _codes(mixed)


def test_unknown_regime_is_refused_for_fee_invoices_only() -> None:
    data = builders.cfdi_invoice(regime="601")
    assert "retention_regime_unknown" in _codes(_invoice(data))
    assert validate_bytes(data, "cfdi_expense").accepted


def test_fee_invoice_needs_ppd_and_99() -> None:
    verdict = _invoice(builders.cfdi_invoice(payment_method="PUE", payment_form="03"))
    assert _codes(verdict) == ["cfdi_payment_terms"]


def test_issuer_and_receiver_rfc_checks() -> None:
    context = ValidationContext(issuer_rfc="GOMA800101AA1", receiver_rfc="adn050101aa4")
    verdict = _invoice(builders.cfdi_invoice(), context)
    assert _codes(verdict) == ["cfdi_issuer_mismatch", "cfdi_receiver_mismatch"]
    lower = ValidationContext(issuer_rfc=builders.ISSUER_RFC.lower())
    assert _invoice(builders.cfdi_invoice(), lower).accepted


def test_bad_arithmetic_is_refused_to_the_centavo() -> None:
    verdict = _invoice(builders.cfdi_invoice(total_delta="0.01"))
    assert _codes(verdict) == ["cfdi_total_mismatch"]
    assert "900.00" in verdict.reasons[0].message
    expense = validate_bytes(
        builders.cfdi_expense().replace(b'SubTotal="850.00"', b'SubTotal="851.00"'), "cfdi_expense"
    )
    assert "cfdi_subtotal_mismatch" in _codes(expense)


def test_document_taxes_must_match_the_concepts() -> None:
    data = builders.cfdi_invoice().replace(
        b'<cfdi:Retencion Impuesto="001" Importe="100.00"/>',
        b'<cfdi:Retencion Impuesto="001" Importe="90.00"/>',
    )
    assert "cfdi_taxes_mismatch" in _codes(_invoice(data))


def test_an_expense_invoice_has_no_retention_rules() -> None:
    verdict = validate_bytes(builders.cfdi_expense(), "cfdi_expense")
    assert verdict.accepted, verdict.reasons
    assert "retention" not in verdict.facts
    assert verdict.facts["transferred_taxes"] == "136.00"


def test_missing_stamp_is_refused() -> None:
    verdict = validate_bytes(builders.cfdi_expense(uuid=None), "cfdi_expense")
    assert _codes(verdict) == ["cfdi_stamp_missing"]
    assert "uuid" not in verdict.facts


def test_a_byte_order_mark_is_tolerated() -> None:
    assert _invoice(builders.cfdi_invoice(bom=True)).accepted


def test_the_addenda_is_removed_before_schema_validation() -> None:
    addenda = '<cfdi:Addenda><x:Pedido xmlns:x="urn:proveedor" numero="1"/></cfdi:Addenda>'
    verdict = _invoice(builders.cfdi_invoice(addenda=addenda))
    assert verdict.accepted, verdict.reasons
    assert verdict.facts["addenda_removed"] is True


def test_complements_without_a_schema_here_are_set_aside_and_reported() -> None:
    extra = (
        '<leyendasFisc:LeyendasFiscales version="1.0" '
        'xmlns:leyendasFisc="http://www.sat.gob.mx/leyendasFiscales"/>'
    )
    verdict = _invoice(builders.cfdi_invoice(extra_complement=extra))
    assert verdict.accepted, verdict.reasons
    assert verdict.facts["unvalidated_complements"] == ["http://www.sat.gob.mx/leyendasFiscales"]


def test_schema_errors_are_refused_with_the_place_to_look() -> None:
    data = builders.cfdi_invoice(issuer_rfc="NO-ES-RFC")
    verdict = _invoice(data, ValidationContext())
    assert _codes(verdict) == ["cfdi_schema"]
    assert "Emisor/@Rfc" in verdict.reasons[0].message
    assert verdict.facts["schema_errors"]


def test_cfdi_33_is_refused_as_obsolete() -> None:
    verdict = validate_bytes(builders.cfdi33(), "cfdi_expense")
    assert verdict.code == "cfdi_version_obsolete"
    assert "3.3" in verdict.reasons[0].message


def test_xml_that_is_not_a_cfdi_is_refused() -> None:
    assert validate_bytes(b"<factura><total>1</total></factura>", "cfdi_expense").code == "not_cfdi"


def test_malformed_and_non_utf8_xml_are_refused() -> None:
    assert validate_bytes(builders.cfdi_invoice()[:-40], "cfdi_invoice").code == "xml_malformed"
    latin = builders.cfdi_expense().replace(b"Medicamento", "Medicación".encode("latin-1"))
    assert validate_bytes(latin, "cfdi_expense").code == "xml_encoding"


@pytest.mark.parametrize("data", [builders.billion_laughs(), builders.external_entity()])
def test_entity_declarations_are_refused_before_parsing(data: bytes) -> None:
    started = time.perf_counter()
    verdict = validate_bytes(data, "cfdi_expense")
    assert verdict.code == "xml_declarations_not_allowed"
    assert time.perf_counter() - started < 0.5


def test_the_parser_alone_neither_expands_nor_fetches_entities() -> None:
    from lxml import etree

    # Defence in depth behind the DOCTYPE refusal: libxml2 stops the amplification itself.
    with pytest.raises(etree.XMLSyntaxError, match="amplification"):
        etree.fromstring(builders.billion_laughs(), parser=safe_parser())
    external = etree.fromstring(builders.external_entity(), parser=safe_parser())
    assert b"root:" not in etree.tostring(external)


def test_a_20_mb_xml_is_refused_by_size_before_parsing() -> None:
    huge = builders.huge_xml()
    started = time.perf_counter()
    assert validate_bytes(huge, "cfdi_expense").code == "file_too_large"
    direct = validate_cfdi(huge, "cfdi_expense", ValidationContext())
    assert direct.code == "xml_too_large"
    assert time.perf_counter() - started < 1
    just_over = builders.huge_xml(limits.MAX_XML_BYTES + 1)
    assert validate_cfdi(just_over, "cfdi_expense", ValidationContext()).code == "xml_too_large"


def test_a_pdf_sent_as_xml_is_refused_by_magic_bytes() -> None:
    verdict = validate_bytes(builders.make_pdf(), "cfdi_invoice")
    assert verdict.code == "file_type_mismatch"


def test_a_payment_complement_is_accepted_with_its_related_documents() -> None:
    context = ValidationContext(invoice_uuid=builders.INVOICE_UUID.lower())
    verdict = validate_bytes(builders.cfdi_payment(), "cfdi_payment", context)
    assert verdict.accepted, verdict.reasons
    assert verdict.facts["related_uuids"] == [builders.INVOICE_UUID]
    assert verdict.facts["payments"][0]["related_documents"][0]["balance"] == "0.00"
    assert verdict.facts["uuid"] == "7A1B2C3D-4E5F-4A6B-8C7D-9E0F1A2B3C4D"


def test_a_partial_payment_with_consistent_balance_is_accepted() -> None:
    data = builders.cfdi_payment(previous="900.00", paid="400.00", balance="500.00")
    assert validate_bytes(data, "cfdi_payment").accepted


def test_payment_rules() -> None:
    context = ValidationContext(invoice_uuid=builders.INVOICE_UUID)
    other = builders.cfdi_payment(related_uuid="11111111-2222-4333-8444-555555555555")
    assert _codes(validate_bytes(other, "cfdi_payment", context)) == ["payment_uuid_mismatch"]
    balance = builders.cfdi_payment(previous="900.00", paid="400.00", balance="400.00")
    assert _codes(validate_bytes(balance, "cfdi_payment")) == ["payment_balance_mismatch"]
    short = builders.cfdi_payment(paid="900.00", amount="800.00", total="800.00")
    assert _codes(validate_bytes(short, "cfdi_payment")) == ["payment_amount_mismatch"]
    total = builders.cfdi_payment(total="901.00")
    assert _codes(validate_bytes(total, "cfdi_payment")) == ["payment_total_mismatch"]
    missing = builders.cfdi_payment(pagos=False)
    assert _codes(validate_bytes(missing, "cfdi_payment")) == ["payment_complement_missing"]


def test_kinds_check_the_document_type() -> None:
    assert _codes(validate_bytes(builders.cfdi_payment(), "cfdi_expense")) == ["cfdi_wrong_type"]
    invoice_as_payment = validate_bytes(builders.cfdi_invoice(), "cfdi_payment")
    assert "cfdi_wrong_type" in _codes(invoice_as_payment)


def test_the_retention_table_is_data_with_its_source() -> None:
    table = default_table()
    assert table.source
    assert table.valid_from
    rule = table.rule_for("626", jalisco_cedular=True)
    assert rule is not None
    lines = retention_lines(Decimal("1000.00"), rule)
    assert [(line.tax, line.amount) for line in lines] == [
        ("isr", Decimal("25.00")),
        ("cedular", Decimal("30.00")),
    ]
    assert table.rule_for("601", jalisco_cedular=False) is None
