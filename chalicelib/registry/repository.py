"""The affiliate registry: the only module that touches its PynamoDB model."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from chalicelib import dynamo

if TYPE_CHECKING:
    from chalicelib.registry.models import AffiliateRecordModel


@dataclass(frozen=True)
class AffiliateRecord:
    member_id: str
    nss: str
    credential_serial: str
    full_name: str
    # The insurer (health plan operator) whose plan covers this affiliate: operators reach
    # the affiliate's services only if they work for it.
    insurer_id: str
    clinic_id: str = ""  # the clinic (UMF) the affiliate is assigned to, when known


def _record(item: AffiliateRecordModel) -> AffiliateRecord:
    # Records written before insurers were kept belong to nobody: no operator reaches them.
    return dynamo.record_from(
        AffiliateRecord, item, insurer_id=item.insurer_id or "", clinic_id=item.clinic_id or ""
    )


def save(records: list[AffiliateRecord]) -> None:
    from chalicelib.registry.models import AffiliateRecordModel

    with AffiliateRecordModel.batch_write() as batch:
        for record in records:
            batch.save(
                AffiliateRecordModel(
                    pk=f"NSS#{record.nss}",
                    sk="REGISTRY",
                    gsi1pk=f"SERIAL#{record.credential_serial}",
                    gsi1sk=f"NSS#{record.nss}",
                    **dynamo.attributes_of(record, clinic_id=record.clinic_id or None),
                )
            )


def find(nss: str) -> AffiliateRecord | None:
    from chalicelib.registry.models import AffiliateRecordModel

    item = AffiliateRecordModel.find(f"NSS#{nss}", "REGISTRY")
    return None if item is None else _record(item)


def find_many(nss: list[str]) -> list[AffiliateRecord]:
    """The registry records among these NSS, read in batches (absent ones left out)."""
    from chalicelib.registry.models import AffiliateRecordModel

    keys = [(f"NSS#{number}", "REGISTRY") for number in dict.fromkeys(nss)]
    return [_record(item) for item in AffiliateRecordModel.batch_get(keys)]


def by_serial(credential_serial: str, limit: int = 50) -> list[AffiliateRecord]:
    from chalicelib.registry.models import AffiliateRecordModel

    return [
        _record(item)
        for item in AffiliateRecordModel.by_serial.query(f"SERIAL#{credential_serial}", limit=limit)
    ]
