"""Accounts persistence: the only module that touches the accounts table's models.

It returns the context's own domain objects and turns failed conditions into domain
errors. Emails that go with a change are staged in the same transaction (outbox).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING, Any

from chalicelib import dynamo, errors
from chalicelib.accounts.throttle import WINDOW
from chalicelib.clock import iso
from chalicelib.notifications import service as notifications
from chalicelib.notifications.service import Email

if TYPE_CHECKING:
    from pynamodb.expressions.update import Action
    from pynamodb.transactions import TransactWrite

    from chalicelib.accounts.models import AccountModel


class AlreadyExists(errors.Conflict):
    code = "already_exists"


class TokenRejected(errors.BadRequest):
    code = "token_invalid"
    message = "El enlace no es válido, ya se usó o venció. Solicita uno nuevo."


class Locked(Exception):
    """Every attempt of the current window is taken; the window ends at `until`."""

    def __init__(self, until: datetime) -> None:
        super().__init__(until.isoformat())
        self.until = until


@dataclass
class Account:
    account_id: str
    role: str
    status: str
    email: str
    full_name: str
    created_at: str
    secondary_email: str | None = None
    secondary_email_pending: str | None = None
    phone: str | None = None
    insurer_ids: list[str] = field(default_factory=list)
    details: dict[str, Any] = field(default_factory=dict)
    privacy: list[dict[str, str]] = field(default_factory=list)
    activation_hash: str | None = None
    reset_hash: str | None = None
    email_change_hash: str | None = None
    totp_secret: str | None = None
    totp_enrolled: bool = False
    totp_last_step: int | None = None
    activated_at: str | None = None
    session_generation: int = 0

    @property
    def addresses(self) -> list[str]:
        """Where notifications go: the email and a secondary email its owner confirmed.
        Activation and recovery links go to `email` alone."""
        return [a for a in (self.email, self.secondary_email) if a]


@dataclass(frozen=True)
class OneTimeToken:
    token_hash: str
    purpose: str
    account_id: str
    expires_at: datetime
    new_email: str | None = None


@dataclass(frozen=True)
class MfaSession:
    session_hash: str
    account_id: str
    sealed_refresh_token: str
    expires_at: datetime
    enrolling: bool


@dataclass(frozen=True)
class Session:
    """A log-in that completed every step it needs (the password; for staff, TOTP too).
    Cognito's tokens carry its id (`origin_jti`) across refreshes."""

    session_id: str
    account_id: str
    generation: int
    second_factor: bool
    refresh_hash: str
    expires_at: datetime


def _account_key(account_id: str) -> tuple[str, str]:
    return f"ACCOUNT#{account_id}", "PROFILE"


def _login_key(kind: str, value: str) -> tuple[str, str]:
    return f"LOGIN#{kind}#{value}", "LOGIN"


def _token_key(token_hash: str) -> tuple[str, str]:
    return f"TOKEN#{token_hash}", "TOKEN"


def _to_account(item: AccountModel) -> Account:
    return Account(
        account_id=item.account_id,
        role=item.role,
        status=item.status,
        email=item.email,
        full_name=item.full_name,
        created_at=item.created_at,
        secondary_email=item.secondary_email,
        secondary_email_pending=item.secondary_email_pending,
        phone=item.phone,
        insurer_ids=list(item.insurer_ids or []),
        details=dict(item.details or {}),
        privacy=list(item.privacy or []),
        activation_hash=item.activation_hash,
        reset_hash=item.reset_hash,
        email_change_hash=item.email_change_hash,
        totp_secret=item.totp_secret,
        totp_enrolled=bool(item.totp_enrolled),
        totp_last_step=int(item.totp_last_step) if item.totp_last_step is not None else None,
        activated_at=item.activated_at,
        session_generation=int(item.session_generation or 0),
    )


def _put_token(transaction: TransactWrite, token: OneTimeToken) -> None:
    from chalicelib.accounts.models import TokenModel

    pk, sk = _token_key(token.token_hash)
    transaction.save(
        TokenModel(
            pk=pk,
            sk=sk,
            purpose=token.purpose,
            account_id=token.account_id,
            expires_at=iso(token.expires_at),
            used=False,
            new_email=token.new_email,
            expires_at_epoch=int(token.expires_at.timestamp()) + 86400,
        ),
        condition=TokenModel.pk.does_not_exist(),
    )


# --- reads ------------------------------------------------------------------------------------


def get_account(account_id: str) -> Account | None:
    from chalicelib.accounts.models import AccountModel

    try:
        return _to_account(AccountModel.get(*_account_key(account_id)))
    except AccountModel.DoesNotExist:
        return None


def account_id_for(kind: str, value: str) -> str | None:
    from chalicelib.accounts.models import LoginModel

    try:
        return LoginModel.get(*_login_key(kind, value)).account_id
    except LoginModel.DoesNotExist:
        return None


# No account has this id: reading it for an unknown identifier makes both answers do the
# same work, so their timing does not tell whether an account exists.
_DECOY_ACCOUNT_ID = "00000000-0000-0000-0000-000000000000"


def find_account(kind: str, value: str) -> Account | None:
    account_id = account_id_for(kind, value)
    account = get_account(account_id or _DECOY_ACCOUNT_ID)
    return account if account_id else None


# --- writes -----------------------------------------------------------------------------------


def create_account(
    account: Account,
    unique: list[tuple[str, str]],
    token: OneTimeToken | None,
    emails: list[Email],
    secondary_token: OneTimeToken | None = None,
) -> list[str]:
    """Account, its unique identifiers, first token (and the confirmation token of a
    secondary email) and emails, all or nothing."""
    from chalicelib.accounts.models import AccountModel, LoginModel

    def build(transaction: TransactWrite) -> list[str]:
        pk, sk = _account_key(account.account_id)
        transaction.save(
            AccountModel(
                pk=pk,
                sk=sk,
                account_id=account.account_id,
                role=account.role,
                status=account.status,
                email=account.email,
                full_name=account.full_name,
                secondary_email=account.secondary_email,
                secondary_email_pending=account.secondary_email_pending,
                secondary_email_hash=secondary_token.token_hash if secondary_token else None,
                phone=account.phone,
                insurer_ids=account.insurer_ids or None,
                details=account.details or None,
                privacy=account.privacy or None,
                activation_hash=token.token_hash if token else None,
                totp_secret=account.totp_secret,
                totp_enrolled=account.totp_enrolled,
                created_at=account.created_at,
                activated_at=account.activated_at,
            ),
            condition=AccountModel.pk.does_not_exist(),
        )
        for kind, value in unique:
            login_pk, login_sk = _login_key(kind, value)
            transaction.save(
                LoginModel(pk=login_pk, sk=login_sk, account_id=account.account_id),
                condition=LoginModel.pk.does_not_exist(),
            )
        for one_time in (token, secondary_token):
            if one_time:
                _put_token(transaction, one_time)
        return notifications.stage_emails(transaction, emails)

    return dynamo.transact(build, conflict=AlreadyExists())


def stage_emails(emails: list[Email]) -> list[str]:
    """Emails that go with no change of state (they still go through the outbox)."""
    return dynamo.transact(
        lambda t: notifications.stage_emails(t, emails), conflict=errors.Conflict()
    )


def issue_token(token: OneTimeToken, emails: list[Email]) -> list[str]:
    """A new token of its purpose replaces the account's previous one, which stops working."""
    from chalicelib.accounts.models import AccountModel

    actions: list[Action] = [_token_attribute(token.purpose).set(token.token_hash)]
    if token.purpose == "secondary_email" and token.new_email:
        actions.append(AccountModel.secondary_email_pending.set(token.new_email))

    def build(transaction: TransactWrite) -> list[str]:
        _put_token(transaction, token)
        transaction.update(
            AccountModel(*_account_key(token.account_id)),
            actions=actions,
            condition=AccountModel.pk.exists(),
        )
        return notifications.stage_emails(transaction, emails)

    return dynamo.transact(build, conflict=errors.NotFound())


TOKEN_PURPOSES = ("activation", "reset", "email_change", "secondary_email")


def _token_attribute(purpose: str) -> Any:
    """The account attribute that holds the current token of a purpose."""
    from chalicelib.accounts.models import AccountModel

    return {
        "activation": AccountModel.activation_hash,
        "reset": AccountModel.reset_hash,
        "email_change": AccountModel.email_change_hash,
        "secondary_email": AccountModel.secondary_email_hash,
    }[purpose]


def token_purpose(token_hash: str) -> str | None:
    """What a token was issued for (None when it does not exist)."""
    from chalicelib.accounts.models import TokenModel

    try:
        return str(TokenModel.get(*_token_key(token_hash)).purpose)
    except TokenModel.DoesNotExist:
        return None


def claim_token(token_hash: str, purpose: str, now: datetime) -> OneTimeToken:
    """Mark a token used, once, if it is of this purpose, unexpired and still the account's
    current one. Anything else: TokenRejected, and nothing changes."""
    from chalicelib.accounts.models import AccountModel, TokenModel

    try:
        item = TokenModel.get(*_token_key(token_hash))
    except TokenModel.DoesNotExist:
        raise TokenRejected() from None
    current = _token_attribute(purpose) if purpose in TOKEN_PURPOSES else None
    if current is None or item.purpose != purpose or item.used or item.expires_at <= iso(now):
        raise TokenRejected()

    def build(transaction: TransactWrite) -> None:
        transaction.update(
            TokenModel(*_token_key(token_hash)),
            actions=[TokenModel.used.set(True)],
            condition=(TokenModel.used == False)  # noqa: E712 - a DynamoDB condition
            & (TokenModel.expires_at > iso(now)),
        )
        transaction.condition_check(
            AccountModel,
            *_account_key(item.account_id),
            condition=current == token_hash,
        )

    dynamo.transact(build, conflict=TokenRejected())
    return OneTimeToken(
        token_hash=token_hash,
        purpose=purpose,
        account_id=item.account_id,
        expires_at=datetime.fromisoformat(item.expires_at),
        new_email=item.new_email,
    )


def release_token(token_hash: str) -> None:
    """Give a claimed token back (the change it was for failed before completing)."""
    from chalicelib.accounts.models import TokenModel

    TokenModel(*_token_key(token_hash)).update(actions=[TokenModel.used.set(False)])


def complete_activation(account_id: str, now: datetime, emails: list[Email]) -> list[str]:
    from chalicelib.accounts.models import AccountModel

    def build(transaction: TransactWrite) -> list[str]:
        transaction.update(
            AccountModel(*_account_key(account_id)),
            actions=[
                AccountModel.status.set("activa"),
                AccountModel.activated_at.set(iso(now)),
                AccountModel.activation_hash.remove(),
            ],
            condition=AccountModel.pk.exists(),
        )
        return notifications.stage_emails(transaction, emails)

    return dynamo.transact(build, conflict=errors.NotFound())


def clear_reset(account_id: str, emails: list[Email]) -> list[str]:
    from chalicelib.accounts.models import AccountModel

    def build(transaction: TransactWrite) -> list[str]:
        transaction.update(
            AccountModel(*_account_key(account_id)),
            actions=[AccountModel.reset_hash.remove()],
            condition=AccountModel.pk.exists(),
        )
        return notifications.stage_emails(transaction, emails)

    return dynamo.transact(build, conflict=errors.NotFound())


def change_email(account: Account, new_email: str, emails: list[Email]) -> list[str]:
    """Move the account's email login to `new_email`, unless another account has it."""
    from chalicelib.accounts.models import AccountModel, LoginModel

    def build(transaction: TransactWrite) -> list[str]:
        transaction.delete(
            LoginModel(*_login_key("email", account.email)),
            condition=LoginModel.account_id == account.account_id,
        )
        new_pk, new_sk = _login_key("email", new_email)
        transaction.save(
            LoginModel(pk=new_pk, sk=new_sk, account_id=account.account_id),
            condition=LoginModel.pk.does_not_exist(),
        )
        transaction.update(
            AccountModel(*_account_key(account.account_id)),
            actions=[
                AccountModel.email.set(new_email),
                AccountModel.email_change_hash.remove(),
            ],
            condition=AccountModel.email == account.email,
        )
        return notifications.stage_emails(transaction, emails)

    return dynamo.transact(
        build,
        conflict=AlreadyExists(
            "Ese correo ya está registrado en otra cuenta.", code="email_in_use"
        ),
    )


def update_contact(
    account_id: str,
    *,
    phone: str | None,
    change_phone: bool,
    drop_secondary: bool,
    emails: list[Email],
) -> list[str]:
    """Change the phone (None removes it) and/or remove the secondary email (confirmed or
    pending), with the notices, all or nothing."""
    from chalicelib.accounts.models import AccountModel

    actions: list[Action] = []
    if change_phone:
        actions.append(AccountModel.phone.set(phone) if phone else AccountModel.phone.remove())
    if drop_secondary:
        actions += [
            AccountModel.secondary_email.remove(),
            AccountModel.secondary_email_pending.remove(),
            AccountModel.secondary_email_hash.remove(),
        ]

    def build(transaction: TransactWrite) -> list[str]:
        if actions:
            transaction.update(
                AccountModel(*_account_key(account_id)),
                actions=actions,
                condition=AccountModel.pk.exists(),
            )
        return notifications.stage_emails(transaction, emails)

    return dynamo.transact(build, conflict=errors.NotFound())


def confirm_secondary_email(account_id: str, address: str, emails: list[Email]) -> list[str]:
    """The pending secondary email becomes the confirmed one (if it is still the pending)."""
    from chalicelib.accounts.models import AccountModel

    def build(transaction: TransactWrite) -> list[str]:
        transaction.update(
            AccountModel(*_account_key(account_id)),
            actions=[
                AccountModel.secondary_email.set(address),
                AccountModel.secondary_email_pending.remove(),
                AccountModel.secondary_email_hash.remove(),
            ],
            condition=AccountModel.secondary_email_pending == address,
        )
        return notifications.stage_emails(transaction, emails)

    return dynamo.transact(build, conflict=TokenRejected())


# --- attempt throttling ------------------------------------------------------------------------


def _throttle_key(key: str) -> tuple[str, str]:
    return f"THROTTLE#{key}", "LOGIN"


def reserve_attempt(key: str, now: datetime, limit: int) -> int:
    """Take one attempt of the current window, atomically, before the attempt is evaluated:
    the number taken so far (1…limit), or `Locked` when all of them are. However many
    requests race, no more than `limit` are ever evaluated within a window."""
    from chalicelib.accounts.models import ThrottleModel

    pk, sk = _throttle_key(key)
    cutoff = iso(now - WINDOW)
    for _ in range(2):
        item = ThrottleModel(pk, sk)
        try:
            item.update(
                actions=[ThrottleModel.failures.add(1)],
                condition=(ThrottleModel.window_started > cutoff)
                & (ThrottleModel.failures < limit),
            )
            return int(item.failures)
        except Exception as exc:
            if not dynamo.is_condition_failure(exc):
                raise
        try:  # no window, or an ended one: start a new window with this attempt
            ThrottleModel(
                pk,
                sk,
                failures=1,
                window_started=iso(now),
                expires_at_epoch=int((now + WINDOW).timestamp()) + 3600,
            ).save(
                condition=ThrottleModel.pk.does_not_exist()
                | (ThrottleModel.window_started <= cutoff)
            )
            return 1
        except Exception as exc:
            if not dynamo.is_condition_failure(exc):
                raise
    try:
        started = datetime.fromisoformat(ThrottleModel.get(pk, sk).window_started)
    except ThrottleModel.DoesNotExist:
        started = now
    raise Locked(started + WINDOW)


def clear_attempts(key: str) -> None:
    from chalicelib.accounts.models import ThrottleModel

    ThrottleModel(*_throttle_key(key)).delete()


# --- sessions -----------------------------------------------------------------------------------


def _session_key(session_id: str) -> tuple[str, str]:
    return f"SESSION#{session_id}", "SESSION"


def _refresh_key(refresh_hash: str) -> tuple[str, str]:
    return f"REFRESH#{refresh_hash}", "SESSION"


def open_session(session: Session) -> None:
    """Record a completed log-in (and which refresh token belongs to it)."""
    from chalicelib.accounts.models import RefreshModel, SessionModel

    epoch = int(session.expires_at.timestamp())

    def build(transaction: TransactWrite) -> None:
        pk, sk = _session_key(session.session_id)
        transaction.save(
            SessionModel(
                pk=pk,
                sk=sk,
                account_id=session.account_id,
                generation=session.generation,
                second_factor=session.second_factor,
                refresh_hash=session.refresh_hash,
                expires_at=iso(session.expires_at),
                expires_at_epoch=epoch,
            ),
            condition=SessionModel.pk.does_not_exist(),
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

    try:
        item = SessionModel.get(*_session_key(session_id), consistent_read=True)
    except SessionModel.DoesNotExist:
        return None
    return Session(
        session_id=session_id,
        account_id=item.account_id,
        generation=int(item.generation),
        second_factor=bool(item.second_factor),
        refresh_hash=item.refresh_hash,
        expires_at=datetime.fromisoformat(item.expires_at),
    )


def session_of_refresh(refresh_hash: str) -> Session | None:
    """The session a refresh token was issued with (None once it ended)."""
    from chalicelib.accounts.models import RefreshModel

    try:
        item = RefreshModel.get(*_refresh_key(refresh_hash), consistent_read=True)
    except RefreshModel.DoesNotExist:
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

    AccountModel(*_account_key(account_id)).update(
        actions=[AccountModel.session_generation.add(1)], condition=AccountModel.pk.exists()
    )


# --- TOTP -------------------------------------------------------------------------------------


def create_mfa_session(session: MfaSession) -> None:
    from chalicelib.accounts.models import MfaSessionModel

    MfaSessionModel(
        pk=f"MFA#{session.session_hash}",
        sk="MFA",
        account_id=session.account_id,
        sealed_refresh_token=session.sealed_refresh_token,
        expires_at=iso(session.expires_at),
        enrolling=session.enrolling,
        expires_at_epoch=int(session.expires_at.timestamp()) + 3600,
    ).save(condition=MfaSessionModel.pk.does_not_exist())


def get_mfa_session(session_hash: str) -> MfaSession | None:
    from chalicelib.accounts.models import MfaSessionModel

    try:
        item = MfaSessionModel.get(f"MFA#{session_hash}", "MFA")
    except MfaSessionModel.DoesNotExist:
        return None
    return MfaSession(
        session_hash=session_hash,
        account_id=item.account_id,
        sealed_refresh_token=item.sealed_refresh_token,
        expires_at=datetime.fromisoformat(item.expires_at),
        enrolling=bool(item.enrolling),
    )


def consume_mfa_session(session_hash: str) -> bool:
    """Delete the pending log-in, once. False when another request already used it."""
    from chalicelib.accounts.models import MfaSessionModel

    try:
        MfaSessionModel(f"MFA#{session_hash}", "MFA").delete(condition=MfaSessionModel.pk.exists())
    except Exception as exc:
        if dynamo.is_condition_failure(exc):
            return False
        raise
    return True


def accept_totp_step(account_id: str, step: int, enroll: bool) -> bool:
    """Record the time step of an accepted code, so the same code cannot be used twice."""
    from chalicelib.accounts.models import AccountModel

    actions: list[Action] = [AccountModel.totp_last_step.set(step)]
    if enroll:
        actions.append(AccountModel.totp_enrolled.set(True))
    try:
        AccountModel(*_account_key(account_id)).update(
            actions=actions,
            condition=AccountModel.totp_last_step.does_not_exist()
            | (AccountModel.totp_last_step < step),
        )
    except Exception as exc:
        if dynamo.is_condition_failure(exc):
            return False
        raise
    return True


def set_totp_secret(account_id: str, sealed_secret: str) -> None:
    from chalicelib.accounts.models import AccountModel

    AccountModel(*_account_key(account_id)).update(
        actions=[AccountModel.totp_secret.set(sealed_secret), AccountModel.totp_enrolled.set(False)]
    )


# --- privacy rights (ARCO) ------------------------------------------------------------------


def login_identifiers(account: Account) -> list[tuple[str, str]]:
    """The unique identifiers that point at the account (as registration writes them)."""
    details = account.details
    found = [("email", account.email)]
    for kind in ("nss", "rut", "rfc"):
        if details.get(kind):
            found.append((kind, str(details[kind])))
    if details.get("policy_number") and details.get("insurer_id"):
        found.append(("policy", f"{details['insurer_id']}#{details['policy_number']}"))
    return found


def erase_account(account: Account, erased_at: str) -> None:
    """Anonymise the profile and free its identifiers, all or nothing (repeatable)."""
    from chalicelib.accounts.models import AccountModel, LoginModel

    def build(transaction: TransactWrite) -> None:
        transaction.update(
            AccountModel(*_account_key(account.account_id)),
            actions=[
                AccountModel.status.set("eliminada"),
                AccountModel.email.set(f"eliminada+{account.account_id}@invalid"),
                AccountModel.full_name.set("Cuenta eliminada"),
                AccountModel.secondary_email.remove(),
                AccountModel.secondary_email_pending.remove(),
                AccountModel.secondary_email_hash.remove(),
                AccountModel.phone.remove(),
                AccountModel.details.set({"erased_at": erased_at}),
                AccountModel.privacy.remove(),
                AccountModel.activation_hash.remove(),
                AccountModel.reset_hash.remove(),
                AccountModel.email_change_hash.remove(),
                AccountModel.totp_secret.remove(),
            ],
            condition=AccountModel.pk.exists(),
        )
        for kind, value in login_identifiers(account):
            transaction.delete(LoginModel(*_login_key(kind, value)))

    dynamo.transact(build, conflict=errors.Conflict())
