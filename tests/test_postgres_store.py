"""What only the PostgreSQL store does: replicas sharing one database.

Each test opens two stores (two pools, as two replicas would) on one fresh schema of the server
named by COACH_TEST_DATABASE_URL.
"""

from __future__ import annotations

import threading
import time
from collections import Counter
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import psycopg
import pytest

from bot.config import Settings
from bot.domain.interview import Person
from bot.domain.nudge import Nudge
from bot.runtime import open_store
from bot.storage.postgres_schema import connection_kwargs, migrations, schema_url
from bot.storage.postgres_store import PostgresStore
from bot.storage.protocol import StoreError

NOW = datetime(2026, 11, 26, 17, 0, tzinfo=UTC)
ALICE = Person("T1", "U1")
BOB = Person("T1", "U2")
LEASE = timedelta(seconds=60)

Replicas = Callable[[], PostgresStore]


def nudge(number: int, due: datetime = NOW) -> Nudge:
    return Nudge(
        number=number, interview_id=1, rule="thank-you", title="t", text="x", tip="y", due_at=due
    )


@pytest.fixture
def schema(postgres_schema: Callable[[], str]) -> str:
    return postgres_schema()


@pytest.fixture
def replica(postgres_url: str, schema: str) -> Iterator[Replicas]:
    """Opens another store on the same schema, as another replica would."""
    opened: list[PostgresStore] = []

    def open_one() -> PostgresStore:
        store = PostgresStore(postgres_url, schema=schema, pool_size=4)
        opened.append(store)
        return store

    yield open_one
    for store in opened:
        store.close()


def query(url: str, schema: str, text: str, *params: object) -> list[tuple]:
    with psycopg.connect(url, **connection_kwargs(schema), autocommit=True) as conn:
        return conn.execute(text, params).fetchall()


def until(condition: Callable[[], bool], timeout: float = 5.0) -> bool:
    """Poll a condition another connection makes true; bounded."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.01)
    return condition()


def test_a_persons_transaction_on_one_replica_holds_that_person_on_the_other(
    replica: Replicas, postgres_url: str, schema: str
) -> None:
    one, other = replica(), replica()
    inside, release = threading.Event(), threading.Event()

    def slow_alice() -> None:
        with one.transaction(ALICE) as book:
            book.save_nudges([nudge(1)])
            inside.set()
            release.wait(10)

    holder = threading.Thread(target=slow_alice)
    holder.start()
    assert inside.wait(5)
    seen: list[list[int]] = []

    def alice_elsewhere() -> None:
        with other.transaction(ALICE) as book:
            seen.append([n.number for n in book.nudges()])

    waiter = threading.Thread(target=alice_elsewhere)
    waiter.start()
    blocked = (
        "SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock'"
        " AND datname = current_database() AND query LIKE '%%people%%'"
    )
    assert until(lambda: query(postgres_url, schema, blocked)[0][0] >= 1), "no one waits"
    assert seen == [], "the other replica read Alice while she was being changed"

    with other.transaction(BOB) as book:
        book.save_nudges([nudge(1)])  # Bob is not held up by Alice

    release.set()
    holder.join(5)
    waiter.join(5)
    assert seen == [[1]], "the waiting replica sees what the first committed"


def test_two_replicas_claiming_at_once_never_get_the_same_person(replica: Replicas) -> None:
    one, other = replica(), replica()
    people = [Person("T1", f"U{n}") for n in range(60)]
    for person in people:
        with one.transaction(person) as book:
            book.save_nudges([nudge(1)])
    claimed: list[tuple[str, Person]] = []
    lock = threading.Lock()
    start = threading.Barrier(8)

    def claim(store: PostgresStore, owner: str) -> None:
        start.wait(5)
        while True:
            got = store.claim_due(NOW, owner=owner, lease=LEASE, limit=3)
            if not got:
                return
            with lock:
                claimed.extend((owner, person) for person in got)

    threads = [
        threading.Thread(target=claim, args=(store, f"{name}-{n}"))
        for n in range(4)
        for store, name in ((one, "one"), (other, "other"))
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    counts = Counter(person for _, person in claimed)
    assert set(counts) == set(people)
    assert max(counts.values()) == 1, "a person was handed to two owners"
    assert {owner.split("-")[0] for owner, _ in claimed} == {"one", "other"}


def test_an_expired_lease_is_taken_over_by_the_other_replica(replica: Replicas) -> None:
    one, other = replica(), replica()
    with one.transaction(ALICE) as book:
        book.save_nudges([nudge(1)])
    assert one.claim_due(NOW, owner="one", lease=LEASE) == [ALICE]
    assert other.claim_due(NOW + LEASE - timedelta(seconds=1), owner="other", lease=LEASE) == []
    assert other.claim_due(NOW + LEASE, owner="other", lease=LEASE) == [ALICE]
    one.release(ALICE, owner="one")
    assert one.claim_due(NOW + LEASE, owner="one", lease=LEASE) == [], "a late release is void"


def test_a_write_on_one_replica_wakes_the_other(replica: Replicas) -> None:
    one, other = replica(), replica()
    heard: list[datetime] = []
    arrived = threading.Event()

    def hear(moment: datetime) -> None:
        heard.append(moment)
        arrived.set()

    other.watch_due(hear)
    assert until(lambda: other._listener is not None and other._listener.listening.is_set())
    with one.transaction(ALICE) as book:
        book.save_nudges([nudge(1, NOW + timedelta(hours=2))])
    assert arrived.wait(5), "the other replica was not woken"
    assert heard == [NOW + timedelta(hours=2)]


def test_the_listener_reconnects_and_catches_up_after_its_connection_drops(
    replica: Replicas, postgres_url: str, schema: str
) -> None:
    one, other = replica(), replica()
    heard: list[datetime] = []
    other.watch_due(heard.append)
    listener = other._listener
    assert listener is not None and until(listener.listening.is_set)
    with one.transaction(ALICE) as book:
        book.save_nudges([nudge(1, NOW + timedelta(hours=3))])
    assert until(lambda: NOW + timedelta(hours=3) in heard)
    query(
        postgres_url,
        schema,
        "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = %s",
        f"interview-coach listen {schema}",
    )
    with one.transaction(BOB) as book:
        book.save_nudges([nudge(1, NOW + timedelta(hours=1))])
    assert until(lambda: NOW + timedelta(hours=1) in heard), (
        "a wake-up sent while the listener was away was never caught up"
    )
    assert until(listener.listening.is_set)
    with one.transaction(BOB) as book:
        book.save_nudges([nudge(2, NOW + timedelta(minutes=30))])
    assert until(lambda: NOW + timedelta(minutes=30) in heard), "not listening again"


def test_replicas_starting_together_apply_each_migration_once(
    postgres_url: str, schema: str
) -> None:
    opened: list[PostgresStore] = []
    failures: list[BaseException] = []
    start = threading.Barrier(6)

    def open_one() -> None:
        start.wait(5)
        try:
            opened.append(PostgresStore(postgres_url, schema=schema, pool_size=1))
        except BaseException as error:
            failures.append(error)

    threads = [threading.Thread(target=open_one) for _ in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    try:
        assert failures == []
        assert len(opened) == 6
        versions = query(postgres_url, schema, "SELECT version FROM schema_version ORDER BY 1")
        assert [v for (v,) in versions] == [m.version for m in migrations()]
    finally:
        for store in opened:
            store.close()


def test_a_transaction_that_raises_leaves_nothing_behind(
    replica: Replicas, postgres_url: str, schema: str
) -> None:
    one, other = replica(), replica()
    with pytest.raises(RuntimeError), one.transaction(ALICE) as book:
        book.save_nudges([nudge(1), nudge(2)])
        book.save_undo_record({"description": "adding"})
        raise RuntimeError("a bug in the middle of a change")
    assert query(postgres_url, schema, "SELECT count(*) FROM nudges")[0][0] == 0
    assert query(postgres_url, schema, "SELECT count(*) FROM people WHERE kept")[0][0] == 0
    assert other.claim_due(NOW + timedelta(days=1), owner="b", lease=LEASE) == []
    finished = threading.Event()

    def take_alice() -> None:
        with other.transaction(ALICE) as book:
            assert book.nudges() == [] and book.undo_record() is None
        finished.set()

    threading.Thread(target=take_alice).start()
    assert finished.wait(5), "the failed transaction still holds Alice's lock"


def test_a_transaction_inside_one_for_the_same_person_joins_it(replica: Replicas) -> None:
    store = replica()
    with store.transaction(ALICE) as outer:
        outer.save_nudges([nudge(1)])
        with store.transaction(ALICE) as inner:
            assert [n.number for n in inner.nudges()] == [1]
            inner.save_nudges([nudge(2)])
    with store.transaction(ALICE) as book:
        assert [n.number for n in book.nudges()] == [1, 2]


def test_next_due_is_kept_on_the_persons_row(
    replica: Replicas, postgres_url: str, schema: str
) -> None:
    store = replica()
    with store.transaction(ALICE) as book:
        book.save_nudges([nudge(1, NOW + timedelta(hours=1)), nudge(2, NOW + timedelta(hours=5))])
    row = "SELECT next_due, waiting FROM people WHERE user_id = 'U1'"
    assert query(postgres_url, schema, row) == [((NOW + timedelta(hours=1)).timestamp(), 2)]
    with store.transaction(ALICE) as book:
        book.delete_nudges([1])
    assert query(postgres_url, schema, row) == [((NOW + timedelta(hours=5)).timestamp(), 1)]


def test_a_database_url_in_the_settings_selects_the_postgresql_store(
    postgres_url: str, schema: str, tmp_path: Path
) -> None:
    url = schema_url(postgres_url, schema)
    store = open_store(Settings(database_url=url, db_path=tmp_path / "unused"))
    try:
        assert isinstance(store, PostgresStore)
        with store.transaction(ALICE) as book:
            book.save_nudges([nudge(1)])
    finally:
        store.close()
    assert query(postgres_url, schema, "SELECT number FROM nudges") == [(1,)]
    assert not (tmp_path / "unused").exists()


def test_an_unreachable_database_is_named_without_its_password() -> None:
    with pytest.raises(StoreError) as refused:
        PostgresStore("postgresql://coach:hunter2secret@127.0.0.1:9/coach")
    message = str(refused.value)
    assert "127.0.0.1:9/coach" in message
    assert "hunter2secret" not in message


def test_an_address_that_cannot_be_read_is_refused_clearly() -> None:
    with pytest.raises(StoreError) as refused:
        PostgresStore("postgresql://coach:hunter2secret@db.example:port/coach")
    message = str(refused.value)
    assert "db.example" in message and "hunter2secret" not in message


def test_replicas_share_the_events_they_handled_and_the_flood_gate(replica: Replicas) -> None:
    one, other = replica(), replica()
    keep, window = timedelta(hours=1), timedelta(seconds=10)
    assert one.first_time("EvRETRIED", NOW, keep=keep)
    assert not other.first_time("EvRETRIED", NOW + timedelta(minutes=1), keep=keep), (
        "Slack's retry reached the other replica and was handled twice"
    )
    admitted = [
        (one if n % 2 else other).allow_request(
            ALICE, NOW + timedelta(milliseconds=n), limit=4, window=window
        )
        for n in range(6)
    ]
    assert admitted == [True] * 4 + [False] * 2


def test_many_requests_at_once_admit_exactly_the_limit(replica: Replicas) -> None:
    stores = [replica(), replica()]
    results: list[bool] = []
    start = threading.Barrier(8)

    def ask(store: PostgresStore) -> None:
        start.wait(5)
        for _ in range(5):
            results.append(store.allow_request(ALICE, NOW, limit=10, window=timedelta(seconds=10)))

    threads = [threading.Thread(target=ask, args=(stores[n % 2],)) for n in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    assert len(results) == 40 and results.count(True) == 10


def test_forget_leaves_no_row_of_the_person_in_any_table(
    replica: Replicas, postgres_url: str, schema: str
) -> None:
    store = replica()
    with store.transaction(ALICE) as book:
        book.save_nudges([nudge(1)])
        book.save_undo_record({"description": "adding"})
    store.allow_request(ALICE, NOW, limit=5, window=timedelta(seconds=10))
    store.leave_notice(ALICE, "owed")
    store.forget(ALICE)
    for table in ("nudges", "interviews", "processes", "request_windows"):
        assert query(postgres_url, schema, f"SELECT count(*) FROM {table}") == [(0,)], table
    assert query(
        postgres_url, schema, "SELECT kept, profile, undo, notice, next_due, claimed_by FROM people"
    ) == [(False, None, None, None, None, None)]


def test_inside_a_persons_transaction_their_lease_and_notice_are_reached_without_waiting(
    replica: Replicas,
) -> None:
    store = replica()
    heard: list[datetime] = []
    store.watch_due(heard.append)
    with store.transaction(ALICE) as book:
        book.save_nudges([nudge(1)])
    store.leave_notice(ALICE, "owed")
    assert store.claim_due(NOW, owner="a", lease=LEASE) == [ALICE]
    finished = threading.Event()

    def inside() -> None:
        with store.transaction(ALICE):
            assert store.take_notice(ALICE) == "owed"
            store.release(ALICE, owner="a")
            assert heard == [NOW], "announced only once the transaction commits"
        finished.set()

    threading.Thread(target=inside).start()
    assert finished.wait(5), "the thread waited for its own lock"
    assert heard == [NOW, NOW]
    assert store.claim_due(NOW, owner="b", lease=LEASE) == [ALICE]


def test_only_what_a_crash_could_lose_harmlessly_commits_without_waiting_for_the_disk(
    replica: Replicas, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A read's row lock and the flood gate's count skip the WAL flush; a change never does."""
    store = replica()
    store.leave_notice(ALICE, "owed")
    light: list[str] = []
    plain = PostgresStore._commit_without_waiting

    def watched(conn: psycopg.Connection) -> None:
        plain(conn)
        row = conn.execute("SELECT current_setting('synchronous_commit')").fetchone()
        light.append(row[0] if row else "")

    monkeypatch.setattr(PostgresStore, "_commit_without_waiting", staticmethod(watched))
    with store.transaction(ALICE) as book:
        assert book.nudges() == []
    assert light == ["off"]
    with store.transaction(ALICE) as book:
        book.save_nudges([nudge(1)])
    with store.transaction(ALICE):
        assert store.take_notice(ALICE) == "owed"
    assert light == ["off"], "a change waits for the disk, even one made beside the book"
    assert store.allow_request(ALICE, NOW, limit=5, window=timedelta(seconds=10))
    assert light == ["off", "off"]
    with store.transaction(ALICE) as book:
        assert [n.number for n in book.nudges()] == [1]


def test_a_dropped_database_connection_is_a_store_error_and_the_next_transaction_works(
    replica: Replicas, postgres_url: str, schema: str
) -> None:
    store = replica()
    with store.transaction(ALICE) as book:
        book.save_nudges([nudge(1)])
    query(
        postgres_url,
        schema,
        "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = %s",
        f"interview-coach {schema}",
    )
    with pytest.raises(StoreError), store.transaction(ALICE) as book:
        book.save_nudges([nudge(2)])
    with store.transaction(ALICE) as book:
        assert [n.number for n in book.nudges()] == [1], "the failed change did not happen"


def test_a_notice_left_by_a_migration_is_taken_once_by_a_replica_started_after_it(
    replica: Replicas,
) -> None:
    """Notices come only from `migrate`, run while the coach is stopped: a replica asks the
    database for them only when some were owed when it started."""
    before = replica()
    assert before.take_notice(ALICE) is None
    replica().leave_notice(ALICE, "owed")
    after = replica()
    assert after.take_notice(ALICE) == "owed"
    assert after.take_notice(ALICE) is None, "once"
