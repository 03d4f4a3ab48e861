"""Printable things: the reference's Code 128 barcode (SVG) and the virtual membership card
(PDF with a QR, drawn with chalicelib.pdf). The libraries are imported inside the functions,
never on the API's import path."""

from __future__ import annotations

import io
from dataclasses import dataclass


def barcode_svg(reference: str) -> str:
    """Code 128 of the reference, as a standalone SVG document."""
    import barcode  # type: ignore[import-untyped]
    from barcode.writer import SVGWriter  # type: ignore[import-untyped]

    code = barcode.get("code128", reference, writer=SVGWriter())
    buffer = io.BytesIO()
    code.write(buffer, options={"module_height": 14.0, "font_size": 8, "text_distance": 4.0})
    return buffer.getvalue().decode("utf-8")


@dataclass(frozen=True)
class CardData:
    plan_name: str
    member_number: str
    full_name: str
    valid_through: str  # for people: "31/12/2026" or "Pendiente del primer pago"
    qr_text: str  # what a clinic reads when it scans the card


BLUE: tuple[int, int, int] = (11, 79, 138)
INK: tuple[int, int, int] = (20, 30, 40)
WHITE: tuple[int, int, int] = (255, 255, 255)


def card_pdf(card: CardData) -> bytes:
    """A credit-card-sized PDF (85.6 × 54 mm) with plan, member number, validity and a QR."""
    from chalicelib.pdf import Document

    document = Document(f"Credencial {card.member_number}")
    page = document.page(85.6, 54)
    page.fill_rect(0, 0, 85.6, 12, BLUE)
    page.set_font("Helvetica-Bold", 10, WHITE)
    page.cell(4, 3.5, 60, 5, "Portal Médico · Membresía")
    page.set_font("Helvetica-Bold", 9, INK)
    y = page.paragraph(4, 15, 52, 4.2, card.full_name) + 1.5
    rows = (
        ("Plan", card.plan_name),
        ("Número de afiliado", card.member_number),
        ("Vigencia", card.valid_through),
    )
    for label, value in rows:
        page.set_font("Helvetica", 6.5)
        page.cell(4, y, 52, 3, label)
        page.set_font("Helvetica-Bold", 8)
        page.cell(4, y + 3, 52, 3.6, value)
        y += 7.5
    page.qr(58, 16, 24, card.qr_text, border=1)
    page.set_font("Helvetica", 5.5)
    page.paragraph(56, 41, 28, 2.6, "Número y vigencia en el código", align="C")
    return document.to_bytes()
