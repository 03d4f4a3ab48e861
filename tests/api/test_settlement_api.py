"""Settlement through the API in-process: loads, roles and ownership, overlapping runs
requested from real threads, and the Excel file against the API's figures."""

from __future__ import annotations

import io
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest
import requests

from tests.e2e.settlement_helpers import bono, card, days_ago, today
from tests.fixtures.platform import Platform


def wait_for_run(platform: Platform, auth: dict[str, str], run_id: str, seconds: float = 60) -> Any:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        platform.drain()
        run = platform.get(f"/v1/operator/settlements/runs/{run_id}", headers=auth).json()
        if run["finished"]:
            return run
        time.sleep(0.3)
    raise AssertionError(f"run {run_id} did not finish: {run}")


def settled_ids(platform: Platform, auth: dict[str, str]) -> dict[str, list[str]]:
    """Every transaction id the provider sees in a settlement, with the folios holding it."""
    seen: dict[str, list[str]] = {}
    for year in {today().year, today().year - 1}:
        listed = platform.get("/v1/settlements", params={"year": year}, headers=auth).json()[
            "items"
        ]
        for settlement in listed:
            cursor = None
            while True:
                params = {"limit": 500, **({"cursor": cursor} if cursor else {})}
                page = platform.get(
                    f"/v1/settlements/{settlement['folio']}/transactions",
                    params=params,
                    headers=auth,
                ).json()
                for item in page["items"]:
                    seen.setdefault(item["id"], []).append(settlement["folio"])
                cursor = page["next_cursor"]
                if not cursor:
                    break
    return seen


@pytest.fixture(scope="module")
def operator(platform: Platform) -> dict[str, str]:
    return platform.headers("operador@demo.mx")


@pytest.fixture(scope="module")
def provider(platform: Platform) -> dict[str, str]:
    return platform.headers("76123456-0")  # the RUT in another usual format


def test_loads_are_judged_per_item_and_routes_check_role_and_owner(
    platform: Platform, operator: dict[str, str], provider: dict[str, str]
) -> None:
    get, post = platform.get, platform.post
    tag = uuid.uuid4().hex[:8]
    items = [bono(f"H{tag}-1", days_ago(5), 7000), {"kind": "bono", "id": "x"}]
    answer = post("/v1/operator/transactions", json={"items": items}, headers=operator)
    assert answer.status_code == 200, answer.text
    body = answer.json()
    assert body["accepted"] == 1
    assert [(r["index"], r["code"]) for r in body["rejected"]] == [(1, "invalid_rut")]
    assert post("/v1/operator/transactions", json={"items": items}, headers=operator).json() == body

    too_many = {"items": [bono(f"H{tag}-{n}", days_ago(5), 1) for n in range(1001)]}
    refused = post("/v1/operator/transactions", json=too_many, headers=operator)
    assert refused.status_code == 422
    assert refused.json()["error"]["code"] == "validation_error"

    assert (
        post("/v1/operator/transactions", json={"items": items}, headers=provider).status_code
        == 403
    )
    assert get("/v1/settlements", params={"year": 2026}).status_code == 401
    assert get("/v1/settlements", params={"year": 2026}, headers=operator).status_code == 403
    mexican = platform.headers("prestador@demo.mx")
    assert get("/v1/provider/account", headers=mexican).status_code == 404
    listed = get("/v1/settlements", params={"year": today().year}, headers=provider)
    folio = listed.json()["items"][0]["folio"]
    assert get(f"/v1/settlements/{folio}", headers=mexican).status_code == 404
    bad = get("/v1/reports/period", params={"from": "2026-13", "to": "2026-01"}, headers=provider)
    assert bad.status_code == 422
    assert bad.json()["error"]["message"]
    norte = platform.headers("operador.norte@demo.mx")
    started = post("/v1/operator/settlements/run", json={}, headers=operator).json()
    run = get(f"/v1/operator/settlements/runs/{started['run_id']}", headers=norte)
    assert run.status_code == 404
    wait_for_run(platform, operator, started["run_id"])


def test_overlapping_runs_over_real_threads_settle_each_transaction_once(
    platform: Platform, operator: dict[str, str], provider: dict[str, str]
) -> None:
    tag = uuid.uuid4().hex[:8]
    items = [
        card(f"R{tag}-{n}", days_ago(4), 50_000 + n)
        if n % 3 == 0
        else bono(f"R{tag}-{n}", days_ago(4), 1000 + n)
        for n in range(60)
    ]
    assert (
        platform.post("/v1/operator/transactions", json={"items": items}, headers=operator).json()[
            "accepted"
        ]
        == 60
    )
    ends = [days_ago(3), days_ago(3), days_ago(2), days_ago(4), days_ago(3), days_ago(2)]

    def run(end: object) -> str:
        answer = platform.post(
            "/v1/operator/settlements/run", json={"period_end": str(end)}, headers=operator
        )
        assert answer.status_code == 202, answer.text
        return str(answer.json()["run_id"])

    with ThreadPoolExecutor(max_workers=len(ends)) as pool:
        run_ids = list(pool.map(run, ends))
    for run_id in run_ids:
        wait_for_run(platform, operator, run_id)
    seen = settled_ids(platform, provider)
    ours = {i["id"]: seen.get(i["id"], []) for i in items}
    assert all(len(folios) == 1 for folios in ours.values()), ours
    future = platform.post(
        "/v1/operator/settlements/run", json={"period_end": str(today())}, headers=operator
    )
    assert future.status_code == 422
    assert future.json()["error"]["code"] == "period_not_closed"


def test_excel_totals_match_the_api(platform: Platform, provider: dict[str, str]) -> None:
    from openpyxl import load_workbook

    get = platform.get
    span = {"from": f"{today().year}-01", "to": f"{today().year}-12"}
    report = get("/v1/reports/period", params=span, headers=provider).json()
    exported = get("/v1/reports/period", params={**span, "format": "xlsx"}, headers=provider)
    assert exported.status_code == 200, exported.text
    assert set(exported.json()) == {"url", "expires_at", "rows"}
    assert "/exports/" in exported.json()["url"]
    # The presigned GETs go to moto's S3 (moto answers the requests library).
    data = requests.get(exported.json()["url"], timeout=10).content
    sheet = load_workbook(io.BytesIO(data)).active
    assert sheet is not None
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[-1][2] == int(report["total"]["amount"]) > 0
    assert [r[2] for r in rows[1:-1]] == [int(i["amount"]["amount"]) for i in report["items"]]
    vouchers = get(
        "/v1/reports/vouchers",
        params={"from": str(days_ago(40)), "to": str(today()), "format": "csv", "payer": "fonasa"},
        headers=provider,
    ).json()
    text = requests.get(vouchers["url"], timeout=10).content.decode("utf-8-sig").splitlines()
    assert len(text) == vouchers["rows"] + 2
    assert all(",Fonasa," in line for line in text[1:-1])
