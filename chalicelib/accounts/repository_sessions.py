"""Log-in state persistence (part of the accounts repository, see `repository`): completed
sessions and the refresh tokens that belong to them, ending them, and the second factor
(pending TOTP log-ins, accepted time steps, the sealed secret).
"""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from chalicelib import dynamo, errors
from chalicelib.accounts.repository_records import MfaSession, Session, account_key
from chalicelib.clock import iso

if TYPE_CHECKING:
    from pynamodb.expressions.update import Action
    from pynamodb.transactions import TransactWrite


# --- sessions -----------------------------------------------------------------------------------


def _session_key(session_id: str) -> tuple[str, str]:
    return f"SESSION#{session_id}", "SESSION"


def _refresh_key(refresh_hash: str) -> tuple[str, str]:
    return f"REFRESH#{refresh_hash}", "SESSION"


def open_session(session: Session) -> None:
    """Record a completed log-in (and which refresh token belongs to it) and when the
    account last logged in."""
    from chalicelib.accounts.models import AccountModel, RefreshModel, SessionModel

    epoch = int(session.expires_at.timestamp())
    opened = iso(session.opened_at) if session.opened_at else None

    def build(transaction: TransactWrite) -> None:
        pk, sk = _session_key(session.session_id)
        transaction.save(
            SessionModel(
                pk=pk,
                sk=sk,
                expires_at_epoch=epoch,
                **dynamo.attributes_of(
                    session,
                    omit=("session_id",),
                    expires_at=iso(session.expires_at),
                    opened_at=opened,
                    last_seen_at=opened,
                ),
            ),
            condition=SessionModel.pk.does_not_exist(),
        )
        if opened:
            transaction.update(
                AccountModel(*account_key(session.account_id)),
                actions=[AccountModel.last_login_at.set(opened)],
                condition=AccountModel.pk.exists(),
            )
        refresh_pk, refresh_sk = _refresh_key(session.refresh_hash)
        transaction.save(
            RefreshModel(
                pk=refresh_pk,
                sk=refresh_sk,
                account_id=session.account_id,
                origin_jti=session.session_id,
                expires_at_epoch=epoch,
            )
        )

    dynamo.transact(build, conflict=errors.Conflict())


def get_session(session_id: str) -> Session | None:
    from chalicelib.accounts.models import SessionModel

    item = SessionModel.find(*_session_key(session_id), consistent_read=True)
    if item is None:
        return None
    return Session(
        session_id=session_id,
        account_id=item.account_id,
        generation=int(item.generation),
        second_factor=bool(item.second_factor),
        refresh_hash=item.refresh_hash,
        expires_at=datetime.fromisoformat(item.expires_at),
        opened_at=datetime.fromisoformat(item.opened_at) if item.opened_at else None,
        last_seen_at=datetime.fromisoformat(item.last_seen_at) if item.last_seen_at else None,
    )


def touch_session(session_id: str, seen_at: datetime, previous: datetime | None) -> bool:
    """Record the session's latest request, unless another request already moved it on
    since `previous` was read (a conditional update, so concurrent requests write once)."""
    from chalicelib.accounts.models import SessionModel

    seen = SessionModel.last_seen_at
    return dynamo.try_write(
        SessionModel(*_session_key(session_id)).update,
        actions=[seen.set(iso(seen_at))],
        condition=SessionModel.pk.exists()
        & (seen == iso(previous) if previous else seen.does_not_exist()),
    )


def session_of_refresh(refresh_hash: str) -> Session | None:
    """The session a refresh token was issued with (None once it ended)."""
    from chalicelib.accounts.models import RefreshModel

    item = RefreshModel.find(*_refresh_key(refresh_hash), consistent_read=True)
    if item is None:
        return None
    session = get_session(item.origin_jti)
    if session is None or session.refresh_hash != refresh_hash:
        return None
    return session


def end_session(session: Session) -> None:
    from chalicelib.accounts.models import RefreshModel, SessionModel

    def build(transaction: TransactWrite) -> None:
        transaction.delete(SessionModel(*_session_key(session.session_id)))
        transaction.delete(RefreshModel(*_refresh_key(session.refresh_hash)))

    dynamo.transact(build, conflict=errors.Conflict())


def end_every_session(account_id: str) -> None:
    """Move the account's session generation on: every session opened before ends."""
    from chalicelib.accounts.models import AccountModel

    AccountModel(*account_key(account_id)).update(
        actions=[AccountModel.session_generation.add(1)], condition=AccountModel.pk.exists()
    )


# --- TOTP -------------------------------------------------------------------------------------


def create_mfa_session(session: MfaSession) -> None:
    from chalicelib.accounts.models import MfaSessionModel

    MfaSessionModel(
        pk=f"MFA#{session.session_hash}",
        sk="MFA",
        expires_at_epoch=int(session.expires_at.timestamp()) + 3600,
        **dynamo.attributes_of(session, omit=("session_hash",), expires_at=iso(session.expires_at)),
    ).save(condition=MfaSessionModel.pk.does_not_exist())


def get_mfa_session(session_hash: str) -> MfaSession | None:
    from chalicelib.accounts.models import MfaSessionModel

    item = MfaSessionModel.find(f"MFA#{session_hash}", "MFA")
    if item is None:
        return None
    return MfaSession(
        session_hash=session_hash,
        account_id=item.account_id,
        sealed_refresh_token=item.sealed_refresh_token,
        expires_at=datetime.fromisoformat(item.expires_at),
        enrolling=bool(item.enrolling),
        reset_token_hash=item.reset_token_hash,
    )


def consume_mfa_session(session_hash: str) -> bool:
    """Delete the pending log-in, once. False when another request already used it."""
    from chalicelib.accounts.models import MfaSessionModel

    return dynamo.try_write(
        MfaSessionModel(f"MFA#{session_hash}", "MFA").delete, condition=MfaSessionModel.pk.exists()
    )


def accept_totp_step(account_id: str, step: int, enroll: bool) -> bool:
    """Record the time step of an accepted code, so the same code cannot be used twice."""
    from chalicelib.accounts.models import AccountModel

    actions: list[Action] = [AccountModel.totp_last_step.set(step)]
    if enroll:
        actions.append(AccountModel.totp_enrolled.set(True))
    return dynamo.try_write(
        AccountModel(*account_key(account_id)).update,
        actions=actions,
        condition=AccountModel.totp_last_step.does_not_exist()
        | (AccountModel.totp_last_step < step),
    )


def accept_reenrolment(account_id: str, step: int, reset_token_hash: str) -> bool:
    """Enrol the new authenticator of a TOTP reset: the code's time step, once, and only while
    the emailed link that started it is still the account's current one."""
    from chalicelib.accounts.models import AccountModel

    return dynamo.try_write(
        AccountModel(*account_key(account_id)).update,
        actions=[
            AccountModel.totp_last_step.set(step),
            AccountModel.totp_enrolled.set(True),
            AccountModel.totp_reenrol.remove(),
            AccountModel.totp_reset_hash.remove(),
        ],
        condition=(AccountModel.totp_reset_hash == reset_token_hash)
        & (AccountModel.totp_last_step.does_not_exist() | (AccountModel.totp_last_step < step)),
    )


def set_totp_secret(account_id: str, sealed_secret: str) -> None:
    from chalicelib.accounts.models import AccountModel

    AccountModel(*account_key(account_id)).update(
        actions=[AccountModel.totp_secret.set(sealed_secret), AccountModel.totp_enrolled.set(False)]
    )
