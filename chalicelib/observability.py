"""Structured logs and metrics (Powertools), shared by routes and event handlers.

`POWERTOOLS_SERVICE_NAME` and `POWERTOOLS_METRICS_NAMESPACE` come from the function's
configuration and are read when this module is imported.
"""

from __future__ import annotations

from aws_lambda_powertools import Logger, Metrics

logger = Logger()
metrics = Metrics()
