"""Making a person's words safe to show in Slack, keeping texts inside Slack's limits, and
reading names the same way however they were pasted."""

from __future__ import annotations

import re
import unicodedata

_ESCAPES = str.maketrans({"&": "&amp;", "<": "&lt;", ">": "&gt;"})


def escape(text: str) -> str:
    """Escape mrkdwn control characters so typed text can never ping `@channel` or fake a link.

    Slack reads `<...>` as mentions and links and `&...;` as entities; escaping only these three
    characters is what Slack documents, and it keeps everything else readable as typed. What
    is escaped is shown, so it is made `display`-safe too.
    """
    return display(text).translate(_ESCAPES)


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


#: Most combining marks (accents, tone marks) shown on one base character; more is a flood
#: that draws over the lines around it.
MARKS_PER_CHARACTER = 2
_LINE_BREAKS = str.maketrans({"\u2028": "\n", "\u2029": "\n", "\r": ""})


def display(text: str) -> str:
    """A person's text as the coach shows it (DM, Home tab, modal, calendar), never as kept.

    Control characters other than line breaks and tabs, format characters (zero-width
    spaces and joiners, bidi overrides and isolates that reverse what follows, the byte-order
    mark), other invisible fillers and lone surrogates go; a run of combining marks is cut to
    MARKS_PER_CHARACTER after NFC has composed what it can (so "é" and Vietnamese letters
    keep theirs). It only removes characters, so it never undoes an escape, and is idempotent.
    """
    text = unicodedata.normalize("NFC", _INVISIBLE.sub("", text.translate(_LINE_BREAKS)))
    shown: list[str] = []
    marks = 0
    for char in text:
        kind = unicodedata.category(char)
        if kind in ("Cf", "Cs") or (kind == "Cc" and char not in "\n\t"):
            continue
        if kind in ("Mn", "Me"):
            marks += 1
            if marks > MARKS_PER_CHARACTER or not shown:
                continue
        else:
            marks = 0
        shown.append(char)
    return "".join(shown)
