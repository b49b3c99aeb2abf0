"""The Store protocol: what the coach needs from wherever people's data lives.

Every backend keeps each person's interviews, processes, nudges, profile and undo record, and
offers the same promises, checked by one contract suite (tests/contract/):

- `transaction(person)` holds that person's lock (and only theirs) and is all-or-nothing: when
  it returns, every write made inside is durable; when it raises, none of them happened.
  Another person's transaction never waits for it.
- Queries are per person and indexed: finding one nudge, a message's nudges, the open nudges of
  a few interviews or the due ones costs the same whatever else the person keeps.
- Due nudges are claimed by person, as leases: `claim_due` hands a person to one owner until
  `release` or until the lease runs out, whichever comes first; a lease that runs out (the owner
  crashed or hung) makes the person claimable again by itself. Every claim of a person gives
  the lease a larger fencing token, so an owner that paused can tell it lost the person even
  to itself, and `lease` says how long is left on the store's clock (the database's, for
  PostgreSQL), so a post starts only with time to finish inside the lease.
- A person's next due moment is the earliest next attempt (`retry_at`, else `due_at`) of their
  nudges in state `scheduled` or `sending`, and there is none while the profile says their
  delivery is parked (`delivery_parked`).
- Workspaces: each installed workspace has one bot installation (saving another replaces it);
  OAuth states are issued with an expiry and consumed at most once; a workspace that left is
  forgotten (all its people's data) when its grace period ends, unless it comes back first.
  These live in the same store as people's data, so every replica shares them.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Iterator
from contextlib import AbstractContextManager
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any, Protocol

from bot.domain.feed_watch import CalendarFeed
from bot.domain.interview import Interview, Person, Process, Profile
from bot.domain.nudge import Nudge


class StoreError(RuntimeError):
    """The store could not do what was asked; nothing the request wanted was changed."""


class StoreWriteFailed(StoreError):
    """A change could not be made durable (a full disk, a failing device): it did not happen."""


class StoreBusy(StoreError):
    """The person's data stayed locked (or the store had no room) for longer than a request may
    wait: nothing was changed, and trying again in a moment will likely work."""


class StoreUnavailable(StoreError):
    """The database cannot be reached: nothing was changed, and nothing is tried until it
    answers again (the store checks by itself, no restart needed)."""


class StoreLocked(StoreError):
    """Another process already uses this store; two writers would corrupt it."""


@dataclass(frozen=True)
class Installation:
    """A workspace's bot installation, as every backend keeps it.

    Only the bot's side is kept: the coach asks for no user scopes. Organisation-wide installs
    are not offered (the manifest has `org_deploy_enabled: false`), so a team id is required.
    The token stays out of repr, so it never reaches a log.
    """

    team_id: str
    bot_token: str = field(repr=False)
    installed_at: datetime
    enterprise_id: str | None = None
    team_name: str | None = None
    app_id: str | None = None
    bot_id: str | None = None
    bot_user_id: str | None = None
    bot_scopes: tuple[str, ...] = ()
    installer_user_id: str | None = None

    def to_record(self) -> dict[str, Any]:
        """Plain JSON values, the same in every backend."""
        return {
            "team_id": self.team_id,
            "bot_token": self.bot_token,
            "installed_at": self.installed_at.timestamp(),
            "enterprise_id": self.enterprise_id,
            "team_name": self.team_name,
            "app_id": self.app_id,
            "bot_id": self.bot_id,
            "bot_user_id": self.bot_user_id,
            "bot_scopes": list(self.bot_scopes),
            "installer_user_id": self.installer_user_id,
        }

    @classmethod
    def from_record(cls, record: dict[str, Any]) -> Installation:
        return cls(
            team_id=str(record["team_id"]),
            bot_token=str(record["bot_token"]),
            installed_at=datetime.fromtimestamp(float(record["installed_at"]), UTC),
            enterprise_id=record.get("enterprise_id"),
            team_name=record.get("team_name"),
            app_id=record.get("app_id"),
            bot_id=record.get("bot_id"),
            bot_user_id=record.get("bot_user_id"),
            bot_scopes=tuple(record.get("bot_scopes") or ()),
            installer_user_id=record.get("installer_user_id"),
        )


@dataclass(frozen=True)
class Lease:
    """A delivery lease as its owner sees it right now."""

    #: Grows with every claim of the person: a lease with another token is someone else's.
    token: int
    #: Time left before others may take the person over, on the store's clock.
    left: timedelta


class PersonBook(Protocol):
    """One person's data inside a transaction."""

    @property
    def person(self) -> Person: ...

    @property
    def profile(self) -> Profile: ...

    def save_profile(self, profile: Profile) -> None: ...

    def interview(self, interview_id: int) -> Interview | None: ...

    def interviews(self) -> list[Interview]: ...

    def save_interview(self, interview: Interview) -> None: ...

    def delete_interview(self, interview_id: int) -> None: ...

    def process(self, process_id: int) -> Process | None: ...

    def processes(self) -> list[Process]: ...

    def save_process(self, process: Process) -> None: ...

    def delete_process(self, process_id: int) -> None: ...

    def nudge(self, number: int) -> Nudge | None: ...

    def open_nudges(self, interview_ids: Collection[int] | None = None) -> list[Nudge]:
        """Nudges not yet resolved (scheduled, sending, sent), of these interviews or all."""
        ...

    def nudges_of(self, interview_ids: Collection[int]) -> list[Nudge]:
        """Every nudge of these interviews, in any state (0 names the person-level ones)."""
        ...

    def nudges_in_message(self, message_ts: str) -> list[Nudge]: ...

    def latest_message(self) -> str | None:
        """The timestamp of the newest nudge message sent to the person."""
        ...

    def due_nudges(self, now: datetime) -> list[Nudge]:
        """Scheduled or sending nudges whose next attempt has come."""
        ...

    def waiting_nudges(self) -> list[Nudge]:
        """Every scheduled or sending nudge: what is still planned for the person."""
        ...

    def nudges(self) -> list[Nudge]:
        """All of them: a full read, for export and the calendar only."""
        ...

    def save_nudges(self, nudges: Collection[Nudge]) -> None: ...

    def delete_nudges(self, numbers: Collection[int]) -> None: ...

    def undo_record(self) -> dict[str, Any] | None: ...

    def save_undo_record(self, record: dict[str, Any] | None) -> None: ...

    def export(self) -> dict[str, list[dict[str, Any]]]:
        """Every table as plain records."""
        ...


class Store(Protocol):
    """Every person's data, their due index and the delivery leases."""

    def transaction(self, person: Person) -> AbstractContextManager[PersonBook]: ...

    def forget(self, person: Person) -> None:
        """Delete everything kept about the person, at once and for good."""
        ...

    def claim_due(
        self,
        now: datetime,
        *,
        owner: str,
        lease: timedelta,
        limit: int = 100,
        skip_teams: Collection[str] = (),
    ) -> list[Person]:
        """People with a nudge due by `now`, leased to `owner` until now + `lease`."""
        ...

    def release(self, person: Person, *, owner: str, not_before: datetime | None = None) -> None:
        """End `owner`'s lease; `not_before` keeps the person unclaimed until then."""
        ...

    def lease(self, person: Person, *, owner: str, now: datetime) -> Lease | None:
        """The lease `owner` holds on the person, if it still does (inside the person's
        transaction, as fresh as the lock makes it). Time left is measured on the store's own
        clock where it has one (PostgreSQL's), and never more than `now` leaves."""
        ...

    def renew_lease(
        self, person: Person, *, owner: str, token: int, now: datetime, lease: timedelta
    ) -> bool:
        """Extend the lease with `token` to `lease` from now; False when it is no longer
        `owner`'s (someone claimed the person since, or it was released or forgotten)."""
        ...

    def next_due_at(self) -> datetime | None:
        """When the next person becomes claimable (a due nudge, or a lease running out)."""
        ...

    def pending_count(self) -> int:
        """How many nudges wait to be sent, across everyone."""
        ...

    def watch_due(self, callback: Callable[[datetime], None]) -> None:
        """Be told (after the write is durable) when someone becomes claimable at a moment."""
        ...

    def people(self) -> Iterator[Person]: ...

    def take_notice(self, person: Person) -> str | None:
        """A message the store owes the person (their data had to be set aside), once."""
        ...

    def first_time(self, event_id: str, now: datetime, *, keep: timedelta) -> bool:
        """True unless this event id was seen within `keep` before `now`, by any replica.

        Slack re-delivers events it thinks were missed; each must be handled once.
        """
        ...

    def allow_request(
        self, person: Person, now: datetime, *, limit: int, window: timedelta
    ) -> bool:
        """Count one request by the person unless `limit` were already admitted within
        `window` before `now` (then it is refused and not counted), across every replica."""
        ...

    # -- workspaces --------------------------------------------------------------------------

    def save_installation(self, installation: Installation) -> None:
        """Keep a workspace's bot installation, durably; it replaces the team's earlier one."""
        ...

    def find_installation(
        self, team_id: str, *, enterprise_id: str | None = None
    ) -> Installation | None:
        """The team's bot installation (of that enterprise, when one is named), if any."""
        ...

    def delete_installation(self, team_id: str) -> None:
        """Forget the team's installation and its token; nothing is sent there after."""
        ...

    def issue_oauth_state(self, state: str, expires_at: datetime) -> None:
        """Remember a one-time OAuth state until `expires_at`."""
        ...

    def consume_oauth_state(self, state: str, now: datetime) -> bool:
        """True once for a state issued and not expired by `now`; False for anything else."""
        ...

    def schedule_workspace_forget(self, team_id: str, at: datetime) -> datetime:
        """Forget the team's people at `at`; an earlier schedule is kept. Returns the moment."""
        ...

    def cancel_workspace_forget(self, team_id: str) -> bool:
        """The team came back: keep its people's data. True when a deletion was cancelled."""
        ...

    def workspace_forget_at(self, team_id: str) -> datetime | None:
        """When the team's people are to be forgotten, if they are."""
        ...

    def workspaces_to_forget(self, now: datetime) -> list[str]:
        """Teams whose grace period has ended by `now`."""
        ...

    def forget_workspace(self, team_id: str) -> int:
        """Delete everything kept about the team's people, at once, and any schedule for it.

        Returns how many people were forgotten.
        """
        ...

    # -- calendar feeds ----------------------------------------------------------------------

    def calendar_feed(self, person: Person) -> CalendarFeed | None:
        """The person's calendar feed (its address sealed), if they set one."""
        ...

    def save_calendar_feed(self, person: Person, feed: CalendarFeed | None) -> None:
        """Keep the person's feed durably; None drops it (and every event recorded with it)."""
        ...

    def claim_calendar_feeds(
        self, now: datetime, *, owner: str, lease: timedelta, limit: int = 50
    ) -> list[Person]:
        """People whose feed is due by `now`, leased to `owner` until now + `lease`: one
        replica at a time fetches a feed."""
        ...

    def release_calendar_feed(self, person: Person, *, owner: str) -> None:
        """End `owner`'s lease on the person's feed."""
        ...

    def ready(self) -> bool:
        """Whether the store answers now (a readiness probe): quick, and never raises."""
        ...

    def close(self) -> None: ...
