"""How a draft is cut into words and sentences, shared by every part of the checker."""

from __future__ import annotations

import re

APOSTROPHES = str.maketrans({"’": "'", "‘": "'", "ʼ": "'"})
#: A word: letters of any alphabet ("Łukasz", "Nguyễn"), digits inside ("B2B"), "I'm".
WORD = re.compile(r"[^\W\d_][^\W_]*(?:'[^\W\d_]+)?")
URLS_AND_ADDRESSES = re.compile(r"\S+@\S+|https?://\S+|www\.\S+|\[[^\]]*\]")
#: Where a sentence starts: a capitalised word there is not taken for a name.
SENTENCE_START = re.compile(r"(?:\A|[.!?:][\"'”)]*\s+|\n[ \t]*\n)[\s\"'“(*•-]*")


def masked(text: str) -> str:
    """The text with addresses, links and [brackets] blanked out, positions kept."""
    return URLS_AND_ADDRESSES.sub(lambda m: " " * len(m.group(0)), text)
