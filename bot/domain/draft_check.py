"""The draft checker: spelling, doubled words, greeting and sign-off, names, tone, length.

It runs offline (pyspellchecker ships its English word list), knows the names that belong
in the note (company, role, interviewers, the sender) so it does not flag them, knows the
person's other employers so a note naming one of them is caught, and never keeps the text
it checks.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from spellchecker import SpellChecker

from bot.domain.drafts import first_name
from bot.domain.interview import Interview

#: Longer than this, a thank-you or follow-up stops being read to the end.
MAX_WORDS = 250
#: Suggestions shown for one misspelt word.
SUGGESTIONS = 3
#: How often (in the word list's counts) each half of a run-together word must occur.
COMMON = 100_000
#: A correction must be at least this common for an unknown word to count as a typo;
#: an unknown word with no such neighbour is a term the list lacks ("baristas").
LIKELY = 1_000
#: Two-edit corrections come from these more common words only, to stay fast and sure.
TWO_EDITS_COMMON = 5_000
#: Past this many misspelt words a draft needs rewriting, not a list; and unknown words
#: looked up (two edits deep for the first few) are capped, so a pasted page of noise is
#: answered as fast as a note.
MAX_MISSPELT = 12
MAX_LOOK_UPS = 60
MAX_DEEP_LOOK_UPS = 8

_APOSTROPHES = str.maketrans({"’": "'", "‘": "'", "ʼ": "'"})
#: A word: letters of any alphabet ("Łukasz", "Nguyễn"), digits inside ("B2B"), "I'm".
_WORD = re.compile(r"[^\W\d_][^\W_]*(?:'[^\W\d_]+)?")
#: Prefixes that only live in hyphenated words ("multi-region", "non-trivial").
_PREFIXES = frozenset({"multi", "non", "pre", "co", "cross", "sub", "anti", "self", "re", "inter"})
#: Prefixes written solid onto a known word ("misconfigured", "replatform", "unblocked").
_WORD_PREFIXES = (
    *("mis", "un", "re", "pre", "non", "over", "under", "co"),
    *("multi", "sub", "inter", "micro", "auto", "cross", "de"),
)
#: British spellings, rewritten towards their American twin, which the word list has:
#: "colour", "organisation", "analysing", "centre", "catalogue", "licence", "travelled",
#: "programme", "fulfil", "paediatric". A word is British when some rewrite is a known word.
_BRITISH = tuple(
    (re.compile(pattern), american)
    for pattern, american in (
        (r"our", "or"),
        (r"is(?=e|ing|ation|abl)", "iz"),
        (r"ys(?=e|ing)", "yz"),
        (r"tre(?=s?$)", "ter"),
        (r"tr(?=ed$|ing$)", "ter"),
        (r"ogue(?=s?$)", "og"),
        (r"ence(?=s?$)", "ense"),
        (r"ll(?=ed|ing|er|or)", "l"),
        (r"mme(?=s?$)", "m"),
        (r"([io])l(?=ful|ment|ments|s?$)", r"\1ll"),
        (r"ae", "e"),
        (r"oe", "e"),
    )
)
_URLS_AND_ADDRESSES = re.compile(r"\S+@\S+|https?://\S+|www\.\S+|\[[^\]]*\]")
#: Where a sentence starts: a capitalised word there is not taken for a name.
_SENTENCE_START = re.compile(r"(?:\A|[.!?:][\"'”)]*\s+|\n[ \t]*\n)[\s\"'“(*•-]*")
_DOUBLED = re.compile(r"\b([A-Za-z]+)\s+\1\b", re.IGNORECASE)
#: Doubled words that are grammatical ("I think that that works", "we had had").
_FINE_TWICE = frozenset({"that", "had"})
_GREETING = re.compile(
    r"^\s*(dear|hi|hiya|hello|hey|good (morning|afternoon|evening)|greetings|morning|"
    r"kia ora)\b",
    re.I,
)
_SUBJECT = re.compile(r"^\s*(subject|re)\s*:", re.I)
#: Words a greeting may hold that are not names ("Dear Hiring Manager", "Hi all").
_GENERIC = frozenset(
    {
        "all",
        "and",
        "both",
        "everyone",
        "folks",
        "hiring",
        "manager",
        "team",
        "there",
        "sir",
        "madam",
        "committee",
        "panel",
        "recruiter",
        "recruiting",
        "talent",
        "you",
        "again",
    }
)
_TITLES = frozenset({"dr", "mr", "mrs", "ms", "miss", "mx", "prof", "professor"})
_SIGN_OFF_PHRASE = (
    r"(?i:(?:with )?(?:best|all the best|best wishes|(?:best|kind|kindest|warm|warmest|many) "
    r"regards)|yours faithfully|ngā mihi|"
    r"warm wishes|warmly|regards|(?:many|with) thanks|thanks(?: again| so much)?|"
    r"thank you(?: again| so much| for your (?:time|consideration))?|"
    r"thanks for your time|with gratitude|gratefully|(?:yours )?sincerely(?: yours)?|"
    r"yours truly|respectfully|cheers|take care)"
)
#: A sign-off ends a line, alone or before the sender's name ("Best, Sam Lee").
_SIGN_OFF = re.compile(
    rf"(?:^|[.!?]\s+|[,;]\s+){_SIGN_OFF_PHRASE}\s*[,.!]?\s*(?:[-–—]\s*)?"
    r"(?P<name>[^\W\d_][\w'.-]*(?:\s+[^\W\d_][\w'.-]*){0,3})?\s*$"
)
_JOIN = r"(join|work|be (a )?part|contribute|help|be considered|bring|take on|run|lead|build|grow)"
_INTEREST = re.compile(
    r"\b(excited|exciting|enthusiastic|interested|my interest|eager|keen|thrilled|passionate|"
    r"delighted|first choice|dream (job|role)|exactly what|exactly the kind|can't wait|"
    r"cannot wait|jump at the chance|love to|would love|'d love|appeals to me|"
    r"look(ing)? forward to (joining|working|contributing|being part|the next|hearing about "
    r"the next)|want (this|the) (job|role|position|post)|would welcome the chance|"
    rf"(want|wanting|hope|hoping) to {_JOIN}|"
    rf"(would|'d|really|truly|very much|definitely)( \w+){{0,3}} (like|love|want) to {_JOIN}|"
    r"(would|'d) be (honou?red|proud|glad|happy|delighted|pleased|thrilled) to)\b",
    re.IGNORECASE,
)
#: Verbs of things done: "I have led", "I've given", "I supervised" claim a reason to hire.
_DONE = (
    "achieved|added|administered|advised|analy[sz]ed|architected|assessed|audited|authored|"
    "automated|boosted|budgeted|built|championed|coached|collaborated|completed|conducted|"
    "consolidated|coordinated|created|cut|debugged|decreased|delivered|deployed|designed|"
    "developed|directed|doubled|drafted|drove|driven|edited|enabled|engineered|established|"
    "evaluated|exceeded|executed|expanded|facilitated|founded|generated|given|grew|grown|"
    "guided|handled|headed|held|helped|hired|implemented|improved|increased|initiated|"
    "installed|introduced|launched|led|lectured|maintained|managed|mentored|migrated|"
    "model?led|monitored|negotiated|onboarded|operated|optimi[sz]ed|organi[sz]ed|oversaw|"
    "overseen|owned|performed|piloted|pioneered|planned|prepared|presented|prescribed|"
    "produced|programmed|published|raised|ran|rebuilt|recruited|redesigned|reduced|"
    "refactored|researched|resolved|restructured|revamped|run|saved|scaled|secured|served|"
    "shipped|simplified|sold|solved|spearheaded|spent|streamlined|strengthened|supervised|"
    "supported|taught|tested|trained|transformed|treated|tripled|tutored|volunteered|won|"
    "worked|wrote|written|cared|nursed|cooked|closed|qualified|graduated|studied|taken|"
    "kept|look after|looked after|looking after"
)
#: Past tenses in a note that report the conversation rather than claim something done.
_NOT_DONE = re.compile(
    "("
    "enjoyed|appreciated|loved|liked|learned|noticed|wanted|hoped|mentioned|discussed|"
    "talked|wondered|realised|realized|visited|attached|included|followed|reached|checked|"
    "looked|asked|answered|waited|expected|started|finished|decided|received|applied|"
    "interviewed|missed|valued|admired|wished|needed|tried|considered|reflected|imagined|"
    "pictured|walked|returned|arrived|called|emailed|signed|passed|agreed|guessed|assumed|"
    "happened|seemed|remembered|stayed|listened|watched|played|stopped|showed|believed|"
    "thanked|appeared|opened"
    ")"
)
_I_DID = re.compile(r"\bi( have|'ve| had)?( \w+ly| also| already| then)? (\w+ed)\b", re.I)
_FIT = re.compile(
    r"\b(fit|fits|suited|experience|experienced|background|skills?|strengths?|bring|"
    r"contribute|help the team|confident|qualif\w*|track record|expertise|proven|years of|"
    r"translate well|carry over|maps? (closely|directly|well)|certificat\w*|certified|"
    r"licensed|degree in|hit the ground running|settle in quickly|up to speed|"
    r"my (\w+ )?years|(for|over) (the (last|past) )?(\d+|two|three|four|five|six|seven|"
    r"eight|nine|ten|several|many) years|"
    rf"i( have|'ve| had|'d)?( \w+ly| also| already)? ({_DONE})|\d+(\.\d+)? ?%)\b",
    re.IGNORECASE,
)
#: A follow-up: it restates interest; why the person fits was said in the thank-you.
_FOLLOW_UP = re.compile(
    r"\b(follow(ing)? up|check(ing)? in|still in the running|(any|an) (update|news)|timeline|"
    r"timescale|where things stand|next step|circling back|touching base|touch base|"
    r"reaching out again|still (very |really |so )?(interested|keen|excited|enthusiastic))\b",
    re.IGNORECASE,
)
#: A reply to a rejection: it need not argue interest or fit any more.
_REJECTION_REPLY = re.compile(
    r"\b(disappointed|not (to )?(be )?mov(e|ing) forward|(another|other|a different) "
    r"candidate|went with someone|unsuccessful|not been selected|(wasn't|was not) selected|"
    r"decided not to|not the outcome|successful candidate|candidate you (chose|have chosen|"
    r"selected)|(didn't|did not) work out|(gone|go|going|went) (ahead )?with (another|someone|"
    r"a different)|appointed (another|someone)|a shame)\b",
    re.IGNORECASE,
)
_ASKS = r"(let me know|tell me|get back to me|hear back|hear from you|reply|respond|answer)"
#: What they said themselves, reported back, is no pressure ("you hoped to decide by May").
_REPORTED = re.compile(
    r"\b(you|they|the team)( \w+)? (said|mentioned|hoped|planned|expected|aimed|were hoping|"
    r"are hoping|told me|indicated)\b[^.!?\n]*$",
    re.IGNORECASE,
)
_PUSHY = (
    (
        re.compile(r"\bi expect (to hear|an answer|a decision|a response|a reply)", re.I),
        "expects an answer",
    ),
    (
        re.compile(
            rf"\b({_ASKS}|decision|update)\b[^.!?\n]{{0,25}}\b(asap|as soon as possible)\b", re.I
        ),
        "asks for speed (ASAP)",
    ),
    (
        re.compile(
            rf"\b({_ASKS}|decision|update)\b[^.!?\n]{{0,25}}\b(immediately|right away|urgently|"
            r"straight away)\b|\b(this|it) is urgent\b",
            re.I,
        ),
        "sounds urgent",
    ),
    (
        re.compile(
            r"\b(i demand|i insist)\b|\bi need (an? |your |the )?(answer|decision|response|"
            r"reply|update)\b|\byou (must|need to|have to) (reply|respond|decide|answer|get "
            r"back|let me know|tell me|give me|make)\b",
            re.I,
        ),
        "makes demands",
    ),
    (
        re.compile(
            rf"\b{_ASKS}( to me)?( with)?( (your|a|the) (final )?(decision|answer|response))?"
            r" (by|before|no later than|within) (?!now\b|then\b)"
            r"|\b(please|kindly|could you|can you) (decide|confirm|make (a|your) decision)\b"
            r"[^.!?\n]{0,20}\b(by|before|within) "
            r"|\b(appreciate|need|expect|require|want|like)\b[^.!?\n]{0,25}\b(your|a|the) "
            r"(final )?(decision|answer|response|reply|offer)\b[^.!?\n]{0,15}"
            r"\b(by|before|no later than|within) (?!now\b|then\b)",
            re.I,
        ),
        "sets them a deadline for their decision",
    ),
    (
        re.compile(
            r"\bwhy (haven't|have not|didn't|did not) you\b|\bwhy (was i|i was|wasn't i|i "
            r"wasn't) (rejected|not selected|turned down|passed over)",
            re.I,
        ),
        "sounds accusing",
    ),
    (
        re.compile(
            r"\b(since|as|because|now that|given that) i('ve| have| now have)?( got| received| "
            r"been given| been made)? (an|another|other|a competing|competing|several|two|"
            r"multiple) offers?\b|\b(an)?other offers?,? so\b|\b(other|competing|another) "
            r"offers?\b[^.!?\n]*\b(unless|if you (don't|do not|can't|cannot)|before i "
            r"(accept|sign|take))",
            re.I,
        ),
        "uses other offers as pressure",
    ),
    (
        re.compile(r"\bi (deserve|have earned|'ve earned)\b|\b(you )?owe me\b", re.I),
        "sounds entitled",
    ),
)
_FILLER = re.compile(
    r"\bjust (wanted to )?(checking|check|following|follow|touching|touch|circling|circle|"
    r"bumping|bump)( in| up| base| back)?\b|\btouching base\b|\bbumping this\b",
    re.IGNORECASE,
)
#: Words of a role that may be left out when naming it ("the data analyst role").
_ROLE_EXTRAS = frozenset(
    {"senior", "junior", "lead", "staff", "principal", "sr", "jr", "associate", "mid", "level"}
)
_SMALL_WORDS = frozenset({"of", "the", "and", "for", "in", "a", "an", "to", "at", "on"})


@dataclass(frozen=True)
class DraftContext:
    """What the note is about: names the checker expects, must not flag, or must catch."""

    company: str = ""
    role: str = ""
    interviewers: tuple[str, ...] = ()
    sender: str = ""
    #: Names from the person's other interviews: never flagged as misspelt.
    others: tuple[str, ...] = ()
    #: The person's other employers: naming one in this note is likely a copy-paste slip.
    other_companies: tuple[str, ...] = ()


@dataclass(frozen=True)
class Finding:
    kind: str
    message: str


@dataclass(frozen=True)
class Review:
    findings: list[Finding] = field(default_factory=list)
    words: int = 0

    @property
    def ready(self) -> bool:
        return not self.findings


class DraftChecker:
    """Loads the word list once (about 0.2 s); each review after that takes milliseconds."""

    def __init__(self, known_words: Iterable[str] = ()) -> None:
        self._speller = SpellChecker(distance=1)
        self._known = {w.lower() for w in known_words}
        self._common_by_letter: dict[str, list[str]] = {}
        for word, count in self._speller.word_frequency.items():
            if count >= TWO_EDITS_COMMON and len(word) >= 4 and word.isalpha():
                self._common_by_letter.setdefault(word[0], []).append(word)

    def review(self, text: str, context: DraftContext) -> Review:
        text = text.translate(_APOSTROPHES)
        masked = _URLS_AND_ADDRESSES.sub(lambda m: " " * len(m.group(0)), text)
        tokens = [(m.group(0), m.start()) for m in _WORD.finditer(masked)]
        words = [word for word, _ in tokens]
        starts = {m.end() for m in _SENTENCE_START.finditer(masked)}
        greeting_end = _greeted(text)[1]
        if greeting_end:
            starts.add(next((at for _, at in tokens if at >= greeting_end), 0))
        signed_at = _sign_off_at(text)
        misspelt = self._spelling(tokens, starts, signed_at, context)
        findings = [
            Finding("spelling", f"“{word}” looks misspelt." + _did_you_mean(options))
            for word, options in misspelt.items()
        ]
        for match in {m.group(0).lower(): m for m in _DOUBLED.finditer(masked)}.values():
            if match.group(1).lower() not in _FINE_TWICE:
                findings.append(
                    Finding("doubled", f"“{match.group(1)}” is doubled: “{match.group(0)}”.")
                )
        corrected = _corrected(text, misspelt)
        findings += _structure(corrected, _sign_off_at(corrected), context)
        findings += self._names(text, tokens, context)
        findings += [Finding("tone", f"Tone: this {why}.") for why in _pushy(text)]
        filler = _FILLER.search(text)
        if filler:
            findings.append(
                Finding(
                    "filler",
                    f"“{filler.group(0)}” is filler: say why you are writing in the first line.",
                )
            )
        if len(words) > MAX_WORDS:
            findings.append(
                Finding("length", f"It is {len(words)} words; under {MAX_WORDS} reads better.")
            )
        if ("[" in text and "]" in text) or re.search(r"\{[a-z_]+\}", text):
            findings.append(Finding("placeholder", "Replace the parts still in [brackets]."))
        return Review(findings, len(words))

    def known(self, word: str) -> bool:
        """A dictionary word, a listed one, a British spelling of one, or a compound of two
        common words ("playtest", "walkthrough")."""
        lowered = word.lower()
        return self._plain(lowered) or self._compound(lowered)

    def _plain(self, word: str) -> bool:
        return word in self._known or not self._speller.unknown([word]) or self._british(word)

    def _compound(self, word: str) -> bool:
        """Two common words run together, or a prefix on a known word ("misconfigured").

        Only common halves count, so a typo such as "teamate" (tea + mate) is still caught.
        """
        for prefix in _WORD_PREFIXES:
            rest = word[len(prefix) :]
            if word.startswith(prefix) and len(rest) > 3 and self._plain(rest):
                return True
        return any(
            self._common(word[:cut]) and self._common(word[cut:]) for cut in range(3, len(word) - 1)
        )

    def _common(self, word: str) -> bool:
        """A frequent word, or the plural of one."""
        singular = word[:-1] if word.endswith("s") else word
        return max(self._speller[word], self._speller[singular]) >= COMMON

    def suggestions(self, word: str) -> list[str]:
        """Likely corrections, the most common word first ("realy": really, real, ready).

        Only common words count: one letter away first, else two ("greatful": grateful).
        None means the word is no likely typo: a trade term or a name the list lacks.
        """
        return self._suggest(word, deep=True)

    def _suggest(self, word: str, *, deep: bool) -> list[str]:
        lowered = word.lower()
        found = {w for w in self._speller.candidates(lowered) or () if self._speller[w] >= LIKELY}
        found.discard(lowered)
        if not found and deep:
            found = self._two_edits_away(lowered)
        ranked = sorted(found, key=lambda w: (-self._speller[w], w))[:SUGGESTIONS]
        return [w.capitalize() for w in ranked] if word[:1].isupper() else ranked

    def _two_edits_away(self, word: str) -> set[str]:
        """Common words two edits away that start with the same letter: a fast look-up of
        the usual double slips ("tommorow", "proffesional") over a short list."""
        if len(word) < 5:
            return set()
        return {
            common
            for common in self._common_by_letter.get(word[0], ())
            if abs(len(common) - len(word)) <= 2 and _within_two_edits(word, common)
        }

    def _british(self, word: str) -> bool:
        """Accept a British spelling when its American twin is a known word."""
        variants = {word}
        for pattern, american in _BRITISH:
            variants |= {pattern.sub(american, v) for v in variants}
        variants.discard(word)
        return bool(variants & self._known) or len(self._speller.known(variants)) > 0

    def _spelling(
        self,
        tokens: list[tuple[str, int]],
        starts: set[int],
        signed_at: int | None,
        context: DraftContext,
    ) -> dict[str, list[str]]:
        """Misspelt words, each with its likely corrections; a page of noise is cut short."""
        expected = _name_parts(context)
        misspelt: dict[str, list[str]] = {}
        seen: set[str] = set()
        looked_up = 0
        for word, position in tokens:
            if len(misspelt) >= MAX_MISSPELT or looked_up >= MAX_LOOK_UPS:
                break
            base = word[:-2] if word.lower().endswith("'s") else word
            lowered = base.lower()
            if (
                lowered in seen
                or len(base) <= 1
                or any(c.isdigit() for c in base)
                or (base.isupper() and len(base) <= 5)
                or any(c.isupper() for c in base[1:])
                or lowered in expected
                or lowered in _PREFIXES
            ):
                continue
            after_sign_off = signed_at is not None and position >= signed_at
            if base[:1].isupper() and (position not in starts or after_sign_off):
                continue  # a proper name: a place, a product, a person, the sender
            seen.add(lowered)
            if self.known(base):
                continue
            looked_up += 1
            options = self._suggest(base, deep=looked_up <= MAX_DEEP_LOOK_UPS)
            if options:  # else no likely typo: a trade term or a name the list lacks
                misspelt[base] = options
        return misspelt

    def _names(
        self, text: str, tokens: list[tuple[str, int]], context: DraftContext
    ) -> list[Finding]:
        """Greet an interviewer of this interview by name, spelt right; name the right
        company and spell the sender's name right."""
        findings = []
        parts = _interviewer_parts(context.interviewers)
        greeted, greeting_end = _greeted(text)
        if parts:
            for name in greeted:
                findings += _greeted_name(name, parts, context)
            words = {word.lower() for word, _ in tokens}
            if not greeted and not words & set(parts):
                firsts = [first_name(name) for name in context.interviewers]
                who = firsts[0] if len(firsts) == 1 else f"one of {', '.join(firsts)}"
                findings.append(Finding("name", f"Address {who} by name."))
        near_checks = (
            ("name", parts),
            ("name", {p.lower(): p for p in _WORD.findall(context.sender) if len(p) > 2}),
            ("company", {p.lower(): p for p in _WORD.findall(context.company) if len(p) > 3}),
        )
        expected = _name_parts(context)
        for word, position in tokens:
            if position < greeting_end or not word[:1].isupper() or word.lower() in expected:
                continue
            for kind, names in near_checks:
                near = [n for key, n in names.items() if _one_edit_apart(word.lower(), key)]
                if near and not self.known(word):
                    findings.append(Finding(kind, f"“{word}” should probably be “{near[0]}”."))
                    break
        return _unique(findings)


def _greeted_name(name: str, parts: dict[str, str], context: DraftContext) -> list[Finding]:
    lowered = name.lower()
    if lowered in parts:
        return []
    near = [n for key, n in parts.items() if _one_edit_apart(lowered, key)]
    if near:
        return [Finding("name", f"“{name}” should probably be “{near[0]}”.")]
    at = f" at {context.company}" if context.company else ""
    listed = ", ".join(context.interviewers)
    return [
        Finding("name", f"“{name}” is not one of your interviewers{at} ({listed}): wrong name?")
    ]


def _greeted(text: str) -> tuple[list[str], int]:
    """The names in the greeting line ("Dear Dr Anna Kowalska," gives Anna, Kowalska), and
    where the greeting ends."""
    offset = 0
    lines = text.splitlines(keepends=True)
    for line in lines:
        if not line.strip() or _SUBJECT.match(line):
            offset += len(line)
            continue
        match = _GREETING.match(line)
        if not match:
            return [], 0
        rest = line[match.end() :]
        segment = re.split(r"[,!:\n]|\s[-–—]\s", rest, maxsplit=1)[0]
        names = [
            word
            for word in _WORD.findall(segment)
            if word[:1].isupper() and word.lower() not in _GENERIC and word.lower() not in _TITLES
        ]
        return names, offset + match.end() + len(segment)
    return [], 0


def _interviewer_parts(interviewers: Sequence[str]) -> dict[str, str]:
    """Each part of each interviewer's name (first, last), lowered, to how it is spelt."""
    return {
        part.lower(): part
        for name in interviewers
        for part in _WORD.findall(name)
        if len(part) > 1 and part.lower().rstrip(".") not in _TITLES
    }


def _name_parts(context: DraftContext) -> set[str]:
    return {
        part.lower()
        for name in (
            context.company,
            context.role,
            context.sender,
            *context.interviewers,
            *context.others,
            *context.other_companies,
        )
        for part in _WORD.findall(name.translate(_APOSTROPHES))
    }


def _unique(findings: list[Finding]) -> list[Finding]:
    return list(dict.fromkeys(findings))


def role_named(role: str, text: str) -> bool:
    """The role is named when its words are there; "Senior" or "Staff" may be left out."""
    if not role:
        return True
    if role.lower() in text.lower():
        return True
    words = {w.lower() for w in _WORD.findall(text)}
    needed = {w.lower() for w in _WORD.findall(role)} - _SMALL_WORDS
    core = needed - _ROLE_EXTRAS or needed
    return core <= words


def _sign_off_at(text: str) -> int | None:
    """Where the sign-off starts, when one of the last lines ends with one."""
    lines = text.splitlines(keepends=True)
    starts = [sum(len(line) for line in lines[:n]) for n in range(len(lines))]
    filled = [n for n, line in enumerate(lines) if line.strip()]
    for n in reversed(filled[-4:]):
        match = _SIGN_OFF.search(lines[n].rstrip())
        name = (match.group("name") or "").split() if match else []
        if match and all(word[:1].isupper() for word in name):
            return starts[n] + match.start()
    return None


def _structure(text: str, signed_at: int | None, context: DraftContext) -> list[Finding]:
    findings = []
    lines = [line for line in text.strip().splitlines() if line.strip()]
    opening = next((line for line in lines if not _SUBJECT.match(line)), "")
    if not _GREETING.search(opening):
        findings.append(Finding("greeting", "Start with a greeting, like “Dear Jane,”."))
    if signed_at is None:
        findings.append(
            Finding("sign-off", "End with a sign-off and your name, like “Best regards,”.")
        )
    rejection = bool(_REJECTION_REPLY.search(text))
    if context.company and context.company.lower() not in text.lower():
        findings.append(Finding("company", f"Name the company ({context.company})."))
    for other in _other_employers(text, context):
        findings.append(
            Finding("company", f"“{other}” is one of your other employers: wrong company?")
        )
    if not rejection and not role_named(context.role, text):
        findings.append(Finding("role", f"Name the role ({context.role})."))
    if not rejection and not _INTEREST.search(text):
        findings.append(Finding("interest", "Say plainly that you want the job."))
    if not rejection and not _FOLLOW_UP.search(text) and not _gives_a_reason(text):
        findings.append(Finding("fit", "Add one reason you are the best fit for it."))
    return findings


def _pushy(text: str) -> list[str]:
    """Why the draft sounds pushy: each rule once, unless it only reports their own words."""
    return [
        why
        for rule, why in _PUSHY
        if any(not _REPORTED.search(text[: m.start()]) for m in rule.finditer(text))
    ]


def _did_you_mean(options: list[str]) -> str:
    return f" Did you mean {', '.join(options)}?" if options else ""


def _corrected(text: str, misspelt: dict[str, list[str]]) -> str:
    """The text with each misspelt word read as its likeliest correction, so one typo
    ("experiance") is reported once and does not also hide the sentence it is in."""
    for word, options in misspelt.items():
        if options:
            text = re.sub(rf"\b{re.escape(word)}\b", options[0], text)
    return text


def _gives_a_reason(text: str) -> bool:
    """A reason to hire: fit words, years, credentials, results, or something the person did."""
    return bool(_FIT.search(text)) or any(
        not _NOT_DONE.fullmatch(m.group(3).lower()) for m in _I_DID.finditer(text)
    )


def _other_employers(text: str, context: DraftContext) -> list[str]:
    """Other employers the note names: a company name as typed, or in any case if typed
    all lower-case."""
    mine = context.company.casefold()
    found = []
    for other in dict.fromkeys(context.other_companies):
        theirs = other.casefold()
        if not theirs or theirs in mine or (mine and mine in theirs):
            continue
        flags = 0 if other != other.lower() else re.IGNORECASE
        if re.search(rf"(?<![\w-]){re.escape(other)}(?![\w-])", text, flags):
            found.append(other)
    return found


def _within_two_edits(a: str, b: str) -> bool:
    """At most two letters changed, added, dropped or swapped (a banded edit distance)."""
    if abs(len(a) - len(b)) > 2:
        return False
    previous2: list[int] = []
    previous = list(range(len(b) + 1))
    for i in range(1, len(a) + 1):
        row = [i] + [3] * len(b)
        for j in range(max(1, i - 2), min(len(b), i + 2) + 1):
            cost = a[i - 1] != b[j - 1]
            row[j] = min(previous[j] + 1, row[j - 1] + 1, previous[j - 1] + cost)
            if i > 1 and j > 1 and a[i - 1] == b[j - 2] and a[i - 2] == b[j - 1]:
                row[j] = min(row[j], previous2[j - 2] + 1)
        if min(row) > 2:
            return False
        previous2, previous = previous, row
    return previous[len(b)] <= 2


def _one_edit_apart(a: str, b: str) -> bool:
    """One letter changed, added, dropped, or two swapped: the usual name typos."""
    if a == b or abs(len(a) - len(b)) > 1 or min(len(a), len(b)) < 3:
        return False
    if len(a) == len(b):
        diffs = [i for i in range(len(a)) if a[i] != b[i]]
        if len(diffs) == 1:
            return True
        return len(diffs) == 2 and a[diffs[0]] == b[diffs[1]] and a[diffs[1]] == b[diffs[0]]
    short, long = (a, b) if len(a) < len(b) else (b, a)
    return any(long[:i] + long[i + 1 :] == short for i in range(len(long)))


def context_for(
    interviews: Sequence[Interview], companies: Iterable[str], sender: str, text: str
) -> DraftContext:
    """What a pasted draft is about: the interview whose interviewer it greets, whose company
    and role it names (the latest on a tie), with every other name of the person's."""
    ordered = sorted(interviews, key=lambda i: (i.starts_at, i.id))
    others = tuple(
        name for i in ordered for name in (i.company, i.role, *(x.name for x in i.interviewers))
    )
    if not ordered:
        return DraftContext(sender=sender, others=others)
    greeted = {name.lower() for name in _greeted(text.translate(_APOSTROPHES))[0]}
    words = {w.lower() for w in _WORD.findall(text.translate(_APOSTROPHES))}

    def score(interview: Interview) -> int:
        parts = set(_interviewer_parts([x.name for x in interview.interviewers]))
        return (
            3 * bool(greeted & parts)
            + bool(words & parts)
            + 2 * (interview.company.casefold() in text.casefold())
            + role_named(interview.role, text)
        )

    best = max(range(len(ordered)), key=lambda n: (score(ordered[n]), n))
    chosen = ordered[best]
    return DraftContext(
        company=chosen.company,
        role=chosen.role,
        interviewers=tuple(x.name for x in chosen.interviewers),
        sender=sender,
        others=others,
        other_companies=tuple(
            dict.fromkeys(c for c in companies if c.casefold() != chosen.company.casefold())
        ),
    )


def verdict(review: Review) -> str:
    if review.ready:
        return "Ready to send."
    count = len(review.findings)
    return f"Fix {count} thing{'' if count == 1 else 's'} before sending."
