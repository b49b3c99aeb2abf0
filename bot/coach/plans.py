"""What every change shares: numbering new nudges, settling plans, finding the process meant."""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import replace
from datetime import date, datetime

from bot.domain.interview import Interview, Process, Profile
from bot.domain.lifecycle import (
    FOLLOW_UP,
    matching_processes,
    settle_keep_hunting,
    settle_processes,
)
from bot.domain.nudge import Nudge, NudgeChangeRefused, NudgeState, cancel
from bot.domain.parsing import parse_date
from bot.domain.playbook import Playbook
from bot.domain.text import escape, match_key, shorten
from bot.domain.timing import Day, country_of, with_country
from bot.storage.protocol import PersonBook

#: Keep-applying nudges belong to the whole search, not one interview.
KEEP_HUNTING_ID = 0


def number_new(book: PersonBook, nudges: list[Nudge]) -> list[Nudge]:
    """Give new nudges the person's next numbers (never reused), and save them."""
    profile = book.profile
    first = profile.next_nudge_number
    numbered = [replace(n, number=first + k) for k, n in enumerate(nudges)]
    book.save_nudges(numbered)
    if numbered:
        book.save_profile(replace(profile, next_nudge_number=first + len(numbered)))
    return numbered


def settle(
    book: PersonBook, playbook: Playbook, now: datetime, process_ids: Collection[int]
) -> tuple[list[Nudge], list[Nudge]]:
    """Re-derive the follow-ups of the processes a change touched, and the person's
    keep-applying nudge; save them. Returns (new nudges, nudges changed).

    Only those processes can have drifted out of line, so only their nudges are read: a
    person with 200 interviews is settled as fast as one with a single interview.
    """
    profile = book.profile
    interviews = book.interviews()
    processes = book.processes()
    touched = [p for p in processes if p.id in process_ids]
    rounds = {p.id: [i for i in interviews if i.process_id == p.id] for p in touched}
    open_nudges = {pid: book.open_nudges([i.id for i in found]) for pid, found in rounds.items()}
    paused = paused_until(book, now)
    day = person_day(profile, playbook)
    settled = settle_processes(
        playbook, touched, rounds, open_nudges, now=now, day=day, paused_until=paused
    )
    for process in settled.processes:
        book.save_process(process)
    processes = [next((u for u in settled.processes if u.id == p.id), p) for p in processes]
    hunting = settle_keep_hunting(
        playbook,
        processes,
        interviews,
        book.nudges_of([KEEP_HUNTING_ID]),
        now=now,
        tz=profile.tz or "UTC",
        day=day,
        paused_until=paused,
        searching=profile.searching,
    )
    changed = settled.changed + hunting.changed
    book.save_nudges(changed)
    return number_new(book, settled.new + hunting.new), changed


def person_day(profile: Profile, playbook: Playbook) -> Day:
    """The person's day: their window (or the playbook's) without their public holidays."""
    country = profile.country if profile.country is not None else country_of(profile.tz)
    return with_country(profile.window or playbook.day, country or None)


def paused_until(book: PersonBook, now: datetime) -> datetime | None:
    """The end of the person's pause, while it lasts."""
    until = book.profile.paused_until
    return until if until is not None and until > now else None


def withdraw_follow_ups(book: PersonBook, round_ids: Collection[int], now: datetime) -> list[Nudge]:
    """News arrived: the follow-ups planned before it no longer fit and are withdrawn (a sent
    one's message then says so); only one the person snoozed and is still waiting stays."""
    withdrawn = [
        cancel(n, now)
        for n in book.open_nudges(round_ids)
        if n.rule == FOLLOW_UP
        and n.state != NudgeState.SENDING
        and not (n.touched and n.state == NudgeState.SCHEDULED)
    ]
    book.save_nudges(withdrawn)
    return withdrawn


def open_process_for(processes: list[Process], company: str) -> Process | None:
    name = match_key(company)
    found = [p for p in processes if not p.closed and match_key(p.company) == name]
    return max(found, key=lambda p: p.id) if found else None


def one_process(processes: list[Process], interviews: list[Interview], target: str) -> Process:
    """Resolve "acme", "#3" (any round's id) or nothing (when there is only one open)."""
    wanted = target.strip().lstrip("#").strip()
    if wanted[:1] in ("i", "I") and wanted[1:].isdigit():
        wanted = wanted[1:]
    if wanted.isdigit():
        owner = next((i.process_id for i in interviews if i.id == int(wanted)), None)
        found = [p for p in processes if p.id == owner]
    elif wanted:
        found = matching_processes(processes, wanted)
    else:
        found = [p for p in processes if not p.closed]
    if len(found) == 1:
        return found[0]
    if not found:
        if not wanted:
            raise NudgeChangeRefused("Which company? For example: `acme rejected`.")
        raise NudgeChangeRefused(
            f"I can't find an interview with {escape(shorten(wanted, 60))}. "
            "`/interview list` shows them with their numbers."
        )
    choices = ", ".join(f"`i{p.id}` {escape(p.company)} ({escape(p.role)})" for p in found[:10])
    raise NudgeChangeRefused(
        f"Which one do you mean? {choices}. Use the number, like `i{found[0].id}`."
    )


def process_and_date(
    processes: list[Process],
    interviews: list[Interview],
    target: str,
    when_text: str,
    now: datetime,
    tz: str,
) -> tuple[Process, date]:
    """Split "acme corp dec 12" into a process and a date when no split was given."""
    if target:
        process = one_process(processes, interviews, target)
        decided = parse_date(when_text, now=now, tz=tz)
        if decided is None:
            raise NudgeChangeRefused(
                f"I couldn't read the date '{escape(shorten(when_text, 40))}'."
            )
        return process, decided
    words = when_text.split()
    for cut in range(1, len(words)):
        name, rest = " ".join(words[:cut]), " ".join(words[cut:])
        if matching_processes(processes, name) or name.lstrip("#").lstrip("iI").isdigit():
            decided = parse_date(rest, now=now, tz=tz)
            if decided is not None:
                return one_process(processes, interviews, name), decided
    raise NudgeChangeRefused(
        "Tell me the company and the date, like `/interview expect acme dec 12`."
    )


def rounds_of(book: PersonBook, process_id: int) -> list[Interview]:
    return [i for i in book.interviews() if i.process_id == process_id]
