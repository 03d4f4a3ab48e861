"""Every store of the platform and how a person's deletion and export cover it.

A table of `infrastructure/definition.py` or an S3 prefix that is not listed here fails the
tests (`tests/unit/privacy/test_stores.py`): a new store must say how a person's records in
it are erased and exported, or why it holds none of a portal account's data. The walker of
the tests (`tests/fixtures/personal_traces.py`) reads the same list to know which stores are
the insurer's own records (its roster, its imports), kept whatever the portal account does.

`erased_by` and `exported_by` name functions as `<context>.<function>` of that context's
`service.py`; the tests check that each exists and that the privacy context calls it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final, Literal

Kind = Literal["personal", "insurer_records", "accountability", "none"]


@dataclass(frozen=True)
class Store:
    kind: Kind
    how: str  # how the person's records go (or why there are none)
    erased_by: tuple[str, ...] = ()
    exported_by: tuple[str, ...] = ()


TABLES: Final[dict[str, Store]] = {
    "accounts": Store(
        "personal",
        "Profile anonymised, log-in identifiers, tokens and throttle items deleted, Cognito "
        "user deleted; session items hold only ids and expire with their TTL (30 days).",
        erased_by=("accounts.erase_personal_data", "accounts.close_access"),
        exported_by=("accounts.personal_data",),
    ),
    "policies": Store(
        "insurer_records",
        "The insurer's roster, conditions and catalogues: the person's insurance contract, "
        "the insurer's own record, not the portal account's; the export shows the policy.",
        exported_by=("claims.policy_personal_data",),
    ),
    "claims": Store(
        "personal",
        "Drafts, notifications and contact messages deleted; claims with a folio blocked "
        "without names, condition, CLABE or notes, purged with their documents.",
        erased_by=("claims.erase_personal_data",),
        exported_by=("claims.personal_data", "claims.inbox_personal_data"),
    ),
    "documents": Store(
        "personal",
        "Every version and record deleted, those the person had deleted too; a kept claim's "
        "documents and providers' CFDI blocked and purged on their date.",
        erased_by=("documents.erase_files",),
        exported_by=("documents.personal_files",),
    ),
    "counters": Store("none", "Folio sequences: numbers only."),
    "care_orders": Store(
        "personal",
        "A provider's care orders and bank accounts: accounting records kept (CFF art. 30) "
        "without contact data, purged on their date.",
        erased_by=("providers.erase_personal_data",),
        exported_by=("providers.personal_data",),
    ),
    "invoices": Store(
        "personal",
        "A provider's CFDI invoices and payments: kept (CFF art. 30), purged on their date.",
        erased_by=("providers.erase_personal_data",),
        exported_by=("providers.personal_data",),
    ),
    "payment_references": Store(
        "personal",
        "An affiliate's payment references and events: payments kept (CFF art. 30); "
        "anonymous request counters expire within the hour.",
        erased_by=("payments.erase_personal_data",),
        exported_by=("payments.personal_data",),
    ),
    "memberships": Store(
        "personal",
        "Memberships and their payments: kept (CFF art. 30), purged on their date.",
        erased_by=("payments.erase_personal_data",),
        exported_by=("payments.personal_data",),
    ),
    "transactions": Store(
        "insurer_records",
        "Chilean settlement transactions and sick-leave records loaded by the insurer, keyed "
        "by the provider's RUT: the insurer's payment records; the export shows them.",
        exported_by=("settlement.personal_data",),
    ),
    "settlements": Store(
        "insurer_records",
        "Settlements the insurer paid to providers: its accounting; the export shows them.",
        exported_by=("settlement.personal_data",),
    ),
    "agendas": Store(
        "personal",
        "Upcoming appointments cancelled and deleted; past ones blocked without name, "
        "registry id, credential serial or day item; clinics, agendas and slots hold no one.",
        erased_by=("appointments.erase_personal_data",),
        exported_by=("appointments.personal_data",),
    ),
    "prescriptions": Store(
        "personal",
        "Prescriptions and sick leaves blocked without name or NSS (clinical file), printed "
        "certificates deleted, purged on their date.",
        erased_by=("prescriptions.erase_personal_data",),
        exported_by=("prescriptions.personal_data",),
    ),
    "email_outbox": Store(
        "personal",
        "Every email sent to or about the person (the copy to the complaints address too), "
        "found by the hash of their addresses, deleted; the last one once it is sent.",
        erased_by=("notifications.erase_emails_about",),
        exported_by=("notifications.emails_about",),
    ),
    "audit": Store(
        "accountability",
        "Operators' reads and changes: who (an operator), what record (ids), when; kept as "
        "the insurer's proof of access (LFPDPPP art. 19 security measures), no contact data.",
    ),
    "affiliates": Store(
        "insurer_records",
        "The social-security registry the insurer loads (NSS, credential serial, names): "
        "the insurer's own record of its affiliates, not the portal account's.",
    ),
    "imports": Store(
        "insurer_records",
        "The insurer's import files' progress and row errors: its own data loads.",
    ),
    "data_requests": Store(
        "accountability",
        "The requests and their retention records, keyed by the account id alone: the "
        "controller's proof that it attended the person's rights; no contact data.",
    ),
}

PREFIXES: Final[dict[str, Store]] = {
    "uploads/": Store(
        "personal",
        "The person's uploads: every version and delete marker deleted (kept ones blocked).",
        erased_by=("documents.erase_files",),
        exported_by=("documents.personal_files",),
    ),
    "derived/": Store(
        "personal",
        "Copies derived from uploads (merged PDFs) and printed certificates: every version "
        "deleted with their document or record.",
        erased_by=("documents.erase_files", "prescriptions.erase_personal_data"),
        exported_by=("documents.personal_files",),
    ),
    "exports/": Store(
        "personal",
        "Privacy exports (exports/privacy/<request>/): every version deleted at the deletion; "
        "reports (Excel) for a download: the bucket's lifecycle removes them after a day.",
        erased_by=("privacy.execute_deletion",),
        exported_by=("privacy.handle_export_message",),
    ),
    "forms/": Store("none", "Blank forms the insurer uploads."),
    "imports/": Store("insurer_records", "The insurer's import files and their error reports."),
}


def insurer_tables() -> frozenset[str]:
    """Tables kept whatever a portal account does: the insurer's own records, and the
    records that prove who accessed or asked for what (ids only)."""
    return frozenset(name for name, s in TABLES.items() if s.kind != "personal")
