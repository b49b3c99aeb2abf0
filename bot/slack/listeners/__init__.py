"""Slack listeners, split by kind; each module registers itself on the app.

Every listener is registered through `tells_failures`: when the store cannot save a change (a
full disk, a failing device), the person hears plainly that nothing was saved, in the answer
Slack expects for that kind of request, instead of a "Saved" or Bolt's generic timeout.
"""

from __future__ import annotations

import inspect
import logging
from collections.abc import Callable
from typing import Any

from slack_bolt.kwargs_injection.args import Args

from bot.storage.protocol import StoreError

LOGGER = logging.getLogger(__name__)

NOT_SAVED = (
    ":warning: I couldn't save that just now: my storage is failing. Nothing was changed; "
    "please try again in a few minutes."
)


def tells_failures(listener: Callable[..., None]) -> Callable[[Args], None]:
    """The listener, called with the arguments it names, answering store failures itself."""
    wanted = list(inspect.signature(listener).parameters)

    def run(args: Args) -> None:
        try:
            listener(**{name: getattr(args, name) for name in wanted})
        except StoreError as error:
            LOGGER.error("A %s could not be saved: %s", _kind(args.body), error)
            _tell_not_saved(args)

    run.__name__ = listener.__name__
    run.__qualname__ = listener.__qualname__
    run.__doc__ = listener.__doc__
    return run


def _kind(body: dict[str, Any]) -> str:
    return str(body.get("command") or body.get("type") or "request")


def _tell_not_saved(args: Args) -> None:
    """Answer as the request's kind allows: in the ack if it is still open, else after."""
    body = args.body
    acked = args.ack.response is not None
    if body.get("type") == "view_submission" and not acked:
        args.ack(response_action="errors", errors={"company": NOT_SAVED[:150]})
    elif "command" in body and not acked:
        args.ack(response_type="ephemeral", text=NOT_SAVED)
    elif body.get("response_url") or body.get("type") == "block_actions":
        if not acked:
            args.ack()
        args.respond(response_type="ephemeral", replace_original=False, text=NOT_SAVED)
    else:
        if not acked:
            args.ack()
        args.say(text=NOT_SAVED)
