"""Administration commands, for a deployed stack or the local one.

    python -m chalicelib.accounts.admin create-operator --email E --name N --insurers sec,adn \
        [--duties dictamen,finanzas]
    python -m chalicelib.accounts.admin create-platform-admin --email E --name N

The operator (or platform administrator) receives an activation email, sets a password and
enrols TOTP at the first log-in. `create-platform-admin` also prints the activation link: a
new AWS account's SES starts in its sandbox and delivers only to verified addresses. The
command finds the user pool, its client and the data key by the stack's resource prefix
(`RESOURCE_PREFIX`, `AWS_REGION`, and `AWS_ENDPOINT_URL` for the local stack) unless
`USER_POOL_ID`, `USER_POOL_CLIENT_ID` and `DATA_KEY_ID` are set.
"""

from __future__ import annotations

import argparse
import os
import sys

from chalicelib import errors


def discover_stack_ids() -> None:
    """Fill in the ids the app reads from its function configuration."""
    from chalicelib import aws
    from chalicelib.config import get_settings

    settings = get_settings()
    if not os.environ.get("USER_POOL_ID"):
        pools = aws.cognito().list_user_pools(MaxResults=60)["UserPools"]
        matches = [p["Id"] for p in pools if p["Name"] == f"{settings.resource_prefix}users"]
        if len(matches) != 1:
            raise SystemExit(f"No user pool named {settings.resource_prefix}users was found.")
        os.environ["USER_POOL_ID"] = matches[0]
    if not os.environ.get("USER_POOL_CLIENT_ID"):
        clients = aws.cognito().list_user_pool_clients(
            UserPoolId=os.environ["USER_POOL_ID"], MaxResults=60
        )["UserPoolClients"]
        os.environ["USER_POOL_CLIENT_ID"] = clients[0]["ClientId"]
    if not os.environ.get("DATA_KEY_ID"):
        key = aws.kms().describe_key(KeyId=f"alias/{settings.resource_prefix}data")
        os.environ["DATA_KEY_ID"] = key["KeyMetadata"]["KeyId"]
    get_settings.cache_clear()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m chalicelib.accounts.admin")
    commands = parser.add_subparsers(dest="command", required=True)
    create = commands.add_parser("create-operator", help="create an operator account")
    create.add_argument("--email", required=True)
    create.add_argument("--name", required=True)
    create.add_argument("--insurers", required=True, help="comma-separated insurer ids")
    create.add_argument(
        "--duties",
        help="comma-separated duties (dictamen, finanzas, servicios, administracion); "
        "every one when left out",
    )
    platform = commands.add_parser(
        "create-platform-admin", help="create a platform administrator (runs the insurers)"
    )
    platform.add_argument("--email", required=True)
    platform.add_argument("--name", required=True)
    args = parser.parse_args(argv)

    discover_stack_ids()
    from chalicelib import wiring
    from chalicelib.accounts import service as accounts

    wiring.wire()

    if args.command == "create-platform-admin":
        return _create_platform_admin(args.email, args.name)
    insurers = [i.strip() for i in args.insurers.split(",") if i.strip()]
    duties = None if args.duties is None else [d.strip() for d in args.duties.split(",")]
    try:
        account_id = accounts.create_operator(args.email, args.name, insurers, duties)
    except errors.DomainError as exc:
        print(f"Error: {exc.error_message}", file=sys.stderr)
        return 1
    print(f"Operator {account_id} created; the activation link was emailed to {args.email}.")
    return 0


def _create_platform_admin(email: str, name: str) -> int:
    from chalicelib.accounts import service as accounts

    try:
        invitation = accounts.create_platform_admin(email, name)
    except errors.DomainError as exc:
        print(f"Error: {exc.error_message}", file=sys.stderr)
        return 1
    print(
        f"Platform administrator {invitation.account_id} created; the activation link was "
        f"emailed to {email} and is valid for 24 hours:\n{invitation.activation_link}"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
