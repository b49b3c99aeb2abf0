"""A calendar server on loopback: serves .ics feeds the way Google and Outlook do (ETag,
Last-Modified, 304), and misbehaves on demand (404, a sign-in page, a slow drip, redirects),
for the tests and the benchmarks. A tool, not product."""

from __future__ import annotations

import gzip
import hashlib
import logging
import ssl
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from email.utils import formatdate
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

LOGGER = logging.getLogger(__name__)


@dataclass
class Route:
    """What one path answers: a body with validators, a redirect, a status, or a slow drip."""

    body: bytes = b""
    status: int = 200
    content_type: str = "text/calendar; charset=utf-8"
    headers: dict[str, str] = field(default_factory=dict)
    #: Seconds between the pieces of a slow answer (0: all at once).
    drip_seconds: float = 0.0
    drip_pieces: int = 1
    #: Whether to send ETag and Last-Modified and answer 304 to a matching request.
    validators: bool = True
    gzip: bool = False
    modified_at: float = 1_790_000_000.0

    @property
    def etag(self) -> str:
        return '"' + hashlib.sha256(self.body).hexdigest()[:20] + '"'

    @property
    def last_modified(self) -> str:
        return formatdate(self.modified_at, usegmt=True)


@dataclass(frozen=True)
class Seen:
    """A request as received, for tests to assert on (conditional headers, Host)."""

    path: str
    headers: dict[str, str]


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True
    request_queue_size = 1024
    owner: FeedServer

    def handle_error(self, request: Any, client_address: Any) -> None:
        """Clients that hang up (size and time limits) are expected: no traceback."""
        LOGGER.debug("feed server request from %s failed", client_address, exc_info=True)


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server: _Server

    def log_message(self, format: str, *args: Any) -> None:
        """Quiet: the tests own the terminal."""

    def do_GET(self) -> None:
        self.server.owner._answer(self)


class FeedServer:
    """Serves routes on 127.0.0.1 (or with TLS, given a context) in a daemon thread."""

    def __init__(
        self, *, host: str = "127.0.0.1", port: int = 0, tls: ssl.SSLContext | None = None
    ) -> None:
        self._host, self._port, self._tls = host, port, tls
        self._routes: dict[str, Route] = {}
        self._fallback: Callable[[str], Route | None] | None = None
        self._lock = threading.Lock()
        self.requests: list[Seen] = []
        self.record = True
        self._server: _Server | None = None
        self._thread: threading.Thread | None = None

    def __enter__(self) -> FeedServer:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    @property
    def port(self) -> int:
        assert self._server is not None, "start() the server first"
        return int(self._server.server_address[1])

    def url(self, path: str, *, host: str | None = None) -> str:
        scheme = "https" if self._tls else "http"
        return f"{scheme}://{host or self._host}:{self.port}{path}"

    def route(self, path: str, route: Route) -> Route:
        with self._lock:
            self._routes[path] = route
        return route

    def serve(self, path: str, body: bytes, **options: Any) -> Route:
        return self.route(path, Route(body=body, **options))

    def redirect(self, path: str, location: str, status: int = 302) -> Route:
        return self.route(
            path, Route(status=status, headers={"Location": location}, validators=False)
        )

    def fallback(self, answer: Callable[[str], Route | None]) -> None:
        """Answer paths without a route from a function (ten thousand feeds, one rule)."""
        self._fallback = answer

    def start(self) -> FeedServer:
        server = _Server((self._host, self._port), _Handler)
        if self._tls is not None:
            server.socket = self._tls.wrap_socket(server.socket, server_side=True)
        server.owner = self
        self._server = server
        self._thread = threading.Thread(
            target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        )
        self._thread.start()
        return self

    def stop(self) -> None:
        if self._server is None:
            return
        self._server.shutdown()
        self._server.server_close()
        if self._thread is not None:
            self._thread.join(timeout=5)
        self._server = None

    def _answer(self, handler: _Handler) -> None:
        path = handler.path
        if self.record:
            with self._lock:
                self.requests.append(Seen(path=path, headers=dict(handler.headers.items())))
        route = self._routes.get(path)
        if route is None and self._fallback is not None:
            route = self._fallback(path)
        if route is None:
            route = Route(status=404, body=b"Not Found", content_type="text/plain")
        if route.validators and route.status == 200 and self._unchanged(handler, route):
            handler.send_response(304)
            handler.send_header("ETag", route.etag)
            handler.send_header("Content-Length", "0")
            handler.end_headers()
            return
        body = route.body
        if route.gzip and "gzip" in handler.headers.get("Accept-Encoding", ""):
            body = gzip.compress(body)
        handler.send_response(route.status)
        handler.send_header("Content-Type", route.content_type)
        handler.send_header("Content-Length", str(len(body)))
        if route.gzip and body is not route.body:
            handler.send_header("Content-Encoding", "gzip")
        if route.validators and route.status == 200:
            handler.send_header("ETag", route.etag)
            handler.send_header("Last-Modified", route.last_modified)
        for name, value in route.headers.items():
            handler.send_header(name, value)
        handler.end_headers()
        if route.drip_seconds <= 0:
            handler.wfile.write(body)
            return
        piece = max(1, len(body) // max(route.drip_pieces, 1))
        try:
            for start in range(0, len(body), piece):
                handler.wfile.write(body[start : start + piece])
                handler.wfile.flush()
                time.sleep(route.drip_seconds)
        except OSError:
            handler.close_connection = True

    @staticmethod
    def _unchanged(handler: _Handler, route: Route) -> bool:
        asked_tag = handler.headers.get("If-None-Match")
        if asked_tag is not None:
            return route.etag in [t.strip() for t in asked_tag.split(",")]
        return handler.headers.get("If-Modified-Since") == route.last_modified
