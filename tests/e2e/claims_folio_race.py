"""Run as a separate process against a moto server (the local stack's): folio allocations
racing for real over HTTP, many threads at once.

`python -m tests.e2e.claims_folio_race COUNT SAME` prints JSON: the folios COUNT threads
allocated at the same moment for COUNT claims (the atomic counter is what keeps them apart),
and what SAME concurrent requests to register one claim got (the whole path: reservation,
allocation, transaction). The registrations of the COUNT claims are not committed here:
moto's server deep-copies the whole table inside TransactWriteItems without a lock, so
overlapping transactions crash (HTTP 500; 319 crashes measured for 200 at once) and 200
commits one at a time take 80 s on this machine; the transaction is covered by the SAME race,
the service tests and the Stubber test. The environment (AWS_ENDPOINT_URL, RESOURCE_PREFIX,
…) must point at the server before chalicelib loads.
"""

from __future__ import annotations

import json
import sys
import uuid
from concurrent.futures import ThreadPoolExecutor
from threading import Barrier

from chalicelib import clock
from chalicelib.claims import repository, service
from chalicelib.claims.repository import Claim


def draft(insurer_id: str) -> Claim:
    now = clock.iso(clock.now())
    claim = Claim(
        claim_id=str(uuid.uuid4()),
        account_id=f"race-{uuid.uuid4().hex[:8]}",
        insurer_id=insurer_id,
        policy_number="GMM-RACE",
        member_id="m-race",
        member_name="PRUEBA DE CONCURRENCIA",
        relationship="titular",
        coverage="gmm_mayores",
        claim_type="reembolso",
        stage="inicial",
        consent_at=now,
        status="borrador",
        created_at=now,
        updated_at=now,
    )
    repository.create(claim)
    return claim


def main(count: int, same: int) -> None:
    # A fresh insurer id per run: its counter starts at zero, whatever ran before.
    insurer_id = f"race{uuid.uuid4().hex[:6]}"
    barrier = Barrier(count)
    # One allocation for another insurer first: the shared clients are built here, once,
    # not by every thread at the same moment.
    service.allocate_folio("reembolso", f"warm{uuid.uuid4().hex[:6]}", clock.now())

    def allocate(_: int) -> str:
        barrier.wait()
        return service.allocate_folio("reembolso", insurer_id, clock.now())

    with ThreadPoolExecutor(max_workers=count) as pool:
        distinct_claims = list(pool.map(allocate, range(count)))

    one = draft(insurer_id)
    same_barrier = Barrier(same)

    def again(_: int) -> str:
        same_barrier.wait()
        return service.register_with_folio(one, [], None).folio or ""

    with ThreadPoolExecutor(max_workers=same) as pool:
        one_claim = list(pool.map(again, range(same)))
    stored = repository.get(one.claim_id)
    print(
        json.dumps(
            {
                "folios": distinct_claims,
                "same_claim": one_claim,
                "stored": stored.folio if stored else None,
            }
        )
    )


if __name__ == "__main__":
    main(int(sys.argv[1]), int(sys.argv[2]))
