"""An insurer's staff persistence (part of the accounts repository, see `repository`): the
operators of an insurer through their staff-list items, a change of an operator's duties or
status guarded by the versions an administrator's check read, and the reset of a TOTP.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from chalicelib import dynamo, errors
from chalicelib.accounts.repository_accounts import _to_account
from chalicelib.accounts.repository_records import Account, OneTimeToken, account_key
from chalicelib.accounts.repository_tokens import put_token
from chalicelib.notifications import service as notifications
from chalicelib.notifications.service import Email

if TYPE_CHECKING:
    from pynamodb.expressions.condition import Condition
    from pynamodb.expressions.update import Action
    from pynamodb.transactions import TransactWrite


class StaffChanged(errors.Conflict):
    code = "staff_changed"
    message = (
        "Otra persona cambió a este operador al mismo tiempo. Vuelve a cargar la lista e "
        "inténtalo de nuevo."
    )


def _accounts(account_ids: list[str]) -> list[Account]:
    """The accounts of `account_ids`, in that order (one BatchGet per 100)."""
    from chalicelib.accounts.models import AccountModel

    found: dict[str, Account] = {}
    for start in range(0, len(account_ids), 100):
        keys = [account_key(a) for a in account_ids[start : start + 100]]
        for item in AccountModel.batch_get(keys):
            account = _to_account(item)
            found[account.account_id] = account
    return [found[a] for a in account_ids if a in found]


def staff_page(
    insurer_id: str, *, limit: int, cursor: dict[str, Any] | None
) -> tuple[list[Account], dict[str, Any] | None]:
    """One page of the insurer's operators, newest first (a Query on its staff list)."""
    from chalicelib.accounts.models import StaffModel

    ids, last_key = dynamo.newest_first(
        StaffModel, f"STAFF#{insurer_id}", lambda item: item.account_id, limit=limit, cursor=cursor
    )
    return _accounts(ids), last_key


def every_operator(insurer_id: str) -> list[Account]:
    """All of the insurer's operators (its administrators' checks count them)."""
    from chalicelib.accounts.models import StaffModel

    ids = [item.account_id for item in StaffModel.query(f"STAFF#{insurer_id}")]
    return _accounts(ids)


def _unchanged(account: Account) -> Condition:
    """The account's duties and status are still those read at `staff_version`."""
    from chalicelib.accounts.models import AccountModel

    version = AccountModel.staff_version
    if account.staff_version:
        same: Condition = version == account.staff_version
        return same
    never: Condition = version.does_not_exist() | (version == 0)
    return never


def change_staff(
    account: Account,
    *,
    duties: list[str] | None = None,
    status: str | None = None,
    witness: Account | None = None,
) -> None:
    """Change an operator's duties and/or status, if nobody changed them since it was read;
    `witness` (another active administrator the check counted) must be unchanged too."""
    from chalicelib.accounts.models import AccountModel

    actions: list[Action] = [AccountModel.staff_version.add(1)]
    if duties is not None:
        actions.append(AccountModel.details.set({**account.details, "duties": duties}))
    if status is not None:
        actions.append(AccountModel.status.set(status))
        if status == "deshabilitada":
            # A pending invitation's link stops working while the account is disabled.
            actions.append(AccountModel.activation_hash.remove())

    def build(transaction: TransactWrite) -> None:
        transaction.update(
            AccountModel(*account_key(account.account_id)),
            actions=actions,
            condition=_unchanged(account) & (AccountModel.status == account.status),
        )
        if witness is not None:
            transaction.condition_check(
                AccountModel,
                *account_key(witness.account_id),
                condition=_unchanged(witness) & (AccountModel.status == "activa"),
            )

    dynamo.transact(build, conflict=StaffChanged())


def reset_totp(account_id: str, token: OneTimeToken, emails: list[Email]) -> list[str]:
    """Drop the operator's TOTP secret; only the emailed link (`token`) enrols a new one."""
    from chalicelib.accounts.models import AccountModel

    def build(transaction: TransactWrite) -> list[str]:
        put_token(transaction, token)
        transaction.update(
            AccountModel(*account_key(account_id)),
            actions=[
                AccountModel.totp_secret.remove(),
                AccountModel.totp_enrolled.set(False),
                AccountModel.totp_reenrol.set(True),
                AccountModel.totp_reset_hash.set(token.token_hash),
            ],
            condition=AccountModel.pk.exists(),
        )
        return notifications.stage_emails(transaction, emails)

    return dynamo.transact(build, conflict=errors.NotFound())
