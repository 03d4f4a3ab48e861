"""The AWS stack: the Chalice app (chalice.cdk) plus every resource of the definition.

Chalice packages `app.py` + `chalicelib/` as a SAM template that the `Chalice` construct
includes; this stack creates what the app talks to (tables, buckets, queues, user pool,
keys, email identity), wires the app's functions to it (environment, one IAM role each,
queue event sources) and adds what protects and watches it (WAF, CloudFront, alarms).

Each concern is a module of `infrastructure/components/`; this class only assembles them,
in the order that keeps the template's resources where they have always been.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import aws_cdk as cdk
from chalice.app import Chalice as ChaliceApp
from constructs import Construct

from infrastructure import definition as d
from infrastructure import packaging
from infrastructure.components import (
    edge,
    functions,
    identity,
    messaging,
    monitoring,
    packages,
    site,
    storage,
)
from infrastructure.components.edge import SITE_ORIGIN_MARKER
from infrastructure.components.functions import ENVIRONMENT_DEFAULTS_ON_AWS
from infrastructure.components.settings import DeploySettings
from infrastructure.stack_access import API_HANDLER, check_access_table

__all__ = ["ENVIRONMENT_DEFAULTS_ON_AWS", "SITE_ORIGIN_MARKER", "DeploySettings", "PortalStack"]

PLACEHOLDER_ROLE_ARN = "arn:aws:iam::123456789012:role/replaced-by-the-stack"


class PortalStack(cdk.Stack):
    """One deployment (one Chalice stage) of Portal Médico."""

    def __init__(
        self,
        scope: Construct,
        *,
        source_dir: Path,
        settings: DeploySettings,
        parameters: d.Parameters = d.AWS,
        **kwargs: Any,
    ) -> None:
        # The Chalice construct takes its stage from this construct's id.
        super().__init__(scope, settings.stage, **kwargs)
        check_access_table()
        self.settings = settings
        self.parameters = parameters

        self.keys = storage.keys(self, settings)
        self.alarm_topic = monitoring.alarm_topic(self, settings, self.keys.topic)
        self.tables = storage.tables(self, settings, self.keys.data)
        self.queues = messaging.queues(self, settings, parameters)
        self.site = site.site(self)
        self.buckets = storage.buckets(
            self,
            parameters=parameters,
            data_key=self.keys.data,
            site_url=self.site.url,
            queues=self.queues.queues,
        )
        self.identity = identity.user_pool(self, settings)
        self.mail = identity.mail(self, settings, self.keys.topic)
        self.secrets = storage.secrets(self, self.keys.data)

        self.chalice = packages.LeanChalice(
            self,
            "App",
            source_dir=str(source_dir),
            stage_config={
                "app_name": "portal-medico",
                "autogen_policy": False,
                "manage_iam_role": False,
                "iam_role_arn": PLACEHOLDER_ROLE_ARN,
                "api_gateway_endpoint_type": "REGIONAL",
                **packaging.chalice_config(),
                "lambda_functions": {
                    name: {"lambda_timeout": seconds}
                    for name, seconds in parameters.consumer_timeout_seconds.items()
                },
            },
        )
        self.app = _chalice_app(source_dir)
        self.functions = functions.wire_functions(
            self,
            chalice=self.chalice,
            app=self.app,
            settings=settings,
            environment=self._environment(),
            grantable=functions.Grantable(
                tables=self.tables,
                documents=self.buckets["documents"],
                data_key=self.keys.data,
                seal_key=self.keys.seal,
                queues=self.queues.queues,
                user_pool=self.identity.user_pool,
                mail_configuration_set=self.mail.configuration_set,
            ),
        )
        self.layers = packages.attach_layers(self, self.functions)
        messaging.wire_queue_consumers(self.app, self.functions, self.queues.queues, parameters)
        messaging.wire_schedules(self, self.app, self.functions)
        with_api = API_HANDLER in self.functions
        if with_api:
            edge.wire_api(
                self,
                self.chalice,
                site_url=self.site.url,
                rate_limit=settings.rate_limit_per_5_minutes,
            )
        site.site_content(self, self.site, edge.api_url())
        monitoring.alarms(
            self,
            settings=settings,
            topic=self.alarm_topic,
            dead_letters=self.queues.dead_letters,
            with_api=with_api,
        )
        cdk.CfnOutput(self, "SiteUrl", value=self.site.url)
        if with_api:
            cdk.CfnOutput(self, "ApiUrl", value=edge.api_url())
        cdk.CfnOutput(self, "UserPoolId", value=self.identity.user_pool.user_pool_id)
        cdk.CfnOutput(self, "DocumentsBucket", value=self.buckets["documents"].bucket_name)

    def _environment(self) -> dict[str, str]:
        """Every function's variables (chalicelib/config.py reads them)."""
        return {
            "STAGE": self.settings.stage,
            "RESOURCE_PREFIX": self.settings.resource_prefix,
            "DOCUMENTS_BUCKET": self.buckets["documents"].bucket_name,
            "SITE_URL": self.site.url,
            "MAIL_FROM": f"Portal Médico <no-responder@{d.MAIL_DOMAIN}>",
            "USER_POOL_ID": self.identity.user_pool.user_pool_id,
            "USER_POOL_CLIENT_ID": self.identity.client.user_pool_client_id,
            "DATA_KEY_ID": self.keys.data.key_arn,
            "SEAL_KEY_ID": self.keys.seal.key_arn,
            # Resolved by CloudFormation at deploy time; the template holds only a reference.
            "CURSOR_SECRET": self.secrets.cursor.secret_value.unsafe_unwrap(),
            "PAYMENTS_WEBHOOK_SECRET": self.secrets.payments_webhook.secret_value.unsafe_unwrap(),
            # Emails link insurers' logos through it (`-c public_api_url=…`; see settings.py).
            **(
                {"PUBLIC_API_URL": self.settings.public_api_url}
                if self.settings.public_api_url
                else {}
            ),
        }


def _chalice_app(source_dir: Path) -> ChaliceApp:
    """The app object that Chalice imported while packaging (it is `app` in sys.modules)."""
    module = sys.modules.get("app")
    if module is None or Path(module.__file__ or "").resolve().parent != source_dir.resolve():
        raise RuntimeError(f"the Chalice app imported is not {source_dir}/app.py")
    app: ChaliceApp = module.app
    return app
