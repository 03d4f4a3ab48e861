"""Printable things: the reference's Code 128 barcode (SVG) and the virtual membership card
(PDF with a QR). The libraries are imported here, inside the functions, never on the API's
import path."""

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


def card_pdf(card: CardData) -> bytes:
    """A credit-card-sized PDF (85.6 × 54 mm) with plan, member number, validity and a QR."""
    import segno
    from fpdf import FPDF

    qr = io.BytesIO()
    segno.make(card.qr_text, error="m").save(qr, kind="png", scale=6, border=1)
    qr.seek(0)

    pdf = FPDF(orientation="L", unit="mm", format=(54, 85.6))
    pdf.set_auto_page_break(False)
    pdf.set_title(f"Credencial {card.member_number}")
    pdf.add_page()
    pdf.set_fill_color(11, 79, 138)
    pdf.rect(0, 0, 85.6, 12, style="F")
    pdf.set_text_color(255, 255, 255)
    pdf.set_font("Helvetica", "B", 10)
    pdf.set_xy(4, 3.5)
    pdf.cell(60, 5, "Portal Médico · Membresía")
    pdf.set_text_color(20, 30, 40)
    pdf.set_font("Helvetica", "B", 9)
    pdf.set_xy(4, 15)
    pdf.multi_cell(52, 4.2, card.full_name, align="L")
    pdf.set_font("Helvetica", "", 7.5)
    rows = (
        ("Plan", card.plan_name),
        ("Número de afiliado", card.member_number),
        ("Vigencia", card.valid_through),
    )
    y = pdf.get_y() + 1.5
    for label, value in rows:
        pdf.set_xy(4, y)
        pdf.set_font("Helvetica", "", 6.5)
        pdf.cell(52, 3, label)
        pdf.set_xy(4, y + 3)
        pdf.set_font("Helvetica", "B", 8)
        pdf.cell(52, 3.6, value)
        y += 7.5
    pdf.image(qr, x=58, y=16, w=24, h=24)
    pdf.set_font("Helvetica", "", 5.5)
    pdf.set_xy(56, 41)
    pdf.multi_cell(28, 2.6, "Número y vigencia en el código", align="C")
    return bytes(pdf.output())
