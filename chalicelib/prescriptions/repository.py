"""Prescriptions and sick leaves: the only module that touches the prescriptions table."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import datetime
from typing import TYPE_CHECKING, Any

from chalicelib import dynamo, errors
from chalicelib.clock import iso

if TYPE_CHECKING:
    from chalicelib.prescriptions.models import PrescriptionModel, SickLeaveModel


@dataclass(frozen=True)
class Prescription:
    prescription_id: str
    patient_id: str
    patient_name: str
    nucleus: str
    doctor: str
    clinic: str
    date: str
    medicines: list[dict[str, Any]] = field(default_factory=list)


@dataclass(frozen=True)
class SickLeave:
    sick_leave_id: str
    status: str
    patient_id: str
    nss: str
    patient_name: str
    kind: str
    start_date: str
    end_date: str
    days: int
    doctor: str
    clinic: str
    issued_at: str
    authorized_at: str | None = None
    seal: str | None = None
    seal_key_id: str | None = None

    def sealed_fields(self) -> dict[str, str | int]:
        """The fields the seal covers (see `seal.FIELDS`)."""
        return {
            "id": self.sick_leave_id,
            "nss": self.nss,
            "patient_name": self.patient_name,
            "kind": self.kind,
            "start_date": self.start_date,
            "end_date": self.end_date,
            "days": self.days,
            "doctor": self.doctor,
            "clinic": self.clinic,
            "issued_at": self.issued_at,
            "authorized_at": self.authorized_at or "",
        }


def _rx_key(prescription_id: str) -> tuple[str, str]:
    return f"RX#{prescription_id}", "RX"


def _sl_key(sick_leave_id: str) -> tuple[str, str]:
    return f"SL#{sick_leave_id}", "SL"


def _to_prescription(item: PrescriptionModel) -> Prescription:
    return dynamo.record_from(Prescription, item, medicines=list(item.medicines or []))


def _to_sick_leave(item: SickLeaveModel) -> SickLeave:
    return dynamo.record_from(SickLeave, item, days=int(item.days))


# --- prescriptions ---------------------------------------------------------------------------


def create_prescription(prescription: Prescription, issued_by: str, now: datetime) -> None:
    from chalicelib.prescriptions.models import PrescriptionModel

    pk, sk = _rx_key(prescription.prescription_id)
    PrescriptionModel(
        pk=pk,
        sk=sk,
        gsi1pk=f"NUCLEUS#{prescription.nucleus}#RX",
        gsi1sk=f"{prescription.date}#{prescription.prescription_id}",
        issued_by=issued_by,
        created_at=iso(now),
        **dynamo.attributes_of(prescription),
    ).save(condition=PrescriptionModel.pk.does_not_exist())


def nucleus_prescriptions(
    nucleus: str, limit: int, cursor: dict[str, Any] | None
) -> tuple[list[Prescription], Any]:
    """Newest first."""
    from chalicelib.prescriptions.models import PrescriptionModel

    return dynamo.newest_first(
        PrescriptionModel.by_nucleus,
        f"NUCLEUS#{nucleus}#RX",
        _to_prescription,
        limit=limit,
        cursor=cursor,
    )


# --- sick leaves -----------------------------------------------------------------------------


def create_sick_leave(
    sick_leave: SickLeave,
    issued_by: str,
    *,
    authorized_by: str | None = None,
    seal_version: int | None = None,
) -> None:
    """Store a new sick leave as it is: issued, or already authorized and sealed (one write,
    so a seal that could not be made leaves nothing behind)."""
    from chalicelib.prescriptions.models import SickLeaveModel

    pk, sk = _sl_key(sick_leave.sick_leave_id)
    SickLeaveModel(
        pk=pk,
        sk=sk,
        gsi1pk=f"MEMBER#{sick_leave.patient_id}#SL",
        gsi1sk=f"{sick_leave.start_date}#{sick_leave.sick_leave_id}",
        issued_by=issued_by,
        authorized_by=authorized_by,
        seal_version=seal_version,
        **dynamo.attributes_of(sick_leave),
    ).save(condition=SickLeaveModel.pk.does_not_exist())


def get_sick_leave(sick_leave_id: str) -> SickLeave | None:
    from chalicelib.prescriptions.models import SickLeaveModel

    item = SickLeaveModel.find(*_sl_key(sick_leave_id))
    return None if item is None else _to_sick_leave(item)


def authorize(sick_leave: SickLeave, authorized_by: str, now: datetime) -> SickLeave:
    """emitida → autorizada, once; an already authorized one is returned as it is."""
    from chalicelib.prescriptions.models import SickLeaveModel

    if sick_leave.status != "emitida":
        return sick_leave
    item = SickLeaveModel(*_sl_key(sick_leave.sick_leave_id))
    if dynamo.try_write(
        item.update,
        actions=[
            SickLeaveModel.status.set("autorizada"),
            SickLeaveModel.authorized_by.set(authorized_by),
            SickLeaveModel.authorized_at.set(iso(now)),
        ],
        condition=SickLeaveModel.status == "emitida",
    ):
        return replace(sick_leave, status="autorizada", authorized_at=iso(now))
    current = get_sick_leave(sick_leave.sick_leave_id)
    assert current is not None
    return current


def store_seal(sick_leave: SickLeave, seal: str, key_id: str, version: int) -> SickLeave:
    """autorizada → sellada with its seal; the fields it covers cannot have changed since."""
    from chalicelib.prescriptions.models import SickLeaveModel

    item = SickLeaveModel(*_sl_key(sick_leave.sick_leave_id))
    if dynamo.try_write(
        item.update,
        actions=[
            SickLeaveModel.status.set("sellada"),
            SickLeaveModel.seal.set(seal),
            SickLeaveModel.seal_key_id.set(key_id),
            SickLeaveModel.seal_version.set(version),
        ],
        condition=(SickLeaveModel.status == "autorizada")
        & (SickLeaveModel.authorized_at == (sick_leave.authorized_at or "")),
    ):
        return replace(sick_leave, status="sellada", seal=seal, seal_key_id=key_id)
    # Sealed meanwhile by a concurrent request: keep the first seal.
    current = get_sick_leave(sick_leave.sick_leave_id)
    if current is None or current.status != "sellada":
        raise errors.Conflict("La incapacidad cambió mientras se sellaba.")
    return current


def member_sick_leaves_since(
    member_id: str, since: str, limit: int, cursor: dict[str, Any] | None
) -> tuple[list[SickLeave], Any]:
    """Sealed sick leaves of a member that started on `since` or later, newest first."""
    from chalicelib.prescriptions.models import SickLeaveModel

    return member_sick_leaves(
        member_id,
        limit,
        cursor,
        range_key_condition=SickLeaveModel.gsi1sk >= since,
        filter_condition=SickLeaveModel.status == "sellada",
    )


def member_sick_leaves(
    member_id: str, limit: int, cursor: dict[str, Any] | None, **conditions: Any
) -> tuple[list[SickLeave], Any]:
    """Every sick leave of a member, whatever its state, newest first (a Query on gsi1);
    `conditions` (the Query's range key and filter conditions) narrow them."""
    from chalicelib.prescriptions.models import SickLeaveModel

    return dynamo.newest_first(
        SickLeaveModel.by_member,
        f"MEMBER#{member_id}#SL",
        _to_sick_leave,
        limit=limit,
        cursor=cursor,
        **conditions,
    )


# --- privacy rights (ARCO) ------------------------------------------------------------------


def anonymise_prescription(prescription: Prescription, erased: str) -> None:
    """The prescription's date, doctor, clinic and medicines stay; the name, the registry id
    and the family's credential serial go (nothing links it back to the person)."""
    from chalicelib.prescriptions.models import PrescriptionModel

    dynamo.update_existing(
        PrescriptionModel,
        _rx_key(prescription.prescription_id),
        [
            PrescriptionModel.patient_name.set(erased),
            PrescriptionModel.patient_id.set(erased),
            PrescriptionModel.nucleus.set(erased),
            PrescriptionModel.gsi1pk.set(f"ERASED#RX#{prescription.prescription_id}"),
        ],
    )


def delete_prescription(prescription: Prescription) -> None:
    from chalicelib.prescriptions.models import PrescriptionModel

    PrescriptionModel(*_rx_key(prescription.prescription_id)).delete()


def delete_prescription_id(prescription_id: str) -> bool:
    """Delete by id (a kept record past its period); False when it was already gone."""
    from chalicelib.prescriptions.models import PrescriptionModel

    return dynamo.try_write(
        PrescriptionModel(*_rx_key(prescription_id)).delete,
        condition=PrescriptionModel.pk.exists(),
    )


def anonymise_sick_leave(sick_leave: SickLeave, erased: str) -> None:
    """The certificate's dates, kind, doctor and clinic stay; the name, NSS and registry id
    go (its seal then no longer verifies, which is right: nobody should present it any
    more)."""
    from chalicelib.prescriptions.models import SickLeaveModel

    dynamo.update_existing(
        SickLeaveModel,
        _sl_key(sick_leave.sick_leave_id),
        [
            SickLeaveModel.patient_name.set(erased),
            SickLeaveModel.nss.set(erased),
            SickLeaveModel.patient_id.set(erased),
            SickLeaveModel.gsi1pk.set(f"ERASED#SL#{sick_leave.sick_leave_id}"),
        ],
    )


def delete_sick_leave(sick_leave: SickLeave) -> None:
    from chalicelib.prescriptions.models import SickLeaveModel

    SickLeaveModel(*_sl_key(sick_leave.sick_leave_id)).delete()
