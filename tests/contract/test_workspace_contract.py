"""The Store contract for workspaces: installations, one-time OAuth states, departures.

Every backend keeps these beside people's data, so every replica of the coach sees the same
installs and the same states.
"""

from __future__ import annotations

import threading
from datetime import UTC, datetime, timedelta

import pytest

from bot.domain.interview import Person, Profile
from bot.storage.protocol import Installation, Store

from .conftest import StoreFactory

NOW = datetime(2026, 11, 26, 17, 0, tzinfo=UTC)


def installation(team: str = "T1", token: str = "xoxb-t1-one", **changes: object) -> Installation:
    base = Installation(
        team_id=team,
        bot_token=token,
        installed_at=NOW,
        team_name=f"Team {team}",
        app_id="A1",
        bot_id="B1",
        bot_user_id="UBOT1",
        bot_scopes=("commands", "chat:write"),
        installer_user_id="U1",
    )
    return Installation(**{**base.__dict__, **changes})


def test_an_installation_is_kept_across_a_restart(open_store: StoreFactory) -> None:
    store = open_store()
    store.save_installation(installation("T1", "xoxb-t1-one"))
    store.save_installation(installation("T2", "xoxb-t2-one", enterprise_id="E1"))
    store.close()

    reopened = open_store()
    assert reopened.find_installation("T1") == installation("T1", "xoxb-t1-one")
    assert reopened.find_installation("T2", enterprise_id="E1").bot_token == "xoxb-t2-one"
    assert reopened.find_installation("T3") is None


def test_a_new_install_replaces_the_teams_earlier_one(store: Store) -> None:
    store.save_installation(installation("T1", "xoxb-t1-one"))
    store.save_installation(installation("T1", "xoxb-t1-two", installed_at=NOW + timedelta(1)))
    found = store.find_installation("T1")
    assert found is not None
    assert found.bot_token == "xoxb-t1-two"
    assert found.installed_at == NOW + timedelta(1)


def test_an_installation_of_another_enterprise_is_not_found(store: Store) -> None:
    store.save_installation(installation("T1", enterprise_id="E1"))
    assert store.find_installation("T1", enterprise_id="E2") is None
    assert store.find_installation("T1", enterprise_id="E1") is not None
    assert store.find_installation("T1") is not None


def test_deleting_a_teams_installation_leaves_the_others(open_store: StoreFactory) -> None:
    store = open_store()
    store.save_installation(installation("T1", "xoxb-t1-one"))
    store.save_installation(installation("T2", "xoxb-t2-one"))
    store.delete_installation("T1")
    store.delete_installation("T9")  # never installed: nothing to do
    assert store.find_installation("T1") is None
    store.close()
    reopened = open_store()
    assert reopened.find_installation("T1") is None
    assert reopened.find_installation("T2").bot_token == "xoxb-t2-one"


def test_the_token_stays_out_of_the_installations_repr(store: Store) -> None:
    assert "xoxb-t1-one" not in repr(installation("T1", "xoxb-t1-one"))


def test_an_oauth_state_is_consumed_once(open_store: StoreFactory) -> None:
    store = open_store()
    store.issue_oauth_state("state-0001-abcd", NOW + timedelta(minutes=10))
    store.close()
    reopened = open_store()
    assert reopened.consume_oauth_state("state-0001-abcd", NOW) is True
    assert reopened.consume_oauth_state("state-0001-abcd", NOW) is False


def test_an_expired_unknown_or_odd_state_is_refused(store: Store) -> None:
    store.issue_oauth_state("state-0002-abcd", NOW + timedelta(minutes=10))
    assert store.consume_oauth_state("state-0002-abcd", NOW + timedelta(minutes=10)) is False
    assert store.consume_oauth_state("state-never-issued", NOW) is False
    for odd in ("", "../../store.lock", "a" * 500, "state\n0002"):
        assert store.consume_oauth_state(odd, NOW) is False


def test_a_state_consumed_by_many_at_once_is_accepted_once(store: Store) -> None:
    store.issue_oauth_state("state-0003-abcd", NOW + timedelta(minutes=10))
    results: list[bool] = []
    threads = [
        threading.Thread(target=lambda: results.append(store.consume_oauth_state(
            "state-0003-abcd", NOW)))
        for _ in range(8)
    ]  # fmt: skip
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(5)
    assert sorted(results) == [False] * 7 + [True]


def test_a_workspace_that_left_is_forgotten_only_when_its_grace_ends(
    open_store: StoreFactory,
) -> None:
    store = open_store()
    later = NOW + timedelta(days=30)
    assert store.schedule_workspace_forget("T1", later) == later
    # A second departure (tokens revoked, then uninstalled) keeps the first moment.
    assert store.schedule_workspace_forget("T1", later + timedelta(days=1)) == later
    store.close()
    reopened = open_store()
    assert reopened.workspace_forget_at("T1") == later
    assert reopened.workspaces_to_forget(later - timedelta(seconds=1)) == []
    assert reopened.workspaces_to_forget(later) == ["T1"]


def test_coming_back_cancels_the_forgetting(store: Store) -> None:
    store.schedule_workspace_forget("T1", NOW)
    assert store.cancel_workspace_forget("T1") is True
    assert store.cancel_workspace_forget("T1") is False
    assert store.workspace_forget_at("T1") is None
    assert store.workspaces_to_forget(NOW + timedelta(days=99)) == []


def test_forgetting_a_workspace_deletes_its_people_only(open_store: StoreFactory) -> None:
    store = open_store()
    for person in (Person("T1", "U1"), Person("T1", "U2"), Person("T2", "U1")):
        with store.transaction(person) as book:
            book.save_profile(Profile(tz="Europe/Berlin"))
    store.schedule_workspace_forget("T1", NOW)

    assert store.forget_workspace("T1") == 2

    assert [p for p in store.people()] == [Person("T2", "U1")]
    assert store.workspaces_to_forget(NOW) == []
    with store.transaction(Person("T1", "U1")) as book:
        assert book.profile == Profile()
    store.close()
    assert list(open_store().people()) == [Person("T2", "U1")]


@pytest.mark.parametrize("team", ["../T1", "t1/x", "", "T1\n"])
def test_team_ids_that_are_not_slack_ids_are_refused(store: Store, team: str) -> None:
    with pytest.raises(ValueError):
        store.schedule_workspace_forget(team, NOW)
    with pytest.raises(ValueError):
        store.forget_workspace(team)


def test_states_live_by_the_callers_clock_not_the_machines(store: Store) -> None:
    """An injected clock may be days behind the machine's: issuing more never drops a state."""
    long_ago = datetime(2020, 1, 1, tzinfo=UTC)
    store.issue_oauth_state("state-0004-abcd", long_ago + timedelta(minutes=10))
    store.issue_oauth_state("state-0005-abcd", long_ago + timedelta(minutes=10))
    assert store.consume_oauth_state("state-0004-abcd", long_ago) is True
    assert store.consume_oauth_state("state-0005-abcd", long_ago) is True
