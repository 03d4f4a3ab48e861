"""One-time tokens persistence (part of the accounts repository, see `repository`): issuing
a token (it replaces the account's previous one of its purpose), claiming it once, and the
changes a token completes (activation, password reset, email changes), each with its emails
staged in the same transaction (outbox).
"""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Any

from chalicelib import dynamo, errors
from chalicelib.accounts.repository_records import (
    Account,
    AlreadyExists,
    OneTimeToken,
    TokenRejected,
    account_key,
    login_key,
)
from chalicelib.clock import iso
from chalicelib.notifications import service as notifications
from chalicelib.notifications.service import Email

if TYPE_CHECKING:
    from pynamodb.expressions.update import Action
    from pynamodb.transactions import TransactWrite


# --- one-time tokens --------------------------------------------------------------------------


def _token_key(token_hash: str) -> tuple[str, str]:
    return f"TOKEN#{token_hash}", "TOKEN"


def put_token(transaction: TransactWrite, token: OneTimeToken) -> None:
    """Stage a new one-time token in `transaction` (its hash must not exist yet)."""
    from chalicelib.accounts.models import TokenModel

    pk, sk = _token_key(token.token_hash)
    transaction.save(
        TokenModel(
            pk=pk,
            sk=sk,
            used=False,
            expires_at_epoch=int(token.expires_at.timestamp()) + 86400,
            **dynamo.attributes_of(token, omit=("token_hash",), expires_at=iso(token.expires_at)),
        ),
        condition=TokenModel.pk.does_not_exist(),
    )


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
        put_token(transaction, token)
        transaction.update(
            AccountModel(*account_key(token.account_id)),
            actions=actions,
            condition=AccountModel.pk.exists(),
        )
        return notifications.stage_emails(transaction, emails)

    return dynamo.transact(build, conflict=errors.NotFound())


TOKEN_PURPOSES = ("activation", "reset", "email_change", "secondary_email", "totp_reset")


def _token_attribute(purpose: str) -> Any:
    """The account attribute that holds the current token of a purpose."""
    from chalicelib.accounts.models import AccountModel

    return {
        "activation": AccountModel.activation_hash,
        "reset": AccountModel.reset_hash,
        "email_change": AccountModel.email_change_hash,
        "secondary_email": AccountModel.secondary_email_hash,
        "totp_reset": AccountModel.totp_reset_hash,
    }[purpose]


def token_purpose(token_hash: str) -> str | None:
    """What a token was issued for (None when it does not exist)."""
    from chalicelib.accounts.models import TokenModel

    item = TokenModel.find(*_token_key(token_hash))
    return None if item is None else str(item.purpose)


def current_token(token_hash: str, purpose: str, now: datetime) -> OneTimeToken | None:
    """The token if it is of this purpose, unused and unexpired (without using it up); the
    change it completes checks that it is still the account's current one."""
    from chalicelib.accounts.models import TokenModel

    item = TokenModel.find(*_token_key(token_hash), consistent_read=True)
    if item is None or item.purpose != purpose or item.used or item.expires_at <= iso(now):
        return None
    return OneTimeToken(
        token_hash=token_hash,
        purpose=purpose,
        account_id=item.account_id,
        expires_at=datetime.fromisoformat(item.expires_at),
    )


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
            *account_key(item.account_id),
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


# --- what a token completes -------------------------------------------------------------------


def complete_activation(account_id: str, now: datetime, emails: list[Email]) -> list[str]:
    from chalicelib.accounts.models import AccountModel

    def build(transaction: TransactWrite) -> list[str]:
        transaction.update(
            AccountModel(*account_key(account_id)),
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
            AccountModel(*account_key(account_id)),
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
            LoginModel(*login_key("email", account.email)),
            condition=LoginModel.account_id == account.account_id,
        )
        new_pk, new_sk = login_key("email", new_email)
        transaction.save(
            LoginModel(pk=new_pk, sk=new_sk, account_id=account.account_id),
            condition=LoginModel.pk.does_not_exist(),
        )
        transaction.update(
            AccountModel(*account_key(account.account_id)),
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


def confirm_secondary_email(account_id: str, address: str, emails: list[Email]) -> list[str]:
    """The pending secondary email becomes the confirmed one (if it is still the pending)."""
    from chalicelib.accounts.models import AccountModel

    def build(transaction: TransactWrite) -> list[str]:
        transaction.update(
            AccountModel(*account_key(account_id)),
            actions=[
                AccountModel.secondary_email.set(address),
                AccountModel.secondary_email_pending.remove(),
                AccountModel.secondary_email_hash.remove(),
            ],
            condition=AccountModel.secondary_email_pending == address,
        )
        return notifications.stage_emails(transaction, emails)

    return dynamo.transact(build, conflict=TokenRejected())
