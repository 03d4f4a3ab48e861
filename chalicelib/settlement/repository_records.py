"""Settlement persistence of operator-loaded records (behind repository.py): sick leaves
(LME), the platform's invoices to providers, and providers' bank accounts."""

from __future__ import annotations

from typing import Any

from chalicelib import dynamo


def put_record(
    table: str, pk: str, sk: str, gsi1pk: str, gsi1sk: str, data: dict[str, Any]
) -> bool:
    """An operator-loaded record (LME, platform invoice): new ids only (idempotent)."""
    from chalicelib.settlement.models import SettlementModel, TransactionModel

    model: Any = TransactionModel if table == "transactions" else SettlementModel
    item = model(pk=pk, sk=sk, gsi1pk=gsi1pk, gsi1sk=gsi1sk, data=data)
    return dynamo.try_write(item.save, condition=model.pk.does_not_exist())


def records(table: str, gsi1pk: str, start: str, end: str) -> list[dict[str, Any]]:
    from chalicelib.settlement.models import SettlementModel, TransactionModel

    model: Any = TransactionModel if table == "transactions" else SettlementModel
    return [
        dict(item.data or {})
        for item in model.by_provider.query(gsi1pk, model.gsi1sk.between(start, end + "~"))
    ]


def put_bank_account(rut: str, data: dict[str, Any]) -> None:
    from chalicelib.settlement.models import SettlementModel

    SettlementModel(pk=f"PROVIDER#{rut}", sk="BANK", data=data).save()


def bank_account(rut: str) -> dict[str, Any] | None:
    from chalicelib.settlement.models import SettlementModel

    item = SettlementModel.find(f"PROVIDER#{rut}", "BANK")
    return None if item is None else dict(item.data or {})
