"""Privacy rights (Mexican ARCO): a person asks for an export of their data or for the
deletion of their account; operators of the person's insurer see and answer the requests.

An export needs no decision: the API enqueues it on SQS `data-requests`, the consumer packs
a ZIP under `exports/` (the bucket's lifecycle removes it after a day) and emails the person;
the download link is made on each read and lasts 5 minutes. A deletion waits for an
operator's approval, then for the insurer's retention period (its settings over
`retention_settings.json`); the `run_data_requests` schedule executes those due (a Query on
the sparse work index). Other contexts hand over their records through their own
`personal_data` / erase functions.

The only door into the privacy context: the routes, app.py's handlers and the tests reach its
functions here. Each part lives in its own module: `requests` (opening a request, its states
and what it shows, the person's reads), `operators` (the operators' audited reads and the
decision on a deletion), `exporting` (the SQS consumer that builds the export), `deletion`
(executing due deletions, purging what they kept, the schedule) and `sources` (which
contexts hold, erase and purge a person's records).
"""

from __future__ import annotations

from chalicelib.privacy.deletion import execute_deletion, purge_due, run_due
from chalicelib.privacy.exporting import handle_export_message
from chalicelib.privacy.operators import decide, operator_request, operator_requests
from chalicelib.privacy.repository import DataRequest
from chalicelib.privacy.requests import (
    DOWNLOAD_LIFETIME,
    EXPORT_GIVE_UP_AFTER,
    EXPORT_RETRY_AFTER,
    QUEUE,
    NotPending,
    create_request,
    my_request,
    my_requests,
)
from chalicelib.privacy.rules import default_retention
from chalicelib.privacy.schemas import DataRequestOut

__all__ = [
    "DOWNLOAD_LIFETIME",
    "EXPORT_GIVE_UP_AFTER",
    "EXPORT_RETRY_AFTER",
    "QUEUE",
    "DataRequest",
    "DataRequestOut",
    "NotPending",
    "create_request",
    "decide",
    "default_retention",
    "execute_deletion",
    "handle_export_message",
    "my_request",
    "my_requests",
    "operator_request",
    "operator_requests",
    "purge_due",
    "run_due",
]
