"""Serves `static_site/`, its generated `config.js`, the local outbox pages and the moved
clock (`/__local/clock`, see `clock_control`)."""

from __future__ import annotations

import html
import io
import json
import mimetypes
import os
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any, BinaryIO
from urllib.parse import urlsplit

from infrastructure.local.outbox import Outbox
from infrastructure.site_build import PARTS, PageError, render_page

SITE_ROOT = Path(__file__).resolve().parents[2] / "static_site"


def config_js(api_url: str) -> str:
    config = {"apiUrl": api_url.rstrip("/"), "environment": "local"}
    return f"export default Object.freeze({json.dumps(config)});\n"


def content_security_policy(connect_sources: list[str]) -> str:
    """The site's policy; images may also come from the API and the object store, as an
    insurer's validated logo does (on AWS, from the regional S3 endpoints)."""
    connect = " ".join(["'self'", *connect_sources])
    return (
        "default-src 'self'; script-src 'self'; style-src 'self'; "
        f"img-src 'self' data: blob: {' '.join(connect_sources)}; "
        f"connect-src {connect}; frame-src 'self' {' '.join(connect_sources)}; "
        "object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'"
    )


class SiteHandler(SimpleHTTPRequestHandler):
    def __init__(
        self, *args: Any, api_url: str, connect_sources: list[str], outbox: Outbox, **kwargs: Any
    ) -> None:
        self.api_url = api_url
        self.connect_sources = connect_sources
        self.outbox = outbox
        super().__init__(*args, directory=str(SITE_ROOT), **kwargs)

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - stdlib signature
        pass

    def end_headers(self) -> None:
        self.send_header("Content-Security-Policy", content_security_policy(self.connect_sources))
        self.send_header("X-Content-Type-Options", "nosniff")
        self.send_header("Referrer-Policy", "no-referrer")
        self.send_header("X-Frame-Options", "DENY")
        # Browsers ignore HSTS over plain HTTP; it is sent so the local site answers with the
        # same security headers as CloudFront's response-headers policy.
        self.send_header("Strict-Transport-Security", "max-age=31536000; includeSubDomains")
        self.send_header("Cache-Control", "no-store")
        super().end_headers()

    def _send(self, status: int, body: str, content_type: str) -> None:
        data = body.encode("utf-8")
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def do_GET(self) -> None:
        path = self.path.split("?", 1)[0].split("#", 1)[0]
        if path == "/config.js":
            self._send(200, config_js(self.api_url), "text/javascript; charset=utf-8")
        elif path == "/__local/outbox.json":
            body = json.dumps(self.outbox.messages(), ensure_ascii=False)
            self._send(200, body, "application/json; charset=utf-8")
        elif path in {"/__local/outbox", "/__local/outbox/"}:
            self._send(200, outbox_page(self.outbox.messages()), "text/html; charset=utf-8")
        elif path == "/__local/clock":
            from infrastructure.local import clock_control

            self._send(200, json.dumps(clock_control.status()), "application/json; charset=utf-8")
        else:
            super().do_GET()

    def do_POST(self) -> None:
        """`/__local/clock`: move the platform's clock and run a schedule (clock_control)."""
        if self.path.split("?", 1)[0] != "/__local/clock":
            self.send_error(404)
            return
        from infrastructure.local import clock_control

        try:
            length = int(self.headers.get("Content-Length") or 0)
            body = json.loads(self.rfile.read(length) or b"{}")
            if not isinstance(body, dict):
                raise ValueError("El cuerpo es un objeto JSON.")
            answer = clock_control.handle(body)
        except ValueError as exc:
            error = {"error": {"code": "invalid_input", "message": str(exc), "details": []}}
            self._send(
                422, json.dumps(error, ensure_ascii=False), "application/json; charset=utf-8"
            )
            return
        self._send(200, json.dumps(answer, default=str), "application/json; charset=utf-8")

    def send_head(self) -> io.BytesIO | BinaryIO | None:
        """A page is rendered through the layout, as the deployment builds it; a folder asked
        for with its slash is its index.html; everything else as the standard handler does."""
        local = self.translate_path(self.path)
        if Path(local).is_relative_to(SITE_ROOT / PARTS):
            # Shared fragments of pages are not pages: the deployment leaves them out too.
            self.send_error(404)
            return None
        if os.path.isdir(local) and urlsplit(self.path).path.endswith("/"):
            local = os.path.join(local, "index.html")
        if not local.endswith(".html") or not os.path.isfile(local):
            return super().send_head()
        source = Path(local).read_text(encoding="utf-8")
        try:
            data = render_page(
                source, Path(local).relative_to(SITE_ROOT), SITE_ROOT / PARTS
            ).encode("utf-8")
        except PageError as error:
            self.send_error(500, str(error))
            return None
        self.send_response(200)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        return io.BytesIO(data)


def outbox_page(messages: list[dict[str, Any]]) -> str:
    rows = []
    for message in messages:
        body = message["html"] or f"<pre>{html.escape(message['text'])}</pre>"
        # The email's own HTML is shown in a sandboxed frame: no scripts, no same origin.
        files = "".join(
            f"<li data-attachment>{html.escape(a['name'])} ({html.escape(a['content_type'])}, "
            f"{a['size']:,} bytes)</li>"
            for a in message.get("attachments", [])
        )
        attached = f"<p>Adjuntos:</p><ul>{files}</ul>" if files else ""
        rows.append(
            "<article class='card'>"
            f"<h2>{html.escape(message['subject'])}</h2>"
            f"<p class='meta'>Para: {html.escape(', '.join(message['to']))} · "
            f"{html.escape(message['sent_at'])}</p>{attached}"
            f"<iframe sandbox='allow-popups allow-top-navigation-by-user-activation' "
            f"title='{html.escape(message['subject'])}' srcdoc='{html.escape(body)}'></iframe>"
            "</article>"
        )
    content = "".join(rows) or "<p>No se ha enviado ningún correo todavía.</p>"
    return (
        "<!doctype html><html lang='es'><head><meta charset='utf-8'>"
        "<meta name='viewport' content='width=device-width, initial-scale=1'>"
        "<title>Correos enviados (local)</title>"
        "<link rel='stylesheet' href='/css/portal.css'></head><body>"
        "<main class='container'><h1>Correos enviados (entorno local)</h1>"
        f"<p><a href='/__local/outbox.json'>Ver en JSON</a></p>{content}</main></body></html>"
    )


class SiteHTTPServer(ThreadingHTTPServer):
    request_queue_size = 256  # the standard library's 5 resets bursts of page assets


def make_site_server(
    host: str, port: int, *, api_url: str, connect_sources: list[str], outbox: Outbox
) -> ThreadingHTTPServer:
    mimetypes.add_type("text/javascript", ".js")
    handler = partial(SiteHandler, api_url=api_url, connect_sources=connect_sources, outbox=outbox)
    server = SiteHTTPServer((host, port), handler)
    server.daemon_threads = True
    return server
