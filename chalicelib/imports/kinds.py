"""The kinds of file an insurer imports: their columns, an example row, who may import them.

A kind's header is exact and in order (names compared without surrounding spaces and case);
a kind may end with optional columns, which a file may leave out (from the end) but never
reorder. `identifiers` are the columns a template formats as text, so that a spreadsheet
keeps their leading zeros. Pure: no I/O, safe on the API's import path.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final

from chalicelib import errors


@dataclass(frozen=True)
class Kind:
    name: str
    label: str  # Spanish, for pages and emails
    headers: tuple[str, ...]  # required columns, in order
    example: tuple[str, ...]  # one row, as the templates show it (required + optional)
    identifiers: frozenset[str]  # columns kept as text (leading zeros matter)
    duty: str  # the operator duty (auth.DUTIES) that imports this kind
    optional: tuple[str, ...] = ()  # columns a file may add after `headers`, in this order
    description: str = ""

    @property
    def columns(self) -> tuple[str, ...]:
        """Every column a file of this kind may hold, in order."""
        return self.headers + self.optional

    def accepts_header(self, names: list[str]) -> bool:
        return (
            len(self.headers) <= len(names) <= len(self.columns)
            and tuple(names) == self.columns[: len(names)]
        )


POLIZAS: Final = Kind(
    name="polizas",
    label="Pólizas (padrón de asegurados)",
    headers=(
        "poliza",
        "certificado",
        "parentesco",
        "nombre",
        "fecha_nacimiento",
        "rfc",
        "coberturas",
        "vigencia_inicio",
        "vigencia_fin",
        "estatus",
    ),
    example=(
        "SEC-000123",
        "0001",
        "titular",
        "María López Hernández",
        "1985-04-12",
        "LOHM850412AB1",
        "gmm_mayores|gmm_menores",
        "2026-01-01",
        "2026-12-31",
        "vigente",
    ),
    identifiers=frozenset({"poliza", "certificado", "rfc"}),
    duty="administracion",
    description=(
        "Una fila por persona asegurada. Clave: póliza y certificado. Cada póliza tiene un "
        "solo titular; una persona deja la póliza con estatus baja."
    ),
)

PADECIMIENTOS: Final = Kind(
    name="padecimientos",
    label="Padecimientos preexistentes",
    headers=("poliza", "certificado", "clave", "descripcion", "fecha_registro"),
    example=("SEC-000123", "0001", "E11", "Diabetes mellitus tipo 2", "2024-03-01"),
    identifiers=frozenset({"poliza", "certificado", "clave"}),
    duty="administracion",
    description="Una fila por padecimiento registrado de una persona. Clave: póliza, "
    "certificado y clave del padecimiento.",
)

HOSPITALES: Final = Kind(
    name="hospitales",
    label="Red hospitalaria",
    headers=("clave", "nombre", "ciudad", "estado", "direccion"),
    example=(
        "H-0042",
        "Hospital Ángeles Pedregal",
        "Ciudad de México",
        "CDMX",
        "Camino a Santa Teresa 1055",
    ),
    identifiers=frozenset({"clave"}),
    duty="administracion",
    description="Una fila por hospital de la red. Clave: clave del hospital.",
)

AFILIADOS: Final = Kind(
    name="afiliados",
    label="Padrón de afiliados",
    headers=("nss", "serie_credencial", "nombre", "clinica"),
    example=("01234567890", "A0012345", "Juan Pérez García", "UMF-020"),
    identifiers=frozenset({"nss", "serie_credencial", "clinica"}),
    duty="administracion",
    description="Una fila por afiliado. Clave: NSS. Quienes comparten la serie de la "
    "credencial forman un grupo familiar.",
)

CLINICAS: Final = Kind(
    name="clinicas",
    label="Clínicas",
    headers=("clave", "nombre", "direccion", "zona_horaria"),
    example=("UMF-020", "UMF 20 Vallejo", "Calzada Vallejo 675", "America/Mexico_City"),
    identifiers=frozenset({"clave"}),
    duty="administracion",
    description="Una fila por clínica. Clave: clave de la clínica.",
)

ORDENES: Final = Kind(
    name="ordenes",
    label="Órdenes de atención digitales",
    headers=(
        "numero_cuenta",
        "rfc_prestador",
        "paciente",
        "servicio",
        "fecha",
        "importe",
        "coaseguro",
        "iva",
        "firma_asegurado",
        "firma_medico",
    ),
    example=(
        "CTA-2026-000123",
        "RASJ750312H42",
        "María López Hernández",
        "consulta",
        "2026-03-02",
        "1500.00",
        "0.00",
        "no",
        "si",
        "si",
    ),
    identifiers=frozenset({"numero_cuenta", "rfc_prestador"}),
    duty="finanzas",
    description="Una fila por orden de atención digital firmada por el asegurado y el médico. "
    "Clave: número de cuenta (el folio de la orden). Una orden ya facturada no cambia.",
)

TRANSACCIONES: Final = Kind(
    name="transacciones",
    label="Transacciones (bonos y tarjetas, Chile)",
    headers=(
        "tipo",
        "id_transaccion",
        "rut_prestador",
        "fecha",
        "valor_total",
        "aporte_financiador",
        "aporte_seguro",
        "copago",
        "monto",
        "cuotas",
        "comision_emisor",
        "respuesta_emisor",
    ),
    optional=("lugar", "aseguradora", "financiador", "costo"),
    example=(
        "bono",
        "000123456",
        "76123456-0",
        "2026-03-02",
        "45000",
        "20000",
        "15000",
        "10000",
        "",
        "",
        "",
        "",
        "Santiago",
        "",
        "",
        "",
    ),
    identifiers=frozenset({"id_transaccion", "rut_prestador"}),
    duty="finanzas",
    description="Una fila por transacción; cada fila llena las columnas de su tipo. "
    "Clave: id de transacción. Una transacción cargada no cambia (las correcciones van como "
    "ajustes del periodo siguiente).",
)

KINDS: Final[dict[str, Kind]] = {
    kind.name: kind
    for kind in (POLIZAS, PADECIMIENTOS, HOSPITALES, AFILIADOS, CLINICAS, ORDENES, TRANSACCIONES)
}
KIND_NAMES: Final = tuple(KINDS)
MODES: Final = ("validar", "aplicar")
STATUSES: Final = ("pendiente", "en_proceso", "terminada", "rechazada")


def kind(name: str) -> Kind:
    """The kind of this name (404 for an unknown one, as a route's path segment)."""
    found = KINDS.get(name)
    if found is None:
        raise errors.NotFound("No existe ese tipo de importación.")
    return found
