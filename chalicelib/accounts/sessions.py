"""Sessions: one is recorded for every completed log-in, and only id tokens of a recorded
session that has not ended reach the API; refresh, log-out and the end of every session.
Staff sessions also end by themselves: after 30 minutes without a request, and 12 hours
after the log-in whatever happens."""

from __future__ import annotations

from datetime import datetime, timedelta

from chalicelib import clock, errors
from chalicelib.accounts import identity, repository
from chalicelib.accounts.repository import Account, Session
from chalicelib.accounts.schemas import LoginResult, Refreshed
from chalicelib.accounts.tokens import token_hash
from chalicelib.auth import STAFF_ROLES, Principal

# A session lives as long as Cognito's refresh token (the app client's refresh validity).
SESSION_TTL = timedelta(days=30)
# Staff (auth.STAFF_ROLES): idle limit, whole-session limit, and how often a request records
# that the session is in use (at most one write a minute per session).
STAFF_IDLE = timedelta(minutes=30)
STAFF_SESSION_MAX = timedelta(hours=12)
STAFF_SEEN_EVERY = timedelta(minutes=1)


class SessionExpired(errors.Unauthorized):
    code = "session_expired"
    message = "La verificación venció o ya se usó. Inicia sesión de nuevo."


class StaffSessionEnded(errors.SessionEnded):
    message = (
        "Tu sesión terminó porque pasaron 12 horas desde que iniciaste. Inicia sesión de nuevo."
    )


class StaffSessionIdle(errors.SessionEnded):
    message = (
        "Tu sesión terminó tras 30 minutos sin actividad, para proteger los datos. "
        "Inicia sesión de nuevo."
    )


class InvalidRefresh(errors.Unauthorized):
    code = "invalid_refresh"
    message = "Tu sesión terminó. Inicia sesión de nuevo."


def open_session(
    account: Account, tokens: identity.Tokens, *, second_factor: bool, now: datetime
) -> LoginResult:
    """Record the completed log-in: only tokens of a recorded session reach the API."""
    refresh_token = tokens.refresh_token or ""
    staff = account.role in STAFF_ROLES
    repository.open_session(
        Session(
            session_id=tokens.session_id,
            account_id=account.account_id,
            generation=account.session_generation,
            second_factor=second_factor,
            refresh_hash=token_hash(refresh_token),
            expires_at=now + (STAFF_SESSION_MAX if staff else SESSION_TTL),
            opened_at=now,
            last_seen_at=now,
        )
    )
    return LoginResult(
        id_token=tokens.id_token,
        refresh_token=refresh_token,
        expires_in=tokens.expires_in,
        role=account.role,
    )


def refresh(refresh_token: str) -> Refreshed:
    """A new id token for the refresh token of a session that has not ended."""
    session = repository.session_of_refresh(token_hash(refresh_token))
    if session is None or session.expires_at <= clock.now():
        raise InvalidRefresh()
    account = repository.get_account(session.account_id)
    if (
        account is None
        or account.status != "activa"
        or account.session_generation != session.generation
    ):
        raise InvalidRefresh()
    if account.role in STAFF_ROLES:
        check_staff_limits(session, clock.now())
    tokens = identity.refresh(account.account_id, refresh_token)
    if tokens is None:
        raise InvalidRefresh()
    return Refreshed(id_token=tokens.id_token, expires_in=tokens.expires_in)


def logout(refresh_token: str) -> None:
    """The session ends: its refresh token and every id token issued from it stop working."""
    session = repository.session_of_refresh(token_hash(refresh_token))
    if session is not None:
        repository.end_session(session)
    identity.revoke(refresh_token)


def end_sessions(account_id: str) -> None:
    """Every session of the account ends now: id tokens too, not only refresh tokens."""
    repository.end_every_session(account_id)
    identity.sign_out_everywhere(account_id)


def check_staff_limits(session: Session, now: datetime) -> None:
    """A staff session ends 12 hours after its log-in and after 30 minutes without a request
    (a session recorded without its opening time is over for staff)."""
    if session.opened_at is None or now >= session.opened_at + STAFF_SESSION_MAX:
        raise StaffSessionEnded()
    if now >= (session.last_seen_at or session.opened_at) + STAFF_IDLE:
        raise StaffSessionIdle()


def authenticate_token(id_token: str) -> Principal:
    """The principal of a valid id token of this pool and client, as our records say.

    The token must belong to a session that completed every step of our log-in (for staff,
    TOTP) and that no password change, reset or log-out has ended; role and insurer scope
    come from the account record, never from the token's claims (which a user can rewrite
    through Cognito's public API)."""
    from chalicelib.accounts.jwt_verify import InvalidToken, verify_id_token

    try:
        claims = verify_id_token(id_token)
    except InvalidToken:
        raise errors.Unauthorized() from None
    account_id = claims.get("cognito:username")
    session_id = claims.get("origin_jti")
    if not isinstance(account_id, str) or not isinstance(session_id, str) or not session_id:
        raise errors.Unauthorized()
    session = repository.get_session(session_id)
    if session is None or session.account_id != account_id:
        raise errors.Unauthorized()
    account = repository.get_account(account_id)
    if (
        account is None
        or account.status != "activa"
        or account.session_generation != session.generation
        or (account.role in STAFF_ROLES and not session.second_factor)
    ):
        raise errors.Unauthorized()
    now = clock.now()
    if account.role in STAFF_ROLES:
        check_staff_limits(session, now)
        seen = session.last_seen_at
        if seen is None or now - seen >= STAFF_SEEN_EVERY:
            repository.touch_session(session_id, now, seen)
    if session.expires_at <= now:
        raise errors.Unauthorized()
    return Principal(
        account_id=account.account_id,
        role=account.role,
        insurer_ids=tuple(account.insurer_ids),
        session_id=session_id,
        duties=account.duties,
    )
