"""Making a person's words safe to show in Slack, and keeping texts inside Slack's limits."""

from __future__ import annotations

_ESCAPES = str.maketrans({"&": "&amp;", "<": "&lt;", ">": "&gt;"})


def escape(text: str) -> str:
    """Escape mrkdwn control characters so typed text can never ping `@channel` or fake a link.

    Slack reads `<...>` as mentions and links and `&...;` as entities; escaping only these three
    characters is what Slack documents, and it keeps everything else readable as typed.
    """
    return text.translate(_ESCAPES)


def unescape(text: str) -> str:
    """The inverse of `escape`, for showing Slack text in a terminal."""
    return text.replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")


def shorten(text: str, limit: int) -> str:
    """Cut to `limit` characters with an ellipsis, so a long field never breaks a block."""
    if len(text) <= limit:
        return text
    return text[: max(limit - 1, 0)].rstrip() + "…"


def plural(count: int, word: str, many: str | None = None) -> str:
    """A count with its noun: "1 item", "2 items", never "item(s)"."""
    return f"{count} {word if count == 1 else many or word + 's'}"
