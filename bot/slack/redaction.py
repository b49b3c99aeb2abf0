"""Slack's libraries' debug lines without what people wrote.

At DEBUG, slack_sdk logs every Web API and response_url request and response in full, and
Bolt logs each reply it sends: companies, interviewers, notes, and the response URLs that
are credentials for half an hour. A log file keeps them after the person's `forget`. So
their debug lines keep only their first words (what happened) and the HTTP status; the
coach's own DEBUG lines name no one's words to begin with.
"""

from __future__ import annotations

import importlib.util
import logging
import re
from pathlib import Path

#: The libraries whose debug lines carry request and response bodies.
SLACK_LOGGERS = ("slack_sdk", "slack_bolt")

_STATUS = re.compile(r"\bstatus(?: code)?[:=]? ?(\d{3})\b")
_HEAD = re.compile(r"[^:{(\[<\n-]*")


class SlackBodies(logging.Filter):
    """Cut a Slack library's debug line to its head: 'Sending a request', 'Received the
    following response (status 200)'. Lines at INFO and above are left whole."""

    def filter(self, record: logging.LogRecord) -> bool:
        if record.levelno >= logging.INFO:
            return True
        text = record.getMessage()
        head = _HEAD.match(text)
        words = (head[0] if head else "").strip()[:80] or "Slack"
        status = _STATUS.search(text)
        record.msg = f"{words} (status {status[1]}; body not logged)" if status else words
        record.args = ()
        record.exc_info = record.exc_text = record.stack_info = None
        return True


def redact_slack_debug() -> logging.Logger:
    """Put the filter on the logger of every module of the Slack libraries (a filter applies
    only to the logger it is on, not to its children, and some of theirs are only made when
    first used), and return the one to hand Bolt's `App`: the loggers Bolt makes from it take
    its filters."""
    redact = SlackBodies()
    made = [name for name in logging.root.manager.loggerDict if name.split(".")[0] in SLACK_LOGGERS]
    for name in sorted({*SLACK_LOGGERS, *made, *_module_names()}):
        logger = logging.getLogger(name)
        if not any(isinstance(f, SlackBodies) for f in logger.filters):
            logger.addFilter(redact)
    return logging.getLogger("slack_bolt")


def _module_names() -> list[str]:
    """The libraries' module names, from their files (nothing is imported)."""
    names: list[str] = []
    for package in SLACK_LOGGERS:
        spec = importlib.util.find_spec(package)
        for folder in spec.submodule_search_locations or () if spec else ():
            root = Path(folder)
            for file in root.rglob("*.py"):
                parts = (package, *file.relative_to(root).with_suffix("").parts)
                names.append(".".join(parts[:-1] if parts[-1] == "__init__" else parts))
    return names
