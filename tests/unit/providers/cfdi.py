"""CFDI fixtures for care orders: the documents builders' invoice, with one concept per
order carrying its account number and patient name (or whatever a test breaks)."""

from __future__ import annotations

import re
from collections.abc import Sequence

from infrastructure.local.cfdi_authority import seal
from tests.unit.documents.builders import INVOICE_UUID, cfdi_invoice, cfdi_payment

__all__ = ["INVOICE_UUID", "cfdi_payment", "order_invoice"]

_DESCRIPTION = re.compile(rb'Descripcion="Consulta cuenta 10(\d{4}) paciente ANA TORRES"')


def order_invoice(
    orders: Sequence[tuple[str, str, str]],
    **options: object,
) -> bytes:
    """A stamped fee invoice for `(account_number, patient_name, amount)` orders."""
    data = cfdi_invoice(
        tuple(amount for _, _, amount in orders),
        **options,  # type: ignore[arg-type]
        sealed=False,
    )

    def describe(found: re.Match[bytes]) -> bytes:
        number, patient, _ = orders[int(found.group(1))]
        return f'Descripcion="Consulta médica cuenta {number} paciente {patient}"'.encode()

    return seal(_DESCRIPTION.sub(describe, data))
