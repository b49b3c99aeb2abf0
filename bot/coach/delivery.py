"""Sending due nudges as direct messages, and keeping sent messages in step with the store.

Exactly once: a nudge is recorded as `sending` before the Slack call and `sent` after it.
Each message carries metadata naming its nudges, so when a send may have reached Slack without
being recorded (the process died, or the answer was lost), delivery first looks in the DM for
that message and records it instead of sending it again. A duplicate is then only possible
when Slack cannot be asked either (conversations.history fails at that moment).
"""

from __future__ import annotations

import logging
import threading
import time

from slack_sdk.errors import SlackApiError, SlackClientError

from bot.coach.coach import Coach, DueBatch
from bot.domain.interview import Person
from bot.domain.nudge import Nudge
from bot.slack.blocks import DIGEST_SIZE, build_home, build_nudge_message
from bot.slack.messenger import Messenger

LOGGER = logging.getLogger(__name__)

_SLACK_FAILURES = (SlackApiError, SlackClientError, OSError)
#: Seconds between two messages to one DM (Slack's per-channel posting rate).
CHANNEL_GAP = 1.0


class Delivery:
    """Turns claimed nudges into DMs: one message per person per pass, a digest when several."""

    def __init__(
        self, coach: Coach, messenger: Messenger, *, channel_gap: float = CHANNEL_GAP
    ) -> None:
        self.coach = coach
        self.messenger = messenger
        self._pass = threading.Lock()
        self._channel_gap = channel_gap
        self._last_post: dict[str, float] = {}

    def deliver_due(self) -> int:
        """Send everything due now; returns how many nudges were delivered.

        Passes never overlap, so the scheduler and the console cannot send the same nudge.
        """
        delivered = 0
        with self._pass:
            for batch in self.coach.claim_due():
                delivered += self._deliver(batch)
        return delivered

    def _deliver(self, batch: DueBatch) -> int:
        person = batch.person
        try:
            channel = batch.dm_channel or self._open_dm(person)
            pending = self._already_delivered(batch, channel)
        except _SLACK_FAILURES as error:
            LOGGER.warning("Cannot reach %s's DM, will retry: %s", person.user_id, error)
            self.coach.record_failed(person, batch.nudges)
            return 0
        delivered = len(batch.nudges) - len(pending)
        for start in range(0, len(pending), DIGEST_SIZE):
            chunk = pending[start : start + DIGEST_SIZE]
            self._pace(channel)
            try:
                ts = self.messenger.post(channel, build_nudge_message(person, chunk, batch.tz))
            except _SLACK_FAILURES as error:
                self._last_post[channel] = time.monotonic()
                LOGGER.warning(
                    "Sending %d nudge(s) to %s failed, will retry: %s",
                    len(chunk),
                    person.user_id,
                    error,
                )
                self.coach.record_failed(person, pending[start:])
                break
            self._last_post[channel] = time.monotonic()
            self.coach.record_sent(person, chunk, channel, ts)
            delivered += len(chunk)
        return delivered

    def _pace(self, channel: str) -> None:
        """Slack allows about one message per second per channel: wait rather than be refused.

        The gap is counted from the end of the previous post, when Slack surely had it.
        """
        last = self._last_post.get(channel)
        if last is not None:
            time.sleep(max(0.0, last + self._channel_gap - time.monotonic()))
        if len(self._last_post) > 10_000:
            self._last_post.clear()

    def _already_delivered(self, batch: DueBatch, channel: str) -> list[Nudge]:
        """Record unsure nudges found in the DM as sent; return the ones still to send."""
        if not batch.unsure:
            return batch.nudges
        wanted = {n.mark: n for n in batch.nudges if n.number in batch.unsure}
        found = self.messenger.find_marked(channel, set(wanted))
        by_message: dict[str, list[Nudge]] = {}
        for mark, ts in found.items():
            by_message.setdefault(ts, []).append(wanted[mark])
        for ts, nudges in by_message.items():
            LOGGER.info("%d nudge(s) were already in the DM; recorded, not re-sent", len(nudges))
            self.coach.record_sent(batch.person, nudges, channel, ts)
        done = {n.number for nudges in by_message.values() for n in nudges}
        return [n for n in batch.nudges if n.number not in done]

    def _open_dm(self, person: Person) -> str:
        channel = self.messenger.open_dm(person.user_id)
        self.coach.remember_dm_channel(person, channel)
        return channel

    def refresh_message(self, person: Person, channel: str, ts: str) -> None:
        """Redraw a sent message from the store, so it shows what the person just did."""
        nudges = self.coach.message_nudges(person, ts)
        if nudges:
            message = build_nudge_message(person, nudges, self.coach.timezone(person))
            self.messenger.update(channel, ts, message)

    def refresh_messages(self, person: Person, nudges: list[Nudge]) -> None:
        """Redraw every DM message holding one of `nudges`; a failure only costs freshness."""
        places = {(n.channel, n.message_ts) for n in nudges if n.channel and n.message_ts}
        for channel, ts in sorted(places):  # type: ignore[type-var]
            try:
                self.refresh_message(person, channel, ts)
            except _SLACK_FAILURES as error:
                LOGGER.warning("Could not redraw a message for %s: %s", person.user_id, error)

    def publish_home(self, person: Person) -> None:
        """Redraw the person's Home tab from the store, if they ever opened it.

        A failure only costs freshness: the next change or visit draws it again.
        """
        coach = self.coach
        profile = coach.profile(person)
        if not profile.home_opened:
            return
        window = profile.window or coach.playbook.day
        view = build_home(person, coach.overview(person), window, profile.paused_until)
        try:
            self.messenger.publish_home(person.user_id, view)
        except _SLACK_FAILURES as error:
            LOGGER.warning("Could not publish the Home tab of %s: %s", person.user_id, error)

    def send_file(self, person: Person, filename: str, content: bytes, comment: str) -> bool:
        """Put a file in the person's DM; False (and logged) when Slack would not take it."""
        try:
            channel = self.coach.profile(person).dm_channel or self._open_dm(person)
            self.messenger.upload(channel, filename, content, comment)
        except _SLACK_FAILURES as error:
            LOGGER.warning("Could not send %s to %s: %s", filename, person.user_id, error)
            return False
        return True
