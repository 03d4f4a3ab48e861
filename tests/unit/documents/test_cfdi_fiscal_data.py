"""What a page shows of an uploaded CFDI (its fiscal data, readable) is in the document's
facts: issuer and receiver with names, the fiscal folio, the date, the concepts and totals."""

from __future__ import annotations

from chalicelib.documents.context import ValidationContext
from chalicelib.documents.validators.cfdi import validate_cfdi
from tests.unit.documents import builders


def test_an_expense_invoice_keeps_the_data_its_preview_shows() -> None:
    data = builders.cfdi_expense("850.00", receiver_name="ANA SOFÍA TORRES VEGA")
    facts = validate_cfdi(data, "cfdi_expense", ValidationContext()).facts
    assert (facts["issuer_name"], facts["issuer_rfc"]) == ("FARMACIA EJEMPLO", "FAR0101017Z5")
    assert (facts["receiver_name"], facts["receiver_rfc"]) == (
        "ANA SOFÍA TORRES VEGA",
        "TOVA800101AB1",
    )
    assert facts["uuid"] == builders.INVOICE_UUID.upper()
    assert facts["issued_at"] == "2026-06-02T12:00:00"
    assert facts["concept_lines"] == [
        {"description": "Medicamento", "amount": "850.00", "discount": "0.00"}
    ]
    assert (facts["subtotal"], facts["transferred_taxes"], facts["total"]) == (
        "850.00",
        "136.00",
        "986.00",
    )
    assert facts["currency"] == "MXN"
