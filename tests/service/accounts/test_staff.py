"""An insurer's administrators run its staff (on moto): invitations, the list, duties,
disabling and enabling, TOTP resets and re-enrolment, the last administrator's protections,
another insurer's operators, and the staff sessions' idle and total limits."""

from __future__ import annotations

import pyotp
import pytest

from chalicelib import errors
from chalicelib.accounts import repository
from chalicelib.accounts import service as accounts
from chalicelib.accounts.schemas import StaffInvite, StaffQuery, StaffScope, StaffUpdate
from chalicelib.audit import repository as audit_repository
from chalicelib.auth import Principal
from chalicelib.policies import service as policies
from chalicelib.policies.service import Insurer
from tests.service.accounts.conftest import PASSWORD, Clock, Mailbox

SECRET = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"


def _seed_operator(email: str, duties: list[str], insurer: str = "sec") -> str:
    return accounts.seed_active_account(
        "operador",
        email,
        "OPERADOR " + email.split("@")[0].upper(),
        PASSWORD,
        insurer_ids=[insurer],
        details={"duties": duties},
        totp_secret=SECRET,
    )


def _principal(account_id: str) -> Principal:
    account = repository.get_account(account_id)
    assert account is not None
    return Principal(account_id, "operador", tuple(account.insurer_ids), None, account.duties)


def _log_in(email: str, clock: Clock, secret: str = SECRET) -> str:
    """A session of a seeded operator: the id token."""
    challenge = accounts.login(email, PASSWORD)
    clock.advance(seconds=30)  # a TOTP step no earlier log-in used
    tokens = accounts.complete_totp(challenge.session or "", pyotp.TOTP(secret).at(clock.now))
    assert tokens.id_token
    return tokens.id_token


def _audit(subject: str) -> list[audit_repository.AuditRecord]:
    records, _ = audit_repository.query(
        "sec", since="0", until="9", subject=subject, limit=50, cursor=None
    )
    return records


@pytest.fixture
def admin(accounts_world: Mailbox) -> Principal:
    return _principal(_seed_operator("admin@example.mx", ["administracion"]))


def _invite(admin: Principal, email: str, duties: list[str]) -> str:
    body = StaffInvite.model_validate(
        {"email": email, "full_name": "Nueva Persona", "duties": duties}
    )
    return accounts.invite(admin, body, "10.0.0.1").id


def test_invitation_activation_enrolment_and_the_list(
    accounts_world: Mailbox, admin: Principal, moved_clock: Clock
) -> None:
    account_id = _invite(admin, "Nueva@Example.mx", ["dictamen"])
    invitation = accounts_world.to("nueva@example.mx")[-1]
    assert "invitaron" in invitation.subject
    assert "SEGUROS EJEMPLO DEL CENTRO" in invitation.subject
    listed = {m.id: m for m in accounts.staff(admin, StaffQuery()).items}
    assert listed[account_id].status == "pendiente"
    assert listed[account_id].duties == ["dictamen"]
    assert listed[account_id].last_login_at is None

    accounts.activate(accounts_world.last_link("nueva@example.mx", "activar.html"), PASSWORD)
    challenge = accounts.login("nueva@example.mx", PASSWORD)
    assert challenge.enrollment is not None  # enrols at the first log-in
    code = pyotp.TOTP(challenge.enrollment.secret).at(moved_clock.now)
    tokens = accounts.complete_totp(challenge.session or "", code)
    assert accounts.authenticate_token(tokens.id_token or "").duties == ("dictamen",)

    listed = {m.id: m for m in accounts.staff(admin, StaffQuery()).items}
    assert listed[account_id].status == "activa"
    assert listed[account_id].totp_enrolled is True
    assert listed[account_id].last_login_at == "2026-11-25T17:00:00+00:00"
    # The clock stands still here, so the three records share one instant.
    records = {record.action: record for record in _audit(account_id)}
    assert sorted(records) == ["staff.activated", "staff.invited", "staff.totp_enrolled"]
    invited = records["staff.invited"]
    assert invited.actor_id == admin.account_id
    assert invited.detail["duties"] == ["dictamen"]
    # The person's own steps are in the insurer's log too, as their own.
    assert records["staff.activated"].actor_id == account_id
    assert records["staff.totp_enrolled"].actor_id == account_id


def test_an_email_with_an_account_cannot_be_invited(
    accounts_world: Mailbox, admin: Principal
) -> None:
    policies.load_roster(Insurer("adn", "ASEGURADORA DEMO DEL NORTE", "ADN050101AA4"), [])
    _seed_operator("norte@example.mx", ["dictamen"], insurer="adn")
    with pytest.raises(accounts.EmailInUse) as refused:
        _invite(admin, "norte@example.mx", ["dictamen"])
    assert "NORTE" not in refused.value.error_message.upper()
    assert "adn" not in refused.value.error_message.lower()


def test_the_list_pages_with_a_cursor(accounts_world: Mailbox, admin: Principal) -> None:
    for n in range(3):
        _invite(admin, f"p{n}@example.mx", ["finanzas"])
    first = accounts.staff(admin, StaffQuery(limit=2))
    assert len(first.items) == 2
    assert first.next_cursor
    rest = accounts.staff(admin, StaffQuery(limit=2, cursor=first.next_cursor))
    seen = [m.email for m in first.items + rest.items]
    assert sorted(seen) == sorted(
        ["admin@example.mx", "p0@example.mx", "p1@example.mx", "p2@example.mx"]
    )


def test_duties_change_and_are_audited(accounts_world: Mailbox, admin: Principal) -> None:
    operator = _seed_operator("ops@example.mx", ["dictamen"])
    changed = accounts.update(admin, operator, StaffUpdate(duties=["finanzas", "dictamen"]), None)
    assert changed.duties == ["dictamen", "finanzas"]
    assert repository.get_account(operator).duties == ("dictamen", "finanzas")  # type: ignore[union-attr]
    [record] = _audit(operator)
    assert record.action == "staff.duties_changed"
    assert record.detail == {"old_duties": ["dictamen"], "new_duties": ["dictamen", "finanzas"]}


def test_disabling_ends_sessions_and_refuses_log_in_until_enabled(
    accounts_world: Mailbox, admin: Principal, moved_clock: Clock
) -> None:
    operator = _seed_operator("ops@example.mx", ["dictamen"])
    id_token = _log_in("ops@example.mx", moved_clock)
    assert accounts.authenticate_token(id_token).account_id == operator

    assert (
        accounts.update(admin, operator, StaffUpdate(active=False), None).status == "deshabilitada"
    )
    with pytest.raises(errors.Unauthorized):
        accounts.authenticate_token(id_token)
    with pytest.raises(accounts.AccountDisabled) as refused:
        accounts.login("ops@example.mx", PASSWORD)
    assert "deshabilitada" in refused.value.error_message
    with pytest.raises(accounts.InvalidCredentials):  # the wrong password learns nothing
        accounts.login("ops@example.mx", "otra contraseña cualquiera")

    assert accounts.update(admin, operator, StaffUpdate(active=True), None).status == "activa"
    assert accounts.authenticate_token(_log_in("ops@example.mx", moved_clock)).duties == (
        "dictamen",
    )
    assert sorted(r.action for r in _audit(operator)) == ["staff.disabled", "staff.enabled"]


def test_a_disabled_invitation_link_stops_and_enabling_sends_a_new_one(
    accounts_world: Mailbox, admin: Principal
) -> None:
    operator = _invite(admin, "nueva@example.mx", ["dictamen"])
    old_link = accounts_world.last_link("nueva@example.mx", "activar.html")
    accounts.update(admin, operator, StaffUpdate(active=False), None)
    with pytest.raises(repository.TokenRejected):
        accounts.activate(old_link, PASSWORD)
    assert accounts.update(admin, operator, StaffUpdate(active=True), None).status == "pendiente"
    accounts.activate(accounts_world.last_link("nueva@example.mx", "activar.html"), PASSWORD)
    assert repository.get_account(operator).status == "activa"  # type: ignore[union-attr]


def test_an_administrator_keeps_their_own_administration(
    accounts_world: Mailbox, admin: Principal
) -> None:
    with pytest.raises(accounts.OwnAccount):
        accounts.update(admin, admin.account_id, StaffUpdate(duties=["dictamen"]), None)
    with pytest.raises(accounts.OwnAccount):
        accounts.update(admin, admin.account_id, StaffUpdate(active=False), None)
    # Adding duties to oneself is fine.
    mine = accounts.update(
        admin, admin.account_id, StaffUpdate(duties=["dictamen", "administracion"]), None
    )
    assert mine.duties == ["dictamen", "administracion"]


def test_the_insurer_never_loses_its_last_active_administrator(
    accounts_world: Mailbox, admin: Principal
) -> None:
    other = _principal(_seed_operator("admin2@example.mx", ["administracion"]))
    # The other administrator disables this one; this one's earlier principal (a request in
    # flight) then tries to take administration from the other: none would remain.
    accounts.update(other, admin.account_id, StaffUpdate(active=False), None)
    with pytest.raises(accounts.LastAdministrator):
        accounts.update(admin, other.account_id, StaffUpdate(duties=["dictamen"]), None)
    with pytest.raises(accounts.LastAdministrator):
        accounts.update(admin, other.account_id, StaffUpdate(active=False), None)
    assert repository.get_account(other.account_id).duties == ("administracion",)  # type: ignore[union-attr]


def test_a_concurrent_change_of_the_remaining_administrator_is_refused(
    accounts_world: Mailbox, admin: Principal
) -> None:
    other = _seed_operator("admin2@example.mx", ["administracion"])
    target = repository.get_account(other)
    witness = repository.get_account(admin.account_id)
    assert target is not None
    assert witness is not None
    # Between the check and the write, the administrator that remains is changed.
    repository.change_staff(witness, duties=["administracion", "dictamen"])
    with pytest.raises(repository.StaffChanged):
        repository.change_staff(target, status="deshabilitada", witness=witness)


def test_another_insurers_operator_is_not_found(accounts_world: Mailbox, admin: Principal) -> None:
    policies.load_roster(Insurer("adn", "ASEGURADORA DEMO DEL NORTE", "ADN050101AA4"), [])
    north = _seed_operator("norte@example.mx", ["dictamen"], insurer="adn")
    for call in (
        lambda: accounts.update(admin, north, StaffUpdate(active=False), None),
        lambda: accounts.reset_totp(admin, north, StaffScope(), None),
        lambda: accounts.update(admin, "no-existe", StaffUpdate(active=False), None),
    ):
        with pytest.raises(errors.NotFound):
            call()
    with pytest.raises(errors.NotFound):  # naming an insurer that is not theirs
        accounts.staff(admin, StaffQuery(insurer_id="adn"))
    assert all(m.email != "norte@example.mx" for m in accounts.staff(admin, StaffQuery()).items)
    assert repository.get_account(north).status == "activa"  # type: ignore[union-attr]


def test_totp_reset_needs_the_emailed_link_to_enrol_again(
    accounts_world: Mailbox, admin: Principal, moved_clock: Clock
) -> None:
    operator = _seed_operator("ops@example.mx", ["dictamen"])
    id_token = _log_in("ops@example.mx", moved_clock)
    done = accounts.reset_totp(admin, operator, StaffScope(), "10.0.0.1")
    assert "restablecimos" in done.message.lower()
    with pytest.raises(errors.Unauthorized):
        accounts.authenticate_token(id_token)  # sessions ended

    # The password alone never enrols a new authenticator, nor does the old one work.
    with pytest.raises(accounts.ReenrolmentRequired):
        accounts.login("ops@example.mx", PASSWORD)
    token = accounts_world.last_link("ops@example.mx", "reenrolar.html")
    with pytest.raises(accounts.InvalidCredentials):
        accounts.start_reenrolment(token, "no es la contraseña")
    with pytest.raises(repository.TokenRejected):
        accounts.start_reenrolment("x" * 43, PASSWORD)

    challenge = accounts.start_reenrolment(token, PASSWORD)
    assert challenge.enrollment is not None
    assert challenge.enrollment.secret != SECRET
    moved_clock.advance(seconds=30)
    with pytest.raises(accounts.InvalidCode):
        accounts.complete_totp(challenge.session or "", pyotp.TOTP(SECRET).at(moved_clock.now))
    new_secret = challenge.enrollment.secret
    tokens = accounts.complete_totp(
        challenge.session or "", pyotp.TOTP(new_secret).at(moved_clock.now)
    )
    assert accounts.authenticate_token(tokens.id_token or "").account_id == operator
    # The link is used up; from now on the new authenticator is the one asked for.
    with pytest.raises(repository.TokenRejected):
        accounts.start_reenrolment(token, PASSWORD)
    assert accounts.login("ops@example.mx", PASSWORD).enrollment is None
    assert _log_in("ops@example.mx", moved_clock, secret=new_secret)
    # The reset, and the new authenticator's enrolment through the link.
    assert sorted(r.action for r in _audit(operator)) == ["staff.totp_enrolled", "staff.totp_reset"]


def test_a_reenrolment_started_before_another_reset_cannot_finish(
    accounts_world: Mailbox, admin: Principal, moved_clock: Clock
) -> None:
    operator = _seed_operator("ops@example.mx", ["dictamen"])
    accounts.reset_totp(admin, operator, StaffScope(), None)
    first = accounts.start_reenrolment(
        accounts_world.last_link("ops@example.mx", "reenrolar.html"), PASSWORD
    )
    accounts.reset_totp(admin, operator, StaffScope(), None)  # a new link replaces it
    assert first.enrollment is not None
    with pytest.raises(accounts.SessionExpired):  # the secret it showed was dropped again
        accounts.complete_totp(first.session or "", pyotp.TOTP(first.enrollment.secret).now())


def test_staff_sessions_end_after_30_idle_minutes_and_12_hours(
    accounts_world: Mailbox, moved_clock: Clock
) -> None:
    _seed_operator("ops@example.mx", ["dictamen"])
    idle = _log_in("ops@example.mx", moved_clock)
    busy = _log_in("ops@example.mx", moved_clock)
    for _ in range(3):  # a request every 25 minutes keeps a session open
        moved_clock.advance(minutes=25)
        accounts.authenticate_token(busy)
    with pytest.raises(errors.SessionEnded) as ended:
        accounts.authenticate_token(idle)  # 75 minutes without a request
    assert ended.value.error_code == "session_expired"
    assert "30 minutos" in ended.value.error_message

    # Within a minute the last request is not written again (one write a minute at most).
    session_id = accounts.authenticate_token(busy).session_id
    assert session_id
    seen = repository.get_session(session_id).last_seen_at  # type: ignore[union-attr]
    moved_clock.advance(seconds=40)
    accounts.authenticate_token(busy)
    assert repository.get_session(session_id).last_seen_at == seen  # type: ignore[union-attr]

    session = repository.get_session(session_id)
    assert session is not None
    assert session.opened_at is not None
    while moved_clock.now < session.opened_at + accounts.STAFF_SESSION_MAX:
        accounts.authenticate_token(busy)
        moved_clock.advance(minutes=29)
    with pytest.raises(errors.SessionEnded) as ended:
        accounts.authenticate_token(busy)
    assert "12 horas" in ended.value.error_message


def test_the_refresh_of_an_expired_staff_session_is_refused(
    accounts_world: Mailbox, moved_clock: Clock
) -> None:
    _seed_operator("ops@example.mx", ["dictamen"])
    challenge = accounts.login("ops@example.mx", PASSWORD)
    moved_clock.advance(seconds=30)
    tokens = accounts.complete_totp(challenge.session or "", pyotp.TOTP(SECRET).at(moved_clock.now))
    assert accounts.refresh(tokens.refresh_token or "").id_token
    moved_clock.advance(minutes=31)
    with pytest.raises(errors.SessionEnded):
        accounts.refresh(tokens.refresh_token or "")
