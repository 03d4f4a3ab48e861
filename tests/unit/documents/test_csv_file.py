"""Operators' transaction CSV: encoding, header, row cap and errors per line."""

from __future__ import annotations

import pytest

from chalicelib.documents import limits
from chalicelib.documents.validation import validate_bytes
from tests.unit.documents import builders


def _validate(data: bytes) -> object:
    return validate_bytes(data, "transactions_csv")


def test_a_correct_file_is_accepted() -> None:
    verdict = validate_bytes(builders.transactions_csv(), "transactions_csv")
    assert verdict.accepted, verdict.facts
    assert verdict.facts["rows"] == 2
    assert verdict.facts["errors"] == []


def test_semicolons_and_a_bom_are_accepted() -> None:
    data = "\ufeff" + builders.transactions_csv().decode().replace(",", ";")
    verdict = validate_bytes(data.encode(), "transactions_csv")
    assert verdict.accepted, verdict.facts
    assert verdict.facts["delimiter"] == ";"


def test_other_encodings_are_refused() -> None:
    latin = builders.transactions_csv().decode().replace("aprobada", "aprobación").encode("latin-1")
    assert validate_bytes(latin, "transactions_csv").code == "csv_encoding"


def test_the_header_must_name_every_column() -> None:
    data = builders.transactions_csv(header="tipo,monto")
    verdict = validate_bytes(data, "transactions_csv")
    assert verdict.code == "csv_header"
    assert "id_transaccion" in verdict.reasons[0].message


def test_errors_are_reported_per_line_and_column() -> None:
    data = builders.transactions_csv(
        [
            "bono,B-1,76.123.456-0,2026-06-01,30000,12000,15000,3000,,,,",  # line 2: fine
            "bono,B-2,76.123.456-1,2026-06-01,30000,12000,15000,2000,,,,",  # line 3: rut, sum
            "cheque,C-1,76.123.456-0,2026-06-01,,,,,,,,",  # line 4: kind
            "tarjeta,T-1,76.123.456-0,01/06/2026,,,,,45.000,0,900,",  # line 5
            "bono,B-3,76.123.456-0",  # line 6: columns
        ]
    )
    verdict = validate_bytes(data, "transactions_csv")
    assert verdict.code == "csv_row_errors"
    found = {(e["line"], e["column"], e["code"]) for e in verdict.facts["errors"]}
    assert found == {
        (3, "rut_prestador", "invalid_rut"),
        (3, "valor_total", "amounts_mismatch"),
        (4, "tipo", "invalid_kind"),
        (5, "fecha", "invalid_date"),
        (5, "monto", "invalid_amount"),
        (5, "cuotas", "invalid_installments"),
        (5, "respuesta_emisor", "required"),
        (6, None, "wrong_columns"),
    }
    assert "línea 3" in verdict.reasons[0].message


def test_row_cap(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(limits, "MAX_CSV_ROWS", 3)
    row = "bono,B-1,76.123.456-0,2026-06-01,30000,12000,15000,3000,,,,"
    assert validate_bytes(builders.transactions_csv([row] * 3), "transactions_csv").accepted
    verdict = validate_bytes(builders.transactions_csv([row] * 4), "transactions_csv")
    assert verdict.code == "csv_too_many_rows"


def test_reported_errors_are_capped(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(limits, "MAX_CSV_ERRORS_REPORTED", 2)
    row = "cheque,C,76.123.456-0,2026-06-01,,,,,,,,"
    verdict = validate_bytes(builders.transactions_csv([row] * 5), "transactions_csv")
    assert len(verdict.facts["errors"]) == 2
    assert verdict.facts["error_count"] == 5


def test_empty_binary_and_broken_quotes() -> None:
    assert validate_bytes(builders.transactions_csv([]), "transactions_csv").code == "csv_empty"
    binary = validate_bytes(b"\x00\x01\x02PK", "transactions_csv")
    assert binary.code == "file_type_mismatch"
    broken = builders.transactions_csv(['bono,"B-1,76.123.456-0,2026-06-01,1,1,0,0,,,,'])
    assert validate_bytes(broken, "transactions_csv").code == "csv_malformed"
