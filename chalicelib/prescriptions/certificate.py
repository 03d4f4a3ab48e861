"""The printable sick-leave certificate: its fields, the seal, and a QR to verify it.

fpdf2 is pure Python (nothing to compile for Lambda) and is imported here only, when a
certificate is first printed. The built-in Helvetica covers Latin-1, which has every letter
of Spanish; anything outside it is replaced rather than failing the print.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from datetime import datetime


@dataclass(frozen=True)
class CertificateView:
    """What the PDF shows, already formatted for a person."""

    certificate_id: str
    patient_name: str
    nss: str
    kind: str
    start_date: str
    end_date: str
    days: int
    doctor: str
    clinic: str
    issued_at: str
    authorized_at: str
    seal: str
    verify_url: str
    created: datetime


def _latin1(text: str) -> str:
    return text.encode("latin-1", "replace").decode("latin-1")


def _qr_png(url: str) -> bytes:
    import segno

    buffer = io.BytesIO()
    segno.make(url, error="m").save(buffer, kind="png", scale=6, border=2)
    return buffer.getvalue()


def render(view: CertificateView) -> bytes:
    """The certificate as PDF bytes (one Letter page)."""
    from fpdf import FPDF

    pdf = FPDF(format="Letter", unit="mm")
    pdf.set_creation_date(view.created)
    pdf.set_title(_latin1(f"Certificado de incapacidad {view.certificate_id}"))
    pdf.set_author("Portal Médico")
    pdf.set_auto_page_break(False)
    pdf.add_page()
    pdf.set_margins(20, 18, 20)
    width = pdf.w - 40

    pdf.set_fill_color(11, 79, 138)
    pdf.rect(0, 0, pdf.w, 14, style="F")
    pdf.set_text_color(255, 255, 255)
    pdf.set_font("Helvetica", "B", 12)
    pdf.set_xy(20, 4)
    pdf.cell(width, 6, _latin1("Portal Médico · Afiliados"))

    pdf.set_text_color(28, 36, 48)
    pdf.set_xy(20, 24)
    pdf.set_font("Helvetica", "B", 18)
    pdf.cell(width, 9, _latin1("Certificado de incapacidad temporal para el trabajo"))
    pdf.ln(12)

    rows = [
        ("Número de certificado", view.certificate_id),
        ("Nombre", view.patient_name),
        ("NSS", view.nss),
        ("Ramo de seguro", view.kind),
        ("Inicio", view.start_date),
        ("Término", view.end_date),
        ("Días autorizados", str(view.days)),
        ("Médico", view.doctor),
        ("Unidad médica", view.clinic),
        ("Expedido", view.issued_at),
        ("Autorizado", view.authorized_at),
    ]
    for label, value in rows:
        pdf.set_font("Helvetica", "", 10)
        pdf.set_text_color(90, 101, 115)
        pdf.cell(52, 8, _latin1(label))
        pdf.set_font("Helvetica", "B", 11)
        pdf.set_text_color(28, 36, 48)
        pdf.cell(width - 52, 8, _latin1(value), new_x="LMARGIN", new_y="NEXT")

    top = pdf.get_y() + 8
    pdf.image(io.BytesIO(_qr_png(view.verify_url)), x=20, y=top, w=48, h=48)
    pdf.set_xy(74, top)
    pdf.set_font("Helvetica", "B", 11)
    pdf.cell(width - 54, 6, _latin1("Sello digital"), new_x="LEFT", new_y="NEXT")
    pdf.set_font("Courier", "", 8)
    pdf.multi_cell(width - 54, 4, view.seal, new_x="LEFT", new_y="NEXT")
    pdf.set_xy(74, pdf.get_y() + 2)
    pdf.set_font("Helvetica", "", 9)
    pdf.multi_cell(
        width - 54,
        4.5,
        _latin1(
            "Escanea el código QR para comprobar que este certificado es auténtico y no fue "
            "alterado. La verificación muestra los datos sellados: compáralos con este "
            "documento."
        ),
        new_x="LEFT",
        new_y="NEXT",
    )
    pdf.set_xy(20, top + 54)
    pdf.set_font("Helvetica", "", 7)
    pdf.set_text_color(90, 101, 115)
    pdf.multi_cell(width, 3.5, _latin1(view.verify_url))
    return bytes(pdf.output())
