"""Fetching calendar feeds from a real HTTP server on loopback: politely, within limits, and
never from an address that is not public (the tests allow loopback, and only loopback)."""

from __future__ import annotations

import datetime as dt
import gzip
import ipaddress
import logging
import socket
import ssl
import threading
import time
from pathlib import Path

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID
from feed_samples import NOW, OWN_DOMAINS, first_feed, second_feed
from harness.feed_server import FeedServer, Route

from bot.domain.calendar_feed import MalformedFeed, NotACalendar, Seen, compare, find_interviews
from bot.domain.calendar_feed import read_feed as read
from bot.feeds.address import FeedAddress
from bot.feeds.fetch import (
    BadAddress,
    FeedFetcher,
    FetchPolicy,
    NotFound,
    RefusedAddress,
    ServerError,
    TooLarge,
    TooManyRedirects,
    TooSlow,
    Unreachable,
    Validators,
)

SECRET_PATH = "/calendar/ical/sam.rivera%40gmail.com/private-9f8e7d6c5b4a/basic.ics"
LOOPBACK = FetchPolicy.allowing("127.0.0.0/8")


@pytest.fixture
def server():
    with FeedServer() as running:
        yield running


@pytest.fixture
def fetcher():
    made = FeedFetcher(LOOPBACK)
    yield made
    made.close()


def read_feed(data: bytes, *, now=NOW):
    return read(data, now=now, tz="America/New_York")


def test_the_three_interviews_are_found_then_a_304_then_the_move_and_the_cancellation(
    server, fetcher
):
    route = server.serve(SECRET_PATH, first_feed())
    first = fetcher.fetch(server.url(SECRET_PATH))
    assert first.changed and first.status == 200
    found = find_interviews(read_feed(first.body), own_domains=OWN_DOMAINS)
    assert len(found) == 3
    recorded = {m.event.key: Seen(m.event.fingerprint, m.event.starts_at) for m in found}

    again = fetcher.fetch(server.url(SECRET_PATH), first.validators)
    assert (again.changed, again.status, again.body) == (False, 304, b"")
    assert server.requests[-1].headers["If-None-Match"] == route.etag
    assert server.requests[-1].headers["If-Modified-Since"] == route.last_modified

    server.serve(SECRET_PATH, second_feed())
    later = fetcher.fetch(server.url(SECRET_PATH), again.validators)
    assert later.changed and later.validators.etag != first.validators.etag
    changes = compare(recorded, read_feed(later.body), now=NOW)
    assert [e.summary for e in changes.moved] == ["Acme <> Sam Rivera: Staff Engineer interview"]
    assert len(changes.cancelled) == 1 and changes.cancelled[0].endswith("@globex.com")
    assert not find_interviews(changes.new, own_domains=OWN_DOMAINS)  # nothing offered twice


def test_a_last_modified_alone_is_sent_back_and_answers_304(server, fetcher):
    route = server.serve(SECRET_PATH, first_feed())
    validators = Validators(last_modified=route.last_modified)
    assert not fetcher.fetch(server.url(SECRET_PATH), validators).changed


def test_a_removed_address_is_a_clear_permanent_error(server, fetcher):
    with pytest.raises(NotFound) as caught:
        fetcher.fetch(server.url("/calendar/ical/gone/basic.ics"))
    assert caught.value.permanent and caught.value.status == 404
    assert "no longer works" in caught.value.problem


def test_a_5_mb_feed_is_refused_by_the_size_limit(server, fetcher):
    big = first_feed() + b"X-FILLER:" + b"x" * (5 * 1024 * 1024) + b"\r\n"
    server.serve("/big.ics", big)
    with pytest.raises(TooLarge, match="larger than 4 MB"):
        fetcher.fetch(server.url("/big.ics"))


def test_the_size_limit_holds_while_reading_a_stream_and_after_decompression(server):
    small = FeedFetcher(FetchPolicy.allowing("127.0.0.0/8", max_bytes=200_000))
    body = b"BEGIN:VCALENDAR\r\n" + b"X-FILLER:" + b"y" * 1_000_000 + b"\r\nEND:VCALENDAR\r\n"
    # No Content-Length to trust: the server sends it in pieces and keeps going.
    server.route("/drip.ics", Route(body=body, drip_seconds=0.001, drip_pieces=50))
    with pytest.raises(TooLarge):
        small.fetch(server.url("/drip.ics"))
    server.route("/bomb.ics", Route(body=body, gzip=True))
    assert len(gzip.compress(body)) < 200_000
    with pytest.raises(TooLarge):
        small.fetch(server.url("/bomb.ics"))
    server.route("/fine.ics", Route(body=first_feed(), gzip=True))
    assert small.fetch(server.url("/fine.ics")).body == first_feed()
    assert "gzip" in server.requests[-1].headers["Accept-Encoding"]
    small.close()


def test_a_malformed_feed_is_fetched_and_then_refused_with_a_typed_error(server, fetcher):
    server.serve("/broken.ics", b"BEGIN:VCALENDAR\r\nBEGIN:VEVENT\r\nSUMMARY:half a feed\r\n")
    fetched = fetcher.fetch(server.url("/broken.ics"))
    with pytest.raises(MalformedFeed, match="damaged"):
        read_feed(fetched.body)


def test_an_html_login_page_instead_of_a_feed_is_a_clear_error(server, fetcher):
    page = b"<!DOCTYPE html><html><head><title>Sign in</title></head><body><form></form></html>"
    server.serve(SECRET_PATH, page, content_type="text/html; charset=utf-8")
    fetched = fetcher.fetch(server.url(SECRET_PATH))
    assert fetched.content_type.startswith("text/html")
    with pytest.raises(NotACalendar, match="sign-in page"):
        read_feed(fetched.body)


def test_a_slow_server_is_cut_off_at_the_time_limit(server):
    limited = FeedFetcher(FetchPolicy.allowing("127.0.0.0/8", time_limit=1.0))
    server.route("/slow.ics", Route(body=first_feed(), drip_seconds=0.25, drip_pieces=40))
    started = time.monotonic()
    with pytest.raises(TooSlow, match="longer than 1 seconds"):
        limited.fetch(server.url("/slow.ics"))
    assert time.monotonic() - started < 3.0
    limited.close()


def test_a_server_that_accepts_and_never_answers_is_cut_off_at_the_time_limit():
    silent = socket.socket()
    silent.bind(("127.0.0.1", 0))
    silent.listen(1)
    limited = FeedFetcher(FetchPolicy.allowing("127.0.0.0/8", time_limit=0.8))
    started = time.monotonic()
    try:
        with pytest.raises(TooSlow):
            limited.fetch(f"http://127.0.0.1:{silent.getsockname()[1]}/feed.ics")
    finally:
        silent.close()
        limited.close()
    assert time.monotonic() - started < 2.5


@pytest.mark.parametrize(
    "target",
    [
        "http://10.20.30.40/feed.ics",
        "http://169.254.169.254/latest/meta-data/",
        "http://192.168.1.1/feed.ics",
        "http://[::1]:8080/feed.ics",
        "http://[::ffff:10.0.0.1]/feed.ics",
        "http://0.0.0.0/feed.ics",
    ],
)
def test_a_redirect_to_a_private_address_is_refused(server, fetcher, target):
    server.redirect(SECRET_PATH, target)
    with pytest.raises(RefusedAddress, match="not on the public internet") as caught:
        fetcher.fetch(server.url(SECRET_PATH))
    assert caught.value.permanent
    assert len(server.requests) == 1  # only the first hop was ever asked


def test_loopback_is_refused_unless_a_setting_allows_it(server):
    server.serve(SECRET_PATH, first_feed())
    strict = FeedFetcher()
    with pytest.raises(RefusedAddress):
        strict.fetch(server.url(SECRET_PATH))
    with pytest.raises(RefusedAddress):
        strict.fetch(server.url(SECRET_PATH, host="localhost"))
    assert server.requests == []


def test_a_name_with_one_private_address_among_public_ones_is_refused(server):
    answers = {"feeds.example": ["93.184.216.34", "127.0.0.1"]}
    strict = FeedFetcher(resolver=lambda host, port: answers[host])
    with pytest.raises(RefusedAddress):
        strict.fetch("https://feeds.example/calendar.ics")


def test_the_connection_goes_to_the_address_that_was_checked(server):
    """A resolver that would answer differently the second time is asked once per fetch."""
    asked: list[str] = []

    def rebinding(host: str, port: int) -> list[str]:
        asked.append(host)
        return ["127.0.0.1"] if len(asked) == 1 else ["10.0.0.1"]

    server.serve(SECRET_PATH, first_feed())
    pinned = FeedFetcher(LOOPBACK, resolver=rebinding)
    fetched = pinned.fetch(f"http://calendar.example.test:{server.port}{SECRET_PATH}")
    assert fetched.changed and asked == ["calendar.example.test"]
    assert server.requests[-1].headers["Host"] == f"calendar.example.test:{server.port}"
    with pytest.raises(RefusedAddress):
        pinned.fetch(f"http://calendar.example.test:{server.port}{SECRET_PATH}")
    pinned.close()


def test_redirects_are_followed_a_few_times_only(server, fetcher):
    server.redirect("/a.ics", "/b.ics", 301)
    server.redirect("/b.ics", server.url("/c.ics"), 307)
    server.serve("/c.ics", first_feed())
    assert fetcher.fetch(server.url("/a.ics")).body == first_feed()
    for hop in range(6):
        server.redirect(f"/loop{hop}.ics", f"/loop{hop + 1}.ics")
    with pytest.raises(TooManyRedirects):
        fetcher.fetch(server.url("/loop0.ics"))
    assert sum(r.path.startswith("/loop") for r in server.requests) == 4


def test_too_many_requests_carries_the_servers_retry_after(server, fetcher):
    server.route(
        SECRET_PATH,
        Route(status=429, body=b"slow down", validators=False, headers={"Retry-After": "120"}),
    )
    with pytest.raises(ServerError) as caught:
        fetcher.fetch(server.url(SECRET_PATH))
    assert (caught.value.status, caught.value.retry_after) == (429, "120")
    assert not caught.value.permanent


@pytest.mark.parametrize(
    "address", ["ftp://example.com/cal.ics", "file:///etc/passwd", "javascript:alert(1)", "", "x"]
)
def test_only_http_addresses_are_fetched(fetcher, address):
    with pytest.raises(BadAddress):
        fetcher.fetch(address)


def test_a_closed_port_is_unreachable_not_a_crash(fetcher):
    closed = socket.socket()
    closed.bind(("127.0.0.1", 0))
    port = closed.getsockname()[1]
    closed.close()
    with pytest.raises(Unreachable):
        fetcher.fetch(f"http://127.0.0.1:{port}/feed.ics")


def test_the_secret_address_never_reaches_the_logs(server, fetcher, caplog):
    server.redirect("/private-old-1a2b3c/basic.ics", SECRET_PATH)
    server.serve(SECRET_PATH, first_feed())
    with caplog.at_level(logging.DEBUG):
        fetcher.fetch(server.url("/private-old-1a2b3c/basic.ics"))
        with pytest.raises(NotFound):
            fetcher.fetch(server.url("/private-missing-77aa/basic.ics"))
    assert "calendar feed" in caplog.text
    for secret in ("private-9f8e7d6c5b4a", "private-old-1a2b3c", "private-missing-77aa"):
        assert secret not in caplog.text


def test_the_redacted_form_names_the_host_and_hides_the_rest():
    address = FeedAddress("webcal://p52-caldav.icloud.com/published/2/MTIzNDU2Nzg5")
    assert address.url == "https://p52-caldav.icloud.com/published/2/MTIzNDU2Nzg5"
    assert str(address).startswith("https://p52-caldav.icloud.com/…#")
    assert "MTIzNDU2Nzg5" not in str(address) + repr(address)
    other = FeedAddress("https://p52-caldav.icloud.com/published/2/OTg3NjU0MzIx")
    assert str(other) != str(address)
    assert FeedAddress("<https://p52-caldav.icloud.com/published/2/MTIzNDU2Nzg5>") == address


def _tls_for(name: str, tmp_path: Path) -> tuple[ssl.SSLContext, ssl.SSLContext]:
    """A server context with a certificate for `name` and a client context trusting it."""
    key = ec.generate_private_key(ec.SECP256R1())
    subject = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, name)])
    now = dt.datetime.now(dt.UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(days=1))
        .not_valid_after(now + dt.timedelta(days=1))
        .add_extension(x509.SubjectAlternativeName([x509.DNSName(name)]), critical=False)
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .sign(key, hashes.SHA256())
    )
    cert_file, key_file = tmp_path / "cert.pem", tmp_path / "key.pem"
    cert_file.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_file.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    server_side = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    server_side.load_cert_chain(cert_file, key_file)
    client_side = ssl.create_default_context(cafile=str(cert_file))
    return server_side, client_side


def test_webcal_is_fetched_over_https_with_the_certificate_checked_for_the_name(tmp_path):
    server_side, client_side = _tls_for("calendar.example.test", tmp_path)
    with FeedServer(tls=server_side) as tls_server:
        tls_server.serve(SECRET_PATH, first_feed())
        resolver = {"calendar.example.test": ["127.0.0.1"], "other.example.test": ["127.0.0.1"]}
        pinned = FeedFetcher(
            LOOPBACK, resolver=lambda host, port: resolver[host], ssl_context=client_side
        )
        fetched = pinned.fetch(f"webcal://calendar.example.test:{tls_server.port}{SECRET_PATH}")
        assert fetched.body == first_feed()
        with pytest.raises(Unreachable, match="certificate"):
            pinned.fetch(f"https://other.example.test:{tls_server.port}{SECRET_PATH}")
        pinned.close()


def test_an_https_feed_that_redirects_to_plain_http_is_refused(tmp_path, server):
    server_side, client_side = _tls_for("calendar.example.test", tmp_path)
    server.serve("/plain.ics", first_feed())
    with FeedServer(tls=server_side) as tls_server:
        tls_server.redirect(SECRET_PATH, server.url("/plain.ics"))
        pinned = FeedFetcher(
            LOOPBACK, resolver=lambda host, port: ["127.0.0.1"], ssl_context=client_side
        )
        with pytest.raises(RefusedAddress, match="unencrypted"):
            pinned.fetch(f"https://calendar.example.test:{tls_server.port}{SECRET_PATH}")
        pinned.close()
    assert server.requests == []


def test_one_fetcher_serves_many_threads_at_once(server, fetcher):
    for number in range(20):
        server.serve(f"/feed-{number}.ics", first_feed())
    results: list[bool] = []

    def poll(number: int) -> None:
        results.append(fetcher.fetch(server.url(f"/feed-{number}.ics")).changed)

    threads = [threading.Thread(target=poll, args=(n,)) for n in range(20)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=10)
    assert results == [True] * 20


def test_the_allowance_is_for_the_networks_named_and_nothing_else():
    policy = FetchPolicy.allowing("127.0.0.0/8")
    assert policy.allowed_networks == (ipaddress.ip_network("127.0.0.0/8"),)
    assert FetchPolicy().allowed_networks == ()
