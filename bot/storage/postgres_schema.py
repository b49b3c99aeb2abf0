"""The PostgreSQL store's schema and connections: versioned migrations, safe error messages.

Migrations are numbered SQL files kept as package data (`bot/storage/migrations/0001_*.sql`).
Each replica applies the missing ones at start-up under an advisory lock, so replicas starting
together apply each one exactly once and the rest wait, then find nothing to do.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from importlib import resources
from typing import Any
from urllib.parse import quote, urlsplit

import psycopg
from psycopg.conninfo import conninfo_to_dict

from bot.storage.protocol import StoreError

#: libpq's connect_timeout, in whole seconds (2 is the least it honours): an address that
#: does not answer costs no thread longer than this.
CONNECT_TIMEOUT = 2
#: TCP settings for the coach's connections: a server that vanished without closing them (a
#: cut network) is noticed within seconds, idle or mid-statement, instead of after the
#: system's retransmissions (minutes). Sent data unacknowledged for 2 s ends the connection.
TCP_SETTINGS: dict[str, Any] = {
    "keepalives": 1,
    "keepalives_idle": 5,
    "keepalives_interval": 2,
    "keepalives_count": 2,
    "tcp_user_timeout": 2000,
}

_MIGRATION = re.compile(r"(\d{4})_([a-z0-9_]+)\.sql")
_SCHEMA_NAME = re.compile(r"[a-z_][a-z0-9_]{0,62}")


@dataclass(frozen=True)
class Migration:
    """One step of the schema, applied once per database (per schema)."""

    version: int
    name: str
    sql: str


def migrations() -> list[Migration]:
    """Every migration shipped with the package, in order."""
    folder = resources.files("bot.storage").joinpath("migrations")
    found = []
    for entry in folder.iterdir():
        match = _MIGRATION.fullmatch(entry.name)
        if match:
            found.append(Migration(int(match[1]), match[2], entry.read_text(encoding="utf-8")))
    return sorted(found, key=lambda m: m.version)


def migrate(conn: psycopg.Connection) -> list[int]:
    """Bring the schema up to date in one transaction; the versions this call applied.

    The advisory lock is per schema, and taken before anything is read, so two replicas
    never both see a version missing and both apply it.
    """
    known = migrations()
    applied_now: list[int] = []
    with conn.transaction():
        conn.execute(
            "SELECT pg_advisory_xact_lock(hashtext('interview-coach schema ' || current_schema()))"
        )
        conn.execute(
            "CREATE TABLE IF NOT EXISTS schema_version ("
            " version integer PRIMARY KEY, name text NOT NULL,"
            " applied_at timestamptz NOT NULL DEFAULT now())"
        )
        rows = conn.execute("SELECT version FROM schema_version").fetchall()
        applied = {row[0] for row in rows}
        newest = max((m.version for m in known), default=0)
        if applied and max(applied) > newest:
            raise StoreError(
                f"The database schema is at version {max(applied)}, newer than this Interview "
                f"Coach knows ({newest}): run the newer version, or a database of its own."
            )
        for migration in known:
            if migration.version in applied:
                continue
            conn.execute(migration.sql.encode())
            conn.execute(
                "INSERT INTO schema_version (version, name) VALUES (%s, %s)",
                (migration.version, migration.name),
            )
            applied_now.append(migration.version)
    return applied_now


def connection_kwargs(schema: str | None) -> dict[str, Any]:
    """Connection settings shared by the pool, the listener and migrations."""
    if schema is None:
        return {}
    if not _SCHEMA_NAME.fullmatch(schema):
        raise ValueError(f"not a schema name: {schema!r}")
    return {"options": f"-c search_path={schema}"}


def with_options(url: str, schema: str | None, options: str) -> dict[str, Any]:
    """Connection settings with server `options` added to those the URL and the schema set
    (a keyword `options` would replace the URL's own, losing its search path)."""
    try:
        own = str(conninfo_to_dict(url).get("options") or "")
    except psycopg.Error:
        own = ""
    schema_options = str(connection_kwargs(schema).get("options", ""))
    joined = " ".join(part for part in (own, schema_options, options) if part)
    return {"options": joined} if joined else {}


def schema_url(url: str, schema: str) -> str:
    """`url` with `schema` as its connections' search path: how a replica, or `migrate`, is
    pointed at tables kept in a schema of their own."""
    joiner = "&" if "?" in url else "?"
    return f"{url}{joiner}options={quote(str(connection_kwargs(schema)['options']))}"


def where(url: str) -> str:
    """The server and database a URL names, without its user's password."""
    try:
        parts = conninfo_to_dict(url)
    except psycopg.Error:
        host = urlsplit(url).hostname if "://" in url else None
        return host or "an address that could not be read"
    host = str(parts.get("host") or parts.get("hostaddr") or "localhost")
    port = parts.get("port")
    place = f"{host}:{port}" if port else host
    dbname = parts.get("dbname")
    return f"{place}/{dbname}" if dbname else place


def without_password(text: str, url: str) -> str:
    """An error's text, with the URL's password (if any) blotted out and on one line."""
    try:
        password = conninfo_to_dict(url).get("password")
    except psycopg.Error:
        password = urlsplit(url).password if "://" in url else None
    if password:
        text = text.replace(str(password), "***")
    return " ".join(text.split())


def connect(url: str, schema: str | None, *, options: str = "", **extra: Any) -> psycopg.Connection:
    """A connection of our own, or a StoreError naming the server (never the password)."""
    try:
        conninfo_to_dict(url)
    except psycopg.Error as error:
        raise StoreError(
            f"COACH_DATABASE_URL is not a PostgreSQL address that can be read "
            f"(server {where(url)}): {without_password(str(error), url)}"
        ) from None
    try:
        return psycopg.connect(
            url,
            connect_timeout=CONNECT_TIMEOUT,
            **TCP_SETTINGS,
            **with_options(url, schema, options),
            **extra,
        )
    except psycopg.Error as error:
        raise StoreError(
            f"Cannot reach the PostgreSQL database at {where(url)}: "
            f"{without_password(str(error), url)}"
        ) from None
