"""File-name rule: characters, dots, length and extensions per owner."""

from __future__ import annotations

import pytest

from chalicelib.documents import limits
from chalicelib.documents.names import MAX_NAME_LENGTH, OwnerKind, check_name


@pytest.mark.parametrize(
    "name",
    ["receta_2026-05.pdf", "FACTURA.XML", "foto-1.jpg", "scan.JPEG", "a.pdf", "x" * 96 + ".pdf"],
)
def test_ordinary_names_pass(name: str) -> None:
    result = check_name(name)
    assert result.valid, result.message
    assert result.code == "ok"
    assert result.extension == name.rsplit(".", 1)[1].lower()


@pytest.mark.parametrize(
    ("name", "says"),
    [
        ("receta médica.pdf", "un espacio"),
        ("recetamédica.pdf", "«é» en la posición 8 (escríbelo sin acento)"),
        ("pago$.pdf", "«$»"),
        ("50#.pdf", "«#»"),
        ("100%.pdf", "«%»"),
        ("a&b.pdf", "«&»"),
        ("carpeta/archivo.pdf", "«/»"),
        ("archivo\t.pdf", "un tabulador"),
        ("niño.pdf", "«ñ»"),
    ],
)
def test_the_message_names_the_wrong_character(name: str, says: str) -> None:
    result = check_name(name)
    assert not result.valid
    assert result.code == "file_name_invalid"
    assert says in result.message


def test_exactly_one_dot_before_the_extension() -> None:
    assert "2 puntos" in check_name("estudio.v2.pdf").message
    assert "no tiene extensión" in check_name("estudio").message
    assert "empezar con un punto" in check_name(".pdf").message
    assert "falta la extensión" in check_name("estudio.").message


def test_length_cap_is_100_characters() -> None:
    assert MAX_NAME_LENGTH == 100
    assert check_name("x" * 96 + ".pdf").valid  # exactly 100
    result = check_name("x" * 97 + ".pdf")
    assert not result.valid
    assert "101 caracteres" in result.message
    assert not check_name("").valid


def test_extensions_allowed_per_owner() -> None:
    for name in ("a.pdf", "a.xml", "a.jpg", "a.jpeg"):
        assert check_name(name, OwnerKind.PERSON).valid
    for name in ("a.csv", "a.png", "a.docx", "a.exe", "a.html"):
        result = check_name(name, OwnerKind.PERSON)
        assert result.code == "file_type_not_allowed"
        assert "PDF, XML, JPG o JPEG" in result.message
    assert check_name("transacciones.csv", OwnerKind.OPERATOR_TRANSACTIONS).valid
    assert check_name("a.pdf", OwnerKind.OPERATOR_TRANSACTIONS).code == "file_type_not_allowed"


def test_limits_are_the_documented_ones() -> None:
    assert limits.MAX_FILES_PER_OWNER == 50
    assert limits.MAX_BYTES_PER_OWNER == 50 * limits.MIB
    assert limits.MAX_XML_BYTES == 2 * limits.MIB
    assert limits.MAX_STREAM_BYTES == 10 * limits.MIB
    assert limits.max_pdf_pages("bank_statement") == 30
    assert limits.max_pdf_pages("pdf") == 200
    assert all(cap <= limits.MAX_BYTES_PER_OWNER for cap in limits.MAX_FILE_BYTES.values())
