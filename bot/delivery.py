"""Sending due nudges as direct messages, and keeping sent messages in step with the store."""

from __future__ import annotations

import logging
import threading

from slack_sdk.errors import SlackApiError, SlackClientError

from bot.blocks import DIGEST_SIZE, build_nudge_message
from bot.coach import Coach
from bot.interview import Person
from bot.messenger import Messenger
from bot.nudge import Nudge

LOGGER = logging.getLogger(__name__)


class Delivery:
    """Turns claimed nudges into DMs: one message per person per pass, a digest when several."""

    def __init__(self, coach: Coach, messenger: Messenger) -> None:
        self.coach = coach
        self.messenger = messenger
        self._pass = threading.Lock()

    def deliver_due(self) -> int:
        """Send everything due now; returns how many nudges were delivered.

        Passes never overlap, so the scheduler and the console cannot send the same nudge.
        """
        delivered = 0
        with self._pass:
            for person, nudges in self.coach.claim_due().items():
                for start in range(0, len(nudges), DIGEST_SIZE):
                    delivered += self._send(person, nudges[start : start + DIGEST_SIZE])
        return delivered

    def _send(self, person: Person, nudges: list[Nudge]) -> int:
        try:
            channel = self._dm_channel(person)
            message = build_nudge_message(person, nudges, self.coach.timezone(person))
            ts = self.messenger.post(channel, message)
        except (SlackApiError, SlackClientError, OSError) as error:
            LOGGER.warning(
                "Sending %d nudge(s) to %s failed, will retry: %s", len(nudges), person, error
            )
            self.coach.record_failed(person, nudges)
            return 0
        self.coach.record_sent(person, nudges, channel, ts)
        return len(nudges)

    def _dm_channel(self, person: Person) -> str:
        channel = self.coach.profile(person).dm_channel
        if channel is None:
            channel = self.messenger.open_dm(person.user_id)
            self.coach.remember_dm_channel(person, channel)
        return channel

    def refresh_message(self, person: Person, channel: str, ts: str) -> None:
        """Redraw a sent message from the store, so it shows what the person just did."""
        nudges = self.coach.message_nudges(person, ts)
        if nudges:
            message = build_nudge_message(person, nudges, self.coach.timezone(person))
            self.messenger.update(channel, ts, message)
