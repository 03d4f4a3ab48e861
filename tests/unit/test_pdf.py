"""chalicelib.pdf: wrapping, the standard fonts' encoding, and a QR a scanner reads."""

from __future__ import annotations

import io

import pytest

from chalicelib import pdf


@pytest.mark.parametrize(
    ("text", "width"),
    [
        ("Escanea el código QR para comprobar que este certificado es auténtico", 40),
        ("MEUCIQ" * 30, 50),
        ("http://127.0.0.1:8080/verificar.html?id=abc&seal=" + "x" * 120, 60),
    ],
)
def test_wrapped_lines_fit_and_keep_the_text(text: str, width: float) -> None:
    lines = pdf.wrap(text, "Helvetica", 9, width)
    assert len(lines) > 1
    assert all(pdf.text_width(line, "Helvetica", 9) <= width for line in lines)
    assert "".join(lines).replace(" ", "") == text.replace(" ", "")


def test_courier_is_monospaced_and_helvetica_is_not() -> None:
    assert pdf.text_width("iiii", "Courier", 10) == pdf.text_width("MMMM", "Courier", 10)
    assert pdf.text_width("iiii", "Helvetica", 10) < pdf.text_width("MMMM", "Helvetica", 10)


def test_a_page_carries_its_text_title_and_a_readable_qr() -> None:
    import zxingcpp
    from pypdf import PdfReader

    document = pdf.Document("Credencial Ñ-1", author="Portal Médico")
    page = document.page(85.6, 54)
    page.set_font("Helvetica-Bold", 9)
    page.paragraph(4, 15, 52, 4.2, "Núñez (Pérez) \\ 😀", align="J")
    page.qr(58, 16, 24, "https://portal.example/m/1", border=1)
    reader = PdfReader(io.BytesIO(document.to_bytes()))

    assert reader.metadata is not None
    assert reader.metadata.title == "Credencial Ñ-1"
    assert "Núñez (Pérez) \\ ?" in reader.pages[0].extract_text()
    (image,) = reader.pages[0].images
    assert [code.text for code in zxingcpp.read_barcodes(image.image)] == [
        "https://portal.example/m/1"
    ]
