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


def test_a_settlement_as_excel_holds_every_transaction_and_its_totals(
    platform: Platform, provider: dict[str, str], operator: dict[str, str]
) -> None:
    from openpyxl import load_workbook

    get = platform.get
    [latest, *_] = (
        get("/v1/settlements", params={"year": today().year}, headers=provider).json()["items"]
        or get("/v1/settlements", params={"year": today().year - 1}, headers=provider).json()[
            "items"
        ]
    )
    folio = latest["folio"]
    exported = get(f"/v1/settlements/{folio}", params={"format": "xlsx"}, headers=provider)
    assert exported.status_code == 200, exported.text
    assert exported.json()["rows"] == latest["transactions"]
    sheet = load_workbook(
        io.BytesIO(requests.get(exported.json()["url"], timeout=10).content)
    ).active
    assert sheet is not None
    cells = list(sheet.iter_rows(values_only=True))
    assert cells[0][0] == f"Liquidación {folio}"
    header_at = next(i for i, row in enumerate(cells) if row[0] == "Transacción")
    rows = cells[header_at + 1 : header_at + 1 + latest["transactions"]]
    totals = cells[header_at + 1 + latest["transactions"]]
    assert totals[0] == "Total"
    assert totals[15] == int(latest["total"]["amount"]) == sum(int(str(r[15])) for r in rows)
    # Someone else's settlement, or an operator: not theirs to download.
    assert get(f"/v1/settlements/{folio}?format=xlsx", headers=operator).status_code == 403
    bad = get(f"/v1/settlements/{folio}", params={"format": "pdf"}, headers=provider)
    assert bad.status_code == 422


def test_platform_invoice_detail_and_the_current_account(
    platform: Platform, provider: dict[str, str], operator: dict[str, str]
) -> None:
    get = platform.get
    year = today().year
    invoices = get("/v1/provider/platform-invoices", params={"year": year}, headers=provider)
    by_type = {i["type"]: i for i in invoices.json()["items"]}
    commission = by_type["comision"]
    detail = get(
        f"/v1/provider/platform-invoices/{commission['folio']}",
        params={"issued_on": commission["issued_on"]},
        headers=provider,
    )
    assert detail.status_code == 200, detail.text
    body = detail.json()
    assert body["type_label"] == "Comisión por transacciones"
    assert body["payable"] is False
    assert "descuenta" in body["how_paid"]
    assert body["paid"]["amount"] == "0"
    wrong_day = get(
        f"/v1/provider/platform-invoices/{commission['folio']}",
        params={"issued_on": f"{year - 3}-01-01"},
        headers=provider,
    )
    assert wrong_day.status_code == 404
    assert (
        get(
            f"/v1/provider/platform-invoices/{commission['folio']}",
            params={"issued_on": commission["issued_on"]},
            headers=operator,
        ).status_code
        == 403
    )

    account = get("/v1/provider/current-account", params={"year": year}, headers=provider)
    assert account.status_code == 200, account.text
    current = account.json()
    assert [m["month"] for m in current["months"]] == list(range(1, 13))
    # Each month closes at the one before plus its credits minus its debits.
    running = int(current["opening_balance"]["amount"])
    for month in current["months"]:
        running += int(month["credits"]["amount"]) - int(month["debits"]["amount"])
        assert int(month["closing_balance"]["amount"]) == running
    assert int(current["closing_balance"]["amount"]) == running
    assert running == int(current["settlements_unpaid"]["amount"]) - int(
        current["invoices_due"]["amount"]
    )
    # The unpaid monthly fee is owed; the commission invoice is not a debt of the account.
    assert int(current["invoices_due"]["amount"]) == 59_500
    assert any(m["concept"].startswith("Liquidación LQ-") for m in current["movements"])
    assert get("/v1/provider/current-account?year=1999", headers=provider).status_code == 422


def test_an_operator_checks_a_run_by_its_settlements_and_the_loaded_transactions(
    platform: Platform, operator: dict[str, str], provider: dict[str, str]
) -> None:
    get, post = platform.get, platform.post
    tag = uuid.uuid4().hex[:8]
    loaded = post(
        "/v1/operator/transactions",
        json={
            "items": [bono(f"K{tag}-1", days_ago(20), 4321), card(f"K{tag}-2", days_ago(20), 30000)]
        },
        headers=operator,
    )
    assert loaded.json()["accepted"] == 2, loaded.text
    window = {"provider": "76.123.456-0", "from": str(days_ago(21)), "to": str(days_ago(19))}
    before = get("/v1/operator/transactions", params=window, headers=operator).json()
    mine = [t for t in before["items"] if t["id"].startswith(f"K{tag}")]
    assert [(t["status"], t["folio"]) for t in mine] == [("pendiente", None)] * 2

    started = post(
        "/v1/operator/settlements/run", json={"period_end": str(days_ago(19))}, headers=operator
    ).json()
    wait_for_run(platform, operator, started["run_id"])
    made = get(
        f"/v1/operator/settlements/runs/{started['run_id']}/settlements", headers=operator
    ).json()
    [settled] = [s for s in made["items"] if s["provider_rut"] == "76.123.456-0"]
    assert int(settled["total"]["amount"]) == int(settled["insurer_credit"]["amount"]) + int(
        settled["card_credit"]["amount"]
    )
    after = get("/v1/operator/transactions", params=window, headers=operator).json()
    assert {t["folio"] for t in after["items"] if t["id"].startswith(f"K{tag}")} == {
        settled["folio"]
    }
    # Another insurer's operator sees neither the run nor these transactions.
    norte = platform.headers("operador.norte@demo.mx")
    assert (
        get(
            f"/v1/operator/settlements/runs/{started['run_id']}/settlements", headers=norte
        ).status_code
        == 404
    )
    theirs = get("/v1/operator/transactions", params=window, headers=norte).json()["items"]
    assert not [t for t in theirs if t["id"].startswith(f"K{tag}")]
    bad = get(
        "/v1/operator/transactions", params={**window, "provider": "76.123.456-1"}, headers=operator
    )
    assert bad.status_code == 422
    assert bad.json()["error"]["details"][0]["field"] == "provider"
    assert get("/v1/operator/transactions", params=window, headers=provider).status_code == 403
