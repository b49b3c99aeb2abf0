"""A crowd at the bot's door, for tests and benchmarks: many signed requests at once, and
many connections that connect and then say nothing (or say it very slowly)."""

from __future__ import annotations

import socket
import threading
import time
from dataclasses import dataclass
from urllib.parse import urlsplit

from bot.local.signer import FORM_CONTENT_TYPE, signed_headers


@dataclass(frozen=True)
class Answer:
    """One request's fate: its HTTP status (0 when none came) and how long it took."""

    status: int
    seconds: float
    problem: str = ""


def signed_request(url: str, secret: str, body: bytes) -> bytes:
    """The raw bytes of a signed form POST, as Slack sends it."""
    parts = urlsplit(url)
    headers = signed_headers(
        secret, body, timestamp=int(time.time()), content_type=FORM_CONTENT_TYPE
    )
    lines = [f"POST {parts.path} HTTP/1.1", f"Host: {parts.netloc}", "Connection: close"]
    lines += [f"{name}: {value}" for name, value in headers.items()]
    lines.append(f"Content-Length: {len(body)}")
    return ("\r\n".join(lines) + "\r\n\r\n").encode() + body


def send_raw(url: str, request: bytes, timeout: float = 30.0) -> Answer:
    """Send one request on a fresh connection and read the status line of the answer."""
    parts = urlsplit(url)
    began = time.perf_counter()
    try:
        with socket.create_connection((parts.hostname, parts.port), timeout=timeout) as conn:
            conn.sendall(request)
            received = b""
            while b"\r\n" not in received:
                chunk = conn.recv(4096)
                if not chunk:
                    break
                received += chunk
            while chunk:
                chunk = conn.recv(65536)
    except OSError as error:
        return Answer(0, time.perf_counter() - began, type(error).__name__)
    seconds = time.perf_counter() - began
    status_line = received.split(b"\r\n", 1)[0].split()
    if len(status_line) < 2 or not status_line[1].isdigit():
        return Answer(0, seconds, "no status line")
    return Answer(int(status_line[1]), seconds)


def all_at_once(url: str, requests: list[bytes], timeout: float = 30.0) -> list[Answer]:
    """Send every request at the same moment, each on its own connection and thread."""
    answers: list[Answer | None] = [None] * len(requests)
    start = threading.Barrier(len(requests))

    def one(index: int) -> None:
        start.wait()
        answers[index] = send_raw(url, requests[index], timeout)

    threads = [threading.Thread(target=one, args=(i,), daemon=True) for i in range(len(requests))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout + 5)
    return [a or Answer(0, timeout, "no answer") for a in answers]


def idle_connections(url: str, count: int, *, partial: bytes = b"") -> list[socket.socket]:
    """Open `count` connections that send `partial` (maybe nothing) and then wait."""
    parts = urlsplit(url)
    opened = []
    for _ in range(count):
        conn = socket.create_connection((parts.hostname, parts.port), timeout=10)
        if partial:
            conn.sendall(partial)
        opened.append(conn)
    return opened


def close_all(connections: list[socket.socket]) -> None:
    for conn in connections:
        conn.close()
