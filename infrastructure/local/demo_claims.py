"""Demo data of the claims context: conditions of the demo policy's members, the network
hospitals of both insurers, and the blank forms (PDFs in the documents bucket)."""

from __future__ import annotations

from chalicelib import aws
from chalicelib.config import get_settings
from chalicelib.policies import service as policies
from chalicelib.policies.service import Condition, Hospital
from infrastructure.local.demo import DemoLogin

DEMO_POLICY = "GMM-2026-0000001"
CONDITIONS = {
    "titular": [("cond-demo-diabetes", "Diabetes mellitus tipo 2", "2025-08-14")],
    "hijo": [("cond-demo-fractura", "Fractura de tibia izquierda", "2026-03-02")],
    "conyuge": [("cond-demo-rodilla", "Lesión de ligamento cruzado de rodilla", "2026-05-20")],
}
HOSPITALS = {
    "sec": [
        (
            "hosp-sec-01",
            "HOSPITAL ÁNGELES DEL CENTRO",
            "Ciudad de México",
            "CDMX",
            "Av. Insurgentes Sur 1200",
        ),
        ("hosp-sec-02", "CENTRO MÉDICO SAN RAFAEL", "Guadalajara", "Jalisco", "Av. Vallarta 3300"),
        (
            "hosp-sec-03",
            "HOSPITAL SANTA FE",
            "Ciudad de México",
            "CDMX",
            "Av. Vasco de Quiroga 3000",
        ),
        ("hosp-sec-04", "CLÍNICA DEL BAJÍO", "León", "Guanajuato", "Blvd. Campestre 1500"),
        (
            "hosp-sec-05",
            "HOSPITAL METROPOLITANO",
            "Monterrey",
            "Nuevo León",
            "Av. Constitución 900",
        ),
    ],
    "adn": [
        ("hosp-adn-01", "HOSPITAL DEL NORTE", "Monterrey", "Nuevo León", "Av. Gonzalitos 500"),
        ("hosp-adn-02", "SANATORIO CHIHUAHUA", "Chihuahua", "Chihuahua", "Calle Ocampo 220"),
    ],
}


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
    policy = policies.get_policy("sec", DEMO_POLICY)
    if policy is not None:
        conditions = [
            Condition(condition_id, DEMO_POLICY, member.id, description, registered_on)
            for member in policy.members
            for condition_id, description, registered_on in CONDITIONS.get(member.relationship, [])
        ]
        policies.load_conditions("sec", conditions)
    for insurer_id, rows in HOSPITALS.items():
        policies.load_hospitals(insurer_id, [Hospital(*row) for row in rows])
    s3 = aws.s3()
    bucket = get_settings().documents_bucket
    uploaded: set[str] = set()
    for insurer_id in HOSPITALS:
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
