"""How long moto's DynamoDB takes for one Query on a GSI, by table size (in-process).

    python bench/moto_gsi_query.py

moto answers a Query on a global secondary index by reading and sorting every item of the
table, so its time grows with the table, not with the answer (DynamoDB reads only the
partition asked for). This is why `bench/settlement.py` at full size (100,000 transactions)
runs for hours on moto. Prints one JSON line per size: milliseconds per Query (100 items per
index partition) and per UpdateItem, for comparison.
"""

from __future__ import annotations

import json
import os
import sys
import time
from pathlib import Path

SIZES = (1_000, 3_000, 10_000, 30_000, 100_000)


def main() -> None:
    os.environ.update(
        {"AWS_ACCESS_KEY_ID": "testing", "AWS_SECRET_ACCESS_KEY": "testing"}
        | {"AWS_DEFAULT_REGION": "us-east-1"}
    )
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    import boto3
    from _machine import machine
    from moto import mock_aws
    from moto.core.models import DEFAULT_ACCOUNT_ID
    from moto.dynamodb.models import dynamodb_backends

    with mock_aws():
        client = boto3.client("dynamodb", region_name="us-east-1")
        client.create_table(
            TableName="t",
            KeySchema=[
                {"AttributeName": "pk", "KeyType": "HASH"},
                {"AttributeName": "sk", "KeyType": "RANGE"},
            ],
            AttributeDefinitions=[
                {"AttributeName": a, "AttributeType": "S"} for a in ("pk", "sk", "g2pk", "g2sk")
            ],
            GlobalSecondaryIndexes=[
                {
                    "IndexName": "gsi2",
                    "KeySchema": [
                        {"AttributeName": "g2pk", "KeyType": "HASH"},
                        {"AttributeName": "g2sk", "KeyType": "RANGE"},
                    ],
                    "Projection": {"ProjectionType": "ALL"},
                }
            ],
            BillingMode="PAY_PER_REQUEST",
        )
        # Straight into moto's backend: filling 100,000 items through the API takes minutes.
        backend = dynamodb_backends[DEFAULT_ACCOUNT_ID]["us-east-1"]
        stored = 0
        for size in SIZES:
            while stored < size:
                backend.put_item(
                    "t",
                    {
                        "pk": {"S": f"TX#{stored}"},
                        "sk": {"S": "TX"},
                        "g2pk": {"S": f"UNSETTLED#sec#{stored // 100}"},
                        "g2sk": {"S": f"2026-11-1{stored % 7}T10:00#{stored}"},
                        "amount": {"N": str(stored)},
                        "place": {"S": "Providencia"},
                    },
                )
                stored += 1
            started = time.perf_counter()
            for n in range(5):
                client.query(
                    TableName="t",
                    IndexName="gsi2",
                    KeyConditionExpression="g2pk = :p AND g2sk < :c",
                    ExpressionAttributeValues={
                        ":p": {"S": f"UNSETTLED#sec#{n}"},
                        ":c": {"S": "2026-11-20"},
                    },
                    Limit=100,
                )
            query_ms = (time.perf_counter() - started) * 1000 / 5
            started = time.perf_counter()
            for n in range(20):
                client.update_item(
                    TableName="t",
                    Key={"pk": {"S": f"TX#{n}"}, "sk": {"S": "TX"}},
                    UpdateExpression="SET touched = :t",
                    ExpressionAttributeValues={":t": {"BOOL": True}},
                )
            update_ms = (time.perf_counter() - started) * 1000 / 20
            print(
                json.dumps(
                    {
                        "bench": "moto_gsi_query",
                        "items": size,
                        "gsi_query_ms": round(query_ms, 1),
                        "update_item_ms": round(update_ms, 2),
                        "machine": machine(),
                    }
                ),
                flush=True,
            )


if __name__ == "__main__":
    main()
