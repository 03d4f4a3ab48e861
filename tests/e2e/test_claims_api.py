"""Claims on the local stack: folio allocations racing against the moto server (not moto
in-process). The other claims API tests run in-process in tests/api/test_claims_api.py."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

from chalicelib.claims.folios import parse_folio
from tests.fixtures.stack import ROOT, LocalStack

pytestmark = pytest.mark.e2e


def test_two_hundred_concurrent_folios_are_distinct_and_a_claim_gets_one(
    local_stack: LocalStack,
) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("AWS_", "POWERTOOLS_"))}
    env.update(
        {
            "AWS_ACCESS_KEY_ID": "testing",
            "AWS_SECRET_ACCESS_KEY": "testing",
            "AWS_DEFAULT_REGION": "us-east-1",
            "AWS_REGION": "us-east-1",
            "AWS_ENDPOINT_URL": local_stack.moto_url,
            "AWS_ACCOUNT_ID_ENDPOINT_MODE": "disabled",
            "STAGE": "local",
            "RESOURCE_PREFIX": "portal-local-",
            "POWERTOOLS_LOG_LEVEL": "ERROR",
        }
    )
    result = subprocess.run(
        [sys.executable, "-m", "tests.e2e.claims_folio_race", "200", "20"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    found = json.loads(result.stdout.strip().splitlines()[-1])
    folios = found["folios"]
    assert len(folios) == 200
    assert len(set(folios)) == 200
    parts = [parse_folio(f) for f in folios]
    # One counter, 200 takers at once: exactly the numbers 1…200, none twice.
    assert sorted(p.sequence for p in parts if p is not None) == list(range(1, 201))
    assert len(set(found["same_claim"])) == 1
    # 20 requests for one claim spent one number: only the reservation's holder allocated.
    same = parse_folio(found["same_claim"][0])
    assert same is not None
    assert same.sequence == 201
    assert found["same_claim"][0] == found["stored"]
