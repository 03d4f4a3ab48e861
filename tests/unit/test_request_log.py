"""The request log line: the handler's duration and the time and count of its AWS calls."""

from __future__ import annotations

import io
import json
import logging
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from chalice.app import Chalice
from chalice.test import Client
from moto import mock_aws

from chalicelib import aws, errors
from chalicelib.http import Api
from chalicelib.observability import install_aws_timing, logger

Lines = Callable[[], list[dict[str, Any]]]


@pytest.fixture
def log_lines() -> Iterator[Lines]:
    """The JSON lines the API's logger has written so far in the test (at INFO)."""
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(logger.registered_formatter)
    previous = logger.log_level
    logger.addHandler(handler)
    logger.setLevel("INFO")
    try:
        yield lambda: [json.loads(line) for line in stream.getvalue().splitlines() if line]
    finally:
        logger.removeHandler(handler)
        logger.setLevel(previous)


def make_app() -> Chalice:
    app = Chalice(app_name="request-log-test")
    api = Api(app, title="t", version="1")

    @api.route("/buckets", summary="s")
    def buckets() -> dict[str, int]:
        from pynamodb.connection import Connection

        found = aws.s3().list_buckets()["Buckets"]
        tables = Connection(region="us-east-1").list_tables()["TableNames"]
        return {"buckets": len(found), "tables": len(tables)}

    @api.route("/refused", summary="s")
    def refused() -> None:
        aws.s3().list_buckets()
        raise errors.Conflict("Ya existe.", code="already_there")

    @api.route("/plain", summary="s")
    def plain() -> dict[str, bool]:
        return {"ok": True}

    return app


@pytest.fixture
def client() -> Iterator[Any]:
    aws.reset_clients()
    with mock_aws(), Client(make_app()) as test_client:
        yield test_client
    aws.reset_clients()


def request_line(lines: Lines, route: str) -> dict[str, Any]:
    found = [
        line for line in lines() if line.get("message") == "request" and line["route"] == route
    ]
    assert len(found) == 1, found
    return found[0]


def test_the_log_line_splits_the_handler_time_into_aws_calls_and_the_rest(
    client: Any, log_lines: Lines
) -> None:
    assert client.http.get("/buckets").status_code == 200
    line = request_line(log_lines, "buckets")
    # One boto3 call (chalicelib.aws) and one through PynamoDB's own botocore session.
    assert line["aws_calls"] == 2
    assert 0 < line["aws_ms"] <= line["duration_ms"]
    assert line["status"] == 200
    assert line["method"] == "GET"


def test_a_refused_request_still_logs_its_aws_calls(client: Any, log_lines: Lines) -> None:
    assert client.http.get("/refused").status_code == 409
    line = request_line(log_lines, "refused")
    assert (line["status"], line["aws_calls"]) == (409, 1)
    assert 0 < line["aws_ms"] <= line["duration_ms"]


def test_a_request_without_aws_calls_logs_zero(client: Any, log_lines: Lines) -> None:
    assert client.http.get("/plain").status_code == 200
    line = request_line(log_lines, "plain")
    assert (line["aws_calls"], line["aws_ms"]) == (0, 0)
    assert line["duration_ms"] >= 0


def test_aws_calls_outside_a_request_are_not_counted_and_do_not_fail(
    client: Any, log_lines: Lines
) -> None:
    install_aws_timing()
    assert aws.s3().list_buckets()["Buckets"] == []
    assert client.http.get("/plain").status_code == 200
    # The call before the request belongs to no request: the next request starts at zero.
    assert request_line(log_lines, "plain")["aws_calls"] == 0
