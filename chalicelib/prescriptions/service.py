"""Prescriptions and sick leaves: issued by operators, seen by the affiliate's family.

The only door into this context. Prescriptions are shown to the whole family nucleus (a
parent keeps a child's medicines); a sick leave belongs to the worker it was issued to, who
sees those that started within the configured months and are authorized and sealed.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date, datetime, timedelta
from typing import Any
from urllib.parse import urlencode

from chalicelib import aws, clock, dynamo, errors, paging
from chalicelib.appointments import service as appointments
from chalicelib.auth import Principal
from chalicelib.clock import iso
from chalicelib.config import get_settings
from chalicelib.documents import service as documents
from chalicelib.kernel.text import mask_nss
from chalicelib.personal_data import CLINICAL, ERASED, PersonalData, Retained, Retention
from chalicelib.prescriptions import repository, seal
from chalicelib.prescriptions.repository import Prescription, SickLeave
from chalicelib.prescriptions.rules import KINDS, NOTICE, ZONE, end_date, visible_since
from chalicelib.prescriptions.schemas import (
    FileLink,
    Medicine,
    PrescriptionIn,
    PrescriptionList,
    PrescriptionOut,
    SealedCertificate,
    SickLeaveIn,
    SickLeaveList,
    SickLeaveOut,
    Verification,
)
from chalicelib.registry import service as registry
from chalicelib.schema import ListQuery

CERTIFICATES_PREFIX = "derived/certificates/sick-leaves/"
LINK_SECONDS = 300


def _patient(principal: Principal, nss: str) -> tuple[str, str, str]:
    """(member id, full name, nucleus) of an NSS in the registry, if the affiliate's plan is
    of an insurer the operator works for: another insurer's affiliate answers exactly like an
    NSS that is not registered, so NSS cannot be probed across insurers."""
    record = registry.find_affiliate(nss)
    if record is None or record.insurer_id not in principal.insurer_ids:
        raise errors.NotFound(
            "Ese NSS no está en el registro de afiliados.", code="affiliate_not_found"
        )
    return record.member_id, record.full_name, registry.normalize_serial(record.credential_serial)


def _new_id() -> str:
    import uuid

    return uuid.uuid4().hex


# --- prescriptions ---------------------------------------------------------------------------


def _prescription_out(prescription: Prescription) -> PrescriptionOut:
    return PrescriptionOut(
        id=prescription.prescription_id,
        patient_id=prescription.patient_id,
        patient_name=prescription.patient_name,
        doctor=prescription.doctor,
        clinic=prescription.clinic,
        date=date.fromisoformat(prescription.date),
        medicines=[Medicine.model_validate(m) for m in prescription.medicines],
    )


def issue_prescription(principal: Principal, body: PrescriptionIn) -> PrescriptionOut:
    """A prescription for an affiliate or a family member (operators)."""
    member_id, name, nucleus = _patient(principal, body.nss)
    prescription = Prescription(
        prescription_id=_new_id(),
        patient_id=member_id,
        patient_name=name,
        nucleus=nucleus,
        doctor=" ".join(body.doctor.split()),
        clinic=" ".join(body.clinic.split()),
        date=body.date.isoformat(),
        medicines=[m.model_dump() for m in body.medicines],
    )
    repository.create_prescription(prescription, principal.account_id, clock.now())
    return _prescription_out(prescription)


def prescriptions(principal: Principal, query: ListQuery) -> PrescriptionList:
    """The family's prescriptions, newest first, with the notice that they are informational."""
    who = appointments.booker(principal)
    found, last = repository.nucleus_prescriptions(
        who.nucleus, query.limit, dynamo.decode_cursor(query.cursor)
    )
    return PrescriptionList(
        notice=NOTICE,
        items=[_prescription_out(p) for p in found],
        next_cursor=dynamo.encode_cursor(last),
    )


# --- sick leaves -----------------------------------------------------------------------------


def verify_url(sick_leave: SickLeave) -> str | None:
    if not sick_leave.seal:
        return None
    query = urlencode({"id": sick_leave.sick_leave_id, "seal": sick_leave.seal})
    return f"{get_settings().site_url}/verificar.html?{query}"


def _certificate_fields(sick_leave: SickLeave) -> dict[str, Any]:
    """What a sick leave's answer and its sealed certificate both show of it."""
    return {
        "patient_name": sick_leave.patient_name,
        "kind": sick_leave.kind,
        "start_date": date.fromisoformat(sick_leave.start_date),
        "end_date": date.fromisoformat(sick_leave.end_date),
        "days": sick_leave.days,
        "doctor": sick_leave.doctor,
        "clinic": sick_leave.clinic,
    }


def _sick_leave_out(sick_leave: SickLeave) -> SickLeaveOut:
    return SickLeaveOut(
        id=sick_leave.sick_leave_id,
        status=sick_leave.status,  # type: ignore[arg-type]  # one of the API's values
        patient_id=sick_leave.patient_id,
        **_certificate_fields(sick_leave),
        issued_at=datetime.fromisoformat(sick_leave.issued_at),
        authorized_at=(
            datetime.fromisoformat(sick_leave.authorized_at) if sick_leave.authorized_at else None
        ),
        seal=sick_leave.seal,
        verify_url=verify_url(sick_leave),
    )


def issue_sick_leave(principal: Principal, body: SickLeaveIn) -> SickLeaveOut:
    """A sick leave for a worker (operators); sealed at once when `authorize` is set."""
    member_id, name, _ = _patient(principal, body.nss)
    sick_leave = SickLeave(
        sick_leave_id=_new_id(),
        status="emitida",
        patient_id=member_id,
        nss=body.nss,
        patient_name=name,
        kind=body.kind,
        start_date=body.start_date.isoformat(),
        end_date=end_date(body.start_date, body.days).isoformat(),
        days=body.days,
        doctor=" ".join(body.doctor.split()),
        clinic=" ".join(body.clinic.split()),
        issued_at=iso(clock.now()),
    )
    if body.authorize:
        # Sealed before it is stored: if KMS fails, nothing was written and issuing it again
        # cannot leave a second, unsealed copy behind.
        authorized = replace(sick_leave, status="autorizada", authorized_at=iso(clock.now()))
        key_id = get_settings().seal_key_id
        signature = seal.sign(key_id, seal.canonical(authorized.sealed_fields()))
        sick_leave = replace(authorized, status="sellada", seal=signature, seal_key_id=key_id)
        repository.create_sick_leave(
            sick_leave,
            principal.account_id,
            authorized_by=principal.account_id,
            seal_version=seal.VERSION,
        )
    else:
        repository.create_sick_leave(sick_leave, principal.account_id)
    return _sick_leave_out(sick_leave)


def _authorize_and_seal(sick_leave: SickLeave, authorized_by: str) -> SickLeave:
    authorized = repository.authorize(sick_leave, authorized_by, clock.now())
    if authorized.status == "sellada":
        return authorized
    key_id = get_settings().seal_key_id
    signature = seal.sign(key_id, seal.canonical(authorized.sealed_fields()))
    return repository.store_seal(authorized, signature, key_id, seal.VERSION)


def authorize_sick_leave(principal: Principal, sick_leave_id: str) -> SickLeaveOut:
    """Authorize and seal (operators). Repeating it, or resuming after a failure, is safe."""
    sick_leave = repository.get_sick_leave(sick_leave_id)
    # The registry says whose affiliate the worker is: another insurer's sick leave answers
    # like one that does not exist.
    record = registry.find_affiliate(sick_leave.nss) if sick_leave is not None else None
    if sick_leave is None or record is None or record.insurer_id not in principal.insurer_ids:
        raise errors.NotFound("No encontramos esa incapacidad.")
    return _sick_leave_out(_authorize_and_seal(sick_leave, principal.account_id))


def _visible_since() -> date:
    return visible_since(clock.now(), get_settings().sick_leave_visible_months)


def sick_leaves(principal: Principal, query: ListQuery) -> SickLeaveList:
    """The affiliate's sealed sick leaves that started within the configured months."""
    who = appointments.booker(principal)
    since = _visible_since().isoformat()

    def read(
        key: dict[str, Any] | None, wanted: int
    ) -> tuple[list[SickLeave], dict[str, Any] | None]:
        # Only sealed ones count, filtered after reading: the pager asks for one more than
        # the page holds, so a cursor is handed out only when another sealed one follows.
        return repository.member_sick_leaves_since(who.self_id, since, wanted, key)

    found, next_cursor = paging.page_through(read, query.limit, query.cursor)
    return SickLeaveList(items=[_sick_leave_out(s) for s in found], next_cursor=next_cursor)


def _day(value: str) -> str:
    return date.fromisoformat(value).strftime("%d/%m/%Y")


def _moment(value: str | None) -> str:
    if not value:
        return ""
    return (
        datetime.fromisoformat(value).astimezone(ZONE).strftime("%d/%m/%Y %H:%M (hora del centro)")
    )


def _pdf(sick_leave: SickLeave) -> bytes:
    from chalicelib.prescriptions.certificate import CertificateView, render

    url = verify_url(sick_leave)
    assert url is not None
    assert sick_leave.seal is not None
    return render(
        CertificateView(
            certificate_id=sick_leave.sick_leave_id,
            patient_name=sick_leave.patient_name,
            nss=sick_leave.nss,
            kind=KINDS.get(sick_leave.kind, sick_leave.kind),
            start_date=_day(sick_leave.start_date),
            end_date=_day(sick_leave.end_date),
            days=sick_leave.days,
            doctor=sick_leave.doctor,
            clinic=sick_leave.clinic,
            issued_at=_moment(sick_leave.issued_at),
            authorized_at=_moment(sick_leave.authorized_at),
            seal=sick_leave.seal,
            verify_url=url,
            created=datetime.fromisoformat(sick_leave.authorized_at or sick_leave.issued_at),
        )
    )


def _certificate_key(sick_leave_id: str) -> str:
    return f"{CERTIFICATES_PREFIX}{sick_leave_id}.pdf"


def certificate(principal: Principal, sick_leave_id: str) -> FileLink:
    """A short-lived link to the sealed certificate's PDF (written once, under derived/)."""
    who = appointments.booker(principal)
    sick_leave = repository.get_sick_leave(sick_leave_id)
    if (
        sick_leave is None
        or sick_leave.patient_id != who.self_id
        or sick_leave.start_date < _visible_since().isoformat()
    ):
        raise errors.NotFound("No encontramos esa incapacidad.")
    if sick_leave.status != "sellada" or not sick_leave.seal:
        raise errors.Conflict(
            "Esta incapacidad aún no está autorizada y sellada; podrás imprimirla cuando lo esté.",
            code="not_sealed",
        )
    s3 = aws.s3()
    bucket = get_settings().documents_bucket
    key = _certificate_key(sick_leave.sick_leave_id)
    try:
        s3.head_object(Bucket=bucket, Key=key)
    except s3.exceptions.ClientError:
        # A sealed certificate never changes, so the first print is kept and reused.
        s3.put_object(Bucket=bucket, Key=key, Body=_pdf(sick_leave), ContentType="application/pdf")
    url = s3.generate_presigned_url(
        "get_object",
        Params={
            "Bucket": bucket,
            "Key": key,
            "ResponseContentType": "application/pdf",
            "ResponseContentDisposition": (
                f'inline; filename="incapacidad-{sick_leave.sick_leave_id[:8]}.pdf"'
            ),
        },
        ExpiresIn=LINK_SECONDS,
    )
    return FileLink(url=url, expires_at=clock.now() + timedelta(seconds=LINK_SECONDS))


# --- public verification ---------------------------------------------------------------------

_NOT_GENUINE = (
    "No pudimos comprobar este certificado: el sello no corresponde a un certificado emitido "
    "por nosotros, o sus datos fueron alterados."
)


def verify(sick_leave_id: str, given_seal: str) -> Verification:
    """Whether a certificate is genuine and unaltered (public; no account needed)."""
    sick_leave = repository.get_sick_leave(sick_leave_id) if len(sick_leave_id) <= 64 else None
    if sick_leave is None or sick_leave.status != "sellada" or not sick_leave.seal_key_id:
        return Verification(valid=False, message=_NOT_GENUINE)
    message = seal.canonical(sick_leave.sealed_fields())
    if not seal.verify(sick_leave.seal_key_id, message, given_seal):
        return Verification(valid=False, message=_NOT_GENUINE)
    assert sick_leave.authorized_at is not None
    return Verification(
        valid=True,
        message=(
            "Certificado auténtico: el sello digital corresponde a estos datos. Compáralos con "
            "el documento que tienes en la mano."
        ),
        certificate=SealedCertificate(
            id=sick_leave.sick_leave_id,
            nss_masked=mask_nss(sick_leave.nss),
            **_certificate_fields(sick_leave),
            authorized_at=datetime.fromisoformat(sick_leave.authorized_at),
        ),
    )


# --- privacy rights (ARCO) ------------------------------------------------------------------


def _all_sick_leaves(member_id: str) -> list[SickLeave]:
    """Every sick leave issued to the member, read page by page."""
    leaves: list[SickLeave] = []
    cursor: Any = None
    while True:
        more, cursor = repository.member_sick_leaves(member_id, 100, cursor)
        leaves += more
        if not cursor:
            return leaves


def personal_data(account_id: str) -> PersonalData:
    """The prescriptions of the affiliate's nucleus and the affiliate's own sick leaves."""
    from dataclasses import asdict

    try:
        who = appointments.booker(Principal(account_id=account_id, role="afiliado"))
    except errors.DomainError:
        return PersonalData("recetas_e_incapacidades", {})
    recipes: list[Prescription] = []
    cursor: Any = None
    while True:
        page, cursor = repository.nucleus_prescriptions(who.nucleus, 100, cursor)
        recipes += page
        if not cursor:
            break
    leaves = _all_sick_leaves(who.self_id)
    dates = [p.date for p in recipes] + [s.issued_at for s in leaves]
    return PersonalData(
        "recetas_e_incapacidades",
        {
            "recetas": [asdict(p) for p in recipes],
            "incapacidades": [
                {k: v for k, v in asdict(s).items() if k != "seal"} | {"sellada": bool(s.seal)}
                for s in leaves
            ],
        },
        last_activity={CLINICAL: max(dates, default="")},
    )


def erase_personal_data(account_id: str, retention: Retention) -> list[Retained]:
    """The affiliate's own prescriptions and sick leaves: kept without name (nor NSS) while
    their clinical file is in its period (NOM-004-SSA3-2012, five years from the last act),
    deleted after. The family's prescriptions belong to each member's own file. Repeatable."""
    try:
        who = appointments.booker(Principal(account_id=account_id, role="afiliado"))
    except errors.DomainError:
        return []
    data = personal_data(account_id)
    recipes = [r for r in data.records.get("recetas", []) if r["patient_id"] == who.self_id]
    leaves = _all_sick_leaves(who.self_id)
    last = max([*(r["date"] for r in recipes), *(s.issued_at for s in leaves)], default=None)
    keep = retention.keeps(CLINICAL, last)
    for record in recipes:
        prescription = Prescription(**record)
        if keep:
            repository.anonymise_prescription(prescription, ERASED)
        else:
            repository.delete_prescription(prescription)
    for leave in leaves:
        # The printed certificate carries the name and NSS: it goes in either case.
        documents.erase_stored_object(_certificate_key(leave.sick_leave_id))
        if keep:
            repository.anonymise_sick_leave(leave, ERASED)
        else:
            repository.delete_sick_leave(leave)
    if not keep or not (recipes or leaves):
        return []
    return [
        Retained(
            what="Tus recetas e incapacidades del expediente de tu clínica (sin nombre ni NSS)",
            category=CLINICAL,
            count=len(recipes) + len(leaves),
            last_activity=last,
            ids=(
                *(f"prescription:{r['prescription_id']}" for r in recipes),
                *(f"sick_leave:{s.sick_leave_id}" for s in leaves),
            ),
        )
    ]


def purge_retained(ids: list[str]) -> int:
    """Delete the prescriptions and sick leaves a deletion kept, once the clinical file's
    period ended (by id: the account is anonymised by then). Repeatable."""
    purged = 0
    for kept_id in ids:
        kind, _, record_id = kept_id.partition(":")
        if kind == "prescription":
            purged += repository.delete_prescription_id(record_id)
        elif kind == "sick_leave" and (leave := repository.get_sick_leave(record_id)):
            repository.delete_sick_leave(leave)
            purged += 1
    return purged
