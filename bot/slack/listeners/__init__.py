"""Slack listeners, split by kind; each module registers itself on the app.

Every listener is registered through `tells_failures`: when the store cannot save a change (a
full disk, a failing device, a database out of reach), the person hears plainly that nothing
was saved, in the answer Slack expects for that kind of request, instead of a "Saved" or Bolt's
generic timeout; when their data stays locked elsewhere (StoreBusy), that the coach is busy and
a moment later will do. The listener keeps to the request's deadline for its store calls.
"""

from __future__ import annotations

import inspect
import logging
from collections.abc import Callable
from typing import Any

from slack_bolt.kwargs_injection.args import Args

from bot.storage.deadline import waiting_until
from bot.storage.protocol import StoreBusy, StoreError, StoreUnavailable

LOGGER = logging.getLogger(__name__)

NOT_SAVED = (
    ":warning: I couldn't save that just now: my storage is failing. Nothing was changed; "
    "please try again in a few minutes."
)
UNREACHABLE = (
    ":warning: I can't reach my storage just now, so nothing was changed. "
    "Please try again in a few minutes."
)
BUSY = (
    ":hourglass_flowing_sand: I'm busy with your data just now, so nothing was changed. "
    "Please try again in a moment."
)
#: The context key the app's middleware sets when the person's data stayed locked.
STORE_BUSY = "store_busy"


def tells_failures(listener: Callable[..., None]) -> Callable[[Args], None]:
    """The listener, called with the arguments it names, answering store failures itself."""
    wanted = list(inspect.signature(listener).parameters)

    def run(args: Args) -> None:
        if args.context.get(STORE_BUSY):
            LOGGER.warning("A %s waited for data held elsewhere", _kind(args.body))
            if _asked(args.body):
                _tell(args, BUSY)
            elif args.ack.response is None:
                args.ack()
            return
        try:
            with waiting_until(args.context.get("deadline")):
                listener(**{name: getattr(args, name) for name in wanted})
        except StoreBusy as error:
            LOGGER.warning("A %s found the store busy: %s", _kind(args.body), error)
            _tell(args, BUSY)
        except StoreUnavailable as error:
            LOGGER.error("A %s could not reach the store: %s", _kind(args.body), error)
            _tell(args, UNREACHABLE)
        except StoreError as error:
            LOGGER.error("A %s could not be saved: %s", _kind(args.body), error)
            _tell(args, NOT_SAVED)

    run.__name__ = listener.__name__
    run.__qualname__ = listener.__qualname__
    run.__doc__ = listener.__doc__
    return run


def _asked(body: dict[str, Any]) -> bool:
    """A request that expects an answer: anything but an event other than the person's words
    (opening the Home tab asks nothing)."""
    event = body.get("event")
    return not isinstance(event, dict) or event.get("type") == "message"


def _kind(body: dict[str, Any]) -> str:
    return str(body.get("command") or body.get("type") or "request")


def _tell(args: Args, text: str) -> None:
    """Answer as the request's kind allows: in the ack if it is still open, else after."""
    body = args.body
    acked = args.ack.response is not None
    if body.get("type") == "view_submission" and not acked:
        args.ack(response_action="errors", errors={"company": text[:150]})
    elif "command" in body and not acked:
        args.ack(response_type="ephemeral", text=text)
    elif body.get("response_url") or body.get("type") == "block_actions":
        if not acked:
            args.ack()
        args.respond(response_type="ephemeral", replace_original=False, text=text)
    else:
        if not acked:
            args.ack()
        args.say(text=text)
