"""`python -m chalicelib.documents validate FILE --kind KIND …` and `check-name NAME`.

The same code path the validating Lambda runs (`validate_bytes`), minus the checks that need
stored state. Prints JSON; exit 0 accepted/valid, 1 rejected/invalid, 2 usage error.
"""

from __future__ import annotations

import argparse
import json
import sys
from datetime import date
from pathlib import Path

from chalicelib.documents.names import OwnerKind, check_name
from chalicelib.documents.validation import KINDS, ValidationContext, validate_bytes


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # type: ignore[override]
        self.print_usage(sys.stderr)
        print(f"error: {message}", file=sys.stderr)
        raise SystemExit(2)


def _date(value: str) -> date:
    try:
        return date.fromisoformat(value)
    except ValueError as error:
        raise argparse.ArgumentTypeError("use YYYY-MM-DD") from error


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="python -m chalicelib.documents", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True, parser_class=_Parser)
    validate = commands.add_parser("validate", help="validate a file and print its verdict")
    validate.add_argument("file", type=Path)
    validate.add_argument("--kind", required=True, choices=KINDS)
    validate.add_argument("--clabe")
    validate.add_argument("--holder")
    validate.add_argument("--issuer-rfc")
    validate.add_argument("--receiver-rfc")
    validate.add_argument("--invoice-uuid")
    validate.add_argument("--today", type=_date, help="YYYY-MM-DD (default: today)")
    validate.add_argument(
        "--trusted-ca",
        type=Path,
        action="append",
        default=[],
        metavar="PEM",
        help="a PEM file of certificate authorities to trust besides SAT's (repeatable)",
    )
    name = commands.add_parser("check-name", help="judge a file name")
    name.add_argument("name")
    name.add_argument(
        "--owner", choices=[owner.value for owner in OwnerKind], default=OwnerKind.PERSON.value
    )
    return parser


def main(argv: list[str] | None = None) -> int:
    arguments = build_parser().parse_args(argv)
    if arguments.command == "check-name":
        result = check_name(arguments.name, OwnerKind(arguments.owner))
        print(json.dumps(result.as_dict(), ensure_ascii=False))
        return 0 if result.valid else 1
    try:
        data = arguments.file.read_bytes()
        authorities = tuple(path.read_bytes() for path in arguments.trusted_ca)
    except OSError as error:
        print(f"error: cannot read {error.filename}: {error.strerror}", file=sys.stderr)
        return 2
    trusted = None
    if authorities:
        from chalicelib.config import get_settings
        from chalicelib.documents.validators.cfdi_trust import environment_extras

        trusted = authorities + environment_extras(get_settings().stage)
    context = ValidationContext(
        clabe=arguments.clabe,
        holder=arguments.holder,
        issuer_rfc=arguments.issuer_rfc,
        receiver_rfc=arguments.receiver_rfc,
        invoice_uuid=arguments.invoice_uuid,
        trusted_authorities=trusted,
        **({"today": arguments.today} if arguments.today else {}),
    )
    verdict = validate_bytes(data, arguments.kind, context)
    print(json.dumps(verdict.as_dict(), ensure_ascii=False))
    return 0 if verdict.accepted else 1


if __name__ == "__main__":
    raise SystemExit(main())
