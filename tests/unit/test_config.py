"""Settings: secrets fail closed outside the local stack and the tests."""

from __future__ import annotations

import pytest

from chalicelib import dynamo
from chalicelib.config import MissingSecret, Settings, get_settings

ON_LAMBDA = {"AWS_LAMBDA_FUNCTION_NAME": "portal-medico-prod-APIHandler"}
SECRETS = {"CURSOR_SECRET": "s3cr3t-cursor", "PAYMENTS_WEBHOOK_SECRET": "whsec_live"}


@pytest.mark.parametrize("stage", ["local", "test"])
def test_local_and_test_stages_have_stand_in_secrets(stage: str) -> None:
    settings = Settings.from_env({"STAGE": stage, **ON_LAMBDA})
    assert settings.cursor_secret == "local-cursor-secret"
    assert settings.payments_webhook_secret == ""  # every webhook refused


def test_the_default_stage_is_local() -> None:
    assert Settings.from_env({}).cursor_secret == "local-cursor-secret"


@pytest.mark.parametrize("missing", ["CURSOR_SECRET", "PAYMENTS_WEBHOOK_SECRET"])
def test_a_deployed_function_without_a_secret_refuses_to_start(missing: str) -> None:
    env = {"STAGE": "prod", **ON_LAMBDA, **SECRETS}
    del env[missing]
    with pytest.raises(MissingSecret, match=f"'prod' is missing {missing}"):
        Settings.from_env(env)


def test_an_empty_secret_is_a_missing_one() -> None:
    with pytest.raises(MissingSecret, match="CURSOR_SECRET, PAYMENTS_WEBHOOK_SECRET"):
        Settings.from_env({"STAGE": "prod", "CURSOR_SECRET": "", **ON_LAMBDA})


def test_a_deployed_function_uses_its_secrets() -> None:
    settings = Settings.from_env({"STAGE": "prod", **ON_LAMBDA, **SECRETS})
    assert settings.cursor_secret == "s3cr3t-cursor"
    assert settings.payments_webhook_secret == "whsec_live"


def test_packaging_imports_the_app_without_secrets_and_gets_no_stand_ins() -> None:
    settings = Settings.from_env({"STAGE": "prod"})
    assert settings.cursor_secret == ""
    assert settings.payments_webhook_secret == ""


def test_cursors_are_refused_without_a_secret(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("STAGE", "prod")
    monkeypatch.delenv("CURSOR_SECRET", raising=False)
    get_settings.cache_clear()
    try:
        with pytest.raises(MissingSecret):
            dynamo.encode_cursor({"pk": "a"})
    finally:
        get_settings.cache_clear()
