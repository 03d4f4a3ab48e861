"""The `ordenes` kind: digital care orders, judged by the same rules as the JSON load
(`providers.DigitalOrderIn`, the provider's RFC and regime, the amounts).

Key: (insurer, numero_cuenta): the account number is the order's folio in the *Cuenta*
field. A new number is a new order (stored with its account-number guard, so no other load
can register it again); a known one with other values is updated while the order is still
`registrada`; an order already invoiced or paid is never changed by a file (an error of its
row). Each chunk reads its orders in one batch (guards, then orders) and each provider once.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, replace
from typing import Final

from pydantic import ValidationError

from chalicelib import clock, errors
from chalicelib.accounts.identifiers import check_rfc
from chalicelib.accounts.service import ProviderFacts
from chalicelib.answers import validation_details
from chalicelib.imports.kinds import ORDENES
from chalicelib.imports.outcome import ChunkContext, ChunkResult, RowErrors
from chalicelib.imports.readers import Row
from chalicelib.providers import service as providers
from chalicelib.providers.schemas import DigitalOrderIn
from chalicelib.providers.service import CareOrder

_COLUMN_OF: Final = {
    "account_number": "numero_cuenta",
    "patient_name": "paciente",
    "service": "servicio",
    "date": "fecha",
    "amount": "importe",
    "coinsurance": "coaseguro",
    "iva_taxed": "iva",
    "insured_signature": "firma_asegurado",
    "doctor_signature": "firma_medico",
}
_YES: Final = ("si", "sí", "s")
_NO: Final = ("no", "n")
# What an update may change: everything the file says (the rest is the order's own history).
_FROM_FILE: Final = (
    "provider_id",
    "patient_name",
    "service",
    "service_date",
    "amount",
    "coinsurance",
    "iva_taxed",
    "regime",
    "jalisco_cedular",
    "insured_signed",
    "doctor_signed",
)


@dataclass(frozen=True)
class OrderRow:
    rfc: str
    order: DigitalOrderIn


def _yes_no(errors: RowErrors, column: str, value: str) -> bool | None:
    answer = value.strip().lower()
    if answer in _YES:
        return True
    if answer in _NO:
        return False
    errors.add(column, value, "Escribe si o no.")
    return None


def parse(row: Row) -> tuple[OrderRow | None, RowErrors]:
    """A row as a digital order, or its errors (every column checked)."""
    errors = RowErrors(row)
    value = {column: row.get(ORDENES, column) for column in ORDENES.columns}
    rfc = ""
    try:
        rfc = check_rfc(value["rfc_prestador"]).rfc
    except ValueError as exc:
        errors.add("rfc_prestador", value["rfc_prestador"], str(exc))
    flags = {
        name: _yes_no(errors, _COLUMN_OF[name], value[_COLUMN_OF[name]])
        for name in ("iva_taxed", "insured_signature", "doctor_signature")
    }
    data = {
        "account_number": "".join(value["numero_cuenta"].split()).upper(),
        "patient_name": value["paciente"],
        "service": value["servicio"].strip().lower(),
        "date": value["fecha"],
        "amount": {"amount": value["importe"]},
        "coinsurance": {"amount": value["coaseguro"] or "0.00"},
        **{name: flag for name, flag in flags.items() if flag is not None},
    }
    order = None
    try:
        order = DigitalOrderIn.model_validate(data)
    except ValidationError as exc:
        for detail in validation_details(exc):
            column = _COLUMN_OF.get(detail.field.split(".")[0])
            if column and not any(item[1] == column for item in errors.items):
                errors.add(column, value[column], detail.message)
    if errors or order is None:
        return None, errors
    return OrderRow(rfc, order), errors


def _provider(rfc: str) -> ProviderFacts | str:
    """The provider of this RFC, or why its orders cannot be loaded."""
    try:
        return providers.provider_for_orders(rfc)
    except errors.DomainError as problem:
        return problem.error_message


def _changes(before: CareOrder, after: CareOrder) -> CareOrder | None:
    """The stored order with the file's values, or None when they are the same."""
    updated = replace(before, **{name: getattr(after, name) for name in _FROM_FILE})
    return None if updated == before else updated


def chunk(context: ChunkContext, rows: list[Row]) -> ChunkResult:
    """Validate a chunk's orders against the stored ones and the providers and, to apply,
    register the new ones and update the changed ones."""
    result = ChunkResult()
    parsed: list[tuple[Row, OrderRow]] = []
    for row in rows:
        found, row_errors = parse(row)
        if found is None:
            result.reject(row_errors)
        else:
            parsed.append((row, found))
    stored = providers.orders_by_account(
        context.insurer_id, [found.order.account_number for _, found in parsed]
    )
    known = {rfc: _provider(rfc) for rfc in sorted({found.rfc for _, found in parsed})}
    now = clock.iso(clock.now())
    seen: dict[str, int] = {}
    created: list[CareOrder] = []
    changed: list[CareOrder] = []
    for row, found in parsed:
        row_errors = RowErrors(row)
        number = found.order.account_number
        provider = known[found.rfc]
        if isinstance(provider, str):
            row_errors.add("rfc_prestador", found.rfc, provider)
        if number in seen:
            row_errors.add(
                "numero_cuenta", number, f"El número de cuenta se repite (fila {seen[number]})."
            )
        seen.setdefault(number, row.number)
        order = None
        if not row_errors and not isinstance(provider, str):
            try:
                order = providers.imported_order(
                    context.requested_by,
                    provider,
                    context.insurer_id,
                    found.order,
                    order_id=str(uuid.uuid4()),
                    created_at=now,
                )
            except errors.DomainError as problem:
                row_errors.add("importe", found.order.amount.amount, problem.error_message)
        before = stored.get(number)
        update = _changes(before, order) if before is not None and order is not None else None
        if before is not None and update is not None and before.status != "registrada":
            row_errors.add(
                "numero_cuenta",
                number,
                "La orden ya se facturó o se pagó: una importación no la cambia.",
            )
        if row_errors or order is None:
            result.reject(row_errors)
        elif before is None:
            result.count("creados")
            created.append(order)
        elif update is None:
            result.count("sin_cambios")
        else:
            result.count("actualizados")
            changed.append(update)
    if context.apply and (created or changed):
        result.write(lambda: providers.import_orders(created, changed))
    return result
