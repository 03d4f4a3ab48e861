"""PynamoDB models of the settlement tables (only the repository modules import this one).

`transactions` table:
- `TX#<insurer>#<id>` / `TX`: a transaction (the id is unique per insurer: loads are
  idempotent). gsi1 `PROV#<rut>` / `<occurred_at>#<id>`: every transaction of a provider, by
  date (reports). gsi2 is sparse: `UNSETTLED#<insurer>#<rut>` / `<occurred_at>#<id>` while it
  waits for a settlement, then `FOLIO#<folio>#<chunk>` / `<id>` once a settlement claims it
  (how an interrupted settlement finds what it had claimed).
- `ACTIVE#<shard>` / `<insurer>#<rut>`: a provider with unsettled activity (what the weekly
  run Queries, sixteen shards so no single partition is hot).
- `LME#<insurer>#<id>` / `LME`: a sick-leave record; gsi1 `LME#<rut>` / `<issued_on>#<id>`.

`settlements` table:
- `SETTLEMENT#<folio>` / `HEADER`: the settlement (its key is the guard of (provider, period));
  gsi1 `OPEN#<insurer>#<rut>` / `<period_end>#<folio>` while in progress (how a later run
  finds one a crashed worker left unfinished), `PROV#<rut>` / `<settled_on>#<folio>` once
  complete.
- `SETTLEMENT#<folio>` / `CHUNK#<credit type>#<n>`: details, one chunk per page claimed.
- `RUN#<id>` / `RUN` and `RUN#<id>` / `DONE#<insurer>#<rut>`: a run and its providers done.
- `PINV#<insurer>#<folio>` / `PINV`: the platform's invoice to a provider; gsi1
  `PINV#<rut>` / `<issued_on>#<folio>`.
- `PROVIDER#<rut>` / `BANK`: the provider's bank account for settlement payments.
"""

from __future__ import annotations

from pynamodb.attributes import JSONAttribute, NumberAttribute, UnicodeAttribute

from chalicelib.dynamo import table_meta
from chalicelib.tables.models import Gsi1, Gsi2, Item


class TransactionModel(Item):
    Meta = table_meta("transactions")

    gsi1pk = UnicodeAttribute(null=True)
    gsi1sk = UnicodeAttribute(null=True)
    gsi2pk = UnicodeAttribute(null=True)
    gsi2sk = UnicodeAttribute(null=True)
    by_provider = Gsi1["TransactionModel"]()
    unsettled = Gsi2["TransactionModel"]()
    insurer_id = UnicodeAttribute(null=True)
    data = JSONAttribute(null=True)  # the transaction's fields (rules.Transaction)
    folio = UnicodeAttribute(null=True)
    loaded_at = UnicodeAttribute(null=True)
    token = UnicodeAttribute(null=True)  # ACTIVE markers: the last load's token


class SettlementModel(Item):
    Meta = table_meta("settlements")

    gsi1pk = UnicodeAttribute(null=True)
    gsi1sk = UnicodeAttribute(null=True)
    by_provider = Gsi1["SettlementModel"]()
    state = UnicodeAttribute(null=True)
    next_chunk = NumberAttribute(null=True)
    figures = JSONAttribute(null=True)
    data = JSONAttribute(null=True)
    rows = JSONAttribute(null=True)
    providers = NumberAttribute(null=True)
    done = NumberAttribute(null=True)
    settled = NumberAttribute(null=True)
    lease_until = UnicodeAttribute(null=True)
    lease_owner = UnicodeAttribute(null=True)
