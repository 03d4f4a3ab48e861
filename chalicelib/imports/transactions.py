"""The `transacciones` kind: Chile's bonos and card transactions, judged by settlement's own
loading rules (`settlement.check_transaction`, the same the JSON load and the old CSV
upload use) and stored by it (`settlement.store_transactions`).

Key: (insurer, id_transaccion). A transaction is stored once: the same row again is
`sin_cambios`; other values under a stored id are an error of the row (a stored
transaction may be settled already; corrections go into the next period as adjustments).
Settlement's rules stop at a row's first problem, so to report every column the row is
judged again with each bad value replaced by a harmless one, a few times at most. Each chunk
reads its transactions in one batch and each provider's RUT once.
"""

from __future__ import annotations

import re
from typing import Final

from chalicelib.accounts import service as accounts
from chalicelib.imports.kinds import TRANSACCIONES
from chalicelib.imports.outcome import ChunkContext, ChunkResult, RowErrors
from chalicelib.imports.readers import Row
from chalicelib.settlement import service as settlement
from chalicelib.settlement.service import Transaction

# The file's columns by the names settlement's items give them.
_COLUMN_OF: Final = {
    "kind": "tipo",
    "id": "id_transaccion",
    "provider_rut": "rut_prestador",
    "occurred_at": "fecha",
    "total_value": "valor_total",
    "payer_contribution": "aporte_financiador",
    "insurer_contribution": "aporte_seguro",
    "copay": "copago",
    "card_amount": "monto",
    "installments": "cuotas",
    "issuer_commission": "comision_emisor",
    "issuer_answer": "respuesta_emisor",
    "place": "lugar",
    "insurer": "aseguradora",
    "payer": "financiador",
    "transaction_cost": "costo",
}
_FIELD_OF_CODE: Final = {
    "invalid_kind": "kind",
    "invalid_id": "id",
    "invalid_rut": "provider_rut",
    "invalid_date": "occurred_at",
    "invalid_installments": "installments",
}
# A value each field may take so that the rules look past it to the next problem.
_HARMLESS: Final = {
    "id": "X",
    "provider_rut": "11111111-1",
    "occurred_at": "2000-01-01",
    "installments": "1",
}
_NAMED: Final = re.compile(r"«(\w+)»")
_MESSAGES: Final = {
    "invalid_amount": "Debe ser un número entero de pesos, sin puntos ni signos.",
    "invalid_text": "Falta o es demasiado largo.",
}
_MAX_PASSES: Final = 8


def _field(code: str, message: str, kind: str) -> str | None:
    if code in _FIELD_OF_CODE:
        return _FIELD_OF_CODE[code]
    named = _NAMED.search(message)
    if named:
        return named.group(1)
    if code == "amounts_mismatch":
        return "total_value" if kind == "bono" else "issuer_commission"
    return None


def parse(row: Row) -> tuple[Transaction | None, RowErrors]:
    """A row as a transaction, or its errors (every column the rules find wrong)."""
    errors = RowErrors(row)
    values = {column: row.get(TRANSACCIONES, column) for column in TRANSACCIONES.columns}
    item = settlement.transactions_csv_format().row_to_item(values)
    replaced = False
    for _ in range(_MAX_PASSES):
        judged = settlement.check_transaction(item)
        if isinstance(judged, Transaction):
            return (None, errors) if errors else (judged, errors)
        field = _field(judged.code, judged.message, str(item["kind"]))
        if field is None or (judged.code == "amounts_mismatch" and replaced):
            break  # a sum over a value already reported wrong says nothing more
        column = _COLUMN_OF[field]
        errors.add(column, values[column], _MESSAGES.get(judged.code, judged.message))
        if judged.code in ("invalid_kind", "amounts_mismatch"):
            break
        item[field] = _HARMLESS.get(field, "0" if judged.code == "invalid_amount" else "x")
        replaced = True
    if not errors:  # only a problem the rules did not tie to a column
        errors.add("tipo", values["tipo"], "La transacción no es válida.")
    return None, errors


def chunk(context: ChunkContext, rows: list[Row]) -> ChunkResult:
    """Validate a chunk's transactions and, to apply, store the new ones."""
    result = ChunkResult()
    parsed: list[tuple[Row, Transaction]] = []
    for row in rows:
        found, errors = parse(row)
        if found is None:
            result.reject(errors)
        else:
            parsed.append((row, found))
    stored = settlement.transactions_by_id(
        context.insurer_id, [found.transaction_id for _, found in parsed]
    )
    ruts = sorted({found.provider_rut for _, found in parsed})
    known = {rut: accounts.provider_account_for_rut(rut) is not None for rut in ruts}
    new: dict[str, Transaction] = {}
    for row, found in parsed:
        errors = RowErrors(row)
        before = stored.get(found.transaction_id) or new.get(found.transaction_id)
        if not known[found.provider_rut]:
            errors.add(
                "rut_prestador", found.provider_rut, "No hay un prestador registrado con ese RUT."
            )
        elif before is not None and before != found:
            errors.add(
                "id_transaccion",
                found.transaction_id,
                "Ya se cargó una transacción con ese id y otros datos: las correcciones van "
                "como ajustes del periodo siguiente.",
            )
        if errors:
            result.reject(errors)
        elif before is not None:
            result.count("sin_cambios")
        else:
            result.count("creados")
            new[found.transaction_id] = found
    if context.apply and new:
        to_store = list(new.values())
        result.write(lambda: settlement.store_transactions(context.insurer_id, to_store))
    return result
