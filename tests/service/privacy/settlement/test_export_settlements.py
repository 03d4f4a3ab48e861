"""A Chilean provider's export carries their settlements and the account they are paid into."""

from __future__ import annotations

import io
import json
import zipfile

import boto3

from chalicelib.notifications import service as notifications
from chalicelib.privacy import service as privacy
from chalicelib.privacy.schemas import DataRequestIn
from chalicelib.settlement import service as settlement
from tests.service.privacy.conftest import deliver_exports
from tests.service.settlement.conftest import RUT, World
from tests.service.settlement.test_settlement import week_of_transactions

BUCKET = "portal-test-documents"


def test_chilean_provider_export_holds_settlements_and_bank_account(world: World) -> None:
    notifications._queue_url.cache_clear()
    items = week_of_transactions(3)
    assert settlement.load_transactions_by_operator(world.operator, items).accepted == 3
    assert settlement.run_inline(None, ["sec"]).settled == 1
    settlement.set_bank_account(RUT, "Banco Estado", "corriente", "12345678", "CMP SPA")
    [folio] = [s.folio for s in settlement.settlements(world.provider, 2026, 11).items]

    created = privacy.create_request(world.provider, DataRequestIn(type="export"))
    assert deliver_exports() == 1
    assert privacy.my_request(world.provider, created.request_id).status == "lista"
    key = f"exports/privacy/{created.request_id}/mis-datos.zip"
    stored = boto3.client("s3").get_object(Bucket=BUCKET, Key=key)["Body"].read()
    data = json.loads(zipfile.ZipFile(io.BytesIO(stored)).read("datos.json"))
    assert [s["folio"] for s in data["liquidaciones"]["liquidaciones"]] == [folio]
    assert data["liquidaciones"]["cuenta_bancaria"]["number_masked"] == "••••5678"
