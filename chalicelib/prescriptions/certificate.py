"""The printable sick-leave certificate: its fields, the seal, and a QR to verify it.

Drawn with chalicelib.pdf (pydyf and segno, pure Python, imported when a certificate is
first printed) in the standard Helvetica, whose Windows-1252 has every letter of Spanish;
anything outside it is printed as "?" rather than failing the print.
"""

from __future__ import annotations

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


GRAY: tuple[int, int, int] = (90, 101, 115)
INK: tuple[int, int, int] = (28, 36, 48)
BLUE: tuple[int, int, int] = (11, 79, 138)
WHITE: tuple[int, int, int] = (255, 255, 255)


def render(view: CertificateView) -> bytes:
    """The certificate as PDF bytes (one Letter page)."""
    from chalicelib.pdf import LETTER_MM, Document

    document = Document(
        f"Certificado de incapacidad {view.certificate_id}",
        author="Portal Médico",
        created=view.created,
    )
    page = document.page(*LETTER_MM)
    left = 20.0
    width = page.width - 40

    page.fill_rect(0, 0, page.width, 14, BLUE)
    page.set_font("Helvetica-Bold", 12, WHITE)
    page.cell(left, 4, width, 6, "Portal Médico · Afiliados")

    page.set_font("Helvetica-Bold", 18, INK)
    page.cell(left, 24, width, 9, "Certificado de incapacidad temporal para el trabajo")

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
    y = 36.0
    for label, value in rows:
        page.set_font("Helvetica", 10, GRAY)
        page.cell(left, y, 52, 8, label)
        page.set_font("Helvetica-Bold", 11, INK)
        page.cell(left + 52, y, width - 52, 8, value)
        y += 8

    top = y + 8
    page.qr(left, top, 48, view.verify_url, border=2)
    beside = left + 54
    page.set_font("Helvetica-Bold", 11, INK)
    page.cell(beside, top, width - 54, 6, "Sello digital")
    page.set_font("Courier", 8)
    y = page.paragraph(beside, top + 6, width - 54, 4, view.seal)
    page.set_font("Helvetica", 9)
    page.paragraph(
        beside,
        y + 2,
        width - 54,
        4.5,
        "Escanea el código QR para comprobar que este certificado es auténtico y no fue "
        "alterado. La verificación muestra los datos sellados: compáralos con este documento.",
        align="J",
    )
    page.set_font("Helvetica", 7, GRAY)
    page.paragraph(left, top + 54, width, 3.5, view.verify_url)
    return document.to_bytes()
