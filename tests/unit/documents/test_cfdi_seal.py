"""CFDI authenticity, offline: the seal over the cadena original, the certificate (number,
CSD, RFC, validity, authority) and SAT's stamp — one reason code each."""

from __future__ import annotations

import base64
import datetime
from collections.abc import Callable

import pytest
from lxml import etree

from chalicelib.documents.context import ValidationContext
from chalicelib.documents.validation import validate_bytes
from chalicelib.documents.validators.cfdi_seal import cadena_original, is_csd
from chalicelib.documents.validators.cfdi_trust import (
    certificate_number,
    environment_extras,
    trust_store,
)
from chalicelib.documents.validators.cfdi_xml import safe_parser
from chalicelib.documents.verdict import Verdict
from infrastructure.local.cfdi_authority import TestAuthority, session_authority
from tests.unit.documents import builders

PROVIDER = ValidationContext(issuer_rfc=builders.ISSUER_RFC, receiver_rfc=builders.RECEIVER_RFC)
TFD = "{http://www.sat.gob.mx/TimbreFiscalDigital}TimbreFiscalDigital"
C = "{http://www.sat.gob.mx/cfd/4}"


def _invoice(data: bytes, context: ValidationContext = PROVIDER) -> Verdict:
    return validate_bytes(data, "cfdi_invoice", context)


def _codes(verdict: Verdict) -> list[str]:
    return [reason.code for reason in verdict.reasons]


def _edited(data: bytes, change: Callable[[etree._Element], None]) -> bytes:
    root = etree.fromstring(data, parser=safe_parser())
    change(root)
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8")


def _unsealed() -> bytes:
    return builders.cfdi_invoice(sealed=False)


def test_a_sealed_and_stamped_invoice_is_authentic_with_its_facts() -> None:
    verdict = _invoice(builders.cfdi_invoice())
    assert verdict.accepted, verdict.reasons
    facts = verdict.facts["authenticity"]
    assert facts["seal_verified"] is True
    assert facts["certificate_rfc"] == builders.ISSUER_RFC
    assert facts["certificate_number"] == verdict.facts["authenticity"]["certificate_number"]
    assert len(facts["certificate_number"]) == 20
    assert facts["stamp_seal"] == "verificado"
    assert len(facts["seal_tail"]) == 8


def test_the_cadena_original_is_sats_own() -> None:
    root = etree.fromstring(builders.cfdi_invoice(), parser=safe_parser())
    cadena = cadena_original(root)
    assert cadena.startswith("||4.0|A|101|2026-06-01T10:00:00|99|")
    assert cadena.endswith("||")
    assert "|RASJ750312H42|JORGE ALBERTO RAMIREZ SOTO|612|" in cadena


def test_a_changed_amount_breaks_the_seal() -> None:
    data = builders.cfdi_invoice().replace(b"paciente ANA TORRES", b"paciente ANA TORREZ")
    verdict = _invoice(data)
    assert _codes(verdict) == ["cfdi_seal_invalid"]
    assert verdict.facts["authenticity"]["seal_verified"] is False


def test_the_placeholder_seal_of_a_forgery_is_refused() -> None:
    assert "cfdi_seal_invalid" in _codes(_invoice(_unsealed()))


def test_another_certificates_number_is_refused() -> None:
    data = _edited(builders.cfdi_invoice(), lambda r: r.set("NoCertificado", "3" * 20))
    # The number is part of the cadena: the issuer's seal no longer matches either.
    assert set(_codes(_invoice(data))) == {"cfdi_certificate_number_mismatch", "cfdi_seal_invalid"}


def test_spaces_the_cadena_normalises_do_not_break_the_seal() -> None:
    data = builders.cfdi_invoice().replace(b'Descripcion="Consulta', b'Descripcion="Consulta ')
    assert _invoice(data).accepted


def test_an_efirma_is_not_a_csd() -> None:
    authority = session_authority()
    efirma = authority.csd(builders.ISSUER_RFC, efirma=True)
    assert not is_csd(efirma.certificate)
    assert is_csd(authority.csd(builders.ISSUER_RFC).certificate)
    verdict = _invoice(authority.seal(_unsealed(), credential=efirma))
    assert _codes(verdict) == ["cfdi_certificate_not_csd"]


def test_a_certificate_of_another_rfc_is_refused() -> None:
    other = session_authority().csd("XAXX010101000")
    verdict = _invoice(session_authority().seal(_unsealed(), credential=other))
    assert _codes(verdict) == ["cfdi_certificate_rfc_mismatch"]
    assert "XAXX010101000" in verdict.reasons[0].message


def test_a_certificate_not_valid_at_the_invoice_date_is_refused() -> None:
    expired = session_authority().csd(
        builders.ISSUER_RFC,
        valid_from=datetime.datetime(2020, 1, 1, tzinfo=datetime.UTC),
        valid_until=datetime.datetime(2024, 1, 1, tzinfo=datetime.UTC),
    )
    verdict = _invoice(session_authority().seal(_unsealed(), credential=expired))
    assert _codes(verdict) == ["cfdi_certificate_expired"]
    assert "01/01/2024" in verdict.reasons[0].message or "31/12/2023" in verdict.reasons[0].message


def test_a_certificate_of_an_unknown_authority_is_refused() -> None:
    # Same name as the trusted authority, another key: the name alone proves nothing.
    trusted = session_authority()
    impostor = TestAuthority(trusted.signer_key, trusted.signer_key)
    verdict = _invoice(impostor.seal(_unsealed()))
    assert "cfdi_certificate_untrusted" in _codes(verdict)


def test_without_the_test_authority_nothing_of_it_is_trusted() -> None:
    verdict = _invoice(builders.cfdi_invoice(), ValidationContext(trusted_authorities=()))
    assert _codes(verdict) == ["cfdi_certificate_untrusted"]
    assert verdict.facts["authenticity"]["stamp_seal"] == "certificado_desconocido"


def test_the_cli_option_adds_an_authority() -> None:
    context = ValidationContext(trusted_authorities=(session_authority().pem(),))
    assert _invoice(builders.cfdi_invoice(), context).accepted


def test_a_stamp_that_certifies_another_seal_is_refused() -> None:
    def swap(root: etree._Element) -> None:
        root.find(f"{C}Complemento/{TFD}").set("SelloCFD", base64.b64encode(b"x" * 256).decode())

    verdict = _invoice(_edited(builders.cfdi_invoice(), swap))
    assert "cfdi_stamp_seal_mismatch" in _codes(verdict)


def test_a_forged_sat_seal_is_refused_when_the_stamping_certificate_is_known() -> None:
    def forge(root: etree._Element) -> None:
        root.find(f"{C}Complemento/{TFD}").set("SelloSAT", base64.b64encode(b"y" * 256).decode())

    verdict = _invoice(_edited(builders.cfdi_invoice(), forge))
    assert _codes(verdict) == ["cfdi_stamp_seal_mismatch"]
    assert verdict.facts["authenticity"]["stamp_seal"] == "invalido"


def test_a_stamp_before_the_invoice_date_is_refused() -> None:
    data = builders.cfdi_invoice(issued_at="2026-06-01T10:00:10", sealed=False)
    data = data.replace(
        b'FechaTimbrado="2026-06-01T10:00:15"', b'FechaTimbrado="2026-06-01T09:00:00"'
    )
    verdict = _invoice(session_authority().seal(data))
    assert _codes(verdict) == ["cfdi_stamp_date_invalid"]


def test_a_missing_stamp_is_refused() -> None:
    assert _codes(_invoice(builders.cfdi_invoice(uuid=None))) == ["cfdi_stamp_missing"]


def test_payment_complements_and_expense_invoices_are_checked_too() -> None:
    assert validate_bytes(builders.cfdi_payment(), "cfdi_payment").accepted
    assert validate_bytes(builders.cfdi_expense(), "cfdi_expense").accepted
    forged = builders.cfdi_payment().replace(b'ImpPagado="900.00"', b'ImpPagado="900.0"')
    assert "cfdi_seal_invalid" in _codes(validate_bytes(forged, "cfdi_payment"))
    assert "cfdi_seal_invalid" in _codes(
        validate_bytes(builders.cfdi_expense(sealed=False), "cfdi_expense")
    )


def test_a_damaged_certificate_is_a_seal_that_cannot_be_verified() -> None:
    data = _edited(builders.cfdi_invoice(), lambda r: r.set("Certificado", "Y2VydA=="))
    assert "cfdi_seal_invalid" in _codes(_invoice(data))


def test_the_certificate_number_is_the_ascii_of_its_serial() -> None:
    credential = session_authority().csd("AAA010101AAA")
    assert certificate_number(credential.certificate) == credential.number


def test_sats_shipped_authorities_are_loaded() -> None:
    names = [a.subject.rfc4514_string() for a in trust_store().authorities]
    assert any("AUTORIDAD CERTIFICADORA" in name for name in names)  # AC5
    assert len(names) >= 2


@pytest.mark.parametrize("stage", ["prod", "staging"])
def test_extra_authorities_from_the_environment_only_on_local_and_test(stage: str) -> None:
    assert environment_extras(stage, "/etc/hostname") == ()
    assert environment_extras("test", "/nonexistent.pem") == ()
