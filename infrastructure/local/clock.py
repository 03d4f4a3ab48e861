"""`python -m infrastructure.local.clock --days 1830`: move the running local stack's clock
(see `clock_control`) and run the privacy schedule once; prints what it answered."""

from __future__ import annotations

import argparse
import json
import os
import sys
from typing import Any

import requests


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m infrastructure.local.clock")
    site = f"http://127.0.0.1:{os.environ.get('SITE_PORT') or 8080}"
    parser.add_argument("--site", default=site, help=f"the local site (default {site})")
    group = parser.add_mutually_exclusive_group()
    group.add_argument("--days", type=float, help="days ahead of the real clock (0: back)")
    group.add_argument("--to", help="the day the platform lives in (YYYY-MM-DD)")
    parser.add_argument(
        "--run", action="append", help="scheduled handler to run after (default run_data_requests)"
    )
    parser.add_argument("--back", action="store_true", help="real clock again once they ran")
    args = parser.parse_args(argv)
    if args.days is None and args.to is None:
        answer = requests.get(f"{args.site}/__local/clock", timeout=10)
    else:
        body: dict[str, Any] = {"days": args.days} if args.days is not None else {"to": args.to}
        if args.run:
            body["run"] = args.run
        if args.back:
            body["back"] = True
        answer = requests.post(f"{args.site}/__local/clock", json=body, timeout=120)
    print(json.dumps(answer.json(), ensure_ascii=False, indent=2))
    return 0 if answer.ok else 1


if __name__ == "__main__":
    sys.exit(main())
