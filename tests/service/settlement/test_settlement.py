"""Settlement on moto: loads, runs that are doubled, redelivered, overlapping or interrupted,
late transactions, provider views, ownership and the Excel export."""

from __future__ import annotations

import io
from datetime import date
from typing import Any

import boto3
import pytest

from chalicelib import errors
from chalicelib.settlement import repository, rules, runs, service
from chalicelib.settlement.schemas import DetailQuery, PeriodQuery, VouchersQuery
from tests.service.settlement.conftest import OTHER_RUT, RUT, World, bono, card

WEEK_END = date(2026, 11, 19)


def week_of_transactions(count: int, prefix: str = "W") -> list[dict[str, Any]]:
    items: list[dict[str, Any]] = []
    for n in range(count):
        day = f"2026-11-{13 + n % 7:02d}"
        if n % 3 == 0:
            items.append(card(f"{prefix}{n}", f"{day}T10:{n % 60:02d}:00", amount=10_000 + 37 * n))
        else:
            items.append(bono(f"{prefix}{n}", day, insurer=1000 + n))
    return items


def folio_count(transaction_ids: list[str]) -> dict[str, int]:
    """How many settlements hold each transaction, read from the details themselves."""
    from chalicelib.settlement.models import SettlementModel

    counts = dict.fromkeys(transaction_ids, 0)
    for header in repository.provider_settlements(RUT, "2000", "2100"):
        for item in SettlementModel.query(
            f"SETTLEMENT#{header.folio}", SettlementModel.sk.startswith("CHUNK#")
        ):
            for row in item.rows or []:
                counts[row["transaction_id"]] = counts.get(row["transaction_id"], 0) + 1
    return counts


def unsettled(rut: str) -> list[repository.StoredTransaction]:
    return repository.unsettled_page("sec", rut, 1000, None).items


def all_rows(world: World, folio: str) -> list[Any]:
    rows: list[Any] = []
    cursor = None
    while True:
        page = service.settlement_transactions(
            world.provider, folio, DetailQuery(limit=100, cursor=cursor)
        )
        rows += page.items
        cursor = page.next_cursor
        if cursor is None:
            return rows


def test_a_batch_is_judged_per_item_and_reloading_it_changes_nothing(world: World) -> None:
    items = [
        bono("A1", "2026-11-16"),
        bono("A2", "2026-11-16", rut="11.111.111-1"),
        bono("A3", "2026-11-16", rut="22.222.222-2"),  # valid RUT, nobody registered
        card("A4", "2026-11-16", issuer_commission="-1"),
    ]
    first = service.load_transactions_by_operator(world.operator, items)
    assert first.accepted == 2
    assert [(r.index, r.code) for r in first.rejected] == [
        (2, "unknown_provider"),
        (3, "invalid_amount"),
    ]
    again = service.load_transactions_by_operator(world.operator, items)
    assert again == first
    assert [s.transaction.transaction_id for s in unsettled(RUT)] == ["A1"]
    assert [s.transaction.transaction_id for s in unsettled(OTHER_RUT)] == ["A2"]


def test_a_run_settles_each_provider_once_and_totals_are_the_sum_of_the_details(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(runs, "PAGE_SIZE", 7)  # many chunks
    items = week_of_transactions(40)
    assert service.load_transactions_by_operator(world.operator, items).accepted == 40
    run = service.run_inline(None, ["sec"])
    assert (run.providers, run.done, run.settled, run.finished) == (1, 1, 1, True)
    assert run.period_end == WEEK_END

    listed = service.settlements(world.provider, 2026, 11).items
    assert len(listed) == 1
    folio = listed[0].folio
    detail = service.settlement_detail(world.provider, folio)
    assert detail.settled_on == date(2026, 11, 25)
    assert detail.paid_on == date(2026, 11, 27)
    rows = all_rows(world, folio)
    assert sorted(r.id for r in rows) == sorted(i["id"] for i in items)
    credit = {c.type: int(c.amount.amount) for c in detail.credits}
    assert credit["seguros"] == sum(int(r.credit.amount) for r in rows if r.type == "seguros")
    assert credit["tarjetas"] == sum(int(r.credit.amount) for r in rows if r.type == "tarjetas")
    assert int(detail.total.amount) == credit["seguros"] + credit["tarjetas"]
    expected = rules.Figures.of(rules.parse_transaction(i) for i in items)
    assert int(detail.summary.paid_amount.amount) == expected["card_net"]
    assert int(detail.summary.platform_commission.amount) == expected["platform_commission"]
    only_cards = service.settlement_transactions(
        world.provider, folio, DetailQuery(type="tarjetas", limit=500)
    )
    assert {r.kind for r in only_cards.items} == {"tarjeta"}
    # Nothing is left for the provider, so it is no longer on the weekly list.
    assert list(repository.active_providers(["sec"])) == []


def test_doubled_triggers_and_redelivered_messages_settle_nothing_twice(world: World) -> None:
    items = week_of_transactions(25)
    service.load_transactions_by_operator(world.operator, items)
    first, messages = service.start_run(WEEK_END, ["sec"], "test", enqueue=False)
    second, more = service.start_run(WEEK_END, ["sec"], "test", enqueue=False)  # doubled trigger
    import json

    for message in messages + messages + more:  # the first message is delivered twice
        service.handle_task(json.dumps(message))
    assert set(folio_count([i["id"] for i in items]).values()) == {1}
    progress = service.run_progress(world.operator, first.run_id)
    assert (progress.done, progress.settled) == (1, 1)
    assert progress.not_settled == []
    doubled = service.run_progress(world.operator, second.run_id)
    assert doubled.done == 1
    [why] = doubled.not_settled
    assert why.reason == "ya_liquidado"
    assert why.folio is not None
    assert why.folio in why.message
    assert len(service.settlements(world.provider, 2026, None).items) == 1


def test_overlapping_manual_runs_never_share_a_transaction(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    # moto in-process is not thread-safe, so the overlap is staged: while the first run is
    # between reading a page and claiming it, two more runs (the same period and an earlier
    # one) run to the end. The race over real threads is in tests/api/test_settlement_api.py
    # (on the platform fixture, whose DynamoDB is serialised as the local stack's is).
    monkeypatch.setattr(runs, "PAGE_SIZE", 10)
    items = week_of_transactions(60, prefix="O")
    service.load_transactions_by_operator(world.operator, items)
    real_claim = repository.claim
    interfered = {"done": False}

    def claim_after_others(stored: Any, folio: str, chunk: int) -> bool:
        if not interfered["done"]:
            interfered["done"] = True
            # The same period: the lease is held, so it leaves the work to the first run
            # (and its task is not acknowledged: it comes back later).
            with pytest.raises(service.SettlementBusy):
                service.settle_provider("sec", RUT, WEEK_END)
            service.settle_provider("sec", RUT, date(2026, 11, 17))
        return real_claim(stored, folio, chunk)

    monkeypatch.setattr(repository, "claim", claim_after_others)
    service.settle_provider("sec", RUT, WEEK_END)
    counts = folio_count([i["id"] for i in items])
    assert set(counts.values()) == {1}, "a transaction is in two settlements, or in none"
    listed = service.settlements(world.provider, 2026, 11).items
    assert len(listed) == 2
    assert sum(s.transactions for s in listed) == 60


def test_an_interrupted_settlement_resumes_where_its_last_chunk_ended(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(runs, "PAGE_SIZE", 5)
    items = week_of_transactions(23, prefix="I")
    service.load_transactions_by_operator(world.operator, items)
    calls = {"n": 0}
    real_write = repository.write_chunk

    def crash_on_third_chunk(*args: Any, **kwargs: Any) -> None:
        calls["n"] += 1
        if calls["n"] == 3:
            raise RuntimeError("the worker stopped")  # claimed five, wrote nothing
        real_write(*args, **kwargs)

    monkeypatch.setattr(repository, "write_chunk", crash_on_third_chunk)
    with pytest.raises(RuntimeError):
        service.settle_provider("sec", RUT, WEEK_END)
    folio = service.folio_for("sec", RUT, WEEK_END)
    header = repository.get_header(folio)
    assert header is not None
    assert (header.state, header.next_chunk, header.lease_owner) == ("en_proceso", 2, None)
    with pytest.raises(errors.NotFound):
        service.settlement_detail(world.provider, folio)  # never shown half done
    # The failed worker let go of its lease: the redelivered message resumes at once.
    assert service.settle_provider("sec", RUT, WEEK_END) == folio
    assert set(folio_count([i["id"] for i in items]).values()) == {1}
    detail = service.settlement_detail(world.provider, folio)
    assert detail.transactions == 23
    assert int(detail.total.amount) == sum(int(r.credit.amount) for r in all_rows(world, folio))


def test_a_late_transaction_goes_into_the_next_settlement(world: World) -> None:
    service.load_transactions_by_operator(world.operator, [bono("L1", "2026-11-18")])
    service.run_inline(WEEK_END, ["sec"])
    # Loaded after the run, but it happened in the settled week; and one of the new week.
    service.load_transactions_by_operator(
        world.operator,
        [bono("L2", "2026-11-19T23:30:00"), bono("L3", "2026-11-20T00:00:00")],
    )
    world.clock.advance(days=7)
    run = service.run_inline(None, ["sec"])
    assert run.period_end == date(2026, 11, 26)
    items = sorted(service.settlements(world.provider, 2026, None).items, key=lambda s: s.folio)
    assert [(s.settled_on.month, s.transactions) for s in items] == [(11, 1), (12, 2)]
    assert [s.folio for s in service.settlements(world.provider, 2026, 12).items] == [
        items[1].folio
    ]
    later = all_rows(world, items[1].folio)
    assert sorted(r.id for r in later) == ["L2", "L3"]
    vouchers = service.vouchers_report(
        world.provider, VouchersQuery(**{"from": date(2026, 11, 1), "to": date(2026, 11, 30)})
    )
    assert {v.folio: v.settlement for v in vouchers.items} == {
        "L1": items[0].folio,
        "L2": items[1].folio,
        "L3": items[1].folio,
    }


def test_a_transaction_after_the_cutoff_waits(world: World) -> None:
    # Friday 00:00 in Santiago is outside the week that ended on Thursday.
    service.load_transactions_by_operator(world.operator, [bono("C1", "2026-11-20T00:00:00")])
    run = service.run_inline(WEEK_END, ["sec"])
    assert (run.providers, run.settled) == (1, 0)
    # The run says why the provider was not settled.
    [why] = run.not_settled
    assert (why.reason, why.insurer_id) == ("solo_posteriores", "sec")
    assert why.message.startswith("Sus transacciones son posteriores al cierre del periodo")
    assert [s.transaction.transaction_id for s in unsettled(RUT)] == ["C1"]
    # It stays on the weekly list for the next run.
    assert [p.rut for p in repository.active_providers(["sec"])] == [RUT]


def test_another_provider_and_another_insurer_see_nothing(world: World) -> None:
    service.load_transactions_by_operator(world.operator, [bono("X1", "2026-11-16")])
    run = service.run_inline(WEEK_END, ["sec"])
    folio = service.folio_for("sec", RUT, WEEK_END)
    with pytest.raises(errors.NotFound):
        service.settlement_detail(world.other_provider, folio)
    with pytest.raises(errors.NotFound):
        service.settlement_transactions(world.other_provider, folio, DetailQuery())
    assert service.settlements(world.other_provider, 2026, None).items == []
    from chalicelib.auth import Principal

    with pytest.raises(errors.NotFound):
        service.run_progress(Principal("op-2", "operador", ("adn",)), run.run_id)
    # An operator of another insurer settles nothing of SEC's.
    assert service.run_inline(WEEK_END, ["adn"]).providers == 0


def test_the_excel_report_opens_and_its_totals_match_the_api(world: World) -> None:
    from openpyxl import load_workbook

    service.load_transactions_by_operator(world.operator, week_of_transactions(12, prefix="E"))
    service.run_inline(WEEK_END, ["sec"])
    query = PeriodQuery(**{"from": "2026-10", "to": "2026-11", "format": "xlsx"})
    report = service.period_report(
        world.provider, PeriodQuery(**{"from": "2026-10", "to": "2026-11"})
    )
    exported = service.period_export(world.provider, query)
    assert "exports/" in exported.url
    body = _download(exported.url)
    sheet = load_workbook(io.BytesIO(body)).active
    assert sheet is not None
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0] == ("Año", "Mes", "Monto (CLP)", "Liquidaciones")
    assert sheet.freeze_panes == "A2"
    assert [(r[0], r[1], r[2], r[3]) for r in rows[1:-1]] == [
        (i.year, i.month, int(i.amount.amount), i.settlements) for i in report.items
    ]
    assert rows[-1][2] == int(report.total.amount) > 0
    assert sheet["C2"].number_format == '"$"#,##0'
    vouchers = service.vouchers_export(
        world.provider,
        VouchersQuery(**{"from": date(2026, 11, 1), "to": date(2026, 11, 30), "format": "csv"}),
    )
    text = _download(vouchers.url).decode("utf-8-sig").splitlines()
    assert text[0].startswith("Folio bono,Fecha de emisión")
    assert vouchers.rows == len(text) - 2 == 8


def _download(url: str) -> bytes:
    # moto in-process answers presigned URLs through the mocked requests of boto3 only, so
    # read the object by its key.
    from urllib.parse import unquote, urlparse

    parsed = urlparse(url)
    path = unquote(parsed.path).lstrip("/")
    bucket, _, key = path.partition("/")
    if parsed.netloc.startswith("portal-test-documents."):
        bucket, key = "portal-test-documents", path
    return bytes(boto3.client("s3").get_object(Bucket=bucket, Key=key)["Body"].read())


def test_csv_file_accepted_by_the_pipeline_is_loaded(world: World) -> None:
    from types import SimpleNamespace

    csv_text = (
        "tipo,id_transaccion,rut_prestador,fecha,valor_total,aporte_financiador,aporte_seguro,"
        "copago,monto,cuotas,comision_emisor,respuesta_emisor\n"
        "bono,F1,76.123.456-0,2026-11-16,30000,15000,9000,6000,,,,\n"
        "tarjeta,F2,76.123.456-0,2026-11-17,,,,,50000,2,700,aprobada\n"
    )
    boto3.client("s3").put_object(
        Bucket="portal-test-documents", Key="uploads/test/file.csv", Body=csv_text.encode()
    )
    document = SimpleNamespace(
        status="aceptado",
        object_key="uploads/test/file.csv",
        version_id=None,
        insurer_id="sec",
        document_id="d1",
    )
    service.on_transaction_file_verdict(document)
    service.on_transaction_file_verdict(document)  # at least once: a second call adds nothing
    service.run_inline(WEEK_END, ["sec"])
    folio = service.folio_for("sec", RUT, WEEK_END)
    assert sorted(r.id for r in all_rows(world, folio)) == ["F1", "F2"]


def test_the_listener_is_registered_for_transaction_files() -> None:
    from chalicelib import wiring
    from chalicelib.documents import service as documents

    wiring.wire()

    listener = documents._listeners[str(documents.DocumentOwner.TRANSACTIONS)]
    assert listener is service.on_transaction_file_verdict
