"""Insurers (the platform's tenants): their record, settings, versions and public face.

Insurers are data: a platform administrator creates each one and its settings; the JSON files
in the package (the claim catalogue, the retention periods) are only the defaults an insurer
starts from, and every setting it leaves unset keeps the default. Every change writes a new
version (which fields, old → new, who, when) on the condition that the record is still at the
version the change was made on (409 `version_conflict` otherwise), and an audit record of the
insurer's, so its administrators see who changed what. Platform administrators never read
an insurer's claims, documents or people: only this record.

The only door into the insurers context: other contexts read an insurer (`get_insurer`) and
its settings (`catalog_settings`, `retention_settings`) here.
"""

from __future__ import annotations

import contextlib
from typing import Any

from chalicelib import clock, dynamo, errors
from chalicelib.audit import service as audit
from chalicelib.auth import Principal, viewed_insurer
from chalicelib.documents.rules import DocumentOwner
from chalicelib.documents.service import DocumentHooks
from chalicelib.insurers import repository, versions
from chalicelib.insurers.logo import (
    logo_address,
    logo_upload,
    logo_url,
    on_logo_verdict,
    public_logo,
    request_logo_upload,
)
from chalicelib.insurers.repository import Insurer, Version
from chalicelib.insurers.schemas import (
    AdminInvitationIn,
    Contact,
    DefaultsOut,
    FieldChange,
    InsurerIn,
    InsurerListOut,
    InsurerOut,
    InsurerPatch,
    InsurerPublicOut,
    InsurersQuery,
    InsurerVersionListOut,
    InsurerVersionOut,
    InvitationOut,
    LogoOut,
    OperatorInsurerPatch,
    company_tax_id,
)
from chalicelib.insurers.versions import VERSIONED_FIELDS

__all__ = [
    "SYSTEM_ACTOR",
    "Insurer",
    "catalog_settings",
    "create",
    "document_hooks",
    "email_brand",
    "ensure_insurer",
    "get_insurer",
    "invite_admin",
    "list_insurers",
    "logo_upload",
    "public",
    "public_logo",
    "read",
    "read_own",
    "request_logo_upload",
    "retention_settings",
    "seed",
    "update",
    "update_own",
    "versions_of",
]

SYSTEM_ACTOR = "sistema"  # changes made by seed data and roster imports, not by a person
AUDIT_SUBJECT = "insurer"


# --- what other contexts read ----------------------------------------------------------------


def get_insurer(insurer_id: str) -> Insurer | None:
    """An insurer's record (None when there is none)."""
    return repository.get(insurer_id) if _valid_id(insurer_id) else None


def catalog_settings(insurer_id: str) -> dict[str, Any]:
    """The insurer's claim-catalogue overrides, with its service-level targets as the
    catalogue names them (`service_level_hours`); empty when it set none."""
    insurer = get_insurer(insurer_id)
    if insurer is None:
        return {}
    own = dict(insurer.catalog or {})
    if insurer.service_levels:
        own["service_level_hours"] = dict(insurer.service_levels)
    return own


def retention_settings(insurer_id: str) -> dict[str, Any]:
    """The insurer's retention settings over the defaults (empty when it set none)."""
    insurer = get_insurer(insurer_id)
    return dict(insurer.retention or {}) if insurer else {}


def document_hooks() -> dict[DocumentOwner, DocumentHooks]:
    """What the documents pipeline asks this context (chalicelib/wiring.py registers it)."""
    return {DocumentOwner.INSURER_LOGO: DocumentHooks(listener=on_logo_verdict)}


# --- platform administrators -----------------------------------------------------------------


def create(principal: Principal, body: InsurerIn) -> InsurerOut:
    """A new insurer at version 1 (409 `insurer_exists` when the id is taken)."""
    insurer = _new_insurer(body, principal.account_id)
    return to_out(insurer)


def seed(body: InsurerIn, actor_id: str = SYSTEM_ACTOR) -> Insurer:
    """Create an insurer (seed data, migrations); like `create`, without a person."""
    return _new_insurer(body, actor_id)


def ensure_insurer(insurer_id: str, legal_name: str, rfc: str, country: str = "MX") -> None:
    """Create the insurer with the defaults when it does not exist (roster imports)."""
    if repository.get(insurer_id) is not None:
        return
    body = InsurerIn.model_validate(
        {
            "id": insurer_id,
            "legal_name": legal_name,
            "rfc": rfc,
            "country": country,
            "display_name": legal_name,
        }
    )
    with contextlib.suppress(errors.Conflict):  # created meanwhile
        _new_insurer(body, SYSTEM_ACTOR)


def list_insurers(query: InsurersQuery) -> InsurerListOut:
    """Every insurer, by id."""
    items, next_cursor = repository.page(query.limit, dynamo.decode_cursor(query.cursor))
    return InsurerListOut(items=[to_out(i) for i in items], next_cursor=next_cursor)


def read(insurer_id: str) -> InsurerOut:
    """One insurer with its settings and the version it is at."""
    return to_out(_existing(insurer_id))


def update(principal: Principal, insurer_id: str, body: InsurerPatch) -> InsurerOut:
    """A platform administrator's change (only the fields sent)."""
    current = _existing(insurer_id)
    changed = _fields_sent(body)
    if "rfc" in changed or "country" in changed:
        country = changed.get("country") or current.country
        raw_rfc = changed.get("rfc") or current.rfc
        changed["rfc"] = _tax_id(country, raw_rfc)
    for required in ("legal_name", "rfc", "country", "display_name"):
        if required in changed and changed[required] is None:
            raise _invalid(required, "Este dato no puede quedar vacío.")
    return to_out(_apply(principal.account_id, current, body.version, changed))


def versions_of(insurer_id: str, query: InsurersQuery) -> InsurerVersionListOut:
    """The insurer's history, newest first."""
    _existing(insurer_id)
    items, next_cursor = repository.versions(insurer_id, query.limit, query.cursor)
    return InsurerVersionListOut(
        items=[
            InsurerVersionOut(
                version=v.version,
                at=v.at,
                actor_id=v.actor_id,
                changes=[FieldChange(field=c.field, old=c.old, new=c.new) for c in v.changes],
            )
            for v in items
        ],
        next_cursor=next_cursor,
    )


def invite_admin(principal: Principal, insurer_id: str, body: AdminInvitationIn) -> InvitationOut:
    """The insurer's first administrator: an operator of it with the duty `administracion`,
    emailed an activation link (password, then TOTP at the first log-in)."""
    from chalicelib.accounts import service as accounts

    insurer = _existing(insurer_id)
    email = str(body.email).strip().lower()
    if accounts.account_id_for_email(email) is not None:
        raise errors.Conflict("Ese correo ya tiene una cuenta.", code="email_taken")
    account_id = accounts.create_operator(
        email, body.full_name, [insurer.insurer_id], ["administracion"]
    )
    audit.record(
        principal.account_id,
        insurer.insurer_id,
        "insurer.admin_invited",
        AUDIT_SUBJECT,
        detail={"account_id": account_id},
    )
    return InvitationOut(
        message=f"Enviamos la invitación a {email}: activa su cuenta con el enlace del correo.",
        account_id=account_id,
    )


# --- the insurer's own administrators --------------------------------------------------------


def read_own(principal: Principal, insurer_id: str | None = None) -> InsurerOut:
    """One of the operator's insurers (the one named, else their first; another's: 404)."""
    return to_out(_existing(viewed_insurer(principal, insurer_id)))


def update_own(
    principal: Principal, body: OperatorInsurerPatch, insurer_id: str | None = None
) -> InsurerOut:
    """An insurer administrator's change of how the insurer presents itself."""
    current = _existing(viewed_insurer(principal, insurer_id))
    changed = _fields_sent(body)
    if "display_name" in changed and changed["display_name"] is None:
        raise _invalid("display_name", "Este dato no puede quedar vacío.")
    return to_out(_apply(principal.account_id, current, body.version, changed))


# --- anyone ----------------------------------------------------------------------------------


def email_brand(insurer_id: str | None) -> dict[str, str]:
    """The values that put the insurer's name, colour and logo (its stable public address) on
    an email of its people (`notifications.render`); none for an unknown insurer (the
    platform's brand stays)."""
    insurer = repository.get(insurer_id) if insurer_id else None
    if insurer is None:
        return {}
    brand = {"insurer_name": insurer.shown_name}
    if insurer.brand_color:
        brand["insurer_color"] = insurer.brand_color
    logo = logo_address(insurer)
    if logo:
        brand["insurer_logo"] = logo
    return brand


def public(insurer_id: str) -> InsurerPublicOut:
    """What the log-in and help pages show of an insurer (404 for an unknown id)."""
    insurer = _existing(insurer_id)
    return InsurerPublicOut(
        id=insurer.insurer_id,
        display_name=insurer.shown_name,
        brand_color=insurer.brand_color,
        logo_url=logo_url(insurer),
        contact=Contact.model_validate(insurer.contact or {}),
        privacy_notice=insurer.privacy_notice,
    )


# --- the record ------------------------------------------------------------------------------


def to_out(insurer: Insurer) -> InsurerOut:
    from chalicelib.policies import service as policies
    from chalicelib.privacy import service as privacy

    own_logo = insurer.logo or None
    return InsurerOut(
        id=insurer.insurer_id,
        legal_name=insurer.legal_name,
        rfc=insurer.rfc,
        country=insurer.country,  # type: ignore[arg-type]
        display_name=insurer.shown_name,
        brand_color=insurer.brand_color,
        logo=(
            LogoOut(
                document_id=own_logo["document_id"],
                status=own_logo["status"],
                url=logo_url(insurer),
            )
            if own_logo
            else None
        ),
        contact=Contact.model_validate(insurer.contact or {}),
        service_levels=insurer.service_levels,
        catalog=insurer.catalog,
        retention=insurer.retention,
        privacy_notice=insurer.privacy_notice,
        version=insurer.version,
        created_at=insurer.created_at,
        updated_at=insurer.updated_at,
        updated_by=insurer.updated_by,
        defaults=DefaultsOut(
            service_levels=policies.default_catalog()["service_level_hours"],
            retention=privacy.default_retention(),
        ),
    )


def _new_insurer(body: InsurerIn, actor_id: str) -> Insurer:
    fields = _settings_checked(body.model_dump(mode="json", exclude={"id"}))
    now = clock.iso(clock.now())
    insurer = Insurer(
        insurer_id=body.id,
        legal_name=fields["legal_name"],
        rfc=fields["rfc"],
        country=fields["country"],
        display_name=fields["display_name"],
        brand_color=fields.get("brand_color"),
        contact=_compact(fields.get("contact")) or {},
        service_levels=fields.get("service_levels"),
        catalog=_compact(fields.get("catalog")),
        retention=_compact(fields.get("retention")),
        privacy_notice=fields.get("privacy_notice"),
        version=1,
        created_at=now,
        updated_at=now,
        updated_by=actor_id,
    )
    first = Version(insurer.insurer_id, 1, now, actor_id, versions.changes({}, _versioned(insurer)))
    repository.create(insurer, first)
    audit.record(
        actor_id,
        insurer.insurer_id,
        "insurer.created",
        AUDIT_SUBJECT,
        detail={"version": 1, "fields": [c.field for c in first.changes]},
    )
    return insurer


def _apply(actor_id: str, current: Insurer, expected: int, changed: dict[str, Any]) -> Insurer:
    """Write the change as the next version, if the record is still at `expected`."""
    if expected != current.version:
        raise repository.version_conflict()
    checked = _settings_checked(changed)
    new_values = {**_versioned(current), **checked}
    found = versions.changes(_versioned(current), new_values)
    if not found:
        return current
    now = clock.iso(clock.now())
    updated = Insurer(
        **{
            **_record_fields(current),
            **{c.field: new_values[c.field] for c in found},
            "contact": new_values.get("contact") or {},
            "version": current.version + 1,
            "updated_at": now,
            "updated_by": actor_id,
        }
    )
    change = Version(current.insurer_id, updated.version, now, actor_id, found)
    repository.save_change(updated, expected, change)
    audit.record(
        actor_id,
        current.insurer_id,
        "insurer.updated",
        AUDIT_SUBJECT,
        detail={"version": updated.version, "fields": [c.field for c in found]},
    )
    return updated


def _settings_checked(fields: dict[str, Any]) -> dict[str, Any]:
    """The settings sent, as stored: empty ones dropped, the catalogue overrides and the
    retention periods checked against the defaults."""
    from chalicelib.policies import service as policies
    from chalicelib.privacy import service as privacy

    checked = dict(fields)
    for name in ("contact", "catalog", "retention"):
        if name in checked:
            checked[name] = _compact(checked[name])
    if checked.get("catalog") is not None or checked.get("service_levels") is not None:
        overrides = dict(checked.get("catalog") or {})
        if checked.get("service_levels"):
            overrides["service_level_hours"] = checked["service_levels"]
        problem = policies.check_catalog("check", overrides)
        if problem:
            raise _invalid(
                "catalog", "El catálogo de trámites resultante no es válido: revisa su estructura."
            )
    legal = privacy.default_retention()["categories"]
    for name, own in ((checked.get("retention") or {}).get("categories") or {}).items():
        years = own.get("years")
        if years is not None and years < int(legal[name]["years"]):
            raise _invalid(
                f"retention.categories.{name}.years",
                f"El plazo no puede ser menor al legal ({legal[name]['years']} años).",
            )
    return checked


def _compact(value: Any) -> Any:
    """A nested setting without its unset (None) entries; None when nothing is left."""
    if isinstance(value, dict):
        kept = {k: _compact(v) for k, v in value.items()}
        kept = {k: v for k, v in kept.items() if v is not None and v != {}}
        return kept or None
    return value


def _fields_sent(body: InsurerPatch | OperatorInsurerPatch) -> dict[str, Any]:
    dumped = body.model_dump(mode="json")
    return {name: dumped[name] for name in body.model_fields_set if name != "version"}


def _versioned(insurer: Insurer) -> dict[str, Any]:
    return {name: getattr(insurer, name) for name in VERSIONED_FIELDS}


def _record_fields(insurer: Insurer) -> dict[str, Any]:
    from dataclasses import fields

    return {f.name: getattr(insurer, f.name) for f in fields(insurer)}


def _existing(insurer_id: str) -> Insurer:
    insurer = get_insurer(insurer_id)
    if insurer is None:
        raise errors.NotFound("No existe esa aseguradora.")
    return insurer


def _valid_id(insurer_id: str) -> bool:
    import re

    from chalicelib.insurers.schemas import INSURER_ID_PATTERN

    return bool(re.match(INSURER_ID_PATTERN, insurer_id or ""))


def _tax_id(country: str, value: str) -> str:
    try:
        return company_tax_id(country, value)
    except ValueError as exc:
        raise _invalid("rfc", str(exc)) from None


def _invalid(field: str, message: str) -> errors.InvalidInput:
    return errors.InvalidInput(details=[errors.ErrorDetail(field, "invalid", message)])
