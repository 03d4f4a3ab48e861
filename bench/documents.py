"""Document validators: throughput on ordinary files, worst case on a hostile set, references.

Prints one JSON line:
- `ordinary`: validations per second and median milliseconds per kind (in-process, after one
  warm-up, so the SAT schemas and parsers are loaded as in a warm Lambda);
- `hostile`: for each hostile file, the verdict code, the wall time and the peak memory
  growth (RSS of the validating process and of its forked parser child, above the warmed-up
  baseline), each measured in a fresh process;
- `reference`: the same files through reference tools: `qpdf --check` (Debian package `qpdf`,
  a fresh process per file; reported as missing when it is not installed), pikepdf's
  `check_pdf_syntax` (in-process, no isolation) and satcfdi's validating serialization for
  CFDI (`requirements-dev.txt`). Our PDF time includes forking the isolated parser child;
  theirs has no isolation, no memory cap and no timeout;
- `cfdi_authenticity`: what the offline check of a CFDI's seal, certificate and stamp adds per
  CFDI (the cadena original through SAT's XSLT, compiled once per process, and the checks);
  `ordinary.cfdi_invoice` includes it;
- `ratios`, `targets`, `targets_met` and the machine.

Targets: 1-page PDF <= 50 ms; CFDI (schema + rules + authenticity) <= 5 ms; no hostile file
over 3 s or 256 MB; CFDI at least 10x faster than satcfdi. Run: `make bench-documents`.
"""

from __future__ import annotations

import json
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from _machine import machine  # noqa: E402

from chalicelib.documents.context import ValidationContext  # noqa: E402
from chalicelib.documents.validation import validate_bytes  # noqa: E402
from infrastructure.local.cfdi_authority import session_authority  # noqa: E402
from tests.unit.documents import builders  # noqa: E402

STATEMENT_CONTEXT = {
    "clabe": builders.STATEMENT_CLABE,
    "holder": "Jorge Alberto Ramirez Soto",
    "today": "2026-06-15",
}
INVOICE_CONTEXT = {"issuer_rfc": builders.ISSUER_RFC, "receiver_rfc": builders.RECEIVER_RFC}


def ordinary_files() -> dict[str, tuple[str, bytes, dict[str, str]]]:
    csv_rows = [
        f"bono,B-{i},76.123.456-0,2026-06-01,30000,12000,15000,3000,,,," for i in range(1000)
    ]
    return {
        "pdf_1_page": ("pdf", builders.make_pdf(), {}),
        "pdf_20_pages": ("pdf", builders.make_pdf([["Informe médico"] * 40] * 20), {}),
        "bank_statement": ("bank_statement", builders.statement_pdf(), STATEMENT_CONTEXT),
        "cfdi_invoice": ("cfdi_invoice", builders.cfdi_invoice(), INVOICE_CONTEXT),
        "cfdi_invoice_cedular_3_concepts": (
            "cfdi_invoice",
            builders.cfdi_invoice(["1000.00", "1500.00", "820.50"], regime="626", cedular=True),
            INVOICE_CONTEXT,
        ),
        "cfdi_expense": ("cfdi_expense", builders.cfdi_expense(), {}),
        "cfdi_payment": (
            "cfdi_payment",
            builders.cfdi_payment(),
            {"invoice_uuid": builders.INVOICE_UUID},
        ),
        "image_1600x1200": ("image", builders.make_jpeg((1600, 1200)), {}),
        "transactions_csv_1000_rows": (
            "transactions_csv",
            builders.transactions_csv(csv_rows),
            {},
        ),
    }


def hostile_files() -> dict[str, tuple[str, bytes]]:
    return {
        "pdf_flate_bomb_200mb": ("pdf", builders.flate_bomb_pdf()),
        "pdf_2000_pages": ("pdf", builders.many_pages_pdf(2000)),
        "pdf_page_tree_loop": ("pdf", builders.page_tree_loop_pdf()),
        "pdf_xobject_loop": ("bank_statement", builders.xobject_loop_pdf()),
        "pdf_encrypted": ("pdf", builders.encrypted_pdf()),
        "pdf_truncated": ("pdf", builders.make_pdf()[:320] + b"\n%%EOF\n"),
        "pdf_html_polyglot": ("pdf", builders.html_polyglot_pdf()),
        "xml_billion_laughs": ("cfdi_invoice", builders.billion_laughs()),
        "xml_external_entity": ("cfdi_invoice", builders.external_entity()),
        "xml_20mb": ("cfdi_invoice", builders.huge_xml()),
        "jpeg_pixel_flood": ("image", builders.pixel_flood_jpeg()),
        "jpeg_zip_polyglot": ("image", builders.jpeg_zip_polyglot()),
    }


def _context(raw: dict[str, str]) -> ValidationContext:
    from datetime import date

    values: dict[str, Any] = dict(raw)
    if "today" in values:
        values["today"] = date.fromisoformat(values["today"])
    # The builders' CFDIs are sealed by this process's test authority: trusted as the CLI's
    # --trusted-ca would trust it.
    return ValidationContext(**values, trusted_authorities=(session_authority().pem(),))


def _time(function: Callable[[], object], runs: int) -> list[float]:
    function()  # warm-up: imports, schemas
    samples = []
    for _ in range(runs):
        started = time.perf_counter()
        function()
        samples.append(time.perf_counter() - started)
    return samples


def measure_ordinary(runs: int) -> dict[str, Any]:
    results: dict[str, Any] = {}
    for name, (kind, data, raw_context) in ordinary_files().items():
        context = _context(raw_context)
        verdict = validate_bytes(data, kind, context)
        samples = _time(lambda d=data, k=kind, c=context: validate_bytes(d, k, c), runs)
        median = statistics.median(samples)
        results[name] = {
            "kind": kind,
            "status": verdict.status,
            "median_ms": round(median * 1000, 2),
            "per_second": round(1 / median, 1),
            "bytes": len(data),
        }
    return results


def measure_authenticity(runs: int) -> dict[str, Any]:
    """What checking a CFDI's authenticity adds: SAT's XSLT compiled once per process, then per
    CFDI the cadena original and the checks of the seal, the certificate and the stamp."""
    from lxml import etree

    from chalicelib.documents.validators import cfdi_seal
    from chalicelib.documents.validators.cfdi_trust import trust_store
    from chalicelib.documents.validators.cfdi_xml import safe_parser

    root = etree.fromstring(builders.cfdi_invoice(), parser=safe_parser())
    trust = trust_store((session_authority().pem(),))
    cfdi_seal._cadena_transform.cache_clear()
    started = time.perf_counter()
    cfdi_seal._cadena_transform()
    compile_ms = (time.perf_counter() - started) * 1000
    facts: dict[str, Any] = {}

    def check() -> None:
        cfdi_seal.check_authenticity(root, cfdi_seal.cadena_original(root), trust, facts)

    cadena = _time(lambda: cfdi_seal.cadena_original(root), runs)
    added = _time(check, runs)
    return {
        "xslt_compile_ms_once": round(compile_ms, 2),
        "cadena_original_median_ms": round(statistics.median(cadena) * 1000, 3),
        "added_ms_per_cfdi": round(statistics.median(added) * 1000, 3),
        "seal_verified": facts.get("authenticity", {}).get("seal_verified"),
    }


_HOSTILE_PROBE = """
import json, resource, sys, time
sys.path.insert(0, {root!r})
from chalicelib.documents.validation import validate_bytes
from tests.unit.documents import builders
def high_water_kb():
    # VmHWM belongs to this process's own memory map (fresh at exec); ru_maxrss of SELF would
    # carry the launching process's peak across fork + exec.
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith("VmHWM:"):
                return int(line.split()[1])
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
kind, path = sys.argv[1], sys.argv[2]
warm = {{"pdf": builders.make_pdf(), "bank_statement": builders.statement_pdf(),
        "cfdi_invoice": builders.cfdi_invoice(), "image": builders.make_jpeg()}}[kind]
validate_bytes(warm, kind)
data = open(path, "rb").read()
baseline = high_water_kb()
started = time.perf_counter()
verdict = validate_bytes(data, kind)
elapsed = time.perf_counter() - started
# A forked parser child starts with this process's pages, so its peak counts them too.
peak = max(high_water_kb(), resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)
print(json.dumps({{"code": verdict.code, "seconds": elapsed, "baseline_kb": baseline,
                  "peak_kb": peak}}))
"""


def measure_hostile(workdir: Path) -> dict[str, Any]:
    probe = _HOSTILE_PROBE.format(root=str(ROOT))
    results: dict[str, Any] = {}
    for name, (kind, data) in hostile_files().items():
        path = workdir / f"{name}.bin"
        path.write_bytes(data)
        done = subprocess.run(
            [sys.executable, "-c", probe, kind, str(path)],
            capture_output=True,
            text=True,
            check=True,
            timeout=60,
            cwd=ROOT,
        )
        row = json.loads(done.stdout.strip().splitlines()[-1])
        results[name] = {
            "kind": kind,
            "bytes": len(data),
            "code": row["code"],
            "seconds": round(row["seconds"], 3),
            "peak_growth_mb": round(max(0, row["peak_kb"] - row["baseline_kb"]) / 1024, 1),
            "process_peak_mb": round(row["peak_kb"] / 1024, 1),
        }
    return results


def _run_tool(argv: list[str], timeout: float = 30) -> tuple[float, str]:
    started = time.perf_counter()
    try:
        done = subprocess.run(argv, capture_output=True, timeout=timeout, check=False)
        outcome = "ok" if done.returncode == 0 else f"exit {done.returncode}"
    except subprocess.TimeoutExpired:
        outcome = "timeout"
    return time.perf_counter() - started, outcome


def measure_reference(workdir: Path, runs: int) -> dict[str, Any]:
    reference: dict[str, Any] = {}
    pdf = workdir / "ordinary.pdf"
    pdf.write_bytes(builders.make_pdf())
    qpdf = shutil.which("qpdf")
    if qpdf is None:
        reference["qpdf"] = "missing: install the Debian package qpdf to compare"
    else:
        samples = [_run_tool([qpdf, "--check", str(pdf)])[0] for _ in range(runs)]
        hostile = {}
        for name, (kind, data) in hostile_files().items():
            if kind in ("pdf", "bank_statement"):
                path = workdir / f"{name}.pdf"
                path.write_bytes(data)
                seconds, outcome = _run_tool([qpdf, "--check", str(path)])
                hostile[name] = {"seconds": round(seconds, 3), "outcome": outcome}
        reference["qpdf_check"] = {
            "pdf_1_page_median_ms": round(statistics.median(samples) * 1000, 2),
            "hostile": hostile,
        }
    try:
        import io

        import pikepdf

        def pikepdf_check(data: bytes) -> str:
            try:
                with pikepdf.open(io.BytesIO(data)) as document:
                    problems = document.check_pdf_syntax()
                return "problems" if problems else "ok"
            except Exception as error:  # any refusal by the reference tool is its outcome
                return type(error).__name__

        ordinary_pdf = pdf.read_bytes()
        samples = _time(lambda: pikepdf_check(ordinary_pdf), runs)
        hostile_pike = {}
        for name, (kind, data) in hostile_files().items():
            if kind in ("pdf", "bank_statement"):
                started = time.perf_counter()
                outcome = pikepdf_check(data)
                hostile_pike[name] = {
                    "seconds": round(time.perf_counter() - started, 3),
                    "outcome": outcome,
                }
        reference["pikepdf_check_pdf_syntax"] = {
            "pdf_1_page_median_ms": round(statistics.median(samples) * 1000, 2),
            "in_process": True,
            "hostile": hostile_pike,
        }
    except ImportError:
        reference["pikepdf_check_pdf_syntax"] = "missing: pip install -r requirements-dev.txt"
    try:
        from satcfdi.cfdi import CFDI

        invoice = workdir / "invoice.xml"
        invoice.write_bytes(builders.cfdi_invoice())

        def satcfdi_validate() -> None:
            CFDI.from_file(str(invoice)).xml_bytes(validate=True)

        samples = _time(satcfdi_validate, max(5, runs // 10))
        reference["satcfdi_validate"] = {
            "cfdi_invoice_median_ms": round(statistics.median(samples) * 1000, 2)
        }
    except ImportError:
        reference["satcfdi_validate"] = "missing: pip install -r requirements-dev.txt"
    return reference


def main() -> None:
    runs = int(os.environ.get("RUNS", "50"))
    with tempfile.TemporaryDirectory() as tmp:
        workdir = Path(tmp)
        ordinary = measure_ordinary(runs)
        authenticity = measure_authenticity(runs)
        hostile = measure_hostile(workdir)
        reference = measure_reference(workdir, runs)
    worst_seconds = max(row["seconds"] for row in hostile.values())
    worst_growth = max(row["peak_growth_mb"] for row in hostile.values())
    pdf_ms = ordinary["pdf_1_page"]["median_ms"]
    cfdi_ms = ordinary["cfdi_invoice"]["median_ms"]
    ratios: dict[str, float] = {}
    satcfdi = reference.get("satcfdi_validate")
    if isinstance(satcfdi, dict):
        ratios["cfdi_speedup_vs_satcfdi"] = round(satcfdi["cfdi_invoice_median_ms"] / cfdi_ms, 1)
    qpdf = reference.get("qpdf_check")
    if isinstance(qpdf, dict):
        ratios["pdf_time_vs_qpdf_check"] = round(pdf_ms / qpdf["pdf_1_page_median_ms"], 2)
    pike = reference.get("pikepdf_check_pdf_syntax")
    if isinstance(pike, dict):
        ratios["pdf_time_vs_pikepdf_check_pdf_syntax"] = round(
            pdf_ms / pike["pdf_1_page_median_ms"], 2
        )
    targets = {
        "pdf_1_page_ms": 50,
        "cfdi_ms": 5,
        "hostile_seconds": 3,
        "hostile_peak_growth_mb": 256,
        "cfdi_speedup_vs_satcfdi": 10,
    }
    met = {
        "pdf_1_page_ms": pdf_ms <= targets["pdf_1_page_ms"],
        "cfdi_ms": cfdi_ms <= targets["cfdi_ms"],
        "hostile_seconds": worst_seconds <= targets["hostile_seconds"],
        "hostile_peak_growth_mb": worst_growth <= targets["hostile_peak_growth_mb"],
        "cfdi_speedup_vs_satcfdi": ratios.get("cfdi_speedup_vs_satcfdi", 0) >= 10,
    }
    print(
        json.dumps(
            {
                "benchmark": "documents",
                "ordinary": ordinary,
                "cfdi_authenticity": authenticity,
                "hostile": hostile,
                "worst_hostile_seconds": worst_seconds,
                "worst_hostile_peak_growth_mb": worst_growth,
                "reference": reference,
                "ratios": ratios,
                "targets": targets,
                "targets_met": met,
                "runs": runs,
                "max_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
                "machine": machine(),
            },
            ensure_ascii=False,
        )
    )


if __name__ == "__main__":
    main()
