"""Lazily built, cached boto3 clients. Importing this module touches no AWS service."""

from __future__ import annotations

from functools import cache
from typing import TYPE_CHECKING, Any

from chalicelib.config import get_settings
from chalicelib.observability import install_aws_timing

if TYPE_CHECKING:
    from mypy_boto3_cognito_idp import CognitoIdentityProviderClient
    from mypy_boto3_dynamodb import DynamoDBClient
    from mypy_boto3_kms import KMSClient
    from mypy_boto3_s3 import S3Client
    from mypy_boto3_ses import SESClient
    from mypy_boto3_sqs import SQSClient


@cache
def client(service: str) -> Any:
    """One client per service and container; boto3 is imported on first use only."""
    import boto3
    from botocore.config import Config

    install_aws_timing()
    settings = get_settings()
    options: dict[str, Any] = {"retries": {"mode": "standard", "max_attempts": 4}}
    if service == "s3":
        # Presigned POSTs and GETs need SigV4 in every region.
        options["signature_version"] = "s3v4"
    session: Any = boto3.session.Session()
    return session.client(
        service,
        region_name=settings.region,
        endpoint_url=settings.aws_endpoint_url,
        config=Config(**options),
    )


def s3() -> S3Client:
    result: S3Client = client("s3")
    return result


def sqs() -> SQSClient:
    result: SQSClient = client("sqs")
    return result


def ses() -> SESClient:
    result: SESClient = client("ses")
    return result


def dynamodb() -> DynamoDBClient:
    result: DynamoDBClient = client("dynamodb")
    return result


def cognito() -> CognitoIdentityProviderClient:
    result: CognitoIdentityProviderClient = client("cognito-idp")
    return result


def kms() -> KMSClient:
    result: KMSClient = client("kms")
    return result


def reset_clients() -> None:
    """Forget cached clients (tests that change the endpoint or credentials)."""
    client.cache_clear()
