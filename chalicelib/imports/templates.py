"""The template of each import kind: its columns and one example row, as CSV or Excel.

Built from the kind's own description (`kinds.py`), so a template can never disagree with
what the import accepts. The CSV is UTF-8 with a BOM (Excel then reads the accents); the Excel
file formats each identifier column as text for the whole column, so a certificate number,
an NSS or an RFC keeps its leading zeros in the rows a person types below the example.
Both go through the one spreadsheet writer.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final, Literal, cast

from chalicelib import downloads, paging, spreadsheets
from chalicelib.auth import Principal
from chalicelib.imports import kinds
from chalicelib.imports.kinds import Kind
from chalicelib.imports.schemas import KindName, KindOut, KindsOut, ReportLink
from chalicelib.schema import ListQuery

TemplateFormat = Literal["csv", "xlsx"]
FORMATS: Final[tuple[TemplateFormat, ...]] = ("csv", "xlsx")
# A column is as wide as its header or example, whichever is longer, plus a margin.
_MARGIN: Final = 4
_MIN_WIDTH: Final = 10


@dataclass(frozen=True)
class TemplateFile:
    filename: str
    body: bytes
    content_type: str


def table(kind: Kind) -> spreadsheets.Table:
    """The kind's header and example row as the one sheet of a template."""
    columns = [
        spreadsheets.Column(
            title=name,
            width=float(max(_MIN_WIDTH, len(name), len(example)) + _MARGIN),
            text=name in kind.identifiers,
        )
        for name, example in zip(kind.columns, _example(kind), strict=True)
    ]
    return spreadsheets.Table(title=kind.name, columns=columns, rows=[_example(kind)])


def template_file(kind: Kind, file_format: TemplateFormat) -> TemplateFile:
    """The template of `kind` in `file_format`, ready to store."""
    if file_format == "xlsx":
        return TemplateFile(
            filename=f"plantilla-{kind.name}.xlsx",
            body=spreadsheets.xlsx_bytes(table(kind)),
            content_type=spreadsheets.XLSX_CONTENT_TYPE,
        )
    return TemplateFile(
        filename=f"plantilla-{kind.name}.csv",
        body=spreadsheets.csv_bytes(table(kind)),
        content_type=spreadsheets.CSV_CONTENT_TYPE,
    )


def _example(kind: Kind) -> list[str]:
    """The example row, one value per column (optional columns a kind gives no example for
    are left empty)."""
    values = list(kind.example[: len(kind.columns)])
    return values + [""] * (len(kind.columns) - len(values))


def kinds_for(principal: Principal, query: ListQuery) -> KindsOut:
    """The kinds the operator's duties let them import (their columns, example and duty)."""
    items, next_cursor = paging.page_in_memory(_kinds_for(principal), query.limit, query.cursor)
    return KindsOut(items=items, next_cursor=next_cursor)


def _kinds_for(principal: Principal) -> list[KindOut]:
    return [
        KindOut(
            name=cast(KindName, kind.name),
            label=kind.label,
            description=kind.description,
            duty=kind.duty,
            headers=list(kind.headers),
            optional=list(kind.optional),
            identifiers=sorted(kind.identifiers),
            example=_example(kind),
        )
        for kind in kinds.KINDS.values()
        if principal.role != "operador" or kind.duty in principal.duties
    ]


def template_link(principal: Principal, kind_name: str, file_format: TemplateFormat) -> ReportLink:
    """A short-lived link to the template of a kind the operator may import."""
    from chalicelib.audit import service as audit

    kind = kinds.kind(kind_name)
    audit.require_duty_logged(principal, kind.duty, "GET /v1/operator/imports/templates/{kind}")
    built = template_file(kind, file_format)
    link = downloads.store_for_download(
        principal.account_id, built.filename, built.body, built.content_type
    )
    return ReportLink(url=link.url, expires_at=link.expires_at)
