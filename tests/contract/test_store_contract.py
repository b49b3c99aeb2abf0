"""The Store contract: what every backend promises, run against each of them.

Durability, per-person isolation, indexed queries that agree with a plain model of the data,
delivery leases, forgetting, undo and export. A new backend is done when it passes this file.
"""

from __future__ import annotations

import itertools
import threading
from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.domain.interview import Interview, Person, Process, Profile
from bot.domain.nudge import Nudge, NudgeState, mark_sent, retry_later
from bot.storage.protocol import Store

from .conftest import StoreFactory

NOW = datetime(2026, 11, 26, 17, 0, tzinfo=UTC)
ALICE = Person("T1", "U1")
BOB = Person("T2", "U1")
LEASE = timedelta(seconds=60)


def nudge(number: int, due: datetime = NOW, **changes: object) -> Nudge:
    base = Nudge(
        number=number, interview_id=1, rule="thank-you", title="t", text="x", tip="y", due_at=due
    )
    return Nudge(**{**base.__dict__, **changes})


def interview(number: int, company: str = "Acme") -> Interview:
    return Interview(number, company, "Dev", NOW, NOW + timedelta(hours=1), "Europe/Berlin")


def test_what_a_transaction_wrote_is_there_after_reopening(open_store: StoreFactory) -> None:
    store = open_store()
    with store.transaction(ALICE) as book:
        book.save_profile(Profile(tz="Europe/Berlin", next_nudge_number=3))
        book.save_interview(interview(1))
        book.save_process(Process(1, "Acme", "Dev"))
        book.save_nudges([nudge(1), nudge(2, NOW + timedelta(days=1))])
        book.save_undo_record({"description": "adding", "at": 1.0, "before": {}})
    store.close()

    reopened = open_store()
    with reopened.transaction(ALICE) as book:
        assert book.profile.tz == "Europe/Berlin"
        assert [i.company for i in book.interviews()] == ["Acme"]
        assert [p.company for p in book.processes()] == ["Acme"]
        assert [n.number for n in book.nudges()] == [1, 2]
        assert book.undo_record() == {"description": "adding", "at": 1.0, "before": {}}
    assert reopened.pending_count() == 2
    assert reopened.next_due_at() == NOW


def test_a_failed_transaction_changes_nothing(store: Store) -> None:
    with store.transaction(ALICE) as book:
        book.save_nudges([nudge(1)])
        book.save_interview(interview(1))
    with pytest.raises(RuntimeError), store.transaction(ALICE) as book:
        book.save_nudges([nudge(1, state=NudgeState.DONE), nudge(2)])
        book.delete_interview(1)
        raise RuntimeError("a bug in the middle of a change")
    with store.transaction(ALICE) as book:
        assert book.nudge(1).state == NudgeState.SCHEDULED
        assert book.nudge(2) is None
        assert book.interview(1) is not None
        assert [n.number for n in book.due_nudges(NOW)] == [1]


def test_people_and_workspaces_never_mix(store: Store) -> None:
    with store.transaction(ALICE) as book:
        book.save_nudges([nudge(1, title="Alice's")])
    with store.transaction(BOB) as book:
        assert book.nudges() == []
        assert book.open_nudges() == []
        book.save_nudges([nudge(1, title="Bob's")])
    with store.transaction(ALICE) as book:
        assert book.nudge(1).title == "Alice's"
    assert set(store.people()) == {ALICE, BOB}


def test_ids_that_are_not_slack_ids_are_refused(store: Store) -> None:
    for bad in ("../../etc/passwd", "U1\n", "", "U 1"):
        with (
            pytest.raises(ValueError, match="not a Slack id"),
            store.transaction(Person("T1", bad)),
        ):
            pass


def test_an_open_store_is_ready_and_a_closed_one_is_not(open_store: StoreFactory) -> None:
    """What /readyz asks: quick, and never an exception."""
    store = open_store()
    assert store.ready() is True
    store.close()
    assert store.ready() is False


def test_one_persons_long_transaction_does_not_hold_up_another(store: Store) -> None:
    inside, release = threading.Event(), threading.Event()

    def slow_alice() -> None:
        with store.transaction(ALICE) as book:
            book.save_nudges([nudge(1)])
            inside.set()
            release.wait(10)

    worker = threading.Thread(target=slow_alice)
    worker.start()
    assert inside.wait(5)
    done = threading.Event()

    def bob() -> None:
        with store.transaction(BOB) as book:
            book.save_nudges([nudge(1)])
        done.set()

    threading.Thread(target=bob).start()
    assert done.wait(2), "Bob's transaction waited for Alice's"
    release.set()
    worker.join(5)


# -- queries agree with a plain model ---------------------------------------------------------

STATES = list(NudgeState)
_EXAMPLES = itertools.count(1)
operations = st.lists(
    st.one_of(
        st.tuples(
            st.just("save"),
            st.integers(1, 12),
            st.integers(0, 3),
            st.sampled_from(STATES),
            st.integers(0, 5),
            st.sampled_from([None, "1.000100", "1.000200", "1.000300"]),
            st.booleans(),
        ),
        st.tuples(st.just("delete"), st.integers(1, 12)),
    ),
    max_size=40,
)


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(steps=operations, cut=st.integers(0, 5))
def test_indexed_queries_agree_with_a_plain_model(
    store: Store, steps: list[tuple], cut: int
) -> None:
    person = Person("T9", f"U{next(_EXAMPLES)}")
    model: dict[int, Nudge] = {}
    for step in steps:
        with store.transaction(person) as book:
            if step[0] == "save":
                _, number, interview_id, state, hours, ts, retry = step
                saved = nudge(
                    number,
                    NOW + timedelta(hours=hours),
                    interview_id=interview_id,
                    state=state,
                    message_ts=ts,
                    retry_at=NOW + timedelta(hours=hours, minutes=30) if retry else None,
                )
                book.save_nudges([saved])
                model[number] = saved
            else:
                book.delete_nudges([step[1]])
                model.pop(step[1], None)
    moment = NOW + timedelta(hours=cut)
    waiting = {NudgeState.SCHEDULED, NudgeState.SENDING}
    with store.transaction(person) as book:
        assert {n.number: n for n in book.nudges()} == model
        for ids in ({0}, {1, 2}, {3}):
            assert _numbers(book.open_nudges(ids)) == sorted(
                n.number for n in model.values() if n.interview_id in ids and n.is_open
            )
            assert _numbers(book.nudges_of(ids)) == sorted(
                n.number for n in model.values() if n.interview_id in ids
            )
        assert _numbers(book.open_nudges()) == sorted(n.number for n in model.values() if n.is_open)
        for ts in ("1.000100", "1.000200", "1.000300"):
            assert _numbers(book.nudges_in_message(ts)) == sorted(
                n.number for n in model.values() if n.message_ts == ts
            )
        assert _numbers(book.due_nudges(moment)) == sorted(
            n.number for n in model.values() if n.state in waiting and n.next_attempt_at <= moment
        )
        assert _numbers(book.waiting_nudges()) == sorted(
            n.number for n in model.values() if n.state in waiting
        )
        sent_ts = [n.message_ts for n in model.values() if n.message_ts]
        if sent_ts:
            assert book.latest_message() == max(sent_ts, key=float)
    due = [n.next_attempt_at for n in model.values() if n.state in waiting]
    expected = min(due) if due else None
    claimed = store.claim_due(NOW + timedelta(days=30), owner="check", lease=LEASE)
    assert (person in claimed) == (expected is not None)
    store.forget(person)


def _numbers(nudges: list[Nudge]) -> list[int]:
    return sorted(n.number for n in nudges)


# -- the due index and delivery leases --------------------------------------------------------


def test_claims_hand_out_due_people_and_honour_retry_times(store: Store) -> None:
    later = NOW + timedelta(hours=2)
    with store.transaction(ALICE) as book:
        book.save_nudges([nudge(1, later), retry_later(nudge(2, NOW), NOW)])
    with store.transaction(BOB) as book:
        book.save_nudges([nudge(1, NOW)])
    assert store.claim_due(NOW, owner="a", lease=LEASE) == [BOB]
    assert store.claim_due(NOW + timedelta(seconds=5), owner="a", lease=LEASE) == [ALICE]
    with store.transaction(ALICE) as book:
        assert [n.number for n in book.due_nudges(NOW + timedelta(seconds=5))] == [2]


def test_a_leased_person_is_not_handed_out_twice_until_released_or_expired(store: Store) -> None:
    with store.transaction(ALICE) as book:
        book.save_nudges([nudge(1)])
    assert store.claim_due(NOW, owner="a", lease=LEASE) == [ALICE]
    assert store.claim_due(NOW, owner="b", lease=LEASE) == []
    assert store.next_due_at() == NOW + LEASE, "the lease's end is when to look again"

    store.release(ALICE, owner="b")  # not b's to release
    assert store.claim_due(NOW, owner="b", lease=LEASE) == []
    store.release(ALICE, owner="a")
    assert store.claim_due(NOW, owner="b", lease=LEASE) == [ALICE], "still due after release"

    expired = NOW + LEASE + timedelta(seconds=1)
    assert store.claim_due(expired, owner="c", lease=LEASE) == [ALICE], "b crashed: c takes over"
    store.release(ALICE, owner="b")
    assert store.claim_due(expired, owner="d", lease=LEASE) == [], "b's late release is ignored"


def test_release_with_not_before_keeps_the_person_back(store: Store) -> None:
    with store.transaction(ALICE) as book:
        book.save_nudges([nudge(1)])
    assert store.claim_due(NOW, owner="a", lease=LEASE) == [ALICE]
    store.release(ALICE, owner="a", not_before=NOW + timedelta(seconds=30))
    assert store.claim_due(NOW + timedelta(seconds=29), owner="a", lease=LEASE) == []
    assert store.claim_due(NOW + timedelta(seconds=30), owner="a", lease=LEASE) == [ALICE]


def test_skipped_workspaces_are_not_claimed(store: Store) -> None:
    for person in (ALICE, BOB):
        with store.transaction(person) as book:
            book.save_nudges([nudge(1)])
    assert store.claim_due(NOW, owner="a", lease=LEASE, skip_teams={"T1"}) == [BOB]


def test_a_person_with_nothing_waiting_or_parked_is_never_due(store: Store) -> None:
    with store.transaction(ALICE) as book:
        book.save_nudges([mark_sent(nudge(1), "D1", "1.0"), nudge(2, state=NudgeState.DONE)])
    with store.transaction(BOB) as book:
        book.save_nudges([nudge(1)])
        book.save_profile(Profile(delivery_parked="user_not_found"))
    assert store.claim_due(NOW + timedelta(days=1), owner="a", lease=LEASE) == []
    assert store.pending_count() == 1
    with store.transaction(BOB) as book:
        book.save_profile(Profile())
    assert store.claim_due(NOW, owner="a", lease=LEASE) == [BOB]


def test_watchers_hear_of_new_due_moments_only_after_the_write(store: Store) -> None:
    heard: list[datetime] = []
    store.watch_due(heard.append)
    with store.transaction(ALICE) as book:
        book.save_nudges([nudge(1), nudge(2, state=NudgeState.DONE)])
        assert heard == [], "nothing is announced before it is durable"
    assert heard == [NOW]


def test_the_due_index_survives_a_restart(open_store: StoreFactory) -> None:
    store = open_store()
    with store.transaction(ALICE) as book:
        book.save_nudges([nudge(1, NOW + timedelta(hours=1)), nudge(2, state=NudgeState.SENDING)])
    assert store.claim_due(NOW, owner="crashed", lease=LEASE) == [ALICE]
    store.close()
    reopened = open_store()
    assert reopened.pending_count() == 2
    assert reopened.claim_due(NOW + LEASE, owner="next", lease=LEASE) == [ALICE], (
        "a sending nudge whose owner died comes back by itself"
    )


# -- forgetting, undo records, export ---------------------------------------------------------


def test_forget_removes_everything_and_nothing_is_due_after(store: Store) -> None:
    with store.transaction(ALICE) as book:
        book.save_nudges([nudge(1)])
        book.save_interview(interview(1))
    store.forget(ALICE)
    assert store.claim_due(NOW + timedelta(days=1), owner="a", lease=LEASE) == []
    assert ALICE not in set(store.people())
    with store.transaction(ALICE) as book:
        assert book.nudges() == [] and book.interviews() == []
        assert book.profile == Profile()


def test_the_undo_record_is_kept_and_cleared(store: Store) -> None:
    record = {"description": "adding the Acme interview", "at": NOW.timestamp(), "before": {}}
    with store.transaction(ALICE) as book:
        assert book.undo_record() is None
        book.save_undo_record(record)
    with store.transaction(ALICE) as book:
        assert book.undo_record() == record
        book.save_undo_record(None)
    with store.transaction(ALICE) as book:
        assert book.undo_record() is None


def test_export_holds_every_table(store: Store) -> None:
    with store.transaction(ALICE) as book:
        book.save_profile(Profile(my_name="Sam"))
        book.save_interview(interview(1))
        book.save_process(Process(1, "Acme", "Dev"))
        book.save_nudges([nudge(1)])
        exported = book.export()
    assert exported["profile"][0]["my_name"] == "Sam"
    assert [r["company"] for r in exported["interviews"]] == ["Acme"]
    assert [r["company"] for r in exported["processes"]] == ["Acme"]
    assert [r["number"] for r in exported["nudges"]] == [1]


# -- requests: repeated events and the flood gate ---------------------------------------------

KEEP = timedelta(hours=1)


def test_an_event_is_handled_the_first_time_only_until_it_expires(store: Store) -> None:
    assert store.first_time("Ev1", NOW, keep=KEEP)
    assert not store.first_time("Ev1", NOW + timedelta(minutes=5), keep=KEEP)
    assert store.first_time("Ev2", NOW + timedelta(minutes=5), keep=KEEP)
    assert not store.first_time("Ev1", NOW + KEEP - timedelta(seconds=1), keep=KEEP)
    assert store.first_time("Ev1", NOW + KEEP + timedelta(seconds=1), keep=KEEP)


def test_the_flood_gate_counts_admitted_requests_in_the_window_per_person(store: Store) -> None:
    window = timedelta(seconds=10)
    moments = [NOW + timedelta(seconds=s) for s in (0, 1, 2)]
    assert [store.allow_request(ALICE, m, limit=3, window=window) for m in moments] == [True] * 3
    assert not store.allow_request(ALICE, NOW + timedelta(seconds=3), limit=3, window=window)
    assert store.allow_request(BOB, NOW + timedelta(seconds=3), limit=3, window=window)
    assert not store.allow_request(ALICE, NOW + timedelta(seconds=9), limit=3, window=window)
    # The first request leaves the window; the refused ones never counted.
    assert store.allow_request(
        ALICE, NOW + timedelta(seconds=10, milliseconds=1), limit=3, window=window
    )
    assert not store.allow_request(
        ALICE, NOW + timedelta(seconds=10, milliseconds=2), limit=3, window=window
    )
