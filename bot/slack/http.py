"""The HTTP front door: Slack's requests on POST /slack/events, GET /healthz (liveness),
GET /readyz (readiness: the store answers), and (when the coach installs through OAuth) the
browser's GET /slack/install and GET /slack/oauth_redirect.

Bolt is served as a WSGI app by waitress, a well-kept production server: a bounded pool of
worker threads, a deep listen backlog, idle connections timed out, and requests read whole
before any worker sees them (a slow or idle client costs a socket, never a thread). Before a
request reaches Bolt, its size, its signature and its shape are checked here, once (Bolt's
own signature check is off, and Bolt's built-in middleware would fail on a body without the
ids it expects): a bad signature gets 401, and a body Bolt could not parse (deeply nested
JSON included) or without what its kind must carry gets 400. Socket Mode has its own door
with the same shape check (`bot.runtime.SocketModeLink`). The two
OAuth pages come from people's browsers, which sign nothing: they are only ever GETs, and Bolt
checks their state against its cookie and the state store; every POST is signature-checked.
"""

from __future__ import annotations

import json
import logging
import threading
from collections.abc import Callable, Iterable, Sequence
from typing import Any
from urllib.parse import parse_qs

from slack_bolt import App, BoltRequest, BoltResponse
from slack_bolt.oauth import OAuthFlow
from slack_sdk.signature import SignatureVerifier
from waitress import wasyncore
from waitress.server import create_server

from bot.slack.payloads import shape_problem

LOGGER = logging.getLogger(__name__)

EVENTS_PATH = "/slack/events"
HEALTH_PATH = "/healthz"
READY_PATH = "/readyz"
#: Slack's own payloads are far smaller; anything bigger is refused with a 413.
MAX_BODY = 1_000_000
#: Bodies up to this size are read (and thrown away) so the client hears the 413 rather than
#: a reset; beyond it waitress cuts the connection.
MAX_READ = 4_000_000
#: Threads that run requests; Bolt answers each within milliseconds (or acks and goes on).
THREADS = 16
#: Open connections served at once; more wait in the listen backlog.
CONNECTION_LIMIT = 4000
BACKLOG = 4096
#: Seconds an idle connection may stay open.
IDLE_TIMEOUT = 30
#: A query longer than this is no redirect Slack made (a code and a state are short).
MAX_QUERY = 4096

StartResponse = Callable[[str, list[tuple[str, str]]], Any]
Route = Callable[[dict[str, Any]], tuple[int, bytes, dict[str, str]] | None]


def coach_wsgi(
    app: App,
    signing_secret: str | None,
    ready: threading.Event,
    *,
    routes: dict[str, Route] | None = None,
    store_ready: Callable[[], bool] | None = None,
) -> Callable[[dict[str, Any], StartResponse], Iterable[bytes]]:
    """The WSGI app: /healthz, /readyz, /slack/events, and any extra `routes` (path ->
    handler). /healthz says the process serves; /readyz also that `store_ready()` holds."""
    verifier = SignatureVerifier(signing_secret) if signing_secret else None
    extra = routes or {}
    oauth = app.oauth_flow
    oauth_paths = {oauth.install_path, oauth.redirect_uri_path} if oauth is not None else set()

    def serve(environ: dict[str, Any], start_response: StartResponse) -> Iterable[bytes]:
        path = environ.get("PATH_INFO", "")
        method = environ.get("REQUEST_METHOD", "GET")
        if path == HEALTH_PATH and method == "GET":
            headers: dict[str, str] = {}
            status, body = (200, b"ok") if ready.is_set() else (503, b"starting")
        elif path == READY_PATH and method == "GET":
            status, body, headers = _readiness(ready, store_ready)
        elif path in extra:
            answer = extra[path](environ)
            status, body, headers = answer if answer is not None else (404, b"not found", {})
        elif path == EVENTS_PATH and method == "POST":
            status, body, headers = _slack_request(app, verifier, environ)
        elif oauth is not None and path in oauth_paths and method == "GET":
            status, body, headers = _oauth_page(oauth, path, environ)
        else:
            status, body, headers = 404, b"not found", {}
        headers.setdefault("Content-Type", "text/plain; charset=utf-8")
        headers["Content-Length"] = str(len(body))
        start_response(f"{status} {_REASONS.get(status, 'OK')}", list(headers.items()))
        return [body]

    return serve


def _readiness(
    ready: threading.Event, store_ready: Callable[[], bool] | None
) -> tuple[int, bytes, dict[str, str]]:
    """Ready to take requests: serving, and the store answers (a database out of reach is
    503, so a load balancer sends requests to replicas that can save them)."""
    if not ready.is_set():
        return 503, b"starting", {}
    if store_ready is not None and not store_ready():
        return 503, b"store unreachable", {}
    return 200, b"ready", {}


def _slack_request(
    app: App, verifier: SignatureVerifier | None, environ: dict[str, Any]
) -> tuple[int, bytes, dict[str, str]]:
    length_text = environ.get("CONTENT_LENGTH") or ""
    if not length_text.isdigit():
        return 411, b"length required", {}
    if int(length_text) > MAX_BODY:
        return 413, b"too large", {}
    raw = environ["wsgi.input"].read(int(length_text))
    try:
        body = raw.decode("utf-8")
    except UnicodeDecodeError:
        return 400, b"not utf-8", {}
    headers = _headers(environ)
    if verifier is not None and not _signed(verifier, body, headers):
        return 401, b"invalid signature", {}
    problem = _unparseable(body, headers.get("content-type", [""])[0])
    if problem:
        LOGGER.warning("Refused a request Bolt could not parse: %s", problem)
        return 400, b"malformed request", {}
    try:
        request = BoltRequest(body=body, query=environ.get("QUERY_STRING", ""), headers=headers)
    except (ValueError, TypeError, KeyError, AttributeError, RecursionError):
        return 400, b"malformed request", {}
    problem = shape_problem(request.body)
    if problem is not None:
        LOGGER.warning("Refused a malformed request: %s", problem)
        return 400, b"malformed request", {}
    try:
        response = app.dispatch(request)
    except Exception:
        LOGGER.exception("A request failed outside every listener")
        return 500, b"internal error", {}
    return response.status, (response.body or "").encode("utf-8"), _flat_headers(response)


def _oauth_page(
    oauth: OAuthFlow, path: str, environ: dict[str, Any]
) -> tuple[int, bytes, dict[str, str]]:
    """The Add to Slack page (a new state and its cookie), or the redirect back from Slack."""
    query = environ.get("QUERY_STRING", "")
    if len(query) > MAX_QUERY:
        return 400, b"bad request", {}
    request = BoltRequest(body="", query=query, headers=_headers(environ))
    try:
        if path == oauth.install_path:
            response = oauth.handle_installation(request)
        else:
            response = oauth.handle_callback(request)
    except Exception:
        LOGGER.exception("The install flow failed")
        return 500, b"internal error", {}
    return response.status, (response.body or "").encode("utf-8"), _flat_headers(response)


def _flat_headers(response: BoltResponse) -> dict[str, str]:
    return {
        key: values[0] if isinstance(values, list | tuple) else str(values)
        for key, values in response.headers.items()
        if key.lower() != "content-length" and values
    }


def _unparseable(body: str, content_type: str) -> str | None:
    """Why the body cannot be read as Slack sends it (JSON, or a form with a JSON payload)."""
    try:
        if content_type.startswith("application/json") or body.lstrip().startswith("{"):
            json.loads(body)
        else:
            payload = parse_qs(body).get("payload")
            if payload:
                json.loads(payload[0])
    except RecursionError:
        return "nested too deeply"
    except ValueError as error:
        return f"not JSON ({error.__class__.__name__})"
    return None


def _headers(environ: dict[str, Any]) -> dict[str, str | Sequence[str]]:
    """The request's headers as Bolt takes them: lower-case names, each with a list."""
    found: dict[str, str | Sequence[str]] = {
        key[5:].replace("_", "-").lower(): [str(value)]
        for key, value in environ.items()
        if key.startswith("HTTP_")
    }
    if environ.get("CONTENT_TYPE"):
        found["content-type"] = [environ["CONTENT_TYPE"]]
    return found


def _signed(
    verifier: SignatureVerifier, body: str, headers: dict[str, str | Sequence[str]]
) -> bool:
    """Signed as Slack signs, within five minutes; a missing or odd header is unsigned."""
    timestamp = headers.get("x-slack-request-timestamp", [""])[0]
    signature = headers.get("x-slack-signature", [""])[0]
    if not timestamp.isdigit() or not signature:
        return False
    return verifier.is_valid(body, timestamp, signature)


_REASONS = {
    200: "OK",
    302: "Found",
    400: "Bad Request",
    401: "Unauthorized",
    404: "Not Found",
    411: "Length Required",
    413: "Payload Too Large",
    500: "Internal Server Error",
    503: "Service Unavailable",
}


class CoachServer:
    """waitress serving the coach's WSGI app on one port, stoppable from another thread."""

    def __init__(
        self,
        address: tuple[str, int],
        app: App,
        signing_secret: str | None,
        *,
        routes: dict[str, Route] | None = None,
        store_ready: Callable[[], bool] | None = None,
    ) -> None:
        self.ready = threading.Event()
        self._stopping = threading.Event()
        self._stopped = threading.Event()
        self._server = create_server(
            coach_wsgi(app, signing_secret, self.ready, routes=routes, store_ready=store_ready),
            host=address[0],
            port=address[1],
            threads=THREADS,
            connection_limit=CONNECTION_LIMIT,
            backlog=BACKLOG,
            channel_timeout=IDLE_TIMEOUT,
            cleanup_interval=5,
            asyncore_use_poll=True,
            max_request_body_size=MAX_READ,
            ident="interview-coach",
        )

    @property
    def url(self) -> str:
        host, port = self._server.effective_host, self._server.effective_port
        return f"http://{host}:{port}"

    def serve_forever(self) -> None:
        """Serve until `shutdown()`; then close every connection and the listening socket."""
        socket_map = self._server._map
        try:
            while not self._stopping.is_set():
                wasyncore.loop(timeout=0.2, map=socket_map, use_poll=True, count=1)
        finally:
            self._server.task_dispatcher.shutdown(cancel_pending=True, timeout=5)
            wasyncore.close_all(socket_map)
            self._stopped.set()

    def shutdown(self) -> None:
        self._stopping.set()
        self._stopped.wait(10)
