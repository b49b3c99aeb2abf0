"""The people and places a note names: the greeting, the sign-off, interviewers, the sender,
the company and role, and the person's other employers."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import replace
from enum import Enum

from bot.domain.draft_check.model import DraftContext, Finding, unique
from bot.domain.draft_check.spelling import one_edit_apart, within_two_edits
from bot.domain.draft_check.tokens import APOSTROPHES, WORD
from bot.domain.drafts import first_name
from bot.domain.interview import Interview

GREETING = re.compile(
    r"^\s*(dear|hi|hiya|hello|hey|good (morning|afternoon|evening)|greetings|morning|"
    r"kia ora)\b",
    re.I,
)
SUBJECT = re.compile(r"^\s*(subject|re)\s*:", re.I)
#: Words a greeting may hold that are not names ("Dear Hiring Manager", "Hi all").
_GENERIC = frozenset(
    {
        *("all", "and", "both", "everyone", "folks", "hiring", "manager", "team", "there"),
        *("sir", "madam", "committee", "panel", "recruiter", "recruiting", "talent", "you"),
        "again",
    }
)
#: Titles and ranks before a surname ("Dear Inspector Dunn", "Dear Chef Moreau"): no name.
_TITLES = frozenset(
    {
        *("dr", "mr", "mrs", "ms", "miss", "mx", "prof", "professor", "doctor", "sir", "dame"),
        *("inspector", "sergeant", "sgt", "constable", "detective", "superintendent", "chief"),
        *("officer", "captain", "capt", "commander", "major", "colonel", "lieutenant", "lt"),
        *("councillor", "cllr", "reverend", "rev", "revd", "father", "pastor", "rabbi", "imam"),
        *("sister", "matron", "judge", "justice", "lord", "lady", "dean", "chef", "coach"),
        *("principal", "headteacher", "governor", "mayor", "senator", "ambassador"),
    }
)
_SIGN_OFF_PHRASE = (
    r"(?i:(?:with )?(?:best|all the best|best wishes|(?:best|kind|kindest|warm|warmest|many) "
    r"regards)|yours faithfully|ngā mihi|"
    r"warm wishes|warmly|regards|(?:many|with) thanks|thanks(?: again| so much)?|"
    r"thank you(?: again| so much| for your (?:time|consideration))?|"
    r"thanks for your time|with gratitude|gratefully|(?:yours )?sincerely(?: yours)?|"
    r"yours truly|respectfully|cheers|take care|(?:with )?love(?: and thanks)?|"
    r"with (?:love|thanks) and (?:love|thanks|gratitude))"
)
#: A sign-off ends a line, alone or before the sender's name ("Best, Sam Lee").
_SIGN_OFF = re.compile(
    rf"(?:^|[.!?]\s+|[,;]\s+){_SIGN_OFF_PHRASE}\s*[,.!]?\s*(?:[-–—]\s*)?"
    r"(?P<name>[^\W\d_][\w'.-]*(?:\s+[^\W\d_][\w'.-]*){0,3})?\s*$"
)
#: Words of a role that may be left out when naming it ("the data analyst role").
_ROLE_EXTRAS = frozenset(
    {"senior", "junior", "lead", "staff", "principal", "sr", "jr", "associate", "mid", "level"}
)
_SMALL_WORDS = frozenset({"of", "the", "and", "for", "in", "a", "an", "to", "at", "on"})


def greeted(text: str) -> tuple[list[str], int]:
    """The names in the greeting line ("Dear Dr Anna Kowalska," gives Anna, Kowalska), and
    where the greeting ends."""
    offset = 0
    for line in text.splitlines(keepends=True):
        if not line.strip() or SUBJECT.match(line):
            offset += len(line)
            continue
        match = GREETING.match(line)
        if not match:
            return [], 0
        rest = line[match.end() :]
        segment = re.split(r"[,!:\n]|\s[-–—]\s", rest, maxsplit=1)[0]
        names = [
            word
            for word in WORD.findall(segment)
            if word[:1].isupper() and word.lower() not in _GENERIC and word.lower() not in _TITLES
        ]
        return names, offset + match.end() + len(segment)
    return [], 0


def sign_off_at(text: str, sender: str = "") -> int | None:
    """Where the sign-off starts: a closing phrase on one of the last lines ("Best regards,",
    "Best, Sam"), or the sender's name at the end after a closing of any wording ("With
    thanks again to you and Dr Fraser,", "Thank you again for your time.") with a signature
    block below it (a title, a phone number, an address, a link)."""
    lines = text.splitlines(keepends=True)
    starts = [sum(len(line) for line in lines[:n]) for n in range(len(lines))]
    filled = [n for n, line in enumerate(lines) if line.strip()]
    # a postscript or a mail app's line after the signature is not the end of the note
    after = next((i for i, n in enumerate(filled) if _AFTER_SIGNATURE.match(lines[n])), None)
    if after is not None and after > 0:
        filled = filled[:after]
    for n in reversed(filled[-4:]):
        if _DASH_NAME.match(lines[n]):
            return starts[n]
        match = _SIGN_OFF.search(lines[n].rstrip())
        name = (match.group("name") or "").split() if match else []
        if match and all(word[:1].isupper() for word in name):
            return starts[n] + match.start()
    block = _signature_block(lines, filled, sender)
    if not block:
        return None
    before = [n for n in filled if n < block[0]]
    for n in block[:2]:
        if _SIGN_OFF.search(lines[n].rstrip()) or _A_CLOSING.match(lines[n].strip()):
            return starts[n]
    if before and _closes(lines[before[-1]].strip()):
        return starts[before[-1]]
    return None


#: A line of contact details in a signature block: a phone number, an address, a link.
_CONTACT = re.compile(
    r"@|https?://|www\.|\.(com|org|net|io|co|uk|dev)\b|linkedin|(\d[\s().-]*){7}", re.I
)
#: A line that closes a note in words of its own: short, ending with a comma.
_A_CLOSING = re.compile(r"^[^.!?]{2,80},$")
#: A closing sentence: thanks, a hope to hear from them, wishes.
_CLOSING_SENTENCE = re.compile(
    r"\b(thank(s| you)|grateful|appreciate|look(ing)? forward|hope to hear|hoping to hear|"
    r"speak (to you )?soon|talk soon|wishes|regards)\b[^.!?]*[.!]?$",
    re.I,
)


def _signature_block(lines: list[str], filled: list[int], sender: str) -> list[int]:
    """The last lines that sign the note: the name (the sender's, or a short line of
    capitalised words) and the title, phone, address and links under it."""
    own = {part.lower() for part in WORD.findall(sender) if len(part) > 1}
    block: list[int] = []
    for n in reversed(filled[-7:]):
        line = lines[n].strip()
        words = WORD.findall(line)
        if _CONTACT.search(line) or (line.startswith("(") and line.endswith(")")):
            block.insert(0, n)
            continue
        signs = own & {w.lower() for w in words} or all(w[:1].isupper() for w in words)
        if words and len(words) <= 6 and not re.search(r"[.!?]$", line) and signs:
            block.insert(0, n)
            continue
        break
    names = [n for n in block if own & {w.lower() for w in WORD.findall(lines[n])}]
    if own and not names and block:
        names = block[:1]
    return [n for n in block if n >= names[0]] if names else block


def _closes(line: str) -> bool:
    """The line before the name closes the note: ends with a comma, is a short wish ("Have a
    great weekend!"), or is a closing sentence ("Thank you again for your time.")."""
    last = re.split(r"(?<=[.!?])\s+", line)[-1]
    wish = last.endswith("!") and len(WORD.findall(last)) <= 6
    return bool(_A_CLOSING.match(line) or _CLOSING_SENTENCE.search(last) or wish)


#: Lines that may follow a signature: a postscript, a mail app's footer.
_AFTER_SIGNATURE = re.compile(r"\s*(p\.?\s?s\b|sent from my\b)", re.I)
#: A name after a dash on its own line: "— Sam", "-Sam Lee".
_DASH_NAME = re.compile(r"^\s*[-–—]+\s*[^\W\d_][\w'.-]*(\s+[^\W\d_][\w'.-]*){0,3}\s*$")


def opens_with_greeting(text: str) -> bool:
    lines = [line for line in text.strip().splitlines() if line.strip()]
    opening = next((line for line in lines if not SUBJECT.match(line)), "")
    return bool(GREETING.search(opening))


def interviewer_parts(interviewers: Sequence[str]) -> dict[str, str]:
    """Each part of each interviewer's name (first, last), lowered, to how it is spelt."""
    return {
        part.lower(): part
        for name in interviewers
        for part in WORD.findall(name)
        if len(part) > 1 and part.lower().rstrip(".") not in _TITLES
    }


def name_parts(context: DraftContext) -> set[str]:
    """Every word of every name the note may hold, lower-cased, with and without a
    possessive ("St Aldric's"): never a typo."""
    return {form for part in _name_words(context) for form in (part, part.removesuffix("'s"))}


def _name_words(context: DraftContext) -> set[str]:
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
        for part in WORD.findall(name.translate(APOSTROPHES))
    }


def names(
    text: str,
    tokens: list[tuple[str, int]],
    context: DraftContext,
    known: Callable[[str], bool],
    *,
    to_an_interviewer: bool = True,
    sure_of_addressee: bool = True,
) -> tuple[list[Finding], list[Finding]]:
    """(findings, suggestions): greet an interviewer of this interview by name, spelt right;
    name the right company and spell the sender's name right. A note to someone else (a
    reference) may greet anyone, but a name one letter off an interviewer's is still a typo.
    A stranger greeted is sure to be a wrong name only in a note sure to be for an
    interviewer (`sure_of_addressee`) that speaks of no interviewer in the third person and
    of no reference or arrangements: otherwise it is likely a note to someone else."""
    findings: list[Finding] = []
    unsure: list[Finding] = []
    parts = interviewer_parts(context.interviewers)
    greeted_names, greeting_end = greeted(text)
    body = {word.lower() for word, at in tokens if at >= greeting_end}
    if parts:
        about_them = (
            not sure_of_addressee or bool(body & set(parts)) or bool(_TO_SOMEONE_ELSE.search(text))
        )
        for name in greeted_names:
            short = [f for n in context.interviewers if _short_for(name, f := first_name(n))]
            if short and not any(one_edit_apart(name.lower(), key) for key in parts):
                # "Dan" for Daniel, "Katie" for Katherine: most likely the name they go by
                unsure.append(
                    Finding("name", f"“{name}”: short for {short[0]}? Use the name they sign with.")
                )
                continue
            for finding in _greeted_name(name, parts, context, to_an_interviewer):
                stranger = "wrong name?" in finding.message
                (unsure if stranger and about_them else findings).append(finding)
        words = {word.lower() for word, _ in tokens}
        # with no greeting at all, the missing greeting is the one thing to say
        greets = opens_with_greeting(text)
        if to_an_interviewer and greets and not greeted_names and not words & set(parts):
            firsts = [first_name(name) for name in context.interviewers]
            who = firsts[0] if len(firsts) == 1 else f"one of {', '.join(firsts)}"
            findings.append(Finding("name", f"Address {who} by name."))
    near_checks = (
        ("name", parts),
        ("name", {p.lower(): p for p in WORD.findall(context.sender) if len(p) > 2}),
        (
            "company",
            {
                p.lower().removesuffix("'s"): p.removesuffix("'s")
                for p in WORD.findall(context.company)
                if len(p) > 3
            },
        ),
    )
    expected = name_parts(context)
    # co-interviewers the body does not name: a stranger thanked in their place is likely one
    # of them under a wrong name ("please thank Kevin" for Kieran)
    greeted_keys = {g.lower() for g in greeted_names}
    unnamed = [
        first_name(name)
        for name in context.interviewers
        if len(context.interviewers) > 1
        and not {p.lower() for p in WORD.findall(name)} & (body | greeted_keys)
    ]
    for token, position in tokens:
        word = token[:-2] if token.lower().endswith("'s") else token
        if position < greeting_end or not word[:1].isupper() or word.lower() in expected:
            continue
        for kind, names_of in near_checks:
            near = [n for key, n in names_of.items() if one_edit_apart(word.lower(), key)]
            if near and not known(word):
                findings.append(Finding(kind, f"“{word}” should probably be “{near[0]}”."))
                break
        else:
            near = [n for key, n in parts.items() if key not in body and _misremembered(word, key)]
            ours = [n for key, n in near_checks[2][1].items() if _misremembered(word, key)]
            if near and _a_person(text, position, word):
                findings.append(Finding("name", f"“{word}” should probably be “{near[0]}”."))
            elif ours and not known(word):
                findings.append(Finding("company", f"“{word}” should probably be “{ours[0]}”."))
            elif (
                unnamed
                and len(word) > 2
                and word.lower() not in parts
                and _a_person(text, position, word)
                and (theirs := [n for n in unnamed if n[:1].lower() == word[:1].lower()])
            ):
                findings.append(
                    Finding("name", f"“{word}” is not one of your interviewers: “{theirs[0]}”?")
                )
    return unique(findings), unique(unsure)


#: Words of a note to someone other than an interviewer: a reference, a recruiter.
_TO_SOMEONE_ELSE = re.compile(
    r"\b(references?|referees?|recommendation|(arranging|coordinating|organi[sz]ing|scheduling|"
    r"setting up) (the|my|our|this|today's))\b",
    re.I,
)


def _misremembered(word: str, name: str) -> bool:
    """Two letters off a longer name, with the same first letters ("Felipe" for Felix)."""
    lowered = word.lower()
    return (
        min(len(lowered), len(name)) >= 5
        and lowered[:3] == name[:3]
        and (within_two_edits(lowered, name))
    )


#: Words around a person's name: "thanks to Felipe", "you and Felipe", "Felipe's questions".
_BEFORE_A_PERSON = re.compile(
    r"\b(to|and|with|from|thank|thanks|meet|meeting|met|dr|mr|mrs|ms|mx|prof|professor|"
    r"doctor|inspector|sergeant|sgt|detective|constable|councillor|cllr|reverend|revd|rabbi|"
    r"imam|pastor|judge|dame)\.?\s+$",
    re.I,
)
_AFTER_A_PERSON = re.compile(
    r"^('s\b|\s+(and i|as well|too|mentioned|said|asked|explained|showed|described))", re.I
)


def _a_person(text: str, at: int, word: str) -> bool:
    return bool(
        _BEFORE_A_PERSON.search(text[max(0, at - 20) : at])
        or _AFTER_A_PERSON.match(text[at + len(word) : at + len(word) + 20])
    )


def to_someone_else(text: str, tokens: list[tuple[str, int]], context: DraftContext) -> bool:
    """The note greets someone who is not an interviewer and speaks of an interviewer in the
    third person ("Hi Sheila, ... Dennis told me"): a note to a reference or a friend."""
    parts = interviewer_parts(context.interviewers)
    greeted_names, greeting_end = greeted(text)
    if not parts or not greeted_names:
        return False
    firsts = [first_name(n) for n in context.interviewers]
    ours = any(
        name.lower() in parts
        or any(one_edit_apart(name.lower(), key) for key in parts)
        or any(_short_for(name, first) for first in firsts)
        for name in greeted_names
    )
    body = {word.lower() for word, at in tokens if at >= greeting_end}
    return not ours and bool(body & set(parts))


#: Short forms that do not begin like the full name.
_NICKNAMES = {
    **dict.fromkeys(("bob", "bobby", "rob", "robbie", "bert"), "robert"),
    **dict.fromkeys(("bill", "billy", "will", "willy", "liam"), "william"),
    **dict.fromkeys(("liz", "lizzie", "beth", "betty", "bess", "libby"), "elizabeth"),
    **dict.fromkeys(("jim", "jimmy", "jamie"), "james"),
    **dict.fromkeys(("dick", "rick", "ricky", "rich", "richie"), "richard"),
    **dict.fromkeys(("peggy", "maggie", "meg", "greta"), "margaret"),
    **dict.fromkeys(("tony",), "anthony"),
    **dict.fromkeys(("ted", "ned", "eddie"), "edward"),
    **dict.fromkeys(("harry", "hank"), "henry"),
    **dict.fromkeys(("chuck", "charlie"), "charles"),
    **dict.fromkeys(("mike", "mikey", "mick", "micky"), "michael"),
    **dict.fromkeys(("nick", "nicky"), "nicholas"),
    **dict.fromkeys(("becky", "becca"), "rebecca"),
    **dict.fromkeys(("sue", "suzy", "susie"), "susan"),
    **dict.fromkeys(("drew",), "andrew"),
    **dict.fromkeys(("steve",), "stephen"),
    **dict.fromkeys(("jack", "johnny"), "john"),
    **dict.fromkeys(("molly", "polly"), "mary"),
    **dict.fromkeys(("sandy", "sasha", "lexi", "xander"), "alexander"),
    **dict.fromkeys(("kate", "katie", "kathy", "kat", "cathy", "cat"), "catherine"),
}


def _short_for(short: str, full: str) -> bool:
    """ "Dan", "Danny" for Daniel; "Katie" for Katherine; "Bob" for Robert."""
    s, f = short.lower(), full.lower()
    if len(s) < 3 or s == f or len(s) > len(f):
        return False
    spelt = {f, f.replace("k", "c", 1), f.replace("c", "k", 1), f.removesuffix("a")}
    if _NICKNAMES.get(s) in spelt or f.startswith(s):
        return True
    stem = re.sub(r"(ie|ey|y|o|e)$", "", s)
    if len(stem) > 3 and stem[-1] == stem[-2]:
        stem = stem[:-1]
    return len(stem) >= 3 and stem != s and f.startswith(stem)


def _greeted_name(
    name: str, parts: dict[str, str], context: DraftContext, to_an_interviewer: bool
) -> list[Finding]:
    lowered = name.lower()
    if lowered in parts:
        return []
    near = [n for key, n in parts.items() if one_edit_apart(lowered, key)]
    if near:
        return [Finding("name", f"“{name}” should probably be “{near[0]}”.")]
    if not to_an_interviewer:
        return []
    at = f" at {context.company}" if context.company else ""
    listed = ", ".join(context.interviewers)
    return [
        Finding("name", f"“{name}” is not one of your interviewers{at} ({listed}): wrong name?")
    ]


def role_named(role: str, text: str) -> bool:
    """The role is named when its words are there; "Senior" or "Staff" may be left out."""
    if not role:
        return True
    if role.lower() in text.lower():
        return True
    words = {w.lower() for w in WORD.findall(text)}
    needed = {w.lower() for w in WORD.findall(role)} - _SMALL_WORDS
    core = needed - _ROLE_EXTRAS or needed
    return core <= words


def role_hinted(role: str, text: str) -> bool:
    """The role is named loosely: one of its words, in any form ("the wind technician
    post" for Wind Turbine Technician, "teach maths" for Maths Teacher, "the engineering
    post" for Grid Planning Engineer)."""
    stems = {_stem(w) for w in WORD.findall(role.lower()) if len(w) > 2} - {
        _stem(w) for w in _ROLE_EXTRAS | _SMALL_WORDS
    }
    return bool(stems & {_stem(w) for w in WORD.findall(text.lower()) if len(w) > 2})


def _stem(word: str) -> str:
    """A rough stem, enough to hear "designer" in "design" and "engineering" in "engineer"."""
    for ending in ("ering", "ing", "ers", "er", "ors", "or", "ists", "ist", "s", "e"):
        if word.endswith(ending) and len(word) - len(ending) >= 4:
            return word[: -len(ending)]
    return word


class Named(Enum):
    """How a note names its company: by name (all of it or its own words: "Kingsmead" for
    Kingsmead NHS Foundation Trust), by what it is ("the council", "your team"), or not."""

    BY_NAME = "by name"
    BY_KIND = "by kind"
    NOT = "not"


#: Words that say what kind of organisation a company is, not which one it is.
ORGANISATION_WORDS = frozenset(
    {
        *("group", "ltd", "limited", "inc", "llc", "llp", "plc", "co", "company", "corp"),
        *("corporation", "systems", "solutions", "services", "technologies", "technology"),
        *("labs", "lab", "studio", "studios", "partners", "associates", "holdings", "global"),
        *("international", "foundation", "trust", "nhs", "hospital", "hospitals", "health"),
        *("healthcare", "school", "schools", "academy", "college", "university", "institute"),
        *("council", "borough", "county", "city", "district", "unified", "office", "bank"),
        *("department", "hotel", "hotels", "resort", "agency", "consulting", "consultants"),
        *("firm", "practice", "clinic", "centre", "center", "society", "charity", "network"),
        *("authority", "service", "ministry", "board", "trust", "federation", "union"),
        *("the", "and", "of", "for", "at", "in"),
    }
)
#: What a note calls its employer when it does not name it.
_THE_EMPLOYER = re.compile(
    r"\b(your|the) ([\w-]+ ){0,2}(team|company|firm|organi[sz]ation|group|lab|school|department|"
    r"practice|office|hospital|ward|store|shop|studio|agency|trust|council|charity|clinic|"
    r"business|restaurant|hotel|site|depot|unit|board|service|project|programme|program|crew|"
    r"plant|factory|workshop|kitchen|fleet|desk|floor|branch|surgery|salon|warehouse|newsroom|"
    r"classroom|lab|library|museum|gallery|theatre|theater|studio|bakery|cafe|café|garage|"
    r"farm|yard|centre|center|campus|institute|firm's|company's|team's)\b",
    re.I,
)


def company_named(company: str, text: str) -> Named:
    if not company or company.casefold() in text.casefold():
        return Named.BY_NAME
    own = [w for w in WORD.findall(company) if w.lower() not in ORGANISATION_WORDS]
    for word in own:
        # its own words as written: "Cobble Lane", "Ostara's"
        if re.search(rf"(?<![\w-]){re.escape(word)}(?!\w)", text):
            return Named.BY_NAME
    kinds = [w.lower() for w in WORD.findall(company) if w.lower() in ORGANISATION_WORDS]
    the_kind = [k for k in kinds if re.search(rf"\b(the|your|our) {re.escape(k)}\b", text, re.I)]
    if the_kind or _THE_EMPLOYER.search(text):
        return Named.BY_KIND
    return Named.NOT


def other_employers(
    text: str, context: DraftContext, known: Callable[[str], bool] = lambda _: True
) -> list[str]:
    """Other employers the note names: a company name as typed, or in any case if typed
    all lower-case, or by a word of its own that no dictionary has ("Tessellate" for
    Tessellate Labs)."""
    mine = context.company.casefold()
    expected = name_parts(replace(context, other_companies=()))
    found = []
    for other in dict.fromkeys(context.other_companies):
        theirs = other.casefold()
        if not theirs or theirs in mine or (mine and mine in theirs):
            continue
        flags = 0 if other != other.lower() else re.IGNORECASE
        if re.search(rf"(?<![\w-]){re.escape(other)}(?![\w-])", text, flags):
            found.append(other)
            continue
        own = [
            w
            for w in WORD.findall(other)
            if w.lower() not in ORGANISATION_WORDS | expected and len(w) > 3 and not known(w)
        ]
        if any(re.search(rf"(?<![\w-]){re.escape(word)}(?!\w)", text) for word in own):
            found.append(other)
            continue
        # a word of its own that is also a dictionary word, capitalised where only a company
        # goes: "at Meridian", "the Meridian team"
        common = [
            w
            for w in WORD.findall(other)
            if w.lower() not in ORGANISATION_WORDS | expected and len(w) > 3 and w[:1].isupper()
        ]
        if any(_as_a_company(text, word) for word in common):
            found.append(other)
    return found


_COMPANY_BEFORE = r"(?:at|join|joining|joined|with|for|from|to) "
_COMPANY_AFTER = r"(?:'s|\s+(?:team|office|offices|staff|people|crew|store|site|branch|culture))\b"


def _as_a_company(text: str, word: str) -> bool:
    name = re.escape(word)
    return bool(
        re.search(rf"\b{_COMPANY_BEFORE}{name}\b(?![ -][A-Z])", text)
        or re.search(rf"(?<![.!?]\s)(?<!^)\b{name}{_COMPANY_AFTER}", text)
    )


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
    greeted_names = {name.lower() for name in greeted(text.translate(APOSTROPHES))[0]}
    words = {w.lower() for w in WORD.findall(text.translate(APOSTROPHES))}

    def score(interview: Interview) -> int:
        parts = set(interviewer_parts([x.name for x in interview.interviewers]))
        return (
            3 * bool(greeted_names & parts)
            + bool(words & parts)
            + 2 * (company_named(interview.company, text) is Named.BY_NAME)
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
