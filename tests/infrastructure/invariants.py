"""Checks of the synthesized template: each returns the problems it finds (empty when fine).

They read the template as plain JSON so that a test can break a copy of it and show that
the check notices (tests/infrastructure/test_invariants_catch_breakage.py).
"""

from __future__ import annotations

import json
import re
from typing import Any

from infrastructure import definition as d

Template = dict[str, Any]
DATA_SERVICES = ("dynamodb", "s3", "sqs", "kms")


def resources(template: Template, kind: str) -> dict[str, dict[str, Any]]:
    return {
        logical: resource.get("Properties", {})
        for logical, resource in template["Resources"].items()
        if resource["Type"] == kind
    }


def referenced_id(value: Any) -> str | None:
    """The logical id behind a `Ref` or `Fn::GetAtt`."""
    if isinstance(value, dict):
        if "Ref" in value:
            return str(value["Ref"])
        if "Fn::GetAtt" in value:
            return str(value["Fn::GetAtt"][0])
    return None


def _by_physical_name(template: Template, kind: str, key: str) -> dict[str, tuple[str, Any]]:
    return {
        props[key]: (logical, props)
        for logical, props in resources(template, kind).items()
        if isinstance(props.get(key), str)
    }


def functions(template: Template) -> dict[str, dict[str, Any]]:
    return resources(template, "AWS::Serverless::Function")


def sqs_events(template: Template) -> list[tuple[str, str, dict[str, Any]]]:
    """(function, event, properties) of every SQS event source of the app's functions."""
    found = []
    for logical, props in functions(template).items():
        for event, spec in props.get("Events", {}).items():
            if spec.get("Type") == "SQS":
                found.append((logical, event, spec.get("Properties", {})))
    return found


# --- queues ----------------------------------------------------------------------------


def queue_problems(template: Template, parameters: d.Parameters = d.AWS) -> list[str]:
    problems: list[str] = []
    queues = resources(template, "AWS::SQS::Queue")
    dead_letters = {
        referenced_id(props["RedrivePolicy"]["deadLetterTargetArn"])
        for props in queues.values()
        if "RedrivePolicy" in props
    }
    for logical, props in queues.items():
        if logical in dead_letters:
            continue
        redrive = props.get("RedrivePolicy")
        if redrive is None:
            problems.append(f"queue {logical} has no dead-letter queue")
        elif redrive.get("maxReceiveCount") != parameters.max_receive_count:
            problems.append(
                f"queue {logical}: maxReceiveCount {redrive.get('maxReceiveCount')}, "
                f"not {parameters.max_receive_count}"
            )
    by_name = {props.get("QueueName", ""): (logical, props) for logical, props in queues.items()}
    for queue in d.QUEUES:
        match = [name for name in by_name if name.endswith(queue.name)]
        if not match:
            problems.append(f"queue {queue.name} of the definition is missing")
            continue
        logical, props = by_name[match[0]]
        timeout = props.get("VisibilityTimeout", 30)
        needed = parameters.visibility_factor * parameters.consumer_timeout_seconds[queue.consumer]
        if timeout < needed:
            problems.append(f"queue {queue.name}: visibility {timeout} s < {needed} s")
    for function, event, props in sqs_events(template):
        queue_id = referenced_id(props.get("Queue"))
        if queue_id not in queues:
            continue  # reported by sqs_mapping_problems
        timeout = functions(template)[function].get("Timeout", 3)
        visibility = queues[queue_id].get("VisibilityTimeout", 30)
        if visibility < 6 * timeout:
            problems.append(
                f"{function}/{event}: queue visibility {visibility} s < 6 x function {timeout} s"
            )
    return problems


def sqs_mapping_problems(template: Template) -> list[str]:
    problems: list[str] = []
    queues = resources(template, "AWS::SQS::Queue")
    for function, event, props in sqs_events(template):
        if "ReportBatchItemFailures" not in props.get("FunctionResponseTypes", []):
            problems.append(f"{function}/{event} lacks ReportBatchItemFailures")
        if referenced_id(props.get("Queue")) not in queues:
            problems.append(f"{function}/{event} does not read a queue of this stack")
    for logical, props in resources(template, "AWS::Lambda::EventSourceMapping").items():
        source = json.dumps(props.get("EventSourceArn"))
        reads_sqs = ":sqs:" in source or referenced_id(props.get("EventSourceArn")) in queues
        if reads_sqs and "ReportBatchItemFailures" not in props.get("FunctionResponseTypes", []):
            problems.append(f"{logical} lacks ReportBatchItemFailures")
    return problems


# --- buckets and IAM ---------------------------------------------------------------------


def _statements(document: Any) -> list[dict[str, Any]]:
    statements = (document or {}).get("Statement", [])
    return statements if isinstance(statements, list) else [statements]


def _as_list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else [value]


def bucket_problems(template: Template) -> list[str]:
    problems: list[str] = []
    flags = ("BlockPublicAcls", "BlockPublicPolicy", "IgnorePublicAcls", "RestrictPublicBuckets")
    for logical, props in resources(template, "AWS::S3::Bucket").items():
        block = props.get("PublicAccessBlockConfiguration", {})
        if not all(block.get(flag) is True for flag in flags):
            problems.append(f"bucket {logical} does not block public access")
        if not props.get("BucketEncryption"):
            problems.append(f"bucket {logical} has no default encryption")
    for logical, props in resources(template, "AWS::S3::BucketPolicy").items():
        for statement in _statements(props.get("PolicyDocument")):
            principal = statement.get("Principal")
            public = principal == "*" or (
                isinstance(principal, dict) and principal.get("AWS") == "*"
            )
            if statement.get("Effect") == "Allow" and public:
                problems.append(f"bucket policy {logical} allows everyone")
    return problems


def _policy_documents(template: Template) -> list[tuple[str, Any]]:
    documents: list[tuple[str, Any]] = []
    for logical, props in resources(template, "AWS::IAM::Role").items():
        for policy in props.get("Policies", []):
            documents.append((logical, policy.get("PolicyDocument")))
    for kind in ("AWS::IAM::Policy", "AWS::IAM::ManagedPolicy"):
        for logical, props in resources(template, kind).items():
            documents.append((logical, props.get("PolicyDocument")))
    return documents


def wildcard_action_problems(template: Template) -> list[str]:
    """No `*` action at all, and no `service:*` on a data service, anywhere."""
    problems: list[str] = []
    wildcard = re.compile(rf"^({'|'.join(DATA_SERVICES)}):\*$")
    for logical, document in _policy_documents(template):
        for statement in _statements(document):
            if statement.get("Effect") != "Allow":
                continue
            for action in _as_list(statement.get("Action", [])):
                if action == "*" or wildcard.match(str(action)):
                    problems.append(f"{logical} allows {action}")
    return problems


def function_role_problems(template: Template) -> list[str]:
    """The app's own roles: no wildcard in any action, no `*` resource on a data service."""
    problems: list[str] = []
    roles = resources(template, "AWS::IAM::Role")
    for function, props in functions(template).items():
        role_id = referenced_id(props.get("Role"))
        if role_id not in roles:
            problems.append(f"{function} does not use a role of this stack")
            continue
        if roles[role_id].get("ManagedPolicyArns"):
            problems.append(f"{function}: role {role_id} has managed policies")
        for policy in roles[role_id].get("Policies", []):
            for statement in _statements(policy.get("PolicyDocument")):
                actions = [str(action) for action in _as_list(statement.get("Action", []))]
                if any("*" in action for action in actions):
                    problems.append(f"{function}: wildcard action in {actions}")
                data = any(action.split(":")[0] in DATA_SERVICES for action in actions)
                if data and "*" in _as_list(statement.get("Resource")):
                    problems.append(f"{function}: {actions} on every resource")
                if "dynamodb:Scan" in actions:
                    problems.append(f"{function} may Scan")
    return problems


# --- tables ------------------------------------------------------------------------------


def table_shape(props: dict[str, Any]) -> dict[str, Any]:
    """Keys, indexes and TTL of a table, in a form both CloudFormation and boto3 give."""

    def keys(schema: list[dict[str, str]]) -> list[tuple[str, str]]:
        return [(key["AttributeName"], key["KeyType"]) for key in schema]

    ttl = props.get("TimeToLiveSpecification") or {}
    return {
        "keys": keys(props["KeySchema"]),
        "attributes": sorted(
            (a["AttributeName"], a["AttributeType"]) for a in props["AttributeDefinitions"]
        ),
        "indexes": sorted(
            (
                index["IndexName"],
                tuple(keys(index["KeySchema"])),
                index["Projection"]["ProjectionType"],
            )
            for index in props.get("GlobalSecondaryIndexes", [])
        ),
        "ttl": ttl.get("AttributeName") if ttl.get("Enabled") else None,
    }


def definition_shape(table: d.Table) -> dict[str, Any]:
    keys = [(table.partition_key, "HASH")] + ([(table.sort_key, "RANGE")] if table.sort_key else [])
    return {
        "keys": keys,
        "attributes": sorted((name, "S") for name in table.key_attributes),
        "indexes": sorted(
            (
                index.name,
                tuple(
                    [(index.partition_key, "HASH")]
                    + ([(index.sort_key, "RANGE")] if index.sort_key else [])
                ),
                "ALL",
            )
            for index in table.indexes
        ),
        "ttl": table.ttl_attribute,
    }


def table_problems(template: Template, prefix: str = "portal-prod-") -> list[str]:
    problems: list[str] = []
    tables = _by_physical_name(template, "AWS::DynamoDB::Table", "TableName")
    for table in d.TABLES:
        found = tables.get(prefix + table.name)
        if found is None:
            problems.append(f"table {prefix + table.name} is missing")
            continue
        _logical, props = found
        if props.get("BillingMode") != "PAY_PER_REQUEST":
            problems.append(f"table {table.name} is not on-demand")
        pitr = props.get("PointInTimeRecoverySpecification", {})
        if pitr.get("PointInTimeRecoveryEnabled") is not True:
            problems.append(f"table {table.name} has no point-in-time recovery")
        sse = props.get("SSESpecification", {})
        if not (
            sse.get("SSEEnabled") and sse.get("SSEType") == "KMS" and sse.get("KMSMasterKeyId")
        ):
            problems.append(f"table {table.name} is not encrypted with the data key")
        if table_shape(props) != definition_shape(table):
            problems.append(
                f"table {table.name}: {table_shape(props)} != {definition_shape(table)}"
            )
    return problems


# --- documents bucket --------------------------------------------------------------------


def documents_bucket_problems(template: Template, parameters: d.Parameters = d.AWS) -> list[str]:
    problems: list[str] = []
    buckets = resources(template, "AWS::S3::Bucket")
    logical = next((name for name in buckets if name.startswith("BucketDocuments")), None)
    if logical is None:
        return ["the documents bucket is missing"]
    props = buckets[logical]
    if props.get("VersioningConfiguration", {}).get("Status") != "Enabled":
        problems.append("documents bucket is not versioned")
    rules = props.get("BucketEncryption", {}).get("ServerSideEncryptionConfiguration", [])
    default = rules[0].get("ServerSideEncryptionByDefault", {}) if rules else {}
    if default.get("SSEAlgorithm") != "aws:kms" or not default.get("KMSMasterKeyID"):
        problems.append("documents bucket is not encrypted with SSE-KMS and the data key")
    lifecycle = props.get("LifecycleConfiguration", {}).get("Rules", [])
    noncurrent = [
        rule["NoncurrentVersionExpiration"]["NoncurrentDays"]
        for rule in lifecycle
        if "NoncurrentVersionExpiration" in rule
    ]
    if noncurrent != [parameters.noncurrent_version_retention_days]:
        problems.append(f"noncurrent versions expire after {noncurrent} days")
    tag, value = d.PENDING_UPLOAD_TAG
    if not any(
        rule.get("Prefix") == d.UPLOADS_PREFIX
        and rule.get("ExpirationInDays") == parameters.abandoned_upload_days
        and rule.get("TagFilters") == [{"Key": tag, "Value": value}]
        for rule in lifecycle
    ):
        problems.append("no lifecycle rule removes abandoned uploads")
    if not any(
        rule.get("Prefix") == d.IMPORTS_PREFIX
        and rule.get("ExpirationInDays") == d.IMPORTS_RETENTION_DAYS
        for rule in lifecycle
    ):
        problems.append("no lifecycle rule expires the imports' reports")
    cors = props.get("CorsConfiguration", {}).get("CorsRules", [])
    if not cors:
        problems.append("documents bucket has no CORS for the site")
    for rule in cors:
        if rule.get("AllowedMethods") != ["POST"]:
            problems.append(f"CORS allows {rule.get('AllowedMethods')}")
        if any(origin == "*" or origin == ["*"] for origin in rule.get("AllowedOrigins", [])):
            problems.append("CORS allows any origin")
        if "Site" not in json.dumps(rule.get("AllowedOrigins")):
            problems.append("CORS origin is not the site's")
    queue_id = _queue_id(template, "document-uploaded")
    notified = False
    for notification in resources(template, "Custom::S3BucketNotifications").values():
        if referenced_id(notification.get("BucketName")) != logical:
            continue
        for config in notification.get("NotificationConfiguration", {}).get(
            "QueueConfigurations", []
        ):
            filters = config.get("Filter", {}).get("Key", {}).get("FilterRules", [])
            prefixes = [rule["Value"] for rule in filters if rule["Name"].lower() == "prefix"]
            if (
                referenced_id(config.get("QueueArn")) == queue_id
                and prefixes == [d.UPLOADS_PREFIX]
                and config.get("Events") == ["s3:ObjectCreated:*"]
            ):
                notified = True
    if not notified:
        problems.append("uploads/ does not notify document-uploaded")
    return problems


def _queue_id(template: Template, name: str) -> str | None:
    for logical, props in resources(template, "AWS::SQS::Queue").items():
        if str(props.get("QueueName", "")).endswith(name):
            return logical
    return None


# --- identity, keys, email ------------------------------------------------------------------


def identity_problems(template: Template) -> list[str]:
    problems: list[str] = []
    pools = list(resources(template, "AWS::Cognito::UserPool").values())
    if len(pools) != 1:
        return [f"{len(pools)} user pools"]
    policy = pools[0].get("Policies", {}).get("PasswordPolicy", {})
    if policy.get("MinimumLength", 0) < d.PASSWORD_MIN_LENGTH:
        problems.append(f"password minimum length {policy.get('MinimumLength')}")
    for rule in ("RequireLowercase", "RequireUppercase", "RequireNumbers", "RequireSymbols"):
        if policy.get(rule) is not False:
            problems.append(f"password policy does not set {rule} to false")
    groups = sorted(
        g["GroupName"] for g in resources(template, "AWS::Cognito::UserPoolGroup").values()
    )
    if groups != sorted(d.ROLES):
        problems.append(f"groups {groups} != roles {sorted(d.ROLES)}")
    return problems


# Anyone can call Cognito's public endpoints with the client id that every id token carries:
# the one app client is the API's, server-side, and runs no flow without its secret.
APP_CLIENT_FLOWS = ["ALLOW_ADMIN_USER_PASSWORD_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"]
# Cognito's token-validity units when TokenValidityUnits leaves one out, and its validities
# when the client leaves one out.
_DEFAULT_UNITS = {"IdToken": "hours", "AccessToken": "hours", "RefreshToken": "days"}
_DEFAULT_VALIDITY_SECONDS = {"IdToken": 3600, "AccessToken": 3600, "RefreshToken": 30 * 86400}
_UNIT_SECONDS = {"seconds": 1, "minutes": 60, "hours": 3600, "days": 86400}


def app_client_shape(props: dict[str, Any]) -> dict[str, Any]:
    """An app client in a form both CloudFormation and `DescribeUserPoolClient` give."""
    units = {**_DEFAULT_UNITS, **(props.get("TokenValidityUnits") or {})}
    validity = {}
    for token in ("IdToken", "AccessToken", "RefreshToken"):
        value = props.get(f"{token}Validity")
        validity[token] = (
            _DEFAULT_VALIDITY_SECONDS[token]
            if value is None
            else int(value) * _UNIT_SECONDS[units[token]]
        )
    write = props.get("WriteAttributes")
    return {
        "name": props.get("ClientName"),
        "secret": bool(props.get("GenerateSecret") or props.get("ClientSecret")),
        "flows": sorted(props.get("ExplicitAuthFlows") or []),
        "read": sorted(props.get("ReadAttributes") or []),
        # None: left out, which Cognito takes as "every attribute is writable".
        "write": sorted(write) if write else None,
        "validity_seconds": validity,
        "prevent_user_existence_errors": props.get("PreventUserExistenceErrors"),
        "token_revocation": props.get("EnableTokenRevocation", True),
        "oauth": bool(
            props.get("AllowedOAuthFlowsUserPoolClient") or props.get("AllowedOAuthFlows")
        ),
    }


def definition_client_shape(spec: d.AppClient = d.USER_POOL_CLIENT) -> dict[str, Any]:
    return {
        "name": spec.name,
        "secret": spec.generate_secret,
        "flows": sorted(spec.auth_flows),
        "read": sorted(spec.read_attributes),
        "write": sorted(spec.write_attributes) or None,
        "validity_seconds": {
            "IdToken": spec.id_token_minutes * 60,
            "AccessToken": spec.access_token_minutes * 60,
            "RefreshToken": spec.refresh_token_days * 86400,
        },
        "prevent_user_existence_errors": (
            "ENABLED" if spec.prevent_user_existence_errors else "LEGACY"
        ),
        "token_revocation": spec.enable_token_revocation,
        "oauth": False,
    }


def app_client_problems(template: Template) -> list[str]:
    """One app client, with a secret, admin log-in and refresh only, no `custom:` attribute."""
    clients = list(resources(template, "AWS::Cognito::UserPoolClient").values())
    if len(clients) != 1:
        return [f"{len(clients)} user pool clients"]
    shape = app_client_shape(clients[0])
    problems: list[str] = []
    if not shape["secret"]:
        problems.append("the app client has no secret: anyone with its id can log in")
    if shape["flows"] != sorted(APP_CLIENT_FLOWS):
        problems.append(f"the app client allows {shape['flows']}, not {APP_CLIENT_FLOWS}")
    if shape["oauth"]:
        problems.append("the app client allows OAuth grants")
    if not shape["read"]:
        problems.append("the app client's read attributes are left to Cognito (all of them)")
    if shape["write"] is None:
        problems.append("the app client's write attributes are left to Cognito (all of them)")
    for kind in ("read", "write"):
        custom = [name for name in shape[kind] or [] if name.startswith("custom:")]
        if custom:
            problems.append(f"the app client may {kind} {custom}")
    expected = definition_client_shape()["validity_seconds"]
    if shape["validity_seconds"] != expected:
        problems.append(f"token validity {shape['validity_seconds']} s, not {expected} s")
    if shape["token_revocation"] is not True:
        problems.append("the app client's refresh tokens cannot be revoked")
    if shape["prevent_user_existence_errors"] != "ENABLED":
        problems.append("the app client reveals whether users exist")
    return problems


USER_POOL_API_ACTIONS = ("cognito-idp:AdminInitiateAuth", "cognito-idp:DescribeUserPoolClient")


def user_pool_access_problems(template: Template, function: str = "APIHandler") -> list[str]:
    """The API logs in through the admin flow and reads the client's secret, on the pool."""
    pools = list(resources(template, "AWS::Cognito::UserPool"))
    roles = resources(template, "AWS::IAM::Role")
    role_id = referenced_id(functions(template).get(function, {}).get("Role"))
    if role_id not in roles or len(pools) != 1:
        return [f"{function} has no role of this stack, or there is not one user pool"]
    allowed: set[str] = set()
    for policy in roles[role_id].get("Policies", []):
        for statement in _statements(policy.get("PolicyDocument")):
            on_pool = any(
                referenced_id(resource) == pools[0]
                for resource in _as_list(statement.get("Resource"))
            )
            if statement.get("Effect") == "Allow" and on_pool:
                allowed.update(str(action) for action in _as_list(statement.get("Action", [])))
    missing = sorted(set(USER_POOL_API_ACTIONS) - allowed)
    return [f"{function} may not {missing} on the user pool"] if missing else []


# API Gateway caches an authorizer's policy per token for this long (300 s when the template
# says nothing): a revoked session or a removed role must stop working within a minute.
MAX_AUTHORIZER_TTL_SECONDS = 60
_DEFAULT_AUTHORIZER_TTL_SECONDS = 300


def authorizer_cache_problems(template: Template) -> list[str]:
    problems: list[str] = []
    for logical, props in resources(template, "AWS::Serverless::Api").items():
        definitions = props.get("DefinitionBody", {}).get("securityDefinitions", {})
        for name, spec in definitions.items():
            authorizer = spec.get("x-amazon-apigateway-authorizer")
            if authorizer is None:
                continue
            ttl = authorizer.get("authorizerResultTtlInSeconds", _DEFAULT_AUTHORIZER_TTL_SECONDS)
            if ttl > MAX_AUTHORIZER_TTL_SECONDS:
                problems.append(f"{logical}: authorizer {name} is cached {ttl} s")
    for logical, props in resources(template, "AWS::ApiGateway::Authorizer").items():
        ttl = props.get("AuthorizerResultTtlInSeconds", _DEFAULT_AUTHORIZER_TTL_SECONDS)
        if ttl > MAX_AUTHORIZER_TTL_SECONDS:
            problems.append(f"authorizer {logical} is cached {ttl} s")
    return problems


def key_problems(template: Template) -> list[str]:
    keys = resources(template, "AWS::KMS::Key")
    seals = [
        props
        for props in keys.values()
        if props.get("KeySpec") == d.SEAL_KEY_SPEC and props.get("KeyUsage") == "SIGN_VERIFY"
    ]
    data = [props for props in keys.values() if props.get("EnableKeyRotation") is True]
    problems = [] if seals else [f"no {d.SEAL_KEY_SPEC} SIGN_VERIFY key for seals"]
    if not data:
        problems.append("no rotating customer-managed data key")
    return problems


def email_problems(template: Template) -> list[str]:
    problems: list[str] = []
    identities = list(resources(template, "AWS::SES::EmailIdentity").values())
    if not any(
        i.get("EmailIdentity") == d.MAIL_DOMAIN
        and i.get("DkimAttributes", {}).get("SigningEnabled") is True
        and i.get("ConfigurationSetAttributes")
        for i in identities
    ):
        problems.append(f"no DKIM-signed identity {d.MAIL_DOMAIN} with a configuration set")
    recorded: set[str] = set()
    for destination in resources(template, "AWS::SES::ConfigurationSetEventDestination").values():
        spec = destination.get("EventDestination", {})
        if spec.get("Enabled", True):
            recorded.update(event.lower() for event in spec.get("MatchingEventTypes", []))
    if not {"bounce", "complaint"} <= recorded:
        problems.append(f"the configuration set records {sorted(recorded)}")
    return problems


# --- API, WAF, site, alarms, environment --------------------------------------------------------


# Headers every answer of the API carries, the gateway's own included (the values are
# API Gateway's quoted literals).
GATEWAY_ANSWER_HEADERS = {
    "gatewayresponse.header.Cache-Control": "'no-store'",
    "gatewayresponse.header.X-Content-Type-Options": "'nosniff'",
}
GATEWAY_CORS_HEADER = "gatewayresponse.header.Access-Control-Allow-Origin"


def gateway_response_problems(template: Template) -> list[str]:
    apis = resources(template, "AWS::Serverless::Api")
    if not apis:
        return ["no API"]
    problems: list[str] = []
    for logical, props in apis.items():
        answers = props.get("DefinitionBody", {}).get("x-amazon-apigateway-gateway-responses", {})
        for kind, (status, code, _message) in d.GATEWAY_RESPONSES.items():
            answer = answers.get(kind)
            if answer is None:
                problems.append(f"{logical}: no gateway response {kind}")
                continue
            if answer.get("statusCode") != str(status):
                problems.append(f"{logical}: {kind} answers {answer.get('statusCode')}")
            headers = answer.get("responseParameters", {})
            for header, value in GATEWAY_ANSWER_HEADERS.items():
                if headers.get(header) != value:
                    problems.append(f"{logical}: {kind} sends {header} = {headers.get(header)}")
            # The site must be able to read the gateway's errors; no other origin may. (The
            # site's origin is a CloudFormation expression: its domain is known at deploy.)
            origin = headers.get(GATEWAY_CORS_HEADER)
            if origin is None or origin in ("'*'", "''"):
                problems.append(f"{logical}: {kind} sends {GATEWAY_CORS_HEADER} = {origin}")
            body = json.loads(answer.get("responseTemplates", {}).get("application/json", "{}"))
            error = body.get("error", {})
            if error.get("code") != code or not error.get("message") or "details" not in error:
                problems.append(f"{logical}: {kind} body is not API.md's error shape")
    return problems


def waf_problems(template: Template) -> list[str]:
    problems: list[str] = []
    acls = resources(template, "AWS::WAFv2::WebACL")
    covered: set[str] = set()
    for props in acls.values():
        for rule in props.get("Rules", []):
            rate = rule.get("Statement", {}).get("RateBasedStatement")
            if not rate or "Block" not in rule.get("Action", {}):
                continue
            text = json.dumps(rate.get("ScopeDownStatement", {}))
            covered.update(
                path
                for path in ("/v1/auth/login", "/v1/accounts/", "/v1/payments/lookup")
                if path in text
            )
    missing = {"/v1/auth/login", "/v1/accounts/", "/v1/payments/lookup"} - covered
    if missing:
        problems.append(f"no rate-based rule on {sorted(missing)}")
    associations = resources(template, "AWS::WAFv2::WebACLAssociation").values()
    if not any("restapis/${RestAPI}" in json.dumps(a.get("ResourceArn")) for a in associations):
        problems.append("the web ACL is not associated with the API's stage")
    return problems


def site_problems(template: Template) -> list[str]:
    problems: list[str] = []
    distributions = list(resources(template, "AWS::CloudFront::Distribution").values())
    if len(distributions) != 1:
        return [f"{len(distributions)} distributions"]
    config = distributions[0]["DistributionConfig"]
    for origin in config.get("Origins", []):
        if not origin.get("OriginAccessControlId"):
            problems.append(f"origin {origin.get('Id')} has no origin access control")
    policy_id = referenced_id(config["DefaultCacheBehavior"].get("ResponseHeadersPolicyId"))
    policies = resources(template, "AWS::CloudFront::ResponseHeadersPolicy")
    if policy_id not in policies:
        return [*problems, "the site has no response-headers policy of this stack"]
    security = policies[policy_id]["ResponseHeadersPolicyConfig"].get("SecurityHeadersConfig", {})
    csp = json.dumps(security.get("ContentSecurityPolicy", {}).get("ContentSecurityPolicy", ""))
    if "script-src 'self';" not in csp or "unsafe-inline" in csp or "unsafe-eval" in csp:
        problems.append(f"CSP is not strict: {csp}")
    # An insurer's logo is a presigned GET of the private documents bucket (virtual-hosted,
    # https://<bucket>.s3.<region>.amazonaws.com/…): the pages load it as an image.
    image_sources = next((part for part in csp.split(";") if "img-src" in part), "")
    if "https://*.s3." not in image_sources:
        problems.append("img-src does not allow the documents bucket's links (insurer logos)")
    hsts = security.get("StrictTransportSecurity", {})
    if hsts.get("AccessControlMaxAgeSec", 0) < 31_536_000:
        problems.append("HSTS is missing or shorter than a year")
    if not security.get("ContentTypeOptions"):
        problems.append("nosniff is missing")
    referrer = security.get("ReferrerPolicy", {}).get("ReferrerPolicy", "")
    # Pages carry tokens in their fragment only, but a full URL must still never leave the site.
    if referrer not in {
        "no-referrer",
        "same-origin",
        "strict-origin",
        "strict-origin-when-cross-origin",
    }:
        problems.append(f"Referrer-Policy is missing or leaks full URLs: {referrer!r}")
    framed = security.get("FrameOptions", {}).get("FrameOption") in {"DENY", "SAMEORIGIN"}
    if not framed or "frame-ancestors 'none'" not in csp:
        problems.append("the site may be framed (X-Frame-Options and frame-ancestors)")
    return problems


def alarm_problems(template: Template) -> list[str]:
    problems: list[str] = []
    alarms = list(resources(template, "AWS::CloudWatch::Alarm").values())
    queues = resources(template, "AWS::SQS::Queue")
    dead_letters = {
        referenced_id(props["RedrivePolicy"]["deadLetterTargetArn"])
        for props in queues.values()
        if "RedrivePolicy" in props
    }
    for dead_letter in dead_letters:
        if not any(
            alarm.get("MetricName") == "ApproximateNumberOfMessagesVisible"
            and any(
                referenced_id(dim["Value"]) == dead_letter for dim in alarm.get("Dimensions", [])
            )
            and alarm.get("AlarmActions")
            for alarm in alarms
        ):
            problems.append(f"no alarm on the depth of {dead_letter}")
    if not any(
        alarm.get("MetricName") == "5XXError" and alarm.get("Namespace") == "AWS/ApiGateway"
        for alarm in alarms
    ):
        problems.append("no alarm on the API's 5xx rate")
    return problems


def environment_problems(template: Template, required: set[str]) -> list[str]:
    problems: list[str] = []
    for function, props in functions(template).items():
        variables = props.get("Environment", {}).get("Variables", {})
        missing = required - set(variables)
        if missing:
            problems.append(f"{function} lacks {sorted(missing)}")
        if "AWS_ENDPOINT_URL" in variables:
            problems.append(f"{function} points boto3 away from AWS")
    return problems


ALL_CHECKS = (
    queue_problems,
    sqs_mapping_problems,
    bucket_problems,
    wildcard_action_problems,
    function_role_problems,
    table_problems,
    documents_bucket_problems,
    identity_problems,
    app_client_problems,
    user_pool_access_problems,
    authorizer_cache_problems,
    key_problems,
    email_problems,
    gateway_response_problems,
    waf_problems,
    site_problems,
    alarm_problems,
)
