"""Workspaces coming and going: an install resumes delivery, a departure stops it at once and
forgets the workspace's people once a grace period has passed, unless they come back first.

The grace period is there because uninstalling is often a mistake or a reinstall in the making:
people who come back find their interviews and follow-ups where they left them. After it,
nothing of theirs is kept.
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta

from bot.clock import Clock
from bot.coach.delivery import Delivery
from bot.domain.text import plural
from bot.storage.protocol import Store

LOGGER = logging.getLogger(__name__)


class Workspaces:
    """Installs and departures of workspaces, over the store, on the injected clock."""

    def __init__(self, store: Store, clock: Clock, delivery: Delivery, *, grace: timedelta) -> None:
        self.store = store
        self.clock = clock
        self.delivery = delivery
        self.grace = grace

    def installed(self, team_id: str) -> None:
        """A (re)install: its people's data is kept and delivery goes on with the new token."""
        if self.store.cancel_workspace_forget(team_id):
            LOGGER.info("Workspace %s installed the app again: its data is kept", team_id)
        else:
            LOGGER.info("Workspace %s installed the app", team_id)
        self.delivery.resume_team(team_id)

    def left(self, team_id: str, reason: str) -> datetime:
        """The workspace uninstalled the app or revoked its token: stop at once, drop the token,
        and plan the forgetting. Returns when its people's data will be deleted."""
        self.delivery.stop_team(team_id, reason)
        self.store.delete_installation(team_id)
        forget_at = self.store.schedule_workspace_forget(team_id, self.clock.now() + self.grace)
        LOGGER.warning(
            "Workspace %s left (%s): delivery stopped, its token deleted; its people's data will "
            "be deleted at %s unless it installs the app again before then.",
            team_id,
            reason,
            forget_at.isoformat(timespec="minutes"),
        )
        return forget_at

    def forget_due(self) -> list[str]:
        """Forget every workspace whose grace period has ended; the ones forgotten."""
        forgotten: list[str] = []
        for team_id in self.store.workspaces_to_forget(self.clock.now()):
            if self.store.find_installation(team_id) is not None:
                # Installed again after all (the schedule outlived a reinstall): keep everything.
                self.store.cancel_workspace_forget(team_id)
                continue
            self.forget(team_id)
            forgotten.append(team_id)
        return forgotten

    def forget(self, team_id: str) -> int:
        """Delete the workspace's people's data now; how many people it held."""
        count = self.store.forget_workspace(team_id)
        LOGGER.warning(
            "Deleted the data of %s of workspace %s", plural(count, "person", "people"), team_id
        )
        return count
