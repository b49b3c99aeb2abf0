"""Every storage backend, behind one fixture: the contract suite runs against each of them."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from bot.storage.protocol import Store
from bot.storage.tinydb_store import TinyStore

StoreFactory = Callable[[], Store]

BACKENDS = ["tinydb"]


@pytest.fixture(params=BACKENDS)
def open_store(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[StoreFactory]:
    """Opens the backend's store; calling it again after `close()` reopens the same data."""
    opened: list[Store] = []

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
