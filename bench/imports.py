"""A roster import at scale: 100,000 rows (20,000 families of five) through the pipeline.

    python bench/imports.py                  # 100,000 rows, mode aplicar (a few minutes)
    BENCH_IMPORT_ROWS=5000 python bench/imports.py

A moto server runs in its own process (as `make run` serves it), so the memory traced here is
the worker's: the upload is judged by the documents pipeline, then every message of the
`imports` queue is handled by the worker, with its configured time budget, inside
tracemalloc. One JSON line:

- `rows`, `messages` (the first and its continuations), `seconds`, `rows_per_second`;
- `summary`: the import's counts (every row `creados` on an empty roster);
- `worker_peak_mib`: tracemalloc's peak while the worker ran (target ≤ 256 MB);
- `file_mib`: the CSV's size; `machine`.
"""

from __future__ import annotations

import json
import os
import sys
import time
import tracemalloc
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

ROWS = int(os.environ.get("BENCH_IMPORT_ROWS", "100000"))
FAMILY = ("titular", "conyuge", "hijo", "hija", "hijo")


def _csv(rows: int) -> bytes:
    from chalicelib.imports.kinds import POLIZAS

    lines = [",".join(POLIZAS.headers)]
    for n in range(rows):
        family, member = divmod(n, len(FAMILY))
        lines.append(
            f"BENCH-{family:06d},{member + 1:04d},{FAMILY[member]},PERSONA {n:06d} DE CARGA,"
            f"1980-01-{1 + member:02d},,gmm_mayores|gmm_menores,2026-01-01,2099-12-31,vigente"
        )
    return ("\n".join(lines) + "\n").encode()


def _drain(sqs: Any, queue: str) -> list[str]:
    url = sqs.get_queue_url(QueueName=queue)["QueueUrl"]
    bodies = []
    while batch := sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10).get("Messages", []):
        for message in batch:
            bodies.append(message["Body"])
            sqs.delete_message(QueueUrl=url, ReceiptHandle=message["ReceiptHandle"])
    return bodies


def main() -> int:
    from _local import moto_server_stack
    from _machine import machine

    with moto_server_stack():
        from chalicelib import aws, wiring
        from chalicelib.accounts import service as accounts
        from chalicelib.auth import DUTIES, Principal
        from chalicelib.config import get_settings
        from chalicelib.documents import service as documents
        from chalicelib.imports import service as imports
        from chalicelib.imports.schemas import ImportFileIn, ImportRequest
        from chalicelib.policies import service as policies
        from chalicelib.policies.service import Insurer

        wiring.wire()
        settings = get_settings()
        policies.load_roster(Insurer("sec", "SEGUROS EJEMPLO DEL CENTRO", "SEC0104236T8"), [])
        admin = accounts.seed_active_account(
            "operador",
            "bench.imports@example.mx",
            "BENCH",
            "una frase larga segura",
            insurer_ids=["sec"],
        )
        principal = Principal(admin, "operador", ("sec",), duties=DUTIES)
        data = _csv(ROWS)
        created = imports.request_import(
            principal,
            ImportRequest(
                kind="polizas",
                mode="aplicar",
                file=ImportFileIn(name="padron.csv", size=len(data)),
            ),
        )
        s3, sqs = aws.s3(), aws.sqs()
        fields = created.slot.upload.fields
        put = s3.put_object(
            Bucket=settings.documents_bucket,
            Key=fields["key"],
            Body=data,
            ContentType=fields["Content-Type"],
        )
        notified = _drain(sqs, settings.queue_name("document-uploaded"))
        if not any("Records" in body for body in notified):
            notified = [
                json.dumps(
                    {
                        "Records": [
                            {
                                "eventSource": "aws:s3",
                                "eventName": "ObjectCreated:Post",
                                "s3": {
                                    "bucket": {"name": settings.documents_bucket},
                                    "object": {
                                        "key": fields["key"],
                                        "size": len(data),
                                        "eTag": put["ETag"].strip('"'),
                                        "versionId": put["VersionId"],
                                    },
                                },
                            }
                        ]
                    }
                )
            ]
        for body in notified:
            if "Records" in body:
                documents.handle_upload_notification(body)

        messages = 0
        tracemalloc.start()
        started = time.perf_counter()
        while bodies := _drain(sqs, settings.queue_name("imports")):
            for body in bodies:
                imports.handle_message(body)
                messages += 1
        seconds = time.perf_counter() - started
        _, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
        out = imports.get_import(principal, created.import_id)
        print(
            json.dumps(
                {
                    "rows": ROWS,
                    "file_mib": round(len(data) / 2**20, 1),
                    "status": out.status,
                    "summary": out.summary.model_dump(),
                    "messages": messages,
                    "time_budget_seconds": settings.import_time_budget_seconds,
                    "seconds": round(seconds, 1),
                    "rows_per_second": round(ROWS / seconds),
                    "worker_peak_mib": round(peak / 2**20, 1),
                    "machine": machine(),
                }
            )
        )
        return 0 if out.status == "terminada" and out.summary.creados == ROWS else 1


if __name__ == "__main__":
    sys.exit(main())
