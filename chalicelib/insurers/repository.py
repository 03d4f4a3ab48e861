"""Insurers and their versions: the only module that touches their PynamoDB models."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from chalicelib import dynamo, errors, paging
from chalicelib.insurers.versions import Change, sort_key

_LIST_KEY = "INSURERS"


@dataclass(frozen=True)
class Insurer:
    insurer_id: str
    legal_name: str
    rfc: str
    country: str = "MX"
    display_name: str | None = None
    brand_color: str | None = None
    logo: dict[str, Any] | None = None  # {document_id, status}
    contact: dict[str, Any] = field(default_factory=dict)
    service_levels: dict[str, int] | None = None
    catalog: dict[str, Any] | None = None
    retention: dict[str, Any] | None = None
    privacy_notice: str | None = None
    version: int = 1
    created_at: str = ""
    updated_at: str = ""
    updated_by: str = ""

    @property
    def name(self) -> str:
        """The legal name (what invoices and notices name)."""
        return self.legal_name

    @property
    def shown_name(self) -> str:
        """What the portal shows: its display name, or its legal name."""
        return self.display_name or self.legal_name


@dataclass(frozen=True)
class Version:
    insurer_id: str
    version: int
    at: str
    actor_id: str
    changes: list[Change]


def _profile(insurer: Insurer) -> Any:
    from chalicelib.insurers.models import InsurerModel

    return InsurerModel(
        pk=f"INSURER#{insurer.insurer_id}",
        sk="PROFILE",
        gsi1pk=_LIST_KEY,
        gsi1sk=insurer.insurer_id,
        **dynamo.attributes_of(insurer, contact=insurer.contact or None),
    )


def _version_item(version: Version) -> Any:
    from chalicelib.insurers.models import InsurerVersionModel

    return InsurerVersionModel(
        pk=f"INSURER#{version.insurer_id}",
        sk=sort_key(version.version),
        version=version.version,
        at=version.at,
        actor_id=version.actor_id,
        changes=[{"field": c.field, "old": c.old, "new": c.new} for c in version.changes],
    )


def create(insurer: Insurer, first: Version) -> None:
    """The insurer and its first version, or `errors.Conflict` when the id is taken."""
    from chalicelib.insurers.models import InsurerModel, InsurerVersionModel

    def build(transaction: Any) -> None:
        transaction.save(_profile(insurer), condition=InsurerModel.pk.does_not_exist())
        transaction.save(_version_item(first), condition=InsurerVersionModel.pk.does_not_exist())

    dynamo.transact(
        build,
        conflict=errors.Conflict("Ya existe una aseguradora con ese id.", code="insurer_exists"),
    )


def save_change(insurer: Insurer, expected_version: int, change: Version) -> None:
    """The changed insurer (at `change.version`) and its version, only if the stored record is
    still at `expected_version`; otherwise `errors.Conflict` (`version_conflict`)."""
    from chalicelib.insurers.models import InsurerModel, InsurerVersionModel

    def build(transaction: Any) -> None:
        stored = InsurerModel.version == expected_version
        if expected_version == 1:  # records written before versions count as version 1
            stored = stored | InsurerModel.version.does_not_exist()
        transaction.save(_profile(insurer), condition=InsurerModel.pk.exists() & stored)
        transaction.save(_version_item(change), condition=InsurerVersionModel.pk.does_not_exist())

    dynamo.transact(build, conflict=version_conflict())


def version_conflict() -> errors.Conflict:
    return errors.Conflict(
        "Alguien más cambió esta aseguradora mientras la editabas. Vuelve a cargarla y repite "
        "tus cambios.",
        code="version_conflict",
    )


def _to_insurer(item: Any) -> Insurer:
    return dynamo.record_from(
        Insurer,
        item,
        country=item.country or "MX",
        contact=dict(item.contact or {}),
        version=int(item.version or 1),
        created_at=item.created_at or "",
        updated_at=item.updated_at or "",
        updated_by=item.updated_by or "",
        service_levels=dict(item.service_levels) if item.service_levels else None,
    )


def get(insurer_id: str, *, consistent: bool = False) -> Insurer | None:
    from chalicelib.insurers.models import InsurerModel

    item = InsurerModel.find(f"INSURER#{insurer_id}", "PROFILE", consistent_read=consistent)
    return None if item is None else _to_insurer(item)


def page(limit: int, cursor: dict[str, Any] | None) -> tuple[list[Insurer], str | None]:
    """Every insurer, by id (a Query on the index of the platform's list)."""
    from chalicelib.insurers.models import InsurerModel

    result = InsurerModel.every_insurer.query(_LIST_KEY, limit=limit, last_evaluated_key=cursor)
    items = [_to_insurer(item) for item in result]
    return items, dynamo.encode_cursor(result.last_evaluated_key)


def versions(insurer_id: str, limit: int, cursor: str | None) -> tuple[list[Version], str | None]:
    """The insurer's versions, newest first (a cursor only when another one follows)."""
    from chalicelib.insurers.models import InsurerVersionModel

    def to_version(item: Any) -> Version:
        return Version(
            insurer_id=insurer_id,
            version=int(item.version),
            at=item.at,
            actor_id=item.actor_id,
            changes=[Change(c["field"], c.get("old"), c.get("new")) for c in item.changes or []],
        )

    def read(key: dict[str, Any] | None, wanted: int) -> tuple[list[Version], Any]:
        return dynamo.newest_first(
            InsurerVersionModel,
            f"INSURER#{insurer_id}",
            to_version,
            limit=wanted,
            cursor=key,
            range_key_condition=InsurerVersionModel.sk.startswith("VERSION#"),
        )

    return paging.page_through(read, limit, cursor)
