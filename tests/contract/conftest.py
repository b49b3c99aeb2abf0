"""Every storage backend, behind one fixture: the contract suite runs against each of them."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from bot.storage.protocol import Store
from bot.storage.tinydb_store import TinyStore

StoreFactory = Callable[[], Store]

BACKENDS = ["tinydb", "postgresql"]


@pytest.fixture(params=BACKENDS)
def open_store(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[StoreFactory]:
    """Opens the backend's store; calling it again after `close()` reopens the same data."""
    opened: list[Store] = []
    if request.param == "postgresql":
        from bot.storage.postgres_store import PostgresStore

        url = request.getfixturevalue("postgres_url")
        schema = request.getfixturevalue("postgres_schema")()

        def open_it() -> Store:
            store = PostgresStore(url, schema=schema, pool_size=4)
            opened.append(store)
            return store
    else:

        def open_it() -> Store:
            store = TinyStore(tmp_path / "store")
            opened.append(store)
            return store

    yield open_it
    for store in opened:
        store.close()


@pytest.fixture
def store(open_store: StoreFactory) -> Store:
    return open_store()
