"""Making a person's words safe to show in Slack, keeping texts inside Slack's limits, and
reading names the same way however they were pasted."""

from __future__ import annotations

import re
import unicodedata

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


#: Characters that change nothing a reader sees: zero-width spaces and joiners, the word
#: joiner, the byte-order mark, soft hyphens, and the bidi embeddings, overrides and isolates
#: that can make "Acme" and "emcA" look alike.
_INVISIBLE = re.compile(
    "[\u00ad\u034f\u061c\u115f\u1160\u17b4\u17b5\u180b-\u180f\u200b-\u200f"
    "\u202a-\u202e\u2060-\u206f\u3164\ufe00-\ufe0f\ufeff\uffa0]"
)


def match_key(name: str) -> str:
    """The form of a company or interviewer name used to compare it, never to show it.

    Names are kept as typed; two spellings that look the same to a person ("Acme" and
    "Ac\u200bme" pasted from a web page, "Ｇlobex" in full width, "globex  inc") must name one
    process, or a rejection recorded for one would let the other go on contacting them.
    NFKC folds compatibility forms, casefold folds case (ß, Σ), invisible characters go,
    and any run of whitespace is one space.
    """
    folded = unicodedata.normalize("NFKC", _INVISIBLE.sub("", name)).casefold()
    return " ".join(_INVISIBLE.sub("", folded).split())
