"""The static site: a private bucket behind CloudFront with strict headers, and its content
(static_site/ built through the page layout, plus a `/config.js` that points at the deployed
API).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import aws_cdk as cdk
from aws_cdk import aws_cloudfront as cloudfront
from aws_cdk import aws_cloudfront_origins as origins
from aws_cdk import aws_s3 as s3
from aws_cdk import aws_s3_deployment as s3_deployment

from infrastructure.site_build import build_site

STATIC_SITE = Path(__file__).resolve().parents[2] / "static_site"


@dataclass(frozen=True)
class Site:
    bucket: s3.Bucket
    distribution: cloudfront.Distribution

    @property
    def url(self) -> str:
        return f"https://{self.distribution.distribution_domain_name}"


def site(stack: cdk.Stack) -> Site:
    bucket = s3.Bucket(
        stack,
        "SiteBucket",
        block_public_access=s3.BlockPublicAccess.BLOCK_ALL,
        # Public pages and scripts, no personal data: S3's own encryption suffices and
        # keeps CloudFront's origin access free of a KMS grant.
        encryption=s3.BucketEncryption.S3_MANAGED,
        enforce_ssl=True,
        object_ownership=s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,
        # Rebuilt from static_site/ by every deployment, so a tear-down may empty it.
        removal_policy=cdk.RemovalPolicy.DESTROY,
        auto_delete_objects=True,
    )
    region = cdk.Aws.REGION
    # The documents bucket's name is generated, so the browser's POST and previews are
    # allowed to regional S3 endpoints; the API's own URL is not known to CloudFront
    # without a dependency cycle (the API's CORS needs the site's origin).
    s3_sources = f"https://*.s3.{region}.amazonaws.com https://*.s3.amazonaws.com"
    api_sources = f"https://*.execute-api.{region}.amazonaws.com"
    csp = (
        "default-src 'self'; script-src 'self'; style-src 'self'; "
        f"img-src 'self' data: blob: {s3_sources}; "
        f"connect-src 'self' {api_sources} {s3_sources}; "
        f"frame-src 'self' {s3_sources}; object-src 'none'; base-uri 'self'; "
        "form-action 'self'; frame-ancestors 'none'"
    )
    headers = cloudfront.ResponseHeadersPolicy(
        stack,
        "SiteHeaders",
        security_headers_behavior=cloudfront.ResponseSecurityHeadersBehavior(
            content_security_policy=cloudfront.ResponseHeadersContentSecurityPolicy(
                content_security_policy=csp, override=True
            ),
            strict_transport_security=cloudfront.ResponseHeadersStrictTransportSecurity(
                access_control_max_age=cdk.Duration.days(365),
                include_subdomains=True,
                preload=True,
                override=True,
            ),
            content_type_options=cloudfront.ResponseHeadersContentTypeOptions(override=True),
            frame_options=cloudfront.ResponseHeadersFrameOptions(
                frame_option=cloudfront.HeadersFrameOption.DENY, override=True
            ),
            referrer_policy=cloudfront.ResponseHeadersReferrerPolicy(
                referrer_policy=cloudfront.HeadersReferrerPolicy.STRICT_ORIGIN_WHEN_CROSS_ORIGIN,
                override=True,
            ),
        ),
    )
    distribution = cloudfront.Distribution(
        stack,
        "Site",
        default_root_object="index.html",
        minimum_protocol_version=cloudfront.SecurityPolicyProtocol.TLS_V1_2_2021,
        http_version=cloudfront.HttpVersion.HTTP2_AND_3,
        default_behavior=cloudfront.BehaviorOptions(
            origin=origins.S3BucketOrigin.with_origin_access_control(bucket),
            viewer_protocol_policy=cloudfront.ViewerProtocolPolicy.REDIRECT_TO_HTTPS,
            response_headers_policy=headers,
            compress=True,
        ),
    )
    return Site(bucket=bucket, distribution=distribution)


def site_content(stack: cdk.Stack, site: Site, api_url: str) -> None:
    """The built site and its `/config.js`, as the local stack serves them, with the deployed
    API URL. The site is built into the cloud assembly at synthesis; the asset is its copy."""
    from infrastructure.local.site import config_js

    config = config_js(api_url).replace('"environment": "local"', '"environment": "aws"')
    stage = cdk.Stage.of(stack)
    if stage is None:
        raise ValueError("the site is built into the app's assembly: the stack needs an app")
    built = Path(stage.outdir) / "site-build"
    build_site(STATIC_SITE, built)
    s3_deployment.BucketDeployment(
        stack,
        "SiteContent",
        destination_bucket=site.bucket,
        sources=[
            s3_deployment.Source.asset(str(built)),
            s3_deployment.Source.data("config.js", config),
        ],
        distribution=site.distribution,
        distribution_paths=["/*"],
        prune=True,
    )
