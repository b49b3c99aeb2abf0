"""A calendar feed's secret address: read from what a person pastes, and never shown whole.

Whoever has the address reads the calendar, so it goes to logs only as its redacted form:
the scheme, the host and a short hash (enough to tell two feeds apart in a log, nothing to
open one with). `FeedAddress` prints as that form, so a stray `%s` cannot leak it.
"""

from __future__ import annotations

import hashlib
import re
from urllib.parse import urlsplit, urlunsplit

MAX_ADDRESS_LENGTH = 2048
_SLACK_LINK = re.compile(r"^<([^<>|]+)(?:\|[^<>]*)?>$")
_SCHEMES = {"http": "http", "https": "https", "webcal": "https", "webcals": "https"}


class AddressError(ValueError):
    """Something that cannot be a calendar feed's address, explained."""

    def __init__(self, problem: str) -> None:
        super().__init__(problem)
        self.problem = problem


class FeedAddress:
    """A feed's address; `str()` and `repr()` give only the redacted form."""

    __slots__ = ("_url", "redacted")

    def __init__(self, text: str) -> None:
        self._url = normalize(text)
        self.redacted = redact(self._url)

    @property
    def url(self) -> str:
        """The whole secret address: for the HTTP request and for sealing, nothing else."""
        return self._url

    def __str__(self) -> str:
        return self.redacted

    def __repr__(self) -> str:
        return f"FeedAddress({self.redacted})"

    def __eq__(self, other: object) -> bool:
        return isinstance(other, FeedAddress) and other._url == self._url

    def __hash__(self) -> int:
        return hash(self._url)


def normalize(text: str) -> str:
    """The address to fetch: Slack's <link|label> unwrapped, webcal:// read as https://.

    Only http(s) is fetched; the check of where the host points happens at each fetch.
    """
    cleaned = text.strip()
    linked = _SLACK_LINK.match(cleaned)
    if linked:
        cleaned = linked.group(1).strip()
    cleaned = cleaned.replace("&amp;", "&")
    if not cleaned:
        raise AddressError("Paste your calendar's secret address (iCal format) after the command.")
    if len(cleaned) > MAX_ADDRESS_LENGTH or any(c.isspace() for c in cleaned):
        raise AddressError("That does not look like a calendar address: it should be one link.")
    try:
        parts = urlsplit(cleaned)
        port = parts.port
    except ValueError:
        raise AddressError("That does not look like a calendar address.") from None
    scheme = _SCHEMES.get(parts.scheme.lower())
    if scheme is None:
        raise AddressError(
            "A calendar address starts with https:// (or webcal://); "
            f"{parts.scheme or 'this'}: addresses cannot be read."
        )
    host = (parts.hostname or "").rstrip(".")
    if not host:
        raise AddressError("That calendar address has no host name.")
    netloc = host if ":" not in host else f"[{host}]"
    if parts.username or parts.password:
        userinfo = parts.username or ""
        if parts.password:
            userinfo += f":{parts.password}"
        netloc = f"{userinfo}@{netloc}"
    if port is not None:
        netloc += f":{port}"
    return urlunsplit((scheme, netloc, parts.path or "/", parts.query, ""))


def redact(url: str) -> str:
    """ "https://calendar.google.com/…#3f2a9c1b": the scheme, the host and a short hash."""
    parts = urlsplit(url)
    digest = hashlib.sha256(url.encode("utf-8")).hexdigest()[:8]
    host = parts.hostname or "?"
    return f"{parts.scheme or '?'}://{host}/…#{digest}"
