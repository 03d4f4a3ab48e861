"""Point chalicelib, imported after this, at a local stack that a benchmark started: the same
environment the stack gives itself, plus the user pool, client and data key it created; or at
a moto server of its own with every resource of the definition (`moto_server_stack`)."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any


def use_local_stack(api_port: int, site_port: int, moto_port: int) -> None:
    from infrastructure.local.__main__ import configure_environment

    configure_environment("127.0.0.1", api_port, site_port, moto_port)
    os.environ["POWERTOOLS_LOG_LEVEL"] = "ERROR"
    from chalicelib.accounts.admin import discover_stack_ids

    discover_stack_ids()


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def start_moto(port: int) -> subprocess.Popen[bytes]:
    # moto's server logs every request through werkzeug under one lock: at 100,000 writes that
    # logging was a third of the server's busy time (py-spy), so it is quieted as `make run`
    # quiets it.
    quiet = (
        "import logging, sys; logging.getLogger('werkzeug').setLevel(logging.WARNING); "
        "from moto.server import main; main(sys.argv[1:])"
    )
    process = subprocess.Popen(
        [sys.executable, "-c", quiet, "-H", "127.0.0.1", "-p", str(port)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.5).close()
            return process
        except OSError:
            time.sleep(0.2)
    process.kill()
    raise RuntimeError("moto server did not start")


@contextmanager
def moto_server_stack() -> Iterator[dict[str, str]]:
    """A moto server on a free port with every resource of the local definition, chalicelib's
    environment pointed at it (logs quiet); yields the created ids. The server stops at the end."""
    port = free_port()
    moto = start_moto(port)
    try:
        from infrastructure.local.__main__ import PREFIX, REGION, configure_environment

        env = configure_environment("127.0.0.1", free_port(), free_port(), port)
        os.environ["POWERTOOLS_LOG_LEVEL"] = "ERROR"
        import boto3

        from infrastructure.local.bootstrap import bootstrap

        outputs = bootstrap(
            boto3.session.Session(),
            prefix=PREFIX,
            region=REGION,
            site_origin=env["SITE_URL"],
            endpoint_url=env["AWS_ENDPOINT_URL"],
        )
        os.environ.update(outputs)
        yield outputs
    finally:
        moto.terminate()
        try:
            moto.wait(timeout=10)
        except subprocess.TimeoutExpired:
            moto.kill()
            moto.wait()


def seed_affiliates(
    tag: str, nss_digit: str, count: int, run: str, password: str
) -> list[tuple[Any, str]]:
    """`count` affiliates of SEC in the registry, families of one, each with an active
    account: (registry record, email). Their NSS start with `nss_digit` and carry their Luhn
    check digit; `tag` and `run` keep their ids, serials and emails apart from other runs'."""
    from stdnum import luhn

    from chalicelib.accounts import service as accounts
    from chalicelib.registry import service as registry
    from chalicelib.registry.service import AffiliateRecord

    records = []
    for n in range(count):
        base = f"{nss_digit}{n:09d}"
        records.append(
            AffiliateRecord(
                f"{tag}-{run}-{n}",
                base + luhn.calc_check_digit(base),
                f"{tag[0].upper()}{run}{n}",
                f"AFILIADO {tag.upper()} {n}",
                "sec",
            )
        )
    registry.load(records)
    seeded = []
    for n, record in enumerate(records):
        email = f"{tag}-{run.lower()}-afiliado-{n}@example.mx"
        accounts.seed_active_account(
            "afiliado",
            email,
            record.full_name,
            password,
            details={"nss": record.nss, "credential_serial": record.credential_serial},
        )
        seeded.append((record, email))
    return seeded
