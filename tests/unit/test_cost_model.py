"""bench/cost_model.py (the counting and pricing of bench/cost.py): the hooks count what is
called, and the prices add up exactly."""

from __future__ import annotations

import importlib.util
import sys
from collections import Counter
from collections.abc import Iterator
from datetime import date
from decimal import Decimal
from pathlib import Path
from types import ModuleType
from typing import Any

import boto3
import pytest
from moto import mock_aws

BENCH = Path(__file__).resolve().parents[2] / "bench"


@pytest.fixture(scope="module")
def cost() -> ModuleType:
    spec = importlib.util.spec_from_file_location("bench_cost_model", BENCH / "cost_model.py")
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules["bench_cost_model"] = module  # dataclasses resolve their module by name
    spec.loader.exec_module(module)
    return module


@pytest.fixture
def moto() -> Iterator[None]:
    with mock_aws():
        yield


def test_the_hooks_count_each_call_by_service_and_operation(cost: ModuleType, moto: None) -> None:
    counter = cost.AwsCallCounter()
    sqs = boto3.client("sqs", region_name="us-east-1")
    counter.attach(sqs)
    sqs.create_queue(QueueName="not-counted")  # outside `recording`
    usage = cost.Usage()
    with counter.recording(usage):
        sqs.create_queue(QueueName="counted")
        sqs.list_queues()
    sqs.list_queues()
    assert usage.calls == Counter({"sqs:CreateQueue": 1, "sqs:ListQueues": 1})
    assert sum(usage.calls.values()) == 2
    assert usage.sqs_chunks == 2


def test_request_units_follow_the_item_sizes(cost: ModuleType, moto: None) -> None:
    dynamodb = boto3.client("dynamodb", region_name="us-east-1")
    dynamodb.create_table(
        TableName="t",
        KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"}],
        AttributeDefinitions=[
            {"AttributeName": "pk", "AttributeType": "S"},
            {"AttributeName": "gsi1pk", "AttributeType": "S"},
        ],
        GlobalSecondaryIndexes=[
            {
                "IndexName": "gsi1",
                "KeySchema": [{"AttributeName": "gsi1pk", "KeyType": "HASH"}],
                "Projection": {"ProjectionType": "ALL"},
            }
        ],
        BillingMode="PAY_PER_REQUEST",
    )
    counter = cost.AwsCallCounter(cost.MotoItems())
    counter.attach(dynamodb)
    item: dict[str, Any] = {"pk": {"S": "a"}, "gsi1pk": {"S": "g"}, "body": {"S": "x" * 1500}}
    usage = cost.Usage()
    with counter.recording(usage):
        # ~1.5 KB: 2 WRU on the table and 2 on the index it is in.
        dynamodb.put_item(TableName="t", Item=item)
        assert usage.wru == 4
        dynamodb.get_item(TableName="t", Key={"pk": {"S": "a"}}, ConsistentRead=True)
        dynamodb.get_item(TableName="t", Key={"pk": {"S": "a"}})
        assert usage.rru == Decimal("1.5")
        # In a transaction every KB counts twice on the table.
        dynamodb.transact_write_items(
            TransactItems=[
                {
                    "Update": {
                        "TableName": "t",
                        "Key": {"pk": {"S": "a"}},
                        "UpdateExpression": "SET n = :n",
                        "ExpressionAttributeValues": {":n": {"N": "1"}},
                    }
                }
            ]
        )
    assert usage.wru == 4 + 4 + 2
    assert usage.calls["dynamodb:TransactWriteItems"] == 1


def test_prices_are_exact_decimals(cost: ModuleType) -> None:
    usage = cost.Usage(
        calls=Counter({"ses:SendEmail": 4, "s3:PutObject": 10, "s3:GetObject": 20}),
        wru=Decimal(100),
        rru=Decimal("10.5"),
        api_requests=50,
        lambda_invocations=Counter({"api": 50}),
        lambda_ms=2000,
        sqs_chunks=10,
    )
    quantities = usage.scaled(Decimal(1000))
    costs = cost.price(quantities)
    assert all(isinstance(v, Decimal) for v in (*quantities.values(), *costs.values()))
    assert costs["ses"] == Decimal("0.4")  # 4,000 emails at $0.10 per 1,000
    assert costs["apigateway"] == Decimal("0.175")  # 50,000 at $3.50 per million
    assert costs["dynamodb"] == Decimal("0.0625") + Decimal("0.0013125")
    assert costs["s3_requests"] == Decimal("0.05") + Decimal("0.008")
    assert costs["sqs"] == Decimal("0.004")
    # 50,000 invocations; 2,000 s x 0.5 GB = 1,000 GB-s on arm64.
    assert costs["lambda"] == Decimal("0.01") + Decimal("0.0133334")
    assert cost.money(Decimal("0.0000005")) == "0.000001"  # half-up, in one place
    assert cost.money(Decimal("0.00000049")) == "0.000000"


def test_the_prices_are_data_with_the_date_they_were_read(cost: ModuleType) -> None:
    assert date.fromisoformat(cost.PRICES_AS_OF) <= date.today()
    assert cost.PRICES_REGION == "us-east-1"
    assert all(isinstance(v, Decimal) and v > 0 for v in cost.PRICES.values())
    assert cost.PRICES["apigateway_rest_request"] == Decimal("3.50") / 1_000_000
    assert cost.PRICES["lambda_gb_second_x86_64"] == Decimal("0.0000166667")
    assert cost.PRICES["lambda_gb_second_arm64"] == Decimal("0.0000133334")


def test_lambda_is_priced_for_the_stacks_architecture(cost: ModuleType) -> None:
    from infrastructure import packaging

    assert cost.LAMBDA_ARCHITECTURE == packaging.ARCHITECTURE
    gb_seconds = {k: Decimal(0) for k in cost.Usage().scaled(Decimal(1))}
    gb_seconds["lambda_gb_seconds"] = Decimal(1000)
    expected = 1000 * cost.PRICES[f"lambda_gb_second_{packaging.ARCHITECTURE}"]
    assert cost.price(gb_seconds)["lambda"] == expected
