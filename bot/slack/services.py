"""What the listeners need, in one place: handed to each request through Bolt's context."""

from __future__ import annotations

from dataclasses import dataclass

from bot.clock import Clock
from bot.coach.calendar_watch import CalendarWatch
from bot.coach.coach import Coach
from bot.coach.delivery import Delivery
from bot.coach.workspaces import Workspaces
from bot.domain.draft_check import DraftChecker
from bot.domain.drafts import DraftBook
from bot.domain.reply_words import ReplyWords
from bot.slack.surfaces import Surfaces


@dataclass
class Services:
    """The coach and its helpers, as the listeners use them."""

    coach: Coach
    delivery: Delivery
    surfaces: Surfaces
    clock: Clock
    drafts: DraftBook
    checker: DraftChecker
    #: The words of replies in the DM (`rules/replies.yml`).
    replies: ReplyWords
    #: Installs and departures; None with a single workspace's token from the settings.
    workspaces: Workspaces | None = None
    #: The people's calendar feeds (`/interview calendar <address>`).
    watch: CalendarWatch | None = None
