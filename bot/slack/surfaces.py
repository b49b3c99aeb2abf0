"""Keeping what the person sees in Slack in step with the store: messages, Home, files.

A failure here only costs freshness (the next change or visit draws it again), so each one is
logged and the person's request still succeeds.
"""

from __future__ import annotations

import logging
import threading
from collections import defaultdict

from bot.coach.coach import Coach
from bot.coach.delivery import DeliveryProblem
from bot.domain.interview import Person
from bot.domain.nudge import Nudge
from bot.domain.text import escape, shorten
from bot.slack.blocks import build_home
from bot.slack.messenger import SlackMessenger

LOGGER = logging.getLogger(__name__)


class Surfaces:
    """Redraws of nudge messages and the Home tab, files in the DM, the person's time zone."""

    def __init__(self, coach: Coach, messenger: SlackMessenger) -> None:
        self.coach = coach
        self.messenger = messenger
        self._home_locks: defaultdict[Person, threading.Lock] = defaultdict(threading.Lock)

    def refresh_message(self, person: Person, channel: str, ts: str) -> None:
        """Redraw a sent message from the store, so it shows what the person just did."""
        nudges = self.coach.message_nudges(person, ts)
        if nudges:
            self.messenger.update_nudges(channel, ts, person, nudges, self.coach.timezone(person))

    def refresh_messages(self, person: Person, nudges: list[Nudge]) -> None:
        """Redraw every DM message holding one of `nudges`."""
        places = {(n.channel, n.message_ts) for n in nudges if n.channel and n.message_ts}
        for channel, ts in sorted(places):
            try:
                self.refresh_message(person, channel, ts)
            except DeliveryProblem as problem:
                LOGGER.warning("Could not redraw a message for %s: %s", person.user_id, problem)

    def publish_home(self, person: Person) -> None:
        """Redraw the person's Home tab from the store, if they ever opened it.

        One redraw per person at a time, each reading the store inside the turn: two requests
        finishing together could otherwise publish in the opposite order of their reads, and
        the older picture would stay on the tab.
        """
        coach = self.coach
        with self._home_locks[person]:
            profile = coach.profile(person)
            if not profile.home_opened:
                return
            window = profile.window or coach.playbook.day
            view = build_home(person, coach.overview(person), window, profile.paused_until)
            try:
                self.messenger.publish_home(person, view)
            except DeliveryProblem as problem:
                LOGGER.warning("Could not publish the Home tab of %s: %s", person.user_id, problem)

    def send_file(self, person: Person, filename: str, content: bytes, comment: str) -> bool:
        """Put a file in the person's DM; False (and logged) when Slack would not take it."""
        try:
            channel = self.coach.profile(person).dm_channel or self._open_dm(person)
            self.messenger.upload(person, channel, filename, content, comment)
        except DeliveryProblem as problem:
            LOGGER.warning("Could not send %s to %s: %s", filename, person.user_id, problem)
            return False
        return True

    def tell(self, person: Person, text: str) -> None:
        """A note from the coach in the person's DM (our text, not theirs)."""
        try:
            channel = self.coach.profile(person).dm_channel or self._open_dm(person)
            self.messenger.post_notice(person, channel, text)
        except DeliveryProblem as problem:
            LOGGER.warning("Could not tell %s something: %s", person.user_id, problem)

    def learn_timezone(self, person: Person) -> str:
        """Ask Slack for the person's zone; keep the last known one (or UTC) if Slack can't say."""
        try:
            tz = self.messenger.timezone(person)
        except DeliveryProblem as problem:
            LOGGER.warning(
                "users.info failed for %s, keeping the last known zone: %s", person.user_id, problem
            )
            tz = None
        zone_name, tell = self.coach.remember_timezone(person, tz)
        if tell:
            LOGGER.warning("Slack gave %s the unknown time zone %r", person.user_id, tz)
            self.tell(
                person,
                f"Slack gave me the time zone `{escape(shorten(str(tz), 60))}`, which I don't "
                f"recognise, so I'm using {escape(zone_name)} for your reminders. If that's "
                "wrong, set your time zone in your Slack profile and I'll pick it up.",
            )
        return zone_name

    def _open_dm(self, person: Person) -> str:
        channel = self.messenger.open_dm(person)
        self.coach.remember_dm_channel(person, channel)
        return channel
