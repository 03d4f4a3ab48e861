"""The purge of what a provider's deletion kept: nothing goes before the end of the fiscal
period (CFF art. 30); after it the schedule deletes the invoices, the orders and the CFDI
files with every stored version, by id (the account is anonymised by then), notes the day in
the retention record, and a second run changes nothing."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import boto3

from chalicelib.documents import repository as documents_repository
from chalicelib.documents import service as documents
from chalicelib.privacy import service as privacy
from chalicelib.providers import repository as providers_repository
from chalicelib.providers import service as providers
from tests.service.accounts.conftest import Clock, Mailbox
from tests.service.privacy.conftest import stored_versions
from tests.service.privacy.providers.helpers import invoiced_provider, run_approved_deletion
from tests.service.providers.world import BUCKET, ProvidersWorld


def _kept_file_ids() -> list[str]:
    from chalicelib.privacy.models import PurgeModel

    return [
        document_id
        for item in PurgeModel.by_due.query("PURGE")
        if item.context == "documents"
        for document_id in item.ids
    ]


def test_kept_invoices_are_purged_with_every_file_version_once_their_period_ends(
    world: ProvidersWorld, mailbox: Mailbox, moved_clock: Clock
) -> None:
    provider, order_id, invoice_id = invoiced_provider(world)
    done = run_approved_deletion(provider, moved_clock)
    assert len(done.retained) == 3  # invoices, orders, CFDI files
    assert all(r.purged_at is None for r in done.retained)
    [file_id] = _kept_file_ids()
    kept_file = documents_repository.get(file_id)
    assert kept_file is not None
    key = kept_file.object_key
    s3 = boto3.client("s3")
    s3.put_object(Bucket=BUCKET, Key=key, Body=b"<cfdi/> a second version")
    s3.delete_object(Bucket=BUCKET, Key=key)  # a plain DELETE only adds a marker
    assert len(stored_versions(key)) == 3

    # Five years on, the day before the period ends: nothing goes.
    first_day = min(date.fromisoformat(r.until) for r in done.retained)
    assert first_day.year - moved_clock.now.year == 5
    moved_clock.now = datetime.combine(
        first_day - timedelta(days=1), datetime.min.time(), moved_clock.now.tzinfo
    ) + timedelta(hours=23)
    assert privacy.run_due()["purges"] == 0
    assert providers_repository.get_invoice(invoice_id) is not None
    assert providers_repository.get_order(order_id) is not None
    assert len(stored_versions(key)) == 3

    last_day = max(date.fromisoformat(r.until) for r in done.retained)
    moved_clock.now = datetime.combine(last_day, datetime.min.time(), moved_clock.now.tzinfo)
    assert privacy.run_due()["purges"] == 3
    assert providers_repository.get_invoice(invoice_id) is None
    assert providers_repository.get_order(order_id) is None
    assert stored_versions(key) == []
    assert documents_repository.get(file_id) is None
    purged = privacy.my_request(provider, done.request_id)
    assert {r.purged_at for r in purged.retained} == {last_day.isoformat()}
    assert [(r.what, r.count, r.until) for r in purged.retained] == [
        (r.what, r.count, r.until) for r in done.retained
    ]

    # A second run finds nothing due; the contexts' purges by id change nothing either.
    moved_clock.advance(days=1)
    assert privacy.run_due()["purges"] == 0
    assert providers.purge_retained([f"invoice:{invoice_id}", f"order:{order_id}"]) == 0
    assert documents.purge_retained([file_id]) == 0
    again = privacy.my_request(provider, done.request_id)
    assert {r.purged_at for r in again.retained} == {last_day.isoformat()}
