"""Demo data of the claims context: the blank forms of both insurers (PDFs in the documents
bucket). The demo policy's conditions and the network hospitals are imported from files
(`demo_imports`)."""

from __future__ import annotations

from chalicelib import aws
from chalicelib.config import get_settings
from chalicelib.policies import service as policies
from infrastructure.local.demo import DemoLogin

DEMO_POLICY = "GMM-2026-0000001"
INSURERS = ("sec", "adn")


def _form_pdf(title: str) -> bytes:
    from chalicelib.pdf import Document

    document = Document(title)
    page = document.page(210, 297)  # A4
    page.set_font("Helvetica-Bold", 16)
    page.cell(10, 10, 190, 12, title)
    page.set_font("Helvetica", 11)
    y = 22.0
    for line in (
        "Nombre del asegurado titular: ______________________________",
        "Número de póliza: ______________________",
        "Persona afectada: ______________________________",
        "Firma: ______________________   Fecha: ____________",
    ):
        page.cell(10, y, 190, 10, line)
        y += 10
    return document.to_bytes()


def load() -> list[DemoLogin]:
    # The conditions and hospitals are imported from files (demo_imports); the forms remain.
    s3 = aws.s3()
    bucket = get_settings().documents_bucket
    uploaded: set[str] = set()
    for insurer_id in INSURERS:
        catalog = policies.catalog(insurer_id)
        for forms in catalog.forms.values():
            for form in forms:
                if form.key not in uploaded:
                    s3.put_object(
                        Bucket=bucket,
                        Key=form.key,
                        Body=_form_pdf(form.name),
                        ContentType="application/pdf",
                    )
                    uploaded.add(form.key)
    return []
