"""Settlement over HTTP on the local stack: loads, roles and ownership, overlapping runs raced
over real threads, and the Excel file against the API's figures."""

from __future__ import annotations

import io
import uuid
from concurrent.futures import ThreadPoolExecutor
from functools import partial

import pytest
import requests

from tests.e2e.settlement_helpers import (
    bono,
    card,
    days_ago,
    headers,
    settled_ids,
    today,
    wait_for_run,
)
from tests.fixtures.stack import LocalStack

pytestmark = pytest.mark.e2e
get = partial(requests.get)
post = partial(requests.post, timeout=60)


@pytest.fixture(scope="module")
def operator(local_stack: LocalStack) -> dict[str, str]:
    return headers(local_stack, "operador@demo.mx")


@pytest.fixture(scope="module")
def provider(local_stack: LocalStack) -> dict[str, str]:
    return headers(local_stack, "76123456-0")  # the RUT in another usual format


def test_loads_are_judged_per_item_and_routes_check_role_and_owner(
    local_stack: LocalStack, operator: dict[str, str], provider: dict[str, str]
) -> None:
    api = local_stack.api_url
    tag = uuid.uuid4().hex[:8]
    items = [bono(f"H{tag}-1", days_ago(5), 7000), {"kind": "bono", "id": "x"}]
    answer = post(f"{api}/v1/operator/transactions", json={"items": items}, headers=operator)
    assert answer.status_code == 200, answer.text
    body = answer.json()
    assert body["accepted"] == 1
    assert [(r["index"], r["code"]) for r in body["rejected"]] == [(1, "invalid_rut")]
    assert (
        post(f"{api}/v1/operator/transactions", json={"items": items}, headers=operator).json()
        == body
    )

    too_many = {"items": [bono(f"H{tag}-{n}", days_ago(5), 1) for n in range(1001)]}
    refused = post(f"{api}/v1/operator/transactions", json=too_many, headers=operator)
    assert refused.status_code == 422
    assert refused.json()["error"]["code"] == "validation_error"

    assert (
        post(f"{api}/v1/operator/transactions", json={"items": items}, headers=provider).status_code
        == 403
    )
    assert get(f"{api}/v1/settlements", params={"year": 2026}).status_code == 401
    assert get(f"{api}/v1/settlements", params={"year": 2026}, headers=operator).status_code == 403
    mexican = headers(local_stack, "prestador@demo.mx")
    assert get(f"{api}/v1/provider/account", headers=mexican).status_code == 404
    folio = get(f"{api}/v1/settlements", params={"year": today().year}, headers=provider).json()[
        "items"
    ][0]["folio"]
    assert get(f"{api}/v1/settlements/{folio}", headers=mexican).status_code == 404
    bad = get(
        f"{api}/v1/reports/period", params={"from": "2026-13", "to": "2026-01"}, headers=provider
    )
    assert bad.status_code == 422
    assert bad.json()["error"]["message"]
    norte = headers(local_stack, "operador.norte@demo.mx")
    started = post(f"{api}/v1/operator/settlements/run", json={}, headers=operator).json()
    assert (
        get(f"{api}/v1/operator/settlements/runs/{started['run_id']}", headers=norte).status_code
        == 404
    )
    wait_for_run(local_stack, operator, started["run_id"])


def test_overlapping_runs_over_real_threads_settle_each_transaction_once(
    local_stack: LocalStack, operator: dict[str, str], provider: dict[str, str]
) -> None:
    api = local_stack.api_url
    tag = uuid.uuid4().hex[:8]
    items = [
        card(f"R{tag}-{n}", days_ago(4), 50_000 + n)
        if n % 3 == 0
        else bono(f"R{tag}-{n}", days_ago(4), 1000 + n)
        for n in range(60)
    ]
    assert (
        post(f"{api}/v1/operator/transactions", json={"items": items}, headers=operator).json()[
            "accepted"
        ]
        == 60
    )
    ends = [days_ago(3), days_ago(3), days_ago(2), days_ago(4), days_ago(3), days_ago(2)]

    def run(end: object) -> str:
        answer = post(
            f"{api}/v1/operator/settlements/run",
            json={"period_end": str(end)},
            headers=operator,
            timeout=60,
        )
        assert answer.status_code == 202, answer.text
        return str(answer.json()["run_id"])

    with ThreadPoolExecutor(max_workers=len(ends)) as pool:
        run_ids = list(pool.map(run, ends))
    for run_id in run_ids:
        wait_for_run(local_stack, operator, run_id)
    seen = settled_ids(local_stack, provider)
    ours = {i["id"]: seen.get(i["id"], []) for i in items}
    assert all(len(folios) == 1 for folios in ours.values()), ours
    future = post(
        f"{api}/v1/operator/settlements/run", json={"period_end": str(today())}, headers=operator
    )
    assert future.status_code == 422
    assert future.json()["error"]["code"] == "period_not_closed"


def test_excel_totals_match_the_api(local_stack: LocalStack, provider: dict[str, str]) -> None:
    from openpyxl import load_workbook

    api = local_stack.api_url
    span = {"from": f"{today().year}-01", "to": f"{today().year}-12"}
    report = get(f"{api}/v1/reports/period", params=span, headers=provider).json()
    exported = get(f"{api}/v1/reports/period", params={**span, "format": "xlsx"}, headers=provider)
    assert exported.status_code == 200, exported.text
    assert set(exported.json()) == {"url", "expires_at", "rows"}
    assert "/exports/" in exported.json()["url"]
    sheet = load_workbook(io.BytesIO(get(exported.json()["url"]).content)).active
    assert sheet is not None
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[-1][2] == int(report["total"]["amount"]) > 0
    assert [r[2] for r in rows[1:-1]] == [int(i["amount"]["amount"]) for i in report["items"]]
    vouchers = get(
        f"{api}/v1/reports/vouchers",
        params={"from": str(days_ago(40)), "to": str(today()), "format": "csv", "payer": "fonasa"},
        headers=provider,
    ).json()
    text = get(vouchers["url"]).content.decode("utf-8-sig").splitlines()
    assert len(text) == vouchers["rows"] + 2
    assert all(",Fonasa," in line for line in text[1:-1])
