"""CI's throwaway PostgreSQL database: made for one run, dropped at its end.

`create` prints the URL of a fresh database when PostgreSQL is expected (something answers on
the port, or COACH_CI_POSTGRES=required), and nothing when it is not; it fails when PostgreSQL
is expected but the database cannot be made. `drop URL` removes that database again.
COACH_CI_POSTGRES_URL names the server and an account allowed to create databases.
"""

from __future__ import annotations

import os
import socket
import sys
import uuid
from urllib.parse import urlsplit, urlunsplit

import psycopg
from psycopg import sql
from psycopg.conninfo import conninfo_to_dict, make_conninfo

ADMIN_URL = (
    os.environ.get("COACH_CI_POSTGRES_URL") or "postgresql://postgres@127.0.0.1:5432/postgres"
)
PREFIX = "coach_ci_"


def _answers(host: str, port: int) -> bool:
    try:
        with socket.create_connection((host, port), timeout=2):
            return True
    except OSError:
        return False


def _url_for(database: str) -> str:
    """The admin address (its account and password too) with the database swapped."""
    if "://" in ADMIN_URL:
        return urlunsplit(urlsplit(ADMIN_URL)._replace(path=f"/{database}"))
    return make_conninfo(ADMIN_URL, dbname=database)


def create() -> int:
    parts = conninfo_to_dict(ADMIN_URL)
    host, port = str(parts.get("host", "127.0.0.1")), int(parts.get("port", 5432))
    required = os.environ.get("COACH_CI_POSTGRES", "") == "required"
    if not (required or _answers(host, port)):
        print(f"No PostgreSQL on {host}:{port}: its tests will be skipped.", file=sys.stderr)
        return 0
    name = f"{PREFIX}{uuid.uuid4().hex[:12]}"
    try:
        with psycopg.connect(ADMIN_URL, autocommit=True, connect_timeout=10) as conn:
            conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    except psycopg.Error as error:
        print(
            f"PostgreSQL was expected on {host}:{port} but a test database could not be "
            f"made: {' '.join(str(error).split())}",
            file=sys.stderr,
        )
        return 1
    print(_url_for(name))
    return 0


def drop(url: str) -> int:
    name = conninfo_to_dict(url).get("dbname", "")
    if not str(name).startswith(PREFIX):
        print(f"Refusing to drop {name!r}: not a CI database.", file=sys.stderr)
        return 1
    with psycopg.connect(ADMIN_URL, autocommit=True, connect_timeout=10) as conn:
        conn.execute(
            sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
        )
    return 0


if __name__ == "__main__":
    if sys.argv[1:2] == ["create"]:
        sys.exit(create())
    if sys.argv[1:2] == ["drop"] and len(sys.argv) == 3:
        sys.exit(drop(sys.argv[2]))
    print("usage: postgres.py create | drop URL", file=sys.stderr)
    sys.exit(2)
