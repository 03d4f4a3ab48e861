"""`python -m infrastructure.local`: the whole platform on this machine, no AWS account.

moto (in-process) → resources from the one definition → demo data → the API (Chalice's
local server) → the site (static_site/ + config.js + /__local/outbox) → the event pump.
Ctrl-C stops everything.
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import signal
import socket
import sys
import threading
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
ACCOUNT_ID = "123456789012"
REGION = "us-east-1"
PREFIX = "portal-local-"


def _parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m infrastructure.local")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--api-port", type=int, default=int(os.environ.get("API_PORT") or 8000))
    parser.add_argument("--site-port", type=int, default=int(os.environ.get("SITE_PORT") or 8080))
    parser.add_argument("--moto-port", type=int, default=int(os.environ.get("MOTO_PORT") or 5000))
    parser.add_argument("--sat-port", type=int, default=int(os.environ.get("SAT_PORT") or 5010))
    parser.add_argument("--no-demo", action="store_true", help="do not load demo data")
    parser.add_argument("--quiet", action="store_true", help="no request logs from the API")
    return parser.parse_args(argv)


def _check_ports(host: str, ports: dict[str, int]) -> None:
    for name, port in ports.items():
        with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
            probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            try:
                probe.bind((host, port))
            except OSError:
                variable = {
                    "API": "API_PORT",
                    "site": "SITE_PORT",
                    "moto": "MOTO_PORT",
                    "SAT": "SAT_PORT",
                }[name]
                sys.exit(
                    f"Port {port} ({name}) on {host} is already in use. Stop whatever uses it, "
                    f"or choose another port: make run {variable}=<port>"
                )


def _chalice_stage_environment(stage: str) -> dict[str, str]:
    config = json.loads((ROOT / ".chalice" / "config.json").read_text())
    env = dict(config.get("environment_variables", {}))
    env.update(config.get("stages", {}).get(stage, {}).get("environment_variables", {}))
    return env


def configure_environment(
    host: str, api_port: int, site_port: int, moto_port: int
) -> dict[str, str]:
    """Everything the app reads, set before anything imports chalicelib."""
    env = {
        **_chalice_stage_environment("local"),
        "AWS_ACCESS_KEY_ID": "testing",
        "AWS_SECRET_ACCESS_KEY": "testing",
        "AWS_SESSION_TOKEN": "testing",
        "AWS_DEFAULT_REGION": REGION,
        "AWS_REGION": REGION,
        "AWS_ENDPOINT_URL": f"http://{host}:{moto_port}",
        "AWS_ACCOUNT_ID_ENDPOINT_MODE": "disabled",
        "MOTO_ACCOUNT_ID": ACCOUNT_ID,
        "STAGE": "local",
        "RESOURCE_PREFIX": PREFIX,
        "SITE_URL": f"http://{host}:{site_port}",
        "API_URL": f"http://{host}:{api_port}",
        "PUBLIC_API_URL": f"http://{host}:{api_port}",
        "PAYMENTS_WEBHOOK_SECRET": "whsec_local_demo",
        "CURSOR_SECRET": "local-cursor-secret",
        # Cognito's JWKS as the local endpoint serves it; RevokeToken is not offered there.
        "COGNITO_REVOKE_TOKENS": "false",
    }
    os.environ.update(env)
    return env


def _start_fake_sat(host: str, port: int, env: dict[str, str]) -> Any:
    """The fake of SAT's CFDI status service, and the test authority whose CFDIs the stack
    trusts (written to .local/sat/autoridad-de-pruebas.pem; `make cfdi-demo` seals with it)."""
    from infrastructure.fake_sat import FakeSatServer
    from infrastructure.local.cfdi_authority import stack_authority

    sat = FakeSatServer(host, port).start()
    _, authority_file = stack_authority()
    extra = [part for part in os.environ.get("SAT_EXTRA_TRUSTED_CAS", "").split(os.pathsep) if part]
    env["SAT_STATUS_URL"] = sat.url
    env["SAT_RECHECK_SECONDS"] = "3"
    env["SAT_EXTRA_TRUSTED_CAS"] = os.pathsep.join([str(authority_file), *extra])
    os.environ.update({k: env[k] for k in ("SAT_STATUS_URL", "SAT_RECHECK_SECONDS")})
    os.environ["SAT_EXTRA_TRUSTED_CAS"] = env["SAT_EXTRA_TRUSTED_CAS"]
    return sat


def main(argv: list[str] | None = None) -> int:
    args = _parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(message)s")
    for noisy in ("werkzeug", "botocore.credentials"):
        logging.getLogger(noisy).setLevel(logging.WARNING)
    _check_ports(
        args.host,
        {
            "API": args.api_port,
            "site": args.site_port,
            "moto": args.moto_port,
            "SAT": args.sat_port,
        },
    )
    env = configure_environment(args.host, args.api_port, args.site_port, args.moto_port)
    sat = _start_fake_sat(args.host, args.sat_port, env)

    # From here on Ctrl-C (or SIGTERM) asks for a clean stop, even while starting.
    stop = threading.Event()

    def request_stop(signum: int, frame: Any) -> None:
        stop.set()

    signal.signal(signal.SIGINT, request_stop)
    signal.signal(signal.SIGTERM, request_stop)
    if args.quiet:
        os.environ["POWERTOOLS_LOG_LEVEL"] = "WARNING"

    started = time.monotonic()
    import boto3
    from moto.server import ThreadedMotoServer

    from infrastructure.local.moto_dynamodb import serialise_dynamodb

    serialise_dynamodb()
    moto = ThreadedMotoServer(ip_address=args.host, port=args.moto_port, verbose=False)
    moto.start()

    from infrastructure.local.bootstrap import bootstrap

    session = boto3.session.Session()
    outputs = bootstrap(
        session,
        prefix=PREFIX,
        region=REGION,
        site_origin=env["SITE_URL"],
        endpoint_url=env["AWS_ENDPOINT_URL"],
    )
    os.environ.update(outputs)
    os.environ["COGNITO_JWKS_URL"] = (
        f"{env['AWS_ENDPOINT_URL']}/{outputs['USER_POOL_ID']}/.well-known/jwks.json"
    )

    from infrastructure.local.demo import load_demo_data

    logins = [] if args.no_demo else load_demo_data()

    import app as app_module
    from chalicelib.deferred import load_deferred
    from infrastructure.definition import SCHEDULES
    from infrastructure.local.api_server import make_api_server
    from infrastructure.local.outbox import Outbox
    from infrastructure.local.pump import EventPump, routes_for_app, timers_for_app
    from infrastructure.local.site import make_site_server

    load_deferred()  # this process serves from several threads (chalicelib/deferred.py)
    api_server = make_api_server(app_module.app, args.host, args.api_port, env["SITE_URL"])
    outbox = Outbox(ACCOUNT_ID, REGION)
    site_server = make_site_server(
        args.host,
        args.site_port,
        api_url=env["API_URL"],
        connect_sources=[env["API_URL"], env["AWS_ENDPOINT_URL"]],
        outbox=outbox,
    )
    sqs = session.client("sqs", region_name=REGION, endpoint_url=env["AWS_ENDPOINT_URL"])
    pump = EventPump(
        sqs,
        routes_for_app(app_module, sqs, PREFIX),
        region=REGION,
        timers=timers_for_app(app_module, SCHEDULES),
    )

    threads = [
        threading.Thread(target=api_server.server.serve_forever, name="api", daemon=True),
        threading.Thread(target=site_server.serve_forever, name="site", daemon=True),
    ]
    for thread in threads:
        thread.start()
    pump.start()

    _print_banner(env, args, logins, time.monotonic() - started)

    while not stop.is_set():
        outbox.observe()
        stop.wait(0.5)

    print("\nStopping…", flush=True)
    pump.stop()
    api_server.server.shutdown()
    site_server.shutdown()
    sat.stop()
    moto.stop()
    print("Stopped.", flush=True)
    return 0


def _print_banner(
    env: dict[str, str], args: argparse.Namespace, logins: list[Any], took: float
) -> None:
    lines = [
        "",
        f"Portal Médico — local stack ready in {took:.1f} s",
        f"  Site:    {env['SITE_URL']}/",
        f"  API:     {env['API_URL']}/v1/health",
        f"  Outbox:  {env['SITE_URL']}/__local/outbox",
        f"  AWS (moto): {env['AWS_ENDPOINT_URL']}",
        f"  SAT (fake status service): {env['SAT_STATUS_URL']}",
        "  CFDI test authority: .local/sat/autoridad-de-pruebas.pem (make cfdi-demo seals with it)",
    ]
    if logins:
        lines.append("  Demo log-ins:")
        width = max(len(login.portal) for login in logins)
        for login in logins:
            note = f"  ({login.note})" if login.note else ""
            lines.append(
                f"    {login.portal:<{width}}  {login.identifier} / {login.password}{note}"
            )
    elif not args.no_demo:
        lines.append("  Demo log-ins: none yet (no context loads demo data)")
    lines.append("Press Ctrl-C to stop.")
    print("\n".join(lines), flush=True)


if __name__ == "__main__":
    sys.exit(main())
