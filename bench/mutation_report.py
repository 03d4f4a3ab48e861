"""Per-module table of the last mutation run (`make mutate`), read from mutmut's results.

mutmut 3 keeps one `<module>.py.meta` JSON file beside each mutated copy under `mutants/`,
with the exit code of the tests for every mutant (1 or 3: killed; 0: survived). The
equivalent mutants, those that behave exactly like the original so no test can kill them,
are named with their reasons in `tests/unit/MUTATION.md`; the score leaves them out:
score = killed / (mutants − equivalent); `raw` is killed / mutants. Survivors that are not
listed there are printed by name (`mutmut show <name>` shows each). Exits 1 when a module is
under the target.
"""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
MUTANTS = ROOT / "mutants"
EQUIVALENTS = ROOT / "tests" / "unit" / "MUTATION.md"
TARGET = 95.0
KILLED = {1, 3}
TIMEOUT = {24, -24, 36, 152, 255}  # the tests never finished: counted as killed, shown apart
SURVIVED = {0}


def equivalent_names() -> set[str]:
    if not EQUIVALENTS.exists():
        return set()
    return set(re.findall(r"`([\w.]+__mutmut_\d+)`", EQUIVALENTS.read_text(encoding="utf-8")))


def main() -> int:
    metas = sorted(MUTANTS.glob("chalicelib/**/*.py.meta"))
    if not metas:
        print("No results under mutants/: run `make mutate` first.")
        return 1
    equivalent = equivalent_names()
    header = ("module", "mutants", "killed", "survived", "equivalent", "other", "score", "raw")
    rows: list[tuple[str, ...]] = []
    below = False
    unexplained: list[str] = []
    for meta in metas:
        codes: dict[str, int | None] = json.loads(meta.read_text())["exit_code_by_key"]
        if not codes:
            continue
        module = str(meta.relative_to(MUTANTS)).removesuffix(".meta")
        killed = sum(1 for code in codes.values() if code in KILLED | TIMEOUT)
        survived = [name for name, code in codes.items() if code in SURVIVED]
        known = sum(1 for name in survived if name in equivalent)
        unexplained += sorted(name for name in survived if name not in equivalent)
        other = len(codes) - killed - len(survived)  # not checked, no tests, suspicious
        scored = len(codes) - known
        score = 100.0 * killed / scored if scored else 100.0
        below |= score < TARGET
        rows.append(
            (
                module,
                str(len(codes)),
                str(killed),
                str(len(survived)),
                str(known),
                str(other),
                f"{score:.1f}%",
                f"{100.0 * killed / len(codes):.1f}%",
            )
        )
    widths = [max(len(row[i]) for row in [header, *rows]) for i in range(len(header))]
    for row in [header, *rows]:
        print(
            "  ".join(
                cell.ljust(width) if i == 0 else cell.rjust(width)
                for i, (cell, width) in enumerate(zip(row, widths, strict=True))
            )
        )
    print(f"score = killed / (mutants − equivalent); target {TARGET:.0f}% per module")
    for name in unexplained:
        print(f"survived, not listed as equivalent: {name}")
    return 1 if below else 0


if __name__ == "__main__":
    sys.exit(main())
