"""A local stand-in of the Slack Web API, served over real HTTP on loopback."""

from __future__ import annotations

import copy
import json
import logging
import random
import socket
import threading
import time
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, replace
from datetime import datetime
from email import policy
from email.parser import BytesParser
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qsl, unquote, urlsplit
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from bot.local.standin_oauth import OAuthApps, OAuthRefused

LOGGER = logging.getLogger(__name__)

BOT_USER_ID = "UBOT"
BOT_ID = "BBOT"
TEAM_ID = "T0001"
TEAM_NAME = "Stand-in"

FAULT_KINDS = frozenset({"429", "500", "drop", "lost", "hang"})
_JSON_FIELDS = frozenset({"blocks", "attachments", "view", "files", "metadata", "user_auth_blocks"})
_FIRST_TS = 1_700_000_000_000_100
_TS_STEP = 100


@dataclass(frozen=True)
class ApiCall:
    """One Web API request as received, kept so tests can count attempts and retries."""

    method: str
    params: dict[str, Any]
    at: float
    fault: str | None = None
    #: The bearer token the call was made with (its Authorization header), if any.
    token: str | None = field(default=None, repr=False)


@dataclass
class Message:
    """The current state of one message, whichever method produced it."""

    channel: str
    ts: str
    text: str | None = None
    blocks: list[Any] = field(default_factory=list)
    thread_ts: str | None = None
    updated: bool = False
    history: list[Message] = field(default_factory=list)
    metadata: dict[str, Any] | None = None


@dataclass(frozen=True)
class Received:
    """A view opened, pushed, updated or published ("view") or a file uploaded ("file"), handed
    to whoever watches the stand-in as it arrives."""

    kind: str
    record: dict[str, Any]


#: What a Web API method hands to the stand-in's watchers once it has been applied.
Notice = Message | Received

#: A method served by another side of the stand-in: (the caller's token, the parameters) to the
#: whole JSON answer, `ok` included.
MethodAnswer = Callable[[str | None, dict[str, Any]], dict[str, Any]]


@dataclass
class FaultPlan:
    """Random faults to inject, seeded so a failing run can be replayed."""

    rate_429: float = 0.0
    retry_after: int = 1
    rate_500: float = 0.0
    rate_drop: float = 0.0
    #: share of calls that Slack carries out but whose answer never arrives (connection lost)
    rate_lost: float = 0.0
    per_channel_limit: bool = False
    methods: frozenset[str] = frozenset(
        {"chat.postMessage", "chat.update", "conversations.open", "users.info"}
    )
    seed: int = 0


@dataclass
class _UserInfo:
    """What set_user configured, so users.info can answer like Slack."""

    team_id: str
    tz: str | None
    name: str | None


@dataclass(frozen=True)
class _QueuedFault:
    """One fault waiting for a matching call: of `method`, for `channel` if given."""

    kind: str
    channel: str | None = None
    retry_after: str | None = None


class _FaultError(Exception):
    """Raised inside a method handler to answer with a fault instead of applying the call."""

    def __init__(self, kind: str, retry_after: int | str = 1) -> None:
        super().__init__(kind)
        self.kind = kind
        self.retry_after = retry_after


class _SlackApiError(Exception):
    """Raised inside a method handler to answer ok:false with a Slack error string."""

    def __init__(self, error: str) -> None:
        super().__init__(error)
        self.error = error


class _Server(ThreadingHTTPServer):
    """Threading server that keeps handler errors off stderr."""

    daemon_threads = True
    allow_reuse_address = True
    request_queue_size = 1024
    standin: SlackStandIn

    def handle_error(self, request: Any, client_address: Any) -> None:
        """Log instead of printing a traceback, since clients that hang up are expected."""
        LOGGER.debug("stand-in request from %s failed", client_address, exc_info=True)


class _Handler(BaseHTTPRequestHandler):
    """Routes HTTP requests to the stand-in that owns the server."""

    protocol_version = "HTTP/1.1"
    server: _Server

    def log_message(self, format: str, *args: Any) -> None:
        """Stay quiet: tests and the console own the terminal."""

    def do_POST(self) -> None:
        """Serve every Web API call, response URL post and upload."""
        self.server.standin._handle(self)

    def do_GET(self) -> None:
        """Serve Web API calls made with GET, which Slack also accepts."""
        self.server.standin._handle(self)


def _decode_json_fields(params: dict[str, Any]) -> dict[str, Any]:
    """Decode fields that Slack accepts as JSON strings inside form bodies."""
    for key in _JSON_FIELDS & params.keys():
        value = params[key]
        if isinstance(value, str) and value.strip()[:1] in ("[", "{"):
            try:
                params[key] = json.loads(value)
            except json.JSONDecodeError:
                LOGGER.debug("field %s is not valid JSON", key)
    return params


def _parse_multipart(content_type: str, body: bytes) -> dict[str, Any]:
    """Parse multipart/form-data, which WebClient uses when given `data`."""
    header = f"Content-Type: {content_type}\r\n\r\n".encode()
    message = BytesParser(policy=policy.HTTP).parsebytes(header + body)
    params: dict[str, Any] = {}
    if not message.is_multipart():
        return params
    for part in message.iter_parts():
        name = part.get_param("name", header="content-disposition")
        if not name:
            continue
        payload = part.get_payload(decode=True) or b""
        if part.get_filename():
            params[str(name)] = payload
        else:
            params[str(name)] = bytes(payload).decode("utf-8", "replace")
    return params


def _parse_params(content_type: str, body: bytes, query: str) -> dict[str, Any]:
    """Merge query and body parameters the way Slack reads them."""
    params: dict[str, Any] = dict(parse_qsl(query, keep_blank_values=True))
    media_type = content_type.split(";", 1)[0].strip().lower()
    if media_type == "application/json" or (not media_type and body.lstrip()[:1] == b"{"):
        decoded = json.loads(body or b"{}")
        if not isinstance(decoded, dict):
            raise ValueError("JSON body must be an object")
        params.update(decoded)
    elif media_type == "multipart/form-data":
        params.update(_parse_multipart(content_type, body))
    elif body:
        params.update(parse_qsl(body.decode("utf-8"), keep_blank_values=True))
    return _decode_json_fields(params)


def _tz_offset(tz: str) -> int:
    """Seconds east of UTC right now, as Slack reports in tz_offset."""
    try:
        offset = datetime.now(ZoneInfo(tz)).utcoffset()
    except (ZoneInfoNotFoundError, ValueError):
        return 0
    return int(offset.total_seconds()) if offset is not None else 0


class SlackStandIn:
    """Answers Slack Web API calls locally so nothing reaches the real Slack."""

    def __init__(
        self,
        *,
        host: str = "127.0.0.1",
        port: int = 0,
        tokens: Iterable[str] | None = None,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        """`clock` (seconds) times calls and the per-channel limit: a test's clock, so a bot
        that paces on it is judged by the same time."""
        self._clock = clock
        self._host = host
        self._port = port
        self._tokens = frozenset(tokens) if tokens is not None else None
        self._cond = threading.Condition(threading.RLock())
        self._version = 0
        self._server: _Server | None = None
        self._thread: threading.Thread | None = None
        self._faults = FaultPlan()
        self._rng = random.Random(self._faults.seed)
        self._fail_next: dict[str, list[_QueuedFault]] = {}
        self._release = threading.Event()
        #: The longest a "hang" holds a request before answering it after all.
        self.hang_seconds = 30.0
        self._stats: Counter[str] = Counter()
        self._users: dict[str, _UserInfo] = {}
        self._answers: dict[str, MethodAnswer] = {}
        self.on_message: Callable[[Message], None] | None = None
        #: Called with each view record as `views()` lists it, and each file as `files()` does.
        self.on_view: Callable[[dict[str, Any]], None] | None = None
        self.on_file: Callable[[dict[str, Any]], None] | None = None
        #: Apps that install through OAuth, and the workspaces' tokens (see standin_oauth).
        self.oauth = OAuthApps()
        self._reset_state()

    def _reset_state(self) -> None:
        """Forget everything received, keeping users, faults and the server."""
        self._calls: list[ApiCall] = []
        self._messages: dict[str, list[Message]] = {}
        #: Messages deleted with chat.delete, gone from `messages()` and the history.
        self._deleted: list[Message] = []
        self._ephemerals: list[dict[str, Any]] = []
        self._responses: list[tuple[str, dict[str, Any]]] = []
        self._views: list[dict[str, Any]] = []
        self._uploads: dict[str, dict[str, Any]] = {}
        self._files: list[dict[str, Any]] = []
        #: Files people shared (see `share_file`): id -> (the file's record, its bytes).
        self._shared: dict[str, tuple[dict[str, Any], bytes]] = {}
        self._downloads: list[tuple[str, str | None]] = []
        self._opened: set[str] = set()
        self._last_post: dict[str, float] = {}
        self._next_ts = _FIRST_TS
        self._next_id = 1

    # -- lifecycle -------------------------------------------------------------------------

    def start(self) -> SlackStandIn:
        """Bind and serve in a daemon thread so tests can call it synchronously."""
        if self._server is not None:
            return self
        server = _Server((self._host, self._port), _Handler)
        server.standin = self
        self._server = server
        self._thread = threading.Thread(
            target=server.serve_forever,
            kwargs={"poll_interval": 0.05},
            name="slack-standin",
            daemon=True,
        )
        self._thread.start()
        LOGGER.debug("Slack stand-in listening on %s", self.base_url)
        return self

    def stop(self) -> None:
        """Stop serving and release the port."""
        server, thread = self._server, self._thread
        if server is None:
            return
        server.shutdown()
        server.server_close()
        if thread is not None:
            thread.join(timeout=5)
        self._server = None
        self._thread = None

    def __enter__(self) -> SlackStandIn:
        return self.start()

    def __exit__(self, *exc_info: object) -> None:
        self.stop()

    @property
    def _origin(self) -> str:
        if self._server is None:
            raise RuntimeError("the stand-in is not started")
        host, port = self._server.server_address[:2]
        if isinstance(host, bytes):
            host = host.decode()
        return f"http://{host}:{port}"

    @property
    def base_url(self) -> str:
        """What WebClient(base_url=...) takes; the trailing slash matters to WebClient."""
        return f"{self._origin}/api/"

    def response_url(self, key: str) -> str:
        """A response URL for Bolt's respond(), recorded under `key`."""
        return f"{self._origin}/response/{key}"

    # -- configuration ---------------------------------------------------------------------

    def set_user(
        self,
        user_id: str,
        *,
        tz: str | None = None,
        name: str | None = None,
        team_id: str = TEAM_ID,
    ) -> None:
        """Configure what users.info says, so the bot's time zone handling can be tested."""
        with self._cond:
            self._users[user_id] = _UserInfo(team_id=team_id, tz=tz, name=name)

    def open_dms(self, user_ids: Iterable[str]) -> None:
        """Open these people's DMs as conversations.open once did: people who used the bot
        before, whose DM channel it already knows."""
        with self._cond:
            self._opened.update(self._dm_channel(user) for user in user_ids)

    def answer(self, method: str, answer: MethodAnswer) -> None:
        """Serve `method` with `answer`, which checks the token itself: Socket Mode's
        apps.connections.open takes the app-level token, which no other method accepts."""
        with self._cond:
            self._answers[method] = answer

    @property
    def faults(self) -> FaultPlan:
        return self._faults

    @faults.setter
    def faults(self, plan: FaultPlan) -> None:
        with self._cond:
            self._faults = plan
            self._rng = random.Random(plan.seed)

    def fail_next(
        self,
        method: str,
        kind: str,
        count: int = 1,
        *,
        channel: str | None = None,
        retry_after: str | None = None,
    ) -> None:
        """Fail the next `count` calls of `method` with a fault kind or a Slack error string.

        `channel` limits the fault to calls for that channel or user (a DM's `D…` or `U…`).
        `retry_after` is the Retry-After header of a 429: seconds, or an HTTP date. A "hang"
        holds the request unanswered until `release_hangs()` (or `hang_seconds`), then
        carries it out.
        """
        fault = _QueuedFault(kind, channel and self._dm_channel(channel), retry_after)
        with self._cond:
            self._fail_next.setdefault(method, []).extend([fault] * count)

    def release_hangs(self) -> None:
        """Let every held request go on (and any later hang pass at once)."""
        self._release.set()

    def reset(self) -> None:
        """Forget received calls, messages, views and files, e.g. between test phases."""
        with self._cond:
            self._reset_state()
            self._stats.clear()
            self._fail_next.clear()
            self._release.clear()
            self._bump()

    # -- what was received -----------------------------------------------------------------

    @property
    def calls(self) -> list[ApiCall]:
        with self._cond:
            return list(self._calls)

    def calls_to(self, method: str) -> list[ApiCall]:
        with self._cond:
            return [call for call in self._calls if call.method == method]

    def calls_with(self, token: str) -> list[ApiCall]:
        """Every call made with this bearer token."""
        with self._cond:
            return [call for call in self._calls if call.token == token]

    def tokens_used(self, method: str | None = None) -> set[str | None]:
        """The tokens calls (of `method`, or all) were made with."""
        with self._cond:
            return {call.token for call in self._calls if method in (None, call.method)}

    def messages(self, channel: str | None = None) -> list[Message]:
        """Posted messages with updates applied, in posting order."""
        with self._cond:
            if channel is not None:
                found = self._messages.get(self._dm_channel(channel), [])
            else:
                found = sorted(
                    (m for msgs in self._messages.values() for m in msgs), key=lambda m: m.ts
                )
            return [copy.deepcopy(m) for m in found]

    def deleted(self, channel: str | None = None) -> list[Message]:
        """Messages deleted with chat.delete, in the order they were deleted."""
        with self._cond:
            wanted = None if channel is None else self._dm_channel(channel)
            return [copy.deepcopy(m) for m in self._deleted if wanted in (None, m.channel)]

    def ephemerals(self, channel: str | None = None) -> list[dict[str, Any]]:
        """Ephemeral messages, kept apart because only one user ever saw them."""
        with self._cond:
            wanted = None if channel is None else self._dm_channel(channel)
            return [copy.deepcopy(e) for e in self._ephemerals if wanted in (None, e["channel"])]

    def responses(self, key: str | None = None) -> list[dict[str, Any]]:
        with self._cond:
            return [copy.deepcopy(body) for k, body in self._responses if key in (None, k)]

    def views(self) -> list[dict[str, Any]]:
        with self._cond:
            return copy.deepcopy(self._views)

    def files(self) -> list[dict[str, Any]]:
        with self._cond:
            return copy.deepcopy(self._files)

    @property
    def stats(self) -> dict[str, int]:
        """Faults injected so far, by kind ("429", "500", "drop", "error")."""
        with self._cond:
            return dict(self._stats)

    def wait_for(self, predicate: Callable[[SlackStandIn], bool], timeout: float = 5.0) -> bool:
        """Block until `predicate` holds, re-checking only when something was received."""
        deadline = time.monotonic() + timeout
        while True:
            with self._cond:
                version = self._version
            if predicate(self):
                return True
            with self._cond:
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    return False
                self._cond.wait_for(self._changed_since(version), remaining)

    def _changed_since(self, version: int) -> Callable[[], bool]:
        """Whether anything was received since `version` (called under the condition)."""
        return lambda: self._version != version

    # -- request handling ------------------------------------------------------------------

    def _bump(self) -> None:
        """Wake waiters; callers hold the lock."""
        self._version += 1
        self._cond.notify_all()

    def _new_ts(self) -> str:
        value = self._next_ts
        self._next_ts += _TS_STEP
        return f"{value // 1_000_000}.{value % 1_000_000:06d}"

    def _new_id(self, prefix: str) -> str:
        value = self._next_id
        self._next_id += 1
        return f"{prefix}{value:08X}"

    @staticmethod
    def _dm_channel(channel: str) -> str:
        """Map a user ID to its DM channel, as Slack does when posting to a user."""
        if channel[:1] in ("U", "W"):
            return "D" + channel
        return channel

    def _handle(self, request: _Handler) -> None:
        """Read the request fully, then route it; faults never apply the call."""
        length = int(request.headers.get("Content-Length") or 0)
        body = request.rfile.read(length) if length else b""
        url = urlsplit(request.path)
        path = url.path
        content_type = request.headers.get("Content-Type", "")
        if path.startswith("/api/"):
            self._handle_api(request, unquote(path[len("/api/") :]), content_type, body, url.query)
        elif path.startswith("/response/") and request.command == "POST":
            self._handle_response(request, unquote(path[len("/response/") :]), body)
        elif path.startswith("/upload/") and request.command == "POST":
            self._handle_upload(request, unquote(path[len("/upload/") :]), content_type, body)
        elif path.startswith("/files-pri/") and request.command == "GET":
            self._handle_download(request, unquote(path[len("/files-pri/") :]))
        else:
            self._send(request, 404, b"not found", "text/plain; charset=utf-8")

    def _handle_api(
        self, request: _Handler, method: str, content_type: str, body: bytes, query: str
    ) -> None:
        try:
            params = _parse_params(content_type, body, query)
        except (ValueError, UnicodeDecodeError):
            params = {}
            self._record_call(method, params, None)
            self._send_json(request, {"ok": False, "error": "invalid_json"})
            return
        token = self._token(request, params)
        params.pop("token", None)
        if method == "oauth.v2.access":
            self._oauth_access(request, params)
            return
        fault, retry_after = self._pick_fault(method, params)
        self._record_call(method, params, fault, token)
        if fault == "hang":
            self._release.wait(self.hang_seconds)
            fault = None
        if fault is not None and fault != "lost":
            self._send_fault(request, fault, retry_after)
            return
        with self._cond:
            answer = self._answers.get(method)
        if answer is not None:
            result = answer(token, params)
            if fault == "lost":
                self._send_fault(request, "drop")
            else:
                self._send_json(request, result)
            return
        if token is None:
            self._send_json(request, {"ok": False, "error": "not_authed"})
            return
        if not self._token_ok(token):
            self._send_json(request, {"ok": False, "error": "invalid_auth"})
            return
        refusal = self.oauth.refusal(token)
        if refusal is not None:
            self._send_json(request, {"ok": False, "error": refusal})
            return
        if method == "auth.test" and (identity := self.oauth.identity(token)) is not None:
            self._send_json(request, {"ok": True, **self._auth_test({}, []), **identity})
            return
        handler = self._methods().get(method)
        if handler is None:
            self._send_json(request, {"ok": False, "error": "unknown_method"})
            return
        notify: list[Notice] = []
        try:
            with self._cond:
                result = handler(params, notify)
                self._bump()
        except _FaultError as exc:
            self._set_fault_on_last_call(method, exc.kind)
            self._send_fault(request, exc.kind, exc.retry_after)
            return
        except _SlackApiError as exc:
            self._send_json(request, {"ok": False, "error": exc.error})
            return
        for notice in notify:
            self._notify(notice)
        if fault == "lost":
            self._send_fault(request, "drop")
            return
        self._send_json(request, {"ok": True, **result})

    def _handle_response(self, request: _Handler, key: str, body: bytes) -> None:
        try:
            payload = json.loads(body or b"{}")
        except (ValueError, UnicodeDecodeError):
            self._send(request, 400, b"invalid_payload", "text/plain; charset=utf-8")
            return
        fault, _ = self._pick_fault("response")
        self._record_call("response", {"key": key, **payload}, fault)
        if fault is not None:
            self._send_fault(request, fault)
            return
        with self._cond:
            self._responses.append((key, payload))
            message = Message(
                channel=f"response:{key}",
                ts=self._new_ts(),
                text=payload.get("text"),
                blocks=list(payload.get("blocks") or []),
                thread_ts=payload.get("thread_ts"),
                updated=bool(payload.get("replace_original")),
            )
            self._bump()
        self._notify(message)
        self._send(request, 200, b"ok", "text/html; charset=utf-8")

    def _handle_upload(
        self, request: _Handler, file_id: str, content_type: str, body: bytes
    ) -> None:
        if content_type.lower().startswith("multipart/form-data"):
            parts = _parse_multipart(content_type, body)
            content = next((v for v in parts.values() if isinstance(v, bytes)), body)
        else:
            content = body
        with self._cond:
            upload = self._uploads.get(file_id)
            if upload is None:
                found = False
            else:
                found = True
                upload["content"] = content
                self._bump()
        if not found:
            self._send(request, 404, b"file_not_found", "text/plain; charset=utf-8")
            return
        self._send(request, 200, f"OK - {len(content)}".encode(), "text/plain; charset=utf-8")

    def _token(self, request: _Handler, params: dict[str, Any]) -> str | None:
        auth = request.headers.get("Authorization", "")
        if auth.lower().startswith("bearer "):
            return auth[len("bearer ") :].strip() or None
        token = params.get("token")
        return token if isinstance(token, str) and token else None

    def _token_ok(self, token: str) -> bool:
        if self._tokens is not None:
            return token in self._tokens
        return token.startswith("xoxb-")

    def _pick_fault(
        self, method: str, params: dict[str, Any] | None = None
    ) -> tuple[str | None, str | None]:
        """Decide, under the lock, whether this call fails (kind, Retry-After); queued first."""
        target = self._call_channel(params or {})
        with self._cond:
            queued = self._fail_next.get(method, [])
            for index, fault in enumerate(queued):
                if fault.channel is None or fault.channel == target:
                    del queued[index]
                    self._stats[fault.kind if fault.kind in FAULT_KINDS else "error"] += 1
                    return fault.kind, fault.retry_after
            plan = self._faults
            if method not in plan.methods:
                return None, None
            draw = self._rng.random()
            for kind, rate in (("429", plan.rate_429), ("500", plan.rate_500)):
                if draw < rate:
                    self._stats[kind] += 1
                    return kind, None
                draw -= rate
            for kind, rate in (("drop", plan.rate_drop), ("lost", plan.rate_lost)):
                if draw < rate:
                    self._stats[kind] += 1
                    return kind, None
                draw -= rate
            return None, None

    def _call_channel(self, params: dict[str, Any]) -> str | None:
        """The DM a call is about: its channel, or the one user it opens or looks up."""
        target = params.get("channel") or params.get("users") or params.get("user")
        return self._dm_channel(str(target)) if target else None

    def _record_call(
        self, method: str, params: dict[str, Any], fault: str | None, token: str | None = None
    ) -> None:
        with self._cond:
            call = ApiCall(method, copy.deepcopy(params), self._clock(), fault, token)
            self._calls.append(call)
            self._bump()

    def _oauth_access(self, request: _Handler, params: dict[str, Any]) -> None:
        """`oauth.v2.access`: authenticated by the app's credentials, never by a token."""
        shown = {key: value for key, value in params.items() if key != "client_secret"}
        self._record_call("oauth.v2.access", shown, None)
        try:
            result = self.oauth.exchange(request.headers.get("Authorization", ""), params)
        except OAuthRefused as refused:
            self._send_json(request, {"ok": False, "error": refused.error})
            return
        self._send_json(request, {"ok": True, **result})

    def _set_fault_on_last_call(self, method: str, kind: str) -> None:
        with self._cond:
            for index in range(len(self._calls) - 1, -1, -1):
                if self._calls[index].method == method:
                    self._calls[index] = replace(self._calls[index], fault=kind)
                    break

    def _notify(self, notice: Notice) -> None:
        """Call the watcher before answering, so the caller never outruns what it printed."""
        if isinstance(notice, Message):
            self._call(self.on_message, notice)
        elif notice.kind == "view":
            self._call(self.on_view, notice.record)
        else:
            self._call(self.on_file, notice.record)

    @staticmethod
    def _call(callback: Callable[[Any], None] | None, item: object) -> None:
        if callback is None:
            return
        try:
            callback(copy.deepcopy(item))
        except Exception:
            LOGGER.exception("a stand-in watcher failed")

    # -- responses -------------------------------------------------------------------------

    def _send(
        self,
        request: _Handler,
        status: int,
        body: bytes,
        content_type: str,
        headers: dict[str, str] | None = None,
    ) -> None:
        try:
            request.send_response(status)
            request.send_header("Content-Type", content_type)
            request.send_header("Content-Length", str(len(body)))
            for name, value in (headers or {}).items():
                request.send_header(name, value)
            request.end_headers()
            request.wfile.write(body)
        except OSError:
            LOGGER.debug("client went away before the response was written")
            request.close_connection = True

    def _send_json(
        self,
        request: _Handler,
        payload: dict[str, Any],
        status: int = 200,
        headers: dict[str, str] | None = None,
    ) -> None:
        body = json.dumps(payload).encode("utf-8")
        self._send(request, status, body, "application/json; charset=utf-8", headers)

    def _send_fault(
        self, request: _Handler, kind: str, retry_after: int | str | None = None
    ) -> None:
        if kind == "429":
            seconds = self._faults.retry_after if retry_after is None else retry_after
            self._send_json(
                request,
                {"ok": False, "error": "ratelimited"},
                status=429,
                headers={"Retry-After": str(seconds)},
            )
        elif kind == "500":
            self._send_json(request, {"ok": False, "error": "internal_error"}, status=500)
        elif kind == "drop":
            request.close_connection = True
            try:
                request.connection.shutdown(socket.SHUT_RDWR)
            except OSError:
                LOGGER.debug("connection already closed")
        else:
            self._send_json(request, {"ok": False, "error": kind})

    # -- Web API methods (called with the lock held) ---------------------------------------

    def _methods(self) -> dict[str, Callable[[dict[str, Any], list[Notice]], dict[str, Any]]]:
        return {
            "auth.test": self._auth_test,
            "users.info": self._users_info,
            "conversations.open": self._conversations_open,
            "conversations.history": self._conversations_history,
            "chat.postMessage": self._chat_post_message,
            "chat.update": self._chat_update,
            "chat.delete": self._chat_delete,
            "chat.postEphemeral": self._chat_post_ephemeral,
            "views.open": self._views_open,
            "views.push": self._views_open,
            "views.publish": self._views_publish,
            "views.update": self._views_update,
            "files.info": self._files_info,
            "files.getUploadURLExternal": self._files_get_upload_url,
            "files.completeUploadExternal": self._files_complete_upload,
        }

    def _auth_test(self, params: dict[str, Any], notify: list[Notice]) -> dict[str, Any]:
        return {
            "url": "https://stand-in.slack.com/",
            "team": TEAM_NAME,
            "user": "interview-coach",
            "team_id": TEAM_ID,
            "user_id": BOT_USER_ID,
            "bot_id": BOT_ID,
            "is_enterprise_install": False,
        }

    def _users_info(self, params: dict[str, Any], notify: list[Notice]) -> dict[str, Any]:
        user_id = params.get("user")
        if not user_id:
            raise _SlackApiError("user_not_found")
        info = self._users.get(user_id, _UserInfo(team_id=TEAM_ID, tz=None, name=None))
        name = info.name or user_id.lower()
        user: dict[str, Any] = {
            "id": user_id,
            "team_id": info.team_id,
            "name": name,
            "real_name": name,
            "deleted": False,
            "is_bot": user_id == BOT_USER_ID,
            "profile": {"real_name": name, "display_name": name},
        }
        if info.tz is not None:
            user["tz"] = info.tz
            user["tz_label"] = info.tz
            user["tz_offset"] = _tz_offset(info.tz)
        return {"user": user}

    def _conversations_open(self, params: dict[str, Any], notify: list[Notice]) -> dict[str, Any]:
        if params.get("channel"):
            channel_id = str(params["channel"])
        else:
            users = [u.strip() for u in str(params.get("users") or "").split(",") if u.strip()]
            if not users:
                raise _SlackApiError("users_list_not_supplied")
            channel_id = "D" + users[0] if len(users) == 1 else "G" + "".join(sorted(users))
        already_open = channel_id in self._opened
        self._opened.add(channel_id)
        return {"channel": {"id": channel_id}, "already_open": already_open, "no_op": already_open}

    def _conversations_history(
        self, params: dict[str, Any], notify: list[Notice]
    ) -> dict[str, Any]:
        """Newest first, like Slack; metadata only when asked with include_all_metadata."""
        channel = self._dm_channel(str(params.get("channel") or ""))
        if channel not in self._messages and channel not in self._opened:
            raise _SlackApiError("channel_not_found")
        limit = int(params.get("limit") or 100)
        with_metadata = str(params.get("include_all_metadata", "")).lower() in ("1", "true")
        found = []
        for message in reversed(self._messages.get(channel, [])[-limit:]):
            data = self._message_json(message)
            if with_metadata and message.metadata:
                data["metadata"] = message.metadata
            found.append(data)
        return {"messages": found, "has_more": False}

    def _check_channel_rate(self, channel: str) -> None:
        """Enforce one message per second per channel when the plan asks for it."""
        if not self._faults.per_channel_limit:
            return
        now = self._clock()
        last = self._last_post.get(channel)
        if last is not None and now - last < 1.0:
            self._stats["429"] += 1
            raise _FaultError("429", retry_after=1)
        self._last_post[channel] = now

    def _chat_post_message(self, params: dict[str, Any], notify: list[Notice]) -> dict[str, Any]:
        channel = params.get("channel")
        if not channel:
            raise _SlackApiError("channel_not_found")
        text, blocks = params.get("text"), params.get("blocks")
        if not text and not blocks and not params.get("attachments"):
            raise _SlackApiError("no_text")
        channel = self._dm_channel(str(channel))
        self._check_channel_rate(channel)
        message = Message(
            channel=channel,
            ts=self._new_ts(),
            text=text,
            blocks=list(blocks or []),
            thread_ts=params.get("thread_ts") or None,
            metadata=params.get("metadata") if isinstance(params.get("metadata"), dict) else None,
        )
        self._messages.setdefault(channel, []).append(message)
        notify.append(copy.deepcopy(message))
        return {"channel": channel, "ts": message.ts, "message": self._message_json(message)}

    def _chat_update(self, params: dict[str, Any], notify: list[Notice]) -> dict[str, Any]:
        channel = self._dm_channel(str(params.get("channel") or ""))
        ts = str(params.get("ts") or "")
        message = next((m for m in self._messages.get(channel, []) if m.ts == ts), None)
        if message is None:
            raise _SlackApiError("message_not_found")
        previous = replace(message, history=[], blocks=copy.deepcopy(message.blocks))
        if "text" in params:
            message.text = params["text"]
        if "blocks" in params:
            message.blocks = list(params["blocks"] or [])
        message.history.append(previous)
        message.updated = True
        notify.append(replace(message, history=[], blocks=copy.deepcopy(message.blocks)))
        return {
            "channel": channel,
            "ts": ts,
            "text": message.text or "",
            "message": self._message_json(message),
        }

    def _chat_delete(self, params: dict[str, Any], notify: list[Notice]) -> dict[str, Any]:
        """Gone from the channel, as in Slack: the history no longer lists it."""
        channel = self._dm_channel(str(params.get("channel") or ""))
        ts = str(params.get("ts") or "")
        kept = self._messages.get(channel, [])
        message = next((m for m in kept if m.ts == ts), None)
        if message is None:
            raise _SlackApiError("message_not_found")
        kept.remove(message)
        self._deleted.append(message)
        return {"channel": channel, "ts": ts}

    def _chat_post_ephemeral(self, params: dict[str, Any], notify: list[Notice]) -> dict[str, Any]:
        channel, user = params.get("channel"), params.get("user")
        if not channel:
            raise _SlackApiError("channel_not_found")
        if not user:
            raise _SlackApiError("user_not_in_channel")
        if not params.get("text") and not params.get("blocks"):
            raise _SlackApiError("no_text")
        message_ts = self._new_ts()
        self._ephemerals.append(
            {
                "channel": self._dm_channel(str(channel)),
                "user": user,
                "ts": message_ts,
                "text": params.get("text"),
                "blocks": list(params.get("blocks") or []),
                "thread_ts": params.get("thread_ts"),
            }
        )
        return {"message_ts": message_ts}

    @staticmethod
    def _message_json(message: Message) -> dict[str, Any]:
        data: dict[str, Any] = {
            "type": "message",
            "user": BOT_USER_ID,
            "bot_id": BOT_ID,
            "team": TEAM_ID,
            "ts": message.ts,
            "text": message.text or "",
            "blocks": message.blocks,
        }
        if message.thread_ts:
            data["thread_ts"] = message.thread_ts
        if message.updated:
            data["edited"] = {"user": BOT_USER_ID, "ts": message.ts}
        return data

    def _view_json(self, view: Any, view_id: str) -> dict[str, Any]:
        if not isinstance(view, dict):
            raise _SlackApiError("invalid_arguments")
        return {
            **view,
            "id": view_id,
            "team_id": TEAM_ID,
            "app_id": "A0001",
            "bot_id": BOT_ID,
            "hash": self._new_id("H"),
            "state": {"values": {}},
        }

    def _views_open(self, params: dict[str, Any], notify: list[Notice]) -> dict[str, Any]:
        if not params.get("trigger_id"):
            raise _SlackApiError("invalid_trigger_id")
        view = self._view_json(params.get("view"), self._new_id("V"))
        self._record_view(
            {"method": "views.open", "trigger_id": params["trigger_id"], "view": params["view"]},
            notify,
        )
        return {"view": view}

    def _views_publish(self, params: dict[str, Any], notify: list[Notice]) -> dict[str, Any]:
        user_id = params.get("user_id")
        if not user_id:
            raise _SlackApiError("user_not_found")
        view = self._view_json(params.get("view"), "VHOME" + str(user_id))
        self._record_view(
            {"method": "views.publish", "user_id": user_id, "view": params["view"]}, notify
        )
        return {"view": view}

    def _views_update(self, params: dict[str, Any], notify: list[Notice]) -> dict[str, Any]:
        view_id, external_id = params.get("view_id"), params.get("external_id")
        if not view_id and not external_id:
            raise _SlackApiError("not_found")
        view = self._view_json(params.get("view"), str(view_id or self._new_id("V")))
        record: dict[str, Any] = {"method": "views.update", "view": params["view"]}
        if view_id:
            record["view_id"] = view_id
        if external_id:
            record["external_id"] = external_id
        self._record_view(record, notify)
        return {"view": view}

    def _record_view(self, record: dict[str, Any], notify: list[Notice]) -> None:
        self._views.append(record)
        if self.on_view is not None:
            notify.append(Received("view", record))

    def share_file(
        self,
        name: str,
        content: bytes,
        *,
        user: str = "U1",
        filetype: str = "ics",
        mimetype: str = "text/calendar",
    ) -> dict[str, Any]:
        """A file a person shared: what a `file_share` message event carries about it, and
        what `files.info` answers; its bytes are served (with a valid token) at its
        `url_private_download`, as Slack's file host does."""
        with self._cond:
            file_id = self._new_id("F")
            record = {
                "id": file_id,
                "name": name,
                "title": name,
                "filetype": filetype,
                "mimetype": mimetype,
                "size": len(content),
                "user": user,
                "url_private": f"{self._origin}/files-pri/{file_id}/{name}",
                "url_private_download": f"{self._origin}/files-pri/{file_id}/download/{name}",
            }
            self._shared[file_id] = (record, content)
        return dict(record)

    def downloads(self) -> list[tuple[str, str | None]]:
        """(file id, token) of every download of a shared file, in order."""
        with self._cond:
            return list(self._downloads)

    def _files_info(self, params: dict[str, Any], notify: list[Notice]) -> dict[str, Any]:
        shared = self._shared.get(str(params.get("file") or ""))
        if shared is None:
            raise _SlackApiError("file_not_found")
        return {"file": dict(shared[0])}

    def _handle_download(self, request: _Handler, rest: str) -> None:
        """A shared file's bytes, only with a valid token in the Authorization header."""
        file_id = rest.split("/", 1)[0]
        header = request.headers.get("Authorization", "")
        token = header[len("Bearer ") :] if header.startswith("Bearer ") else None
        with self._cond:
            self._downloads.append((file_id, token))
            shared = self._shared.get(file_id)
        if token is None or not self._token_ok(token):
            self._send(request, 302, b"", "text/html", {"Location": "https://slack.com/signin"})
            return
        if shared is None:
            self._send(request, 404, b"not found", "text/plain; charset=utf-8")
            return
        self._send(request, 200, shared[1], str(shared[0]["mimetype"]))

    def _files_get_upload_url(self, params: dict[str, Any], notify: list[Notice]) -> dict[str, Any]:
        filename, length = params.get("filename"), params.get("length")
        if not filename or length in (None, ""):
            raise _SlackApiError("invalid_arguments")
        file_id = self._new_id("F")
        self._uploads[file_id] = {"filename": filename, "length": int(length), "content": None}
        return {"upload_url": f"{self._origin}/upload/{file_id}", "file_id": file_id}

    def _files_complete_upload(
        self, params: dict[str, Any], notify: list[Notice]
    ) -> dict[str, Any]:
        entries = params.get("files")
        if not isinstance(entries, list) or not entries:
            raise _SlackApiError("invalid_arguments")
        channel = params.get("channel_id") or str(params.get("channels") or "").split(",")[0]
        channel = self._dm_channel(channel) if channel else None
        uploads = [self._uploads.get(str(entry.get("id"))) or {} for entry in entries]
        if any(upload.get("content") is None for upload in uploads):
            raise _SlackApiError("file_not_found")
        completed = []
        for entry, upload in zip(entries, uploads, strict=True):
            record = {
                "id": entry["id"],
                "name": upload["filename"],
                "title": entry.get("title") or upload["filename"],
                "channel": channel,
                "initial_comment": params.get("initial_comment"),
                "thread_ts": params.get("thread_ts"),
                "content": upload["content"],
            }
            self._files.append(record)
            if self.on_file is not None:
                notify.append(Received("file", record))
            completed.append({k: v for k, v in record.items() if k != "content"})
        return {"files": completed}
