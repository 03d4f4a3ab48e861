"""Run the weekly settlement by hand (the local stack, or any stage the environment names).

    python -m chalicelib.settlement run [--period-end YYYY-MM-DD] [--insurer sec ...]

The same work the `settle_provider` consumer does, in this process, with a progress bar that
shows providers settled per second. `make settle` points it at the running local stack.
Exit codes: 0 done; 1 some providers were not settled (AWS kept refusing, or another worker
holds them): run it again, it resumes them; 2 usage error.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from datetime import date
from typing import Any


def _date(value: str) -> date:
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise argparse.ArgumentTypeError("use YYYY-MM-DD") from None


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m chalicelib.settlement")
    commands = parser.add_subparsers(dest="command", required=True)
    run = commands.add_parser("run", help="settle every provider with unsettled transactions")
    run.add_argument("--period-end", type=_date, default=None, help="last day included")
    run.add_argument("--insurer", action="append", default=None, help="only these insurers")
    run.add_argument("--quiet", action="store_true", help="no progress bar")
    args = parser.parse_args(argv)

    from tqdm import tqdm

    from chalicelib import wiring
    from chalicelib.settlement import service

    wiring.wire()

    bars: list[tqdm[Any]] = []
    started = time.perf_counter()

    def progress(done: int, total: int) -> None:
        if args.quiet:
            return
        if not bars:
            bars.append(tqdm(total=total, unit="prestador", desc="Liquidando", file=sys.stderr))
        bar = bars[0]
        bar.n = done
        elapsed = time.perf_counter() - started
        bar.set_postfix_str(f"{done / elapsed:.1f} prestadores/s" if elapsed else "")
        bar.refresh()

    result = service.run_inline(args.period_end, args.insurer, progress)
    for bar in bars:
        bar.close()
    elapsed = time.perf_counter() - started
    summary = result.model_dump(mode="json") | {
        "seconds": round(elapsed, 3),
        "providers_per_second": round(result.done / elapsed, 2) if elapsed else None,
    }
    print(json.dumps(summary, ensure_ascii=False))
    return 0 if result.finished else 1


if __name__ == "__main__":
    raise SystemExit(main())
