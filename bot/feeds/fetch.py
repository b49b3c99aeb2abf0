"""Fetching a calendar feed politely and safely: the one adapter that goes to the network.

Politely: a conditional GET (If-None-Match / If-Modified-Since) so an unchanged feed costs a
304, gzip accepted, one keep-alive connection per server reused across feeds.
Safely, since the address is typed by anyone: only http(s); the host's name resolved here and
every address checked, refusing private, loopback, link-local and other non-public ones
(unless `FetchPolicy.allowed_networks` names them, for tests); the connection made to the
checked address itself, with the name kept for the Host header, SNI and the certificate, so
a second DNS answer cannot swap it for another (DNS rebinding); each redirect checked the
same way, and only a few followed; the body read in a stream with the size limit and an
overall time limit enforced while it arrives.

urllib3 does the HTTP: it lets a connection go to one address while TLS checks the
certificate against the name (`server_hostname`, `assert_hostname`), streams with bounded
decompression, and pools connections; requests and httpx sit on top of the same pieces and
would have to be taken apart to pin the address.
"""

from __future__ import annotations

import ipaddress
import logging
import socket
import ssl
import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from urllib.parse import urljoin, urlsplit

import urllib3
from urllib3.exceptions import (
    ConnectTimeoutError,
    DecodeError,
    HTTPError,
    NewConnectionError,
    ProtocolError,
    ReadTimeoutError,
    SSLError,
)

from bot.feeds.address import AddressError, FeedAddress, normalize, redact

LOGGER = logging.getLogger(__name__)

IPNetwork = ipaddress.IPv4Network | ipaddress.IPv6Network
IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address
#: (host, port) -> the addresses the name resolves to, as text.
Resolver = Callable[[str, int], Sequence[str]]

#: A person's calendar over a few years fits; a 5 MB answer is something else.
DEFAULT_MAX_BYTES = 4 * 1024 * 1024
DEFAULT_TIME_LIMIT = 20.0
DEFAULT_CONNECT_TIMEOUT = 5.0
DEFAULT_MAX_REDIRECTS = 3
USER_AGENT = "InterviewCoach/0.1 (calendar feed reader)"
_REDIRECTS = frozenset({301, 302, 303, 307, 308})
_CHUNK = 64 * 1024
#: Connection pools kept open at once (one per server address); the oldest idle one goes.
MAX_POOLS = 64


class _NoRequestLines(logging.Filter):
    """urllib3 logs each request line at DEBUG, path and query included: the secret part of
    a feed's address. Those lines never leave the library."""

    def filter(self, record: logging.LogRecord) -> bool:
        return record.levelno > logging.DEBUG


logging.getLogger("urllib3.connectionpool").addFilter(_NoRequestLines())


@dataclass(frozen=True)
class FetchPolicy:
    """The limits of one fetch, the same for every feed."""

    max_bytes: int = DEFAULT_MAX_BYTES
    #: Seconds for the whole fetch, redirects and body included.
    time_limit: float = DEFAULT_TIME_LIMIT
    connect_timeout: float = DEFAULT_CONNECT_TIMEOUT
    max_redirects: int = DEFAULT_MAX_REDIRECTS
    #: Non-public networks that may be fetched from anyway: only ever for tests on loopback.
    allowed_networks: tuple[IPNetwork, ...] = ()
    user_agent: str = USER_AGENT

    @staticmethod
    def allowing(*networks: str, **limits: float) -> FetchPolicy:
        """A policy that also fetches from `networks` ("127.0.0.0/8"), for tests."""
        nets = tuple(ipaddress.ip_network(n) for n in networks)
        return FetchPolicy(allowed_networks=nets, **limits)  # type: ignore[arg-type]


@dataclass(frozen=True)
class Validators:
    """What the server said identifies this version of the feed, for the next request."""

    etag: str | None = None
    last_modified: str | None = None


@dataclass(frozen=True)
class Fetched:
    """A fetch that worked: a new body, or `changed` False after a 304."""

    changed: bool
    body: bytes
    validators: Validators
    content_type: str = ""
    status: int = 200


class FetchError(Exception):
    """A fetch that did not work, with a kind for the caller and words for the person.

    `permanent` failures will not heal by waiting (the address was removed, points at a
    private network, gives a sign-in page); `retry_after` is the server's Retry-After.
    """

    kind = "failed"
    permanent = False

    def __init__(
        self, problem: str, *, status: int | None = None, retry_after: str | None = None
    ) -> None:
        super().__init__(problem)
        self.problem = problem
        self.status = status
        self.retry_after = retry_after


class BadAddress(FetchError):
    kind = "bad-address"
    permanent = True


class RefusedAddress(FetchError):
    """The host is (or resolves to, or redirects to) an address that is not public."""

    kind = "refused-address"
    permanent = True


class TooLarge(FetchError):
    kind = "too-large"


class TooSlow(FetchError):
    kind = "too-slow"


class TooManyRedirects(FetchError):
    kind = "too-many-redirects"
    permanent = True


class NotFound(FetchError):
    kind = "not-found"
    permanent = True


class Denied(FetchError):
    kind = "denied"
    permanent = True


class ServerError(FetchError):
    """A 429, a 5xx or another status the feed's server should not give: try again later."""

    kind = "server-error"


class Unreachable(FetchError):
    kind = "unreachable"


def system_resolver(host: str, port: int) -> Sequence[str]:
    """Every address the system resolver gives for `host`, in its order."""
    infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    return [str(info[4][0]) for info in infos]


def is_public(address: IPAddress) -> bool:
    """Reachable on the public internet: not private, loopback, link-local, multicast,
    reserved or unspecified (an IPv4 address inside IPv6 is judged as itself)."""
    if isinstance(address, ipaddress.IPv6Address):
        for embedded in (address.ipv4_mapped, address.sixtofour):
            if embedded is not None:
                return is_public(embedded)
        if address.teredo is not None:
            return all(is_public(a) for a in address.teredo)
    return address.is_global and not address.is_multicast


@dataclass
class _Pools:
    """Keep-alive connection pools, one per (scheme, address, port, name), oldest evicted."""

    limit: int = MAX_POOLS
    _pools: OrderedDict[tuple[str, str, int, str], urllib3.HTTPConnectionPool] = field(
        default_factory=OrderedDict
    )
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def get(
        self, key: tuple[str, str, int, str], make: Callable[[], urllib3.HTTPConnectionPool]
    ) -> urllib3.HTTPConnectionPool:
        with self._lock:
            pool = self._pools.get(key)
            if pool is None:
                pool = self._pools[key] = make()
                while len(self._pools) > self.limit:
                    _, oldest = self._pools.popitem(last=False)
                    oldest.close()
            else:
                self._pools.move_to_end(key)
            return pool

    def close(self) -> None:
        with self._lock:
            for pool in self._pools.values():
                pool.close()
            self._pools.clear()


class FeedFetcher:
    """Fetches feeds under one policy; safe to share between threads."""

    def __init__(
        self,
        policy: FetchPolicy | None = None,
        *,
        resolver: Resolver = system_resolver,
        ssl_context: ssl.SSLContext | None = None,
        monotonic: Callable[[], float] = time.monotonic,
    ) -> None:
        self.policy = policy or FetchPolicy()
        self._resolve = resolver
        self._ssl_context = ssl_context or ssl.create_default_context()
        self._monotonic = monotonic
        self._pools = _Pools()

    def close(self) -> None:
        """Close the kept-alive connections."""
        self._pools.close()

    def fetch(self, address: FeedAddress | str, validators: Validators | None = None) -> Fetched:
        """The feed at `address`, or `changed` False when it has not changed since
        `validators`. Raises a FetchError subclass for anything else."""
        try:
            feed = address if isinstance(address, FeedAddress) else FeedAddress(address)
        except AddressError as error:
            raise BadAddress(error.problem) from None
        deadline = self._monotonic() + self.policy.time_limit
        url = feed.url
        for _hop in range(self.policy.max_redirects + 1):
            result = self._one_request(url, validators or Validators(), deadline)
            if isinstance(result, Fetched):
                LOGGER.info("calendar feed %s: %s", feed, result.status)
                return result
            url = result
        LOGGER.info("calendar feed %s: too many redirects", feed)
        raise TooManyRedirects(
            f"The calendar address sent me on more than {self.policy.max_redirects} redirects."
        )

    def _one_request(self, url: str, validators: Validators, deadline: float) -> Fetched | str:
        """One request: a Fetched, or the next address to go to after a redirect."""
        parts = urlsplit(url)
        scheme, host = parts.scheme, parts.hostname or ""
        port = parts.port or (443 if scheme == "https" else 80)
        pinned = self._checked_address(host, port)
        remaining = self._remaining(deadline)
        timeout = urllib3.Timeout(
            connect=min(self.policy.connect_timeout, remaining), read=remaining
        )
        pool = self._pools.get(
            (scheme, pinned, port, host), lambda: self._pool(scheme, pinned, port, host)
        )
        host_header = host if ":" not in host else f"[{host}]"
        if parts.port is not None and parts.port != (443 if scheme == "https" else 80):
            host_header += f":{parts.port}"
        headers = {
            "Host": host_header,
            "User-Agent": self.policy.user_agent,
            "Accept": "text/calendar, text/plain;q=0.5, */*;q=0.1",
            "Accept-Encoding": "gzip",
        }
        if validators.etag:
            headers["If-None-Match"] = validators.etag
        if validators.last_modified:
            headers["If-Modified-Since"] = validators.last_modified
        target = parts.path or "/"
        if parts.query:
            target += "?" + parts.query
        try:
            response = pool.urlopen(
                "GET",
                target,
                headers=headers,
                timeout=timeout,
                retries=False,
                redirect=False,
                preload_content=False,
                decode_content=True,
                assert_same_host=False,
            )
        except NewConnectionError:  # a subclass of ConnectTimeoutError: refused, unroutable
            raise Unreachable(f"The calendar server at {host} could not be reached.") from None
        except (ConnectTimeoutError, ReadTimeoutError):
            raise TooSlow(self._too_slow()) from None
        except SSLError:
            raise Unreachable(
                f"The calendar server at {host} did not show a valid certificate for its name."
            ) from None
        except (ProtocolError, HTTPError, OSError):
            raise Unreachable(f"The calendar server at {host} could not be reached.") from None
        try:
            return self._answer(response, url, validators, deadline)
        finally:
            response.release_conn()

    def _answer(
        self, response: urllib3.BaseHTTPResponse, url: str, validators: Validators, deadline: float
    ) -> Fetched | str:
        status = response.status
        found = Validators(
            etag=response.headers.get("ETag") or validators.etag,
            last_modified=response.headers.get("Last-Modified") or validators.last_modified,
        )
        if status == 304:
            response.drain_conn()
            return Fetched(changed=False, body=b"", validators=found, status=304)
        if status in _REDIRECTS:
            location = response.headers.get("Location", "").strip()
            response.drain_conn()
            if not location:
                raise ServerError("The calendar server sent a redirect without an address.")
            return self._redirect_target(url, location)
        if status == 200:
            body = self._read(response, deadline)
            return Fetched(
                changed=True,
                body=body,
                validators=Validators(
                    etag=response.headers.get("ETag"),
                    last_modified=response.headers.get("Last-Modified"),
                ),
                content_type=response.headers.get("Content-Type", ""),
                status=200,
            )
        response.close()
        retry_after = response.headers.get("Retry-After")
        if status in (404, 410):
            raise NotFound(
                f"The calendar address no longer works (the server says {status}): it may "
                "have been reset. Copy the secret address again and set it anew.",
                status=status,
            )
        if status in (401, 403):
            raise Denied(
                f"The calendar server refused to share this calendar ({status}). Use the "
                "secret address (iCal format), not the calendar's public or sharing link.",
                status=status,
            )
        raise ServerError(
            f"The calendar server answered {status}; I will try again later.",
            status=status,
            retry_after=retry_after,
        )

    def _read(self, response: urllib3.BaseHTTPResponse, deadline: float) -> bytes:
        """The body, stopped as soon as it passes the size or the time limit."""
        limit = self.policy.max_bytes
        declared = response.headers.get("Content-Length", "")
        encoded = response.headers.get("Content-Encoding", "").strip().lower() not in (
            "",
            "identity",
        )
        if declared.isdigit() and int(declared) > limit and not encoded:
            response.close()
            raise TooLarge(self._too_large())
        chunks: list[bytes] = []
        size = 0
        try:
            while True:
                remaining = self._remaining(deadline)
                sock = getattr(getattr(response, "connection", None), "sock", None)
                if sock is not None:
                    sock.settimeout(remaining)
                chunk = response.read1(_CHUNK)
                if not chunk:
                    break
                size += len(chunk)
                if size > limit:
                    response.close()
                    raise TooLarge(self._too_large())
                chunks.append(chunk)
        except (ReadTimeoutError, TimeoutError):
            response.close()
            raise TooSlow(self._too_slow()) from None
        except DecodeError:
            response.close()
            raise ServerError("The calendar server sent a damaged compressed answer.") from None
        except (ProtocolError, HTTPError, OSError):
            response.close()
            raise Unreachable("The calendar server broke off while sending the calendar.") from None
        return b"".join(chunks)

    def _redirect_target(self, url: str, location: str) -> str:
        """Where a redirect points, checked like the address the person gave."""
        try:
            target = normalize(urljoin(url, location))
        except AddressError as error:
            raise BadAddress(
                f"The calendar address redirects somewhere unusable: {error.problem}"
            ) from None
        if urlsplit(url).scheme == "https" and urlsplit(target).scheme != "https":
            raise RefusedAddress(
                "The calendar address redirects from https to plain http, which would send "
                "the secret address unencrypted."
            )
        LOGGER.info("calendar feed redirect to %s", redact(target))
        return target

    def _checked_address(self, host: str, port: int) -> str:
        """The address to connect to: every address the name has must be allowed."""
        try:
            literal = ipaddress.ip_address(host)
            addresses = [literal]
        except ValueError:
            try:
                addresses = [
                    ipaddress.ip_address(a.split("%", 1)[0]) for a in self._resolve(host, port)
                ]
            except (OSError, UnicodeError, ValueError):
                raise Unreachable(
                    f"The calendar server's name {host} could not be found."
                ) from None
        if not addresses:
            raise Unreachable(f"The calendar server's name {host} could not be found.")
        for address in addresses:
            if not self._allowed(address):
                LOGGER.warning("calendar feed host %s refused: %s is not public", host, address)
                raise RefusedAddress(
                    f"The calendar address points at {host}, which is not on the public "
                    "internet, so I will not fetch it."
                )
        return str(addresses[0])

    def _allowed(self, address: IPAddress) -> bool:
        if any(address in network for network in self.policy.allowed_networks):
            return True
        return is_public(address)

    def _pool(self, scheme: str, address: str, port: int, host: str) -> urllib3.HTTPConnectionPool:
        """A pool whose connections go to `address`, with TLS checked against `host`."""
        if scheme == "https":
            return urllib3.HTTPSConnectionPool(
                address,
                port,
                maxsize=4,
                retries=False,
                cert_reqs="CERT_REQUIRED",
                ssl_context=self._ssl_context,
                server_hostname=host,
                assert_hostname=host,
            )
        return urllib3.HTTPConnectionPool(address, port, maxsize=4, retries=False)

    def _remaining(self, deadline: float) -> float:
        remaining = deadline - self._monotonic()
        if remaining <= 0:
            raise TooSlow(self._too_slow())
        return remaining

    def _too_slow(self) -> str:
        return (
            f"The calendar server took longer than {self.policy.time_limit:g} seconds to "
            "send the calendar."
        )

    def _too_large(self) -> str:
        return (
            f"The calendar is larger than {self.policy.max_bytes // (1024 * 1024)} MB; I only "
            "read calendars smaller than that."
        )
