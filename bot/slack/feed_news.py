"""Posting what a calendar feed poll found: offers, moved and cancelled interviews, problems."""

from __future__ import annotations

import logging

from slack_sdk.errors import SlackApiError, SlackClientError

from bot.coach.calendar_watch import CalendarWatch, FeedNews
from bot.coach.delivery import DeliveryProblem
from bot.domain.interview import Person
from bot.slack.capture_blocks import build_cancelled, build_feed_problem, build_moved, build_offer
from bot.slack.surfaces import Surfaces

LOGGER = logging.getLogger(__name__)


class FeedRound:
    """One round over the due feeds: poll (one replica per feed), then tell each person."""

    def __init__(self, watch: CalendarWatch, surfaces: Surfaces) -> None:
        self.watch = watch
        self.surfaces = surfaces

    def __call__(self) -> int:
        """How many people were told something."""
        told = self.watch.poll_due()
        for person, news in told:
            self.tell(person, news)
        return len(told)

    def tell(self, person: Person, news: FeedNews) -> None:
        coach = self.surfaces.coach
        tz = coach.timezone(person)
        messages = [build_offer(person, offer, tz) for offer in news.offers]
        messages += [
            build_moved(i, plan.nudges if plan else [], why, tz) for i, plan, why in news.moved
        ]
        messages += [build_cancelled(i) for i in news.cancelled]
        if news.problem:
            messages.append(build_feed_problem(news.problem))
        if not messages:
            return
        messenger = self.surfaces.messenger
        try:
            channel = coach.profile(person).dm_channel or messenger.open_dm(person)
            client = messenger.client(person.team_id)
            for message in messages:
                client.chat_postMessage(
                    channel=channel, text=message["text"], blocks=message["blocks"]
                )
        except (SlackApiError, SlackClientError, OSError) as error:
            LOGGER.warning(
                "Could not tell %s what their calendar changed: %s", person.user_id, error
            )
        except DeliveryProblem as error:
            LOGGER.warning("Could not reach %s about their calendar: %s", person.user_id, error)
        if news.moved or news.cancelled:
            self.surfaces.publish_home(person)
