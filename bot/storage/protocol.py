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
  crashed or hung) makes the person claimable again by itself.
- A person's next due moment is the earliest next attempt (`retry_at`, else `due_at`) of their
  nudges in state `scheduled` or `sending`, and there is none while the profile says their
  delivery is parked (`delivery_parked`).
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Iterator
from contextlib import AbstractContextManager
from datetime import datetime, timedelta
from typing import Any, Protocol

from bot.domain.interview import Interview, Person, Process, Profile
from bot.domain.nudge import Nudge


class StoreError(RuntimeError):
    """The store could not do what was asked; nothing the request wanted was changed."""


class StoreWriteFailed(StoreError):
    """A change could not be made durable (a full disk, a failing device): it did not happen."""


class StoreLocked(StoreError):
    """Another process already uses this store; two writers would corrupt it."""


class PersonBook(Protocol):
    """One person's data inside a transaction."""

    person: Person

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

    def close(self) -> None: ...
