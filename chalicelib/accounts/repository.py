"""Accounts persistence: the only module that touches the accounts table's models.

It returns the context's own domain objects and turns failed conditions into domain
errors. Emails that go with a change are staged in the same transaction (outbox).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING, Any

from chalicelib import dynamo, errors
from chalicelib.accounts.throttle import WINDOW, Attempts
from chalicelib.clock import iso
from chalicelib.notifications import service as notifications

if TYPE_CHECKING:
    from pynamodb.expressions.update import Action
    from pynamodb.transactions import TransactWrite

    from chalicelib.accounts.models import AccountModel


class AlreadyExists(errors.Conflict):
    code = "already_exists"


class TokenRejected(errors.BadRequest):
    code = "token_invalid"
    message = "El enlace no es válido, ya se usó o venció. Solicita uno nuevo."


@dataclass
class Account:
    account_id: str
    role: str
    status: str
    email: str
    full_name: str
    created_at: str
    secondary_email: str | None = None
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

    @property
    def addresses(self) -> list[str]:
        return [a for a in (self.email, self.secondary_email) if a]


@dataclass(frozen=True)
class OneTimeToken:
    token_hash: str
    purpose: str
    account_id: str
    expires_at: datetime
    new_email: str | None = None


@dataclass(frozen=True)
class Email:
    """An email to stage in the outbox with a change."""

    recipients: list[str]
    template: str
    values: dict[str, str]


@dataclass(frozen=True)
class MfaSession:
    session_hash: str
    account_id: str
    sealed_refresh_token: str
    expires_at: datetime
    attempts: int
    enrolling: bool


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
    )


def _stage(transaction: TransactWrite, emails: list[Email]) -> list[str]:
    return [
        notifications.stage_email(transaction, e.recipients, e.template, e.values) for e in emails
    ]


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


def find_account(kind: str, value: str) -> Account | None:
    account_id = account_id_for(kind, value)
    return get_account(account_id) if account_id else None


# --- writes -----------------------------------------------------------------------------------


def create_account(
    account: Account,
    unique: list[tuple[str, str]],
    token: OneTimeToken | None,
    emails: list[Email],
) -> list[str]:
    """Account, its unique identifiers, first token and emails, all or nothing."""
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
        if token:
            _put_token(transaction, token)
        return _stage(transaction, emails)

    return dynamo.transact(build, conflict=AlreadyExists())


def stage_emails(emails: list[Email]) -> list[str]:
    """Emails that go with no change of state (they still go through the outbox)."""
    return dynamo.transact(lambda t: _stage(t, emails), conflict=errors.Conflict())


def issue_token(token: OneTimeToken, emails: list[Email]) -> list[str]:
    """A new token of its purpose replaces the account's previous one, which stops working."""
    from chalicelib.accounts.models import AccountModel

    attribute = {
        "activation": AccountModel.activation_hash,
        "reset": AccountModel.reset_hash,
        "email_change": AccountModel.email_change_hash,
    }[token.purpose]

    def build(transaction: TransactWrite) -> list[str]:
        _put_token(transaction, token)
        transaction.update(
            AccountModel(*_account_key(token.account_id)),
            actions=[attribute.set(token.token_hash)],
            condition=AccountModel.pk.exists(),
        )
        return _stage(transaction, emails)

    return dynamo.transact(build, conflict=errors.NotFound())


def claim_token(token_hash: str, purpose: str, now: datetime) -> OneTimeToken:
    """Mark a token used, once, if it is of this purpose, unexpired and still the account's
    current one. Anything else: TokenRejected, and nothing changes."""
    from chalicelib.accounts.models import AccountModel, TokenModel

    try:
        item = TokenModel.get(*_token_key(token_hash))
    except TokenModel.DoesNotExist:
        raise TokenRejected() from None
    current = {
        "activation": AccountModel.activation_hash,
        "reset": AccountModel.reset_hash,
        "email_change": AccountModel.email_change_hash,
    }.get(purpose)
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
        return _stage(transaction, emails)

    return dynamo.transact(build, conflict=errors.NotFound())


def clear_reset(account_id: str, emails: list[Email]) -> list[str]:
    from chalicelib.accounts.models import AccountModel

    def build(transaction: TransactWrite) -> list[str]:
        transaction.update(
            AccountModel(*_account_key(account_id)),
            actions=[AccountModel.reset_hash.remove()],
            condition=AccountModel.pk.exists(),
        )
        return _stage(transaction, emails)

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
        return _stage(transaction, emails)

    return dynamo.transact(
        build,
        conflict=AlreadyExists(
            "Ese correo ya está registrado en otra cuenta.", code="email_in_use"
        ),
    )


def update_profile(account_id: str, changes: dict[str, str | None]) -> None:
    from chalicelib.accounts.models import AccountModel

    actions: list[Action] = []
    for name, value in changes.items():
        attribute = getattr(AccountModel, name)
        actions.append(attribute.set(value) if value else attribute.remove())
    if actions:
        AccountModel(*_account_key(account_id)).update(
            actions=actions, condition=AccountModel.pk.exists()
        )


def stage_security_notice(emails: list[Email]) -> list[str]:
    return stage_emails(emails)


# --- log-in throttling ------------------------------------------------------------------------


def _throttle_key(identifier_key: str) -> tuple[str, str]:
    return f"THROTTLE#{identifier_key}", "LOGIN"


def get_attempts(identifier_key: str) -> Attempts | None:
    from chalicelib.accounts.models import ThrottleModel

    try:
        item = ThrottleModel.get(*_throttle_key(identifier_key))
    except ThrottleModel.DoesNotExist:
        return None
    return Attempts(
        failures=int(item.failures), window_started=datetime.fromisoformat(item.window_started)
    )


def save_attempts(identifier_key: str, attempts: Attempts) -> None:
    from chalicelib.accounts.models import ThrottleModel

    pk, sk = _throttle_key(identifier_key)
    ThrottleModel(
        pk=pk,
        sk=sk,
        failures=attempts.failures,
        window_started=iso(attempts.window_started),
        expires_at_epoch=int((attempts.window_started + WINDOW).timestamp()) + 3600,
    ).save()


def add_failure(identifier_key: str, now: datetime) -> None:
    """Count a failure atomically within the current window (or start a new window)."""
    from chalicelib.accounts.models import ThrottleModel

    current = get_attempts(identifier_key)
    if current is None or now - current.window_started >= WINDOW:
        save_attempts(identifier_key, Attempts(failures=1, window_started=now))
        return
    ThrottleModel(*_throttle_key(identifier_key)).update(actions=[ThrottleModel.failures.add(1)])


def clear_attempts(identifier_key: str) -> None:
    from chalicelib.accounts.models import ThrottleModel

    ThrottleModel(*_throttle_key(identifier_key)).delete()


# --- refresh tokens and TOTP ------------------------------------------------------------------


def revoke_refresh(token_hash: str, until: datetime) -> None:
    from chalicelib.accounts.models import RevokedTokenModel

    RevokedTokenModel(
        pk=f"REVOKED#{token_hash}", sk="REFRESH", expires_at_epoch=int(until.timestamp())
    ).save()


def is_revoked(token_hash: str) -> bool:
    from chalicelib.accounts.models import RevokedTokenModel

    try:
        RevokedTokenModel.get(f"REVOKED#{token_hash}", "REFRESH")
    except RevokedTokenModel.DoesNotExist:
        return False
    return True


def create_mfa_session(session: MfaSession) -> None:
    from chalicelib.accounts.models import MfaSessionModel

    MfaSessionModel(
        pk=f"MFA#{session.session_hash}",
        sk="MFA",
        account_id=session.account_id,
        sealed_refresh_token=session.sealed_refresh_token,
        expires_at=iso(session.expires_at),
        attempts=session.attempts,
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
        attempts=int(item.attempts),
        enrolling=bool(item.enrolling),
    )


def count_mfa_failure(session_hash: str) -> None:
    from chalicelib.accounts.models import MfaSessionModel

    MfaSessionModel(f"MFA#{session_hash}", "MFA").update(actions=[MfaSessionModel.attempts.add(1)])


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
