"""The document pipeline on the local stack, over HTTP, as the site and a browser use it.

An operator logs in (password + TOTP), asks for upload slots for transaction CSV files,
POSTs each file to the moto S3 endpoint as multipart form data from the site's origin, and
the event pump delivers S3's notification to `validate_document`; the document then reads
`aceptado` or `rechazado` with the reasons. (The slot rules are tested in-process, in
tests/api/test_documents_api.py.)
"""

from __future__ import annotations

import time
from typing import Any

import pytest
import requests

from tests.fixtures.operators import bearer, operator_tokens
from tests.fixtures.stack import LocalStack
from tests.fixtures.uploads import post_file
from tests.unit.documents import builders

pytestmark = pytest.mark.e2e

PASSWORD = "Demo-Portal-2026"


def log_in(stack: LocalStack, email: str) -> dict[str, str]:
    """Headers of the operator's shared session."""
    return bearer(operator_tokens(stack, email))


def request_slot(stack: LocalStack, headers: dict[str, str], name: str, data: bytes) -> Any:
    response = requests.post(
        f"{stack.api_url}/v1/operator/transactions/files",
        json={"files": [{"name": name, "size": len(data), "content_type": "text/csv"}]},
        headers=headers,
        timeout=10,
    )
    assert response.status_code == 201, response.text
    [slot] = response.json()["items"]
    assert set(slot) >= {"document_id", "name", "upload", "expires_at"}
    return slot


def browser_upload(stack: LocalStack, slot: Any, name: str, data: bytes) -> None:
    """What the site's upload does: fetch(url, {method: "POST", body: FormData}) from its origin."""
    assert slot["upload"]["url"].startswith(stack.moto_url)
    response = post_file(slot, name, data, "text/csv", origin=stack.site_url)
    assert response.status_code in (200, 201, 204), response.text
    # Without this header the browser would hide the answer from the page.
    assert response.headers.get("Access-Control-Allow-Origin") in (stack.site_url, "*")


def judged(stack: LocalStack, headers: dict[str, str], document_id: str) -> Any:
    deadline = time.monotonic() + 45
    while time.monotonic() < deadline:
        response = requests.get(
            f"{stack.api_url}/v1/documents/{document_id}", headers=headers, timeout=10
        )
        assert response.status_code == 200, response.text
        if response.json()["status"] != "pendiente":
            return response.json()
        time.sleep(0.5)
    raise AssertionError(f"document {document_id} still pending:\n{stack.log()[-3000:]}")


def test_the_bucket_lets_the_site_post_files(local_stack: LocalStack) -> None:
    bucket_url = f"{local_stack.moto_url}/portal-local-documents"
    preflight = requests.options(
        bucket_url,
        headers={
            "Origin": local_stack.site_url,
            "Access-Control-Request-Method": "POST",
            "Access-Control-Request-Headers": "content-type",
        },
        timeout=10,
    )
    assert preflight.status_code == 200
    assert preflight.headers["Access-Control-Allow-Origin"] == local_stack.site_url
    assert "POST" in preflight.headers["Access-Control-Allow-Methods"]


def test_a_transactions_csv_goes_through_the_pipeline(local_stack: LocalStack) -> None:
    operator = log_in(local_stack, "operador@demo.mx")
    good = builders.transactions_csv()
    bad = builders.transactions_csv(
        [
            "bono,B-1,76.123.456-0,2026-06-01,30000,12000,15000,3000,,,,",
            "bono,B-2,76.123.456-0,2026-06-01,30000,12000,15000,2000,,,,",
        ]
    )
    good_slot = request_slot(local_stack, operator, "transacciones_junio.csv", good)
    bad_slot = request_slot(local_stack, operator, "transacciones_julio.csv", bad)
    browser_upload(local_stack, good_slot, "transacciones_junio.csv", good)
    browser_upload(local_stack, bad_slot, "transacciones_julio.csv", bad)

    accepted = judged(local_stack, operator, good_slot["document_id"])
    assert accepted["status"] == "aceptado", accepted
    assert accepted["reasons"] == []
    assert accepted["facts"]["rows"] == 2
    assert len(accepted["facts"]["sha256"]) == 64
    assert accepted["doc_type"] == "transactions_csv"

    rejected = judged(local_stack, operator, bad_slot["document_id"])
    assert rejected["status"] == "rechazado"
    assert rejected["reasons"][0]["code"] == "csv_row_errors"
    assert "línea 3" in rejected["reasons"][0]["message"]
    assert [(e["line"], e["column"]) for e in rejected["facts"]["errors"]] == [(3, "valor_total")]

    link = requests.get(
        f"{local_stack.api_url}/v1/documents/{good_slot['document_id']}/download",
        headers=operator,
        timeout=10,
    )
    assert link.status_code == 200, link.text
    fetched = requests.get(link.json()["url"], timeout=10)
    assert fetched.status_code == 200
    assert fetched.content == good
    assert fetched.headers["Content-Disposition"].startswith("attachment")
    inline = requests.get(
        f"{local_stack.api_url}/v1/documents/{good_slot['document_id']}/download",
        params={"disposition": "inline"},
        headers=operator,
        timeout=10,
    )
    assert inline.status_code == 422
    assert inline.json()["error"]["code"] == "inline_not_available"

    other_insurer = log_in(local_stack, "operador.norte@demo.mx")
    hidden = requests.get(
        f"{local_stack.api_url}/v1/documents/{good_slot['document_id']}",
        headers=other_insurer,
        timeout=10,
    )
    assert hidden.status_code == 404
    assert hidden.json()["error"]["code"] == "not_found"

    deleted = requests.delete(
        f"{local_stack.api_url}/v1/documents/{bad_slot['document_id']}",
        headers=operator,
        timeout=10,
    )
    assert deleted.status_code == 204
    gone = requests.get(
        f"{local_stack.api_url}/v1/documents/{bad_slot['document_id']}",
        headers=operator,
        timeout=10,
    )
    assert gone.status_code == 404
