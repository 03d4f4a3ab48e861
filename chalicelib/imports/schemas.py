"""Request and response bodies of the import routes (API.md, "Insurers, staff and imports")."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import ConfigDict, Field, StringConstraints

from chalicelib.documents.schemas import ContentType, FileName, SlotOut
from chalicelib.schema import Page, Schema

KindName = Literal[
    "polizas", "padecimientos", "hospitales", "afiliados", "clinicas", "ordenes", "transacciones"
]
Mode = Literal["validar", "aplicar"]
Status = Literal["pendiente", "en_proceso", "terminada", "rechazada"]
InsurerId = Annotated[str, StringConstraints(pattern=r"^[a-z0-9_-]{1,40}$")]
ImportId = Annotated[str, StringConstraints(pattern=r"^[A-Za-z0-9_-]{1,64}$")]

# The largest file an import takes (bytes): ~100,000 roster rows are ≈ 15 MB in CSV.
MAX_IMPORT_BYTES = 50 * 1024 * 1024


class _Strict(Schema):
    model_config = ConfigDict(extra="forbid")


class ImportFileIn(_Strict):
    name: FileName
    size: Annotated[int, Field(ge=1, le=MAX_IMPORT_BYTES)]
    content_type: ContentType = ""


class ImportRequest(_Strict):
    """A file to import: its kind, whether to only validate it or apply it, and the file."""

    kind: KindName
    mode: Mode = "validar"
    file: ImportFileIn
    insurer_id: InsurerId | None = Field(
        default=None, description="Aseguradora; por omisión, la única del operador"
    )


class ImportCreated(Schema):
    """The import's id and where the browser uploads its file."""

    import_id: str
    slot: SlotOut


class ImportApplied(Schema):
    import_id: str


class ImportScope(_Strict):
    insurer_id: InsurerId | None = None


class ImportsQuery(_Strict):
    insurer_id: InsurerId | None = None
    limit: int = Field(default=20, ge=1, le=100)
    cursor: Annotated[str, StringConstraints(max_length=2000)] | None = None


class TemplateQuery(_Strict):
    format: Literal["csv", "xlsx"] = "csv"


class ProgressOut(Schema):
    rows_read: int
    rows_total: int | None = None


class SummaryOut(Schema):
    creados: int = 0
    actualizados: int = 0
    sin_cambios: int = 0
    rechazados: int = 0


class ReportLink(Schema):
    url: str
    expires_at: str


class ReasonOut(Schema):
    code: str
    message: str


class ImportOut(Schema):
    id: str
    kind: KindName
    mode: Mode
    status: Status
    insurer_id: str
    file_name: str
    progress: ProgressOut
    summary: SummaryOut
    errors: ReportLink | None = None
    reasons: list[ReasonOut] | None = None
    source_import_id: str | None = Field(
        default=None, description="La importación validada que esta aplica"
    )
    created_at: str
    finished_at: str | None = None


class ImportsPage(Page[ImportOut]):
    pass


class KindOut(Schema):
    name: KindName
    label: str
    description: str
    duty: str
    headers: list[str]
    optional: list[str]
    identifiers: list[str]
    example: list[str]


class KindsOut(Page[KindOut]):
    pass
