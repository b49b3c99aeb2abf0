"""The HTTP front door: Slack's requests on POST /slack/events, and GET /healthz.

Bolt's own development server handles one request at a time; this one serves each request
on its own thread, which Slack's bursts of clicks and retries need. It checks the signature
(Bolt checks it again), then the body's shape, before any listener sees a request.
"""

from __future__ import annotations

import logging
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import urlsplit

from slack_bolt import App, BoltRequest
from slack_sdk.signature import SignatureVerifier

from bot.slack.payloads import shape_problem

LOGGER = logging.getLogger(__name__)

EVENTS_PATH = "/slack/events"
HEALTH_PATH = "/healthz"
#: Slack's own payloads are far smaller; anything bigger is refused before it is read.
MAX_BODY = 1_000_000
#: How much of a refused body is read and thrown away before the connection is closed.
MAX_DRAIN = 16_000_000


class CoachServer(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True

    def __init__(self, address: tuple[str, int], app: App, signing_secret: str | None) -> None:
        super().__init__(address, _Handler)
        self.app = app
        self.ready = threading.Event()
        self.verifier = SignatureVerifier(signing_secret) if signing_secret else None

    @property
    def url(self) -> str:
        host, port = self.server_address[:2]
        return f"http://{host}:{port}"


class _Handler(BaseHTTPRequestHandler):
    server: CoachServer
    protocol_version = "HTTP/1.1"

    def do_GET(self) -> None:
        if urlsplit(self.path).path != HEALTH_PATH:
            self._reply(404, b"not found")
        elif self.server.ready.is_set():
            self._reply(200, b"ok")
        else:
            self._reply(503, b"starting")

    def do_POST(self) -> None:
        parts = urlsplit(self.path)
        if parts.path != EVENTS_PATH:
            self._reply(404, b"not found")
            return
        length_text = self.headers.get("Content-Length", "")
        if not length_text.isdigit():
            self._reply(411, b"length required")
            return
        length = int(length_text)
        if length > MAX_BODY:
            self._discard(length)
            self.close_connection = True
            self._reply(413, b"too large")
            return
        raw = self.rfile.read(length)
        try:
            body = raw.decode("utf-8")
        except UnicodeDecodeError:
            self._reply(400, b"not utf-8")
            return
        if not self._signed(body):
            self._reply(401, b"invalid signature")
            return
        headers = {key.lower(): [value] for key, value in self.headers.items()}
        try:
            request = BoltRequest(body=body, query=parts.query, headers=headers)
        except (ValueError, TypeError, KeyError, AttributeError):
            self._reply(400, b"malformed request")
            return
        if shape_problem(request.body) is not None:
            self._reply(400, b"malformed request")
            return
        try:
            response = self.server.app.dispatch(request)
        except Exception:
            LOGGER.exception("A request failed outside every listener")
            self._reply(500, b"internal error")
            return
        payload = (response.body or "").encode("utf-8")
        extra = {k: v for k, v in response.headers.items() if k.lower() != "content-length"}
        self._reply(response.status, payload, extra)

    def _signed(self, body: str) -> bool:
        """Signed as Slack signs, within five minutes; a missing or odd header is unsigned."""
        verifier = self.server.verifier
        if verifier is None:
            return True
        timestamp = self.headers.get("X-Slack-Request-Timestamp", "")
        signature = self.headers.get("X-Slack-Signature", "")
        if not timestamp.isdigit() or not signature:
            return False
        return verifier.is_valid(body, timestamp, signature)

    def _discard(self, length: int) -> None:
        """Drain a refused body (up to a bound) so the client hears the 413, not a reset."""
        left = min(length, MAX_DRAIN)
        while left > 0:
            chunk = self.rfile.read(min(left, 65536))
            if not chunk:
                return
            left -= len(chunk)

    def _reply(self, status: int, body: bytes, headers: dict | None = None) -> None:
        self.send_response(status)
        content_type_set = False
        for key, values in (headers or {}).items():
            for value in values if isinstance(values, list | tuple) else [values]:
                self.send_header(key, value)
                content_type_set |= key.lower() == "content-type"
        if not content_type_set:
            self.send_header("Content-Type", "text/plain; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: object) -> None:
        LOGGER.debug("%s %s", self.address_string(), format % args)
