"""What a person means by a reply in the coach's DM, read against where they stand.

Pure: the reply, the person's situation (their open items, their processes, the items of the
coach's latest message) and the words of `rules/replies.yml` in; one `Understanding` out.
Nothing here acts. An understood outcome in particular is only ever a question: an outcome
cancels contact with an employer, so the coach asks the person to confirm it with buttons
naming the company (`bot.slack.answers`).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import date, datetime, timedelta

from bot.domain.dates import coming_weekday, named_weekday, next_weeks_weekday
from bot.domain.lifecycle import FOLLOW_UP
from bot.domain.parsing import MAX_SNOOZE, parse_date, parse_duration, parse_reply
from bot.domain.reply_words import (
    Outcome,
    Phrase,
    ReplyWords,
    Words,
    everyday_words,
    read_words,
)
from bot.domain.text import match_key
from bot.domain.timing import zone

__all__ = [
    "INTENTS",
    "Employer",
    "Item",
    "Situation",
    "Suggestion",
    "Understanding",
    "understand",
]

DONE, SKIP, SNOOZE = "done", "skip", "snooze"
LIST, HELP, UNDO, CHECK, CHAT, UNKNOWN = "list", "help", "undo", "check", "chat", "unknown"
SEARCHING, OUTCOME, FOLLOWED_UP = "searching", "outcome", "followed-up"
EXPECT, REFERENCES = "expect", "references"
INTENTS = (
    DONE,
    SKIP,
    SNOOZE,
    LIST,
    HELP,
    UNDO,
    CHECK,
    SEARCHING,
    CHAT,
    UNKNOWN,
    OUTCOME,
    FOLLOWED_UP,
    EXPECT,
    REFERENCES,
)
ITEM_INTENTS = frozenset({DONE, SKIP, SNOOZE})
#: Outcomes that words around a done/skip/snooze command do not override ("sent the
#: follow-up, no reply yet" is about the follow-up).
SOFT_OUTCOMES = frozenset({"waiting", "in-process"})
#: The most items or employers offered to choose from.
CHOICES = 10
_GREETING = re.compile(r"^\s*(dear|hi|hello|hey|good (morning|afternoon))\b[^\n]{0,60}[,\n]", re.I)
_MONTHS = frozenset(
    (
        "jan",
        "feb",
        "mar",
        "apr",
        "may",
        "jun",
        "jul",
        "aug",
        "sep",
        "sept",
        "oct",
        "nov",
        "dec",
        "january",
        "february",
        "march",
        "april",
        "june",
        "july",
        "august",
        "september",
        "october",
        "november",
        "december",
    )
)
_UNITS = re.compile(r"^(minutes?|mins?|hours?|hrs?|days?|weeks?|wks?|h|d|w|m)$")
_LENGTH = re.compile(
    r"\b(?:(?:in|for)\s+)?"
    r"(?P<n>[0-9]{1,3}|an?|one|two|three|four|five|a few|a couple of|couple of|a couple|couple)"
    r"\s*(?P<unit>minutes?|mins?|hours?|hrs?|h|days?|d|weeks?|wks?|w)\b"
)
_NUMBER_WORDS = {"a": 1, "an": 1, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5}
#: Words of a company's name that do not name it on their own.
_COMPANY_NOISE = frozenset(
    (
        "the",
        "of",
        "and",
        "inc",
        "llc",
        "ltd",
        "corp",
        "co",
        "company",
        "group",
        "plc",
        "gmbh",
    )
)
#: "Later" and "later today" put an item off by this much.
LATER = timedelta(hours=3)
#: "Tomorrow" (not "tomorrow morning") puts an item off by a day.
TOMORROW = timedelta(days=1)


@dataclass(frozen=True)
class Item:
    """An open item, as a reply may name it: its number, kind, employer and people."""

    number: int
    kind: str
    company: str
    process_id: int
    #: Whom the item is about (a thank-you note's interviewer), or "".
    interviewer: str = ""
    #: Everyone in the round it belongs to.
    people: tuple[str, ...] = ()
    title: str = ""
    #: Delivered and waiting for the person (not one still to come).
    sent: bool = True


@dataclass(frozen=True)
class Employer:
    """A hiring process, as a reply may name it."""

    id: int
    company: str
    #: Where it stands, as `bot.domain.interview.Outcome` values ("waiting", "offer"...).
    outcome: str
    closed: bool
    people: tuple[str, ...] = ()


@dataclass(frozen=True)
class Situation:
    """Where the person stands when they write."""

    items: tuple[Item, ...]
    employers: tuple[Employer, ...]
    #: The open items of the coach's latest message to them.
    latest: tuple[int, ...]
    now: datetime
    tz: str

    def employer(self, process_id: int) -> Employer | None:
        return next((e for e in self.employers if e.id == process_id), None)


@dataclass(frozen=True)
class Suggestion:
    """One of the likeliest things the person meant, offered as a button."""

    action: str
    item: int | None = None


@dataclass(frozen=True)
class Understanding:
    """What the reply means. Item intents name `items`, or else `among` to ask from;
    process intents name an `employer`, or else `employers` to ask from."""

    intent: str
    items: tuple[int, ...] = ()
    among: tuple[int, ...] = ()
    snooze_for: timedelta | None = None
    #: Snooze to the morning of this day.
    snooze_until: date | None = None
    #: An outcome said in words, by its name in `replies.yml` (rejected, accepted...).
    outcome: str = ""
    employer: int | None = None
    employers: tuple[int, ...] = ()
    day: date | None = None
    #: The draft to check, or "done"/"again" for the search.
    text: str = ""
    suggestions: tuple[Suggestion, ...] = ()
    #: Why the coach has to ask, in words ("No open thank-you note names Carlos").
    note: str = ""
    #: The words the reply named its item by, to say back when asking.
    named: tuple[str, ...] = field(default_factory=tuple)

    @property
    def asks(self) -> bool:
        """The coach must ask which item or employer before anything happens."""
        if self.intent in ITEM_INTENTS:
            return not self.items
        if self.intent in (OUTCOME, FOLLOWED_UP, EXPECT, REFERENCES):
            return self.employer is None
        return False


def understand(text: str, situation: Situation, words: ReplyWords) -> Understanding:
    """What `text` means in `situation`."""
    stripped = text.strip()
    if not stripped:
        return Understanding(UNKNOWN)
    draft = _draft(stripped, words)
    if draft is not None:
        return Understanding(CHECK, text=draft)
    if set(stripped) <= set("?!. "):
        return Understanding(HELP) if "?" in stripped else Understanding(CHAT)
    names = _names(situation)
    said = _read(stripped, situation, words, names)
    read = said.read
    if not read:
        return Understanding(CHAT) if _looks_friendly(stripped) else Understanding(UNKNOWN)
    reading = _Reading(said, stripped, situation, words, names)
    if not reading.question and said.has(words.hopes):
        facts = _without_hopes(stripped, situation, words, names)
        if facts is not None:
            return understand(facts, situation, words) if facts else Understanding(CHAT)
    return reading.meaning()


def _read(text: str, situation: Situation, words: ReplyWords, names: dict[str, set[str]]) -> Words:
    """The reply's words, slips mended and short forms spelled out (but a short form that is
    someone's name, like Li, stays a name)."""
    named = {w for n in _all_names(situation) for w in match_key(n).split()}
    return read_words(
        text,
        words.vocabulary,
        frozenset(names),
        keep=words.not_slips,
        preferred=frozenset(w for spelled in words.commands.values() for w in spelled),
        shorthand={k: v for k, v in words.shorthand.items() if k not in named},
    )


_SO = re.compile(r"\bso\s+(?=([a-z']+))", re.IGNORECASE)
_CLAUSE = re.compile(r"[,;.!?\n]+|\s+(?:but|and|so|though)\s+", re.IGNORECASE)


def _without_hopes(
    text: str, situation: Situation, words: ReplyWords, names: dict[str, set[str]]
) -> str | None:
    """The reply without its clauses of hope or worry ("I hope they don't say no" states no
    outcome): "" when nothing but friendly words is left, None when no clause is one."""
    # "so" before a worry is no clause of its own ("made me so anxious").
    worried = {w for p in words.hopes for w in p.places[0]}
    text = _SO.sub(lambda m: "" if m.group(1).lower() in worried else m.group(0), text)
    clauses = [c.strip() for c in _CLAUSE.split(text) if c.strip()]
    facts = [c for c in clauses if not _read(c, situation, words, names).has(words.hopes)]
    if len(facts) == len(clauses):
        return None
    left = _read(" ".join(facts), situation, words, names).read
    if all(w in words.fillers or w in names for w in left):
        return ""
    return ", ".join(facts)


class _Reading:
    """One reply being read: the steps share what they found."""

    def __init__(
        self,
        said: Words,
        original: str,
        situation: Situation,
        words: ReplyWords,
        names: dict[str, set[str]],
    ) -> None:
        self.said = said
        self.original = original
        self.situation = situation
        self.words = words
        self.names = names
        start = 0
        while start < len(said.read) - 1 and said.read[start] in words.leading:
            start += 1
        self.body = said.read[start:]
        self.command = next(
            (name for name, spelled in words.commands.items() if self.body[0] in spelled), None
        )
        self.question = self._is_question()

    def meaning(self) -> Understanding:
        words = self.words
        if self.command in (LIST, HELP, UNDO):
            return Understanding(self.command)
        if self.question:
            return self._asked()
        for value, phrases in words.searching.items():
            if self.said.has(phrases):
                return Understanding(SEARCHING, text=value)
        if self.command in ITEM_INTENTS and not self.said.has(words.not_yet):
            strict = self._strict_command(self.command)
            if strict is not None:
                return strict
        process = self._about_a_process()
        if process is not None:
            return process
        if self.said.has(words.mistakes) and not self._numbers():
            return Understanding(UNDO)
        for intent, phrases in ((UNDO, words.undo), (LIST, words.lists), (HELP, words.help)):
            if self._covers(phrases, spare=1, named={LIST: True, HELP: False}.get(intent)):
                return Understanding(intent)
        if self._is_chat():
            return Understanding(CHAT)
        verb = self.command if self.command in ITEM_INTENTS else self._natural_verb()
        if verb is not None:
            return self._item_action(verb)
        return self._unknown()

    # -- questions -----------------------------------------------------------------------

    def _is_question(self) -> bool:
        """The reply asks rather than tells: it ends with "?" after a question word, or opens
        like a question ("how long should I wait", "is it weird to...", "did acme...")."""
        read, asking = self.said.read, self.words.asking
        start = 0
        while start < len(read) - 1 and read[start] in self.words.leading - asking.subjects - (
            asking.before_subject | asking.always
        ):
            start += 1
        if any(self._opens_with(p, start) for p in (*asking.requests, *asking.not_questions)):
            return False
        if self.said.has(asking.musing):
            return True
        first = read[start]
        if self.original.rstrip().endswith("?") and first in self.words.questions:
            return True
        if first in asking.always:
            return True
        if first not in asking.before_subject or start + 1 >= len(read):
            return False
        subject = read[start + 1]
        if first in self._command_words() and not self.original.rstrip().endswith("?"):
            return False  # "did it", "did bob's linkedin" tell (did is also `done`)
        return (
            subject in asking.subjects or subject in self.names or subject in self._company_words()
        )

    def _opens_with(self, phrase: Phrase, start: int) -> bool:
        span = phrase.find(self.said.read, start)
        return span is not None and span[0] == start

    def _command_words(self) -> frozenset[str]:
        return frozenset(w for spelled in self.words.commands.values() for w in spelled)

    def _asked(self) -> Understanding:
        """A question: the list, the help or undo when that is what it asks for; a question
        about using the coach gets the help; any other (advice, an outcome wondered about)
        gets the likeliest actions, and nothing is done."""
        words = self.words
        if self._covers(words.lists, spare=1, named=True):
            return Understanding(LIST)
        asking = words.asking
        if self.said.has(asking.usage) and self.said.has(asking.coach_words):
            return Understanding(HELP)  # "can I undo a skip?" asks how, it does not undo
        for intent, phrases in ((UNDO, words.undo), (HELP, words.help)):
            if self._covers(phrases, spare=1, named=None if intent == UNDO else False):
                return Understanding(intent)
        if self._is_chat():
            return Understanding(CHAT)  # "how are you?"
        return self._unknown()

    # -- commands ------------------------------------------------------------------------

    def _strict_command(self, command: str) -> Understanding | None:
        """`done 2`, `skip #3`, `snooze 1 2d`, `snooze tomorrow`: the command's own grammar."""
        rest = self.body[1:]
        reply = parse_reply(" ".join((command, *rest)))
        if reply.verb != command:
            return None
        if reply.snooze_until_morning and "tomorrow" in rest and "morning" not in rest:
            reply = replace(reply, snooze_for=TOMORROW, snooze_until_morning=False)
        if reply.number is None:
            if command == SNOOZE and not reply.snooze_until_morning and reply.snooze_for:
                return self._resolved(command, frozenset(), snooze_for=reply.snooze_for)
            return self._resolved(command, frozenset())
        return Understanding(
            command,
            items=(reply.number,),
            snooze_for=None if reply.snooze_until_morning else reply.snooze_for,
        )

    # -- processes -----------------------------------------------------------------------

    def _about_a_process(self) -> Understanding | None:
        words, said = self.words, self.said
        if said.has(words.references):
            return self._for_employer(REFERENCES)
        expected = self._expected()
        if expected is not None:
            return expected
        outcome = self._outcome_said()
        # News of an outcome comes first ("emailed Ana to say I'm passing on the offer"); a
        # follow-up told of comes before words of waiting ("followed up, still no reply").
        if outcome is not None and outcome.name not in SOFT_OUTCOMES:
            return self._outcome(outcome)
        if self._by_me(words.followed_up) or self._told_of_contact():
            return self._followed_up()
        if outcome is not None and self.command not in ITEM_INTENTS:
            return self._outcome(outcome)
        return None

    def _outcome_said(self) -> Outcome | None:
        """The first outcome the words say. Negated words say another or none: "isn't
        moving forward" is no step forward but a rejection, "not rejected yet" is waiting."""
        for outcome in self.words.outcomes:
            if not outcome.said_in(self.said):
                continue
            if outcome.about_an_offer and not self._about_an_offer():
                continue
            if self._only_negated(outcome.words):
                meant = self.words.outcome(outcome.negated) if outcome.negated else None
                if meant is not None:
                    return meant
                continue
            return outcome
        return None

    def _only_negated(self, phrases: tuple[Phrase, ...]) -> bool:
        """Every place the phrases occur comes right after a negation."""
        read, words = self.said.read, self.words
        spans = [span for phrase in phrases for span in phrase.spans(read)]
        if not spans:
            return False
        for start, _ in spans:
            at = start - 1
            while at >= 0 and read[at] in words.negation_gap:
                at -= 1
            if at < 0 or read[at] not in words.negations:
                return False
            if read[at] == "longer" and (at == 0 or read[at - 1] != "no"):
                return False
        return True

    def _outcome(self, outcome: Outcome) -> Understanding | None:
        meant = self._for_employer(OUTCOME, outcome=outcome.name)
        if outcome.name in SOFT_OUTCOMES:
            return meant  # "still no reply after my follow-up" is news of waiting
        if outcome.name.replace("-", " ") == outcome.records and self._is_news_already_known(
            meant, outcome.records
        ):
            return None
        return meant

    def _by_me(self, phrases: tuple[Phrase, ...]) -> bool:
        """The phrases tell of the person's own contact: not each one right after someone
        else as its subject ("carlos emailed to say...", "priya pinged me" is them)."""
        read = self.said.read
        others = set(self.names) | self.words.asking.others
        return any(
            start == 0 or read[start - 1] not in others
            for phrase in phrases
            for start, _ in phrase.spans(read)
        )

    def _told_of_contact(self) -> bool:
        """ "Emailed Initech to check in", "called Carlos": contact with an employer, not an
        item of theirs done ("emailed Jane her thank-you" names one)."""
        if not self._by_me(self.words.contacted) or not self._process_employers():
            return False
        kinds = self._kinds()
        if kinds - {FOLLOW_UP}:
            return False
        if self._employers_named() or FOLLOW_UP in kinds:
            return True
        # Only a person is named: "emailed Priya" is her thank-you note when one is open.
        hinted = self._soft_kinds() - {FOLLOW_UP}
        people = self._people()
        return not any(i.interviewer in people and i.kind in hinted for i in self.situation.items)

    def _about_an_offer(self) -> bool:
        """Offer words, an employer whose offer is recorded, or, with an offer pending,
        nothing else named ("I accepted!"; not "accepted Bob's connection")."""
        if set(self.said.read) & self.words.offer_words:
            return True
        offers = {e.id for e in self.situation.employers if e.outcome == "offer"}
        named = set(self._process_employers())
        if offers & named:
            return True
        return bool(offers) and not (named or self._kinds() or self._numbers())

    def _is_news_already_known(self, meant: Understanding, records: str) -> bool:
        """ "Got the umbrella offer in writing" while Umbrella's offer is recorded, naming
        an item of theirs: the words are about that item, not news."""
        employer = self.situation.employer(meant.employer) if meant.employer is not None else None
        if employer is None or employer.outcome != records:
            return False
        kinds = self._kinds()
        return any(
            i.process_id == employer.id and self._is_kind(i, kinds)
            for i in self.situation.items
            if kinds
        )

    def _expected(self) -> Understanding | None:
        for phrase in self.words.expect:
            span = phrase.find(self.said.read)
            if span is None:
                continue
            rest = self.said.rest_after(span[1]).strip(" .!?,;:")
            day = self._date(rest)
            if day is not None:
                return self._for_employer(EXPECT, day=day)
        return None

    def _date(self, text: str) -> date | None:
        now, tz = self.situation.now, self.situation.tz
        found = parse_date(text, now=now, tz=tz) if text else None
        if found is None:
            named = {w for n in self._employer_words() for w in n.split()}
            plain = " ".join(w for w in text.split() if w.strip(",.") not in named)
            plain = re.sub(r"^(?:(?:from|with|at|for)\s+)+", "", plain)
            plain = re.sub(r"^(?:the\s+)?(?:on|by|before)\s+", "", plain)
            plain = re.sub(r"^within\s+", "in ", plain)
            found = parse_date(plain, now=now, tz=tz) if plain and plain != text else None
        return found

    def _followed_up(self) -> Understanding:
        named = self._process_employers()
        if named:
            return self._for_employer(FOLLOWED_UP)
        follow_ups = [i for i in self.situation.items if i.kind == FOLLOW_UP]
        latest = [i for i in follow_ups if i.number in self.situation.latest]
        if len(latest) == 1:
            return Understanding(FOLLOWED_UP, employer=latest[0].process_id)
        owners = {i.process_id for i in follow_ups}
        if len(owners) == 1:
            return Understanding(FOLLOWED_UP, employer=owners.pop())
        return self._for_employer(FOLLOWED_UP)

    def _for_employer(self, intent: str, **more: object) -> Understanding:
        """The employer the words name (or one of its people), or the ones to ask from.

        An offer accepted or declined with no employer named is the one pending offer, when
        there is only one.
        """
        named = self._process_employers()
        outcome = str(more.get("outcome", ""))
        offers = [e.id for e in self.situation.employers if e.outcome == "offer"]
        if not named and outcome in ("accepted", "declined") and len(offers) == 1:
            named = offers
        if len(named) == 1:
            return Understanding(intent, employer=named[0], **more)  # type: ignore[arg-type]
        if named:
            return Understanding(intent, employers=tuple(named[:CHOICES]), **more)  # type: ignore[arg-type]
        return Understanding(intent, employers=self._likely_employers(outcome), **more)  # type: ignore[arg-type]

    def _likely_employers(self, outcome: str) -> tuple[int, ...]:
        """The processes a reply that names none may be about, likeliest first."""
        employers = self.situation.employers
        offers = [e.id for e in employers if e.outcome == "offer"]
        open_ones = [e.id for e in employers if not e.closed]
        about_offers = outcome in ("accepted", "declined")
        chosen = (offers or open_ones) if about_offers else (open_ones or offers)
        return tuple((chosen or [e.id for e in employers])[:CHOICES])

    def _employers_named(self) -> list[int]:
        read = self.said.read
        found = []
        for employer in self.situation.employers:
            whole = [w for w in re.findall(r"[a-z0-9']+", match_key(employer.company))]
            if not whole:
                continue
            if Phrase.of(" ".join(whole)).find(read) is not None or any(
                self._names_word(word) for word in whole if word not in _COMPANY_NOISE
            ):
                found.append(employer.id)
        return found

    def _process_employers(self) -> list[int]:
        """The employers a reply about a process names: by name, or by one of their people
        ("carlos emailed" is Initech)."""
        named = self._employers_named()
        people = self._people()
        for employer in self.situation.employers:
            if employer.id not in named and people & set(employer.people):
                named.append(employer.id)
        return named

    def _employer_words(self) -> list[str]:
        return [match_key(e.company) for e in self.situation.employers]

    def _names_word(self, word: str) -> bool:
        """The reply has `word` of a name, meant as the name (lower-case everyday words are
        not: "will" is not Will)."""
        if len(word) < 3 or word not in self.said.read:
            return False
        if word not in everyday_words():
            return True
        return bool(re.search(rf"\b{re.escape(word.title())}\b", self.original))

    # -- items ---------------------------------------------------------------------------

    def _natural_verb(self) -> str | None:
        said, words = self.said, self.words
        if said.has(words.not_yet):
            return SNOOZE
        if any(said.has([phrase]) for phrase, _ in words.done):
            return DONE
        if said.has(words.skip):
            return SKIP
        if said.has(words.snooze):
            return SNOOZE
        return None

    def _item_action(self, verb: str) -> Understanding:
        numbers = self._numbers()
        length, until = self._snooze_length() if verb == SNOOZE else (None, None)
        if numbers:
            return Understanding(verb, items=numbers, snooze_for=length, snooze_until=until)
        return self._resolved(verb, self._soft_kinds(), snooze_for=length, snooze_until=until)

    def _resolved(
        self,
        verb: str,
        soft: frozenset[str],
        *,
        snooze_for: timedelta | None = None,
        snooze_until: date | None = None,
    ) -> Understanding:
        """The item the words describe, or the ones to ask from."""
        situation = self.situation
        kinds, people, employers = self._kinds(), self._people(), self._employers_named()
        named = tuple(sorted(kinds)) + tuple(sorted(people))
        base = Understanding(verb, snooze_for=snooze_for, snooze_until=snooze_until, named=named)
        items = list(situation.items)
        if not (kinds or people or employers):
            latest = [i for i in items if i.number in situation.latest]
            if len(latest) == 1:
                return _with(base, items=(latest[0].number,))
            among = latest or [i for i in items if i.sent] or items
            note = "" if latest else "Nothing is open in my last message."
            return _with(base, among=tuple(i.number for i in among[:CHOICES]), note=note)
        tests: list[Callable[[Item], bool]] = []
        if kinds:
            tests.append(lambda i: self._is_kind(i, kinds))
        if people:
            own = [i for i in items if i.interviewer in people]
            if own:
                tests.append(lambda i: i.interviewer in people)
            else:
                tests.append(lambda i: bool(set(i.people) & people))
        if employers:
            tests.append(lambda i: i.process_id in employers)
        fitting = [i for i in items if all(test(i) for test in tests)]
        if not fitting and verb == DONE and FOLLOW_UP in kinds and len(employers) == 1:
            # "sent a follow-up to Acme" when none was suggested: they followed up.
            return Understanding(FOLLOWED_UP, employer=employers[0])
        if not fitting:
            partly = [i for i in items if any(test(i) for test in tests)]
            return _with(
                base,
                among=tuple(i.number for i in (partly or items)[:CHOICES]),
                note="No open item fits all of that.",
            )
        hinted = [i for i in fitting if i.kind in soft]
        if hinted:
            fitting = hinted
        if len(fitting) > 1 and not set(self.said.read) & self.words.plurals:
            latest = [i for i in fitting if i.number in situation.latest]
            if len(latest) == 1:
                fitting = latest
        if len(fitting) == 1:
            return _with(base, items=(fitting[0].number,))
        return _with(base, among=tuple(i.number for i in fitting[:CHOICES]))

    def _is_kind(self, item: Item, kinds: set[str]) -> bool:
        if item.kind in kinds:
            return True
        if item.kind in self.words.items:
            return False
        # A kind of item replies.yml does not know yet is found by the words of its title.
        title = {w for w in re.findall(r"[a-z]+", item.title.lower()) if len(w) > 3}
        return bool(title & set(self.said.read) - set(self.names))

    def _kinds(self) -> set[str]:
        return {kind for kind, phrases in self.words.items.items() if self.said.has(phrases)}

    def _soft_kinds(self) -> frozenset[str]:
        kinds: set[str] = set()
        for phrase, hinted in self.words.done:
            if phrase.find(self.said.read) is not None:
                kinds |= hinted
        return frozenset(kinds)

    def _people(self) -> set[str]:
        """Full names of the people the reply names (by first, last or whole name)."""
        found: set[str] = set()
        for word, full_names in self.names.items():
            if word in self._company_words():
                continue
            if self._names_word(word):
                found |= full_names
        return found

    def _company_words(self) -> set[str]:
        return {w for e in self.situation.employers for w in match_key(e.company).split()}

    def _numbers(self) -> tuple[int, ...]:
        read = self.said.read
        found: list[int] = []
        for at, word in enumerate(read):
            if word.startswith("#") and word[1:].isdigit():
                found.append(int(word[1:]))
            elif word.isdigit() and len(word) <= 4:
                before = read[at - 1] if at else ""
                after = read[at + 1] if at + 1 < len(read) else ""
                if before in _MONTHS or before in ("in", "for") or _UNITS.match(after):
                    continue
                found.append(int(word))
        return tuple(dict.fromkeys(n for n in found if n >= 1))

    def _snooze_length(self) -> tuple[timedelta | None, date | None]:
        """How long to put an item off: a length, "next week", "later", or a day."""
        text = self.said.text
        read = self.said.read
        for match in _LENGTH.finditer(text):
            amount = match.group("n")
            if not amount.isdigit() and len(match.group("unit")) == 1:
                continue  # "and" is no "an d", "a w" no week
            number = (
                int(amount)
                if amount.isdigit()
                else _NUMBER_WORDS.get(amount, 3 if "few" in amount else 2)
            )
            length = parse_duration(f"{number}{match.group('unit')}")
            if length is not None and timedelta() < length <= MAX_SNOOZE:
                return length, None
        if Phrase.of("next week").find(read) is not None:
            return timedelta(weeks=1), None
        if "tomorrow" in read and "morning" not in read:
            return TOMORROW, None
        if Phrase.of("later").find(read) is not None or "tonight" in read:
            return LATER, None
        today = self.situation.now.astimezone(zone(self.situation.tz)).date()
        for at, word in enumerate(read):
            day = named_weekday(word)
            if day is not None:
                if at and read[at - 1] == "next":
                    return None, next_weeks_weekday(today, day)
                coming = coming_weekday(today, day)
                return None, coming if coming != today else next_weeks_weekday(today, day)
        return None, None

    # -- the rest ------------------------------------------------------------------------

    def _covers(
        self, phrases: tuple[Phrase, ...], spare: int = 0, *, named: bool | None = None
    ) -> bool:
        """The reply is these phrases and filler words, and at most `spare` other words.
        `named`: names of people and employers are not counted ("what's open for Globex"),
        or (False) none may be left ("what do I say to Carlos" is no question about the coach)."""
        others = self._left_over(phrases)
        if others is None:
            return False
        if named is not None:
            names = [w for w in others if w in self.names]
            if names and not named:
                return False
            others = [w for w in others if w not in self.names]
        return len(others) <= spare

    def _left_over(self, phrases: tuple[Phrase, ...]) -> list[str] | None:
        """The words that are neither the phrases nor fillers; None when no phrase is there."""
        read = self.said.read
        covered = [False] * len(read)
        hit = False
        for phrase in phrases:
            for start, end in phrase.spans(read):
                hit = True
                for at in range(start, end):
                    covered[at] = True
        if not hit:
            return None
        fillers = self.words.fillers
        return [read[at] for at, c in enumerate(covered) if not c and read[at] not in fillers]

    def _is_chat(self) -> bool:
        """Friendly words, and at most one word that means nothing to the coach ("thanks a
        ton", "you're the best, seriously"; not "ok later", which asks for a reminder)."""
        others = self._left_over(self.words.chat)
        if others is None or len(others) > 1:
            return False
        chat_words = {w for p in self.words.chat for w in p.words}
        meaningful = (self.words.vocabulary - chat_words) | set(self.names)
        return all(w not in meaningful and not w[:1].isdigit() for w in others)

    def _unknown(self) -> Understanding:
        """A short answer with the likeliest actions, not the whole help."""
        situation = self.situation
        kinds, people, employers = self._kinds(), self._people(), self._employers_named()
        mentioned = [
            i
            for i in situation.items
            if (kinds and self._is_kind(i, kinds))
            or i.interviewer in people
            or (employers and i.process_id in employers)
        ]
        latest = [i for i in situation.items if i.number in situation.latest]
        suggestions: list[Suggestion] = []
        if mentioned:
            suggestions = [Suggestion(DONE, i.number) for i in mentioned[:2]]
        elif len(latest) == 1:
            suggestions = [Suggestion(DONE, latest[0].number), Suggestion(SNOOZE, latest[0].number)]
        elif latest:
            suggestions = [Suggestion(DONE, i.number) for i in latest[:2]]
        suggestions.append(Suggestion(LIST))
        if len(suggestions) < 3:
            suggestions.append(Suggestion(HELP))
        return Understanding(UNKNOWN, suggestions=tuple(suggestions[:3]))


def _with(base: Understanding, **changes: object) -> Understanding:
    from dataclasses import replace

    return replace(base, **changes)  # type: ignore[arg-type]


def _people_of(situation: Situation) -> set[str]:
    people = {p for e in situation.employers for p in e.people}
    people |= {p for i in situation.items for p in i.people}
    return people | {i.interviewer for i in situation.items if i.interviewer}


def _all_names(situation: Situation) -> set[str]:
    return _people_of(situation) | {e.company for e in situation.employers}


def _names(situation: Situation) -> dict[str, set[str]]:
    """Each word of each person's name (lowered) -> the full names it may stand for."""
    names: dict[str, set[str]] = {}
    for person in _people_of(situation):
        for word in match_key(person).split():
            if len(word) >= 3:
                names.setdefault(word, set()).add(person)
    for employer in situation.employers:
        for word in match_key(employer.company).split():
            if len(word) >= 3 and word not in _COMPANY_NOISE:
                names.setdefault(word, set())
    return names


def _draft(text: str, words: ReplyWords) -> str | None:
    """A draft to check: `check` (or a slip of it) and the draft, asked politely or not
    ("can you check this? Hi Bob, ..."), or a pasted note."""
    polite = _POLITE.match(text)
    asked = text[polite.end() :] if polite else text
    head = re.match(r"[A-Za-z]+", asked.partition(" ")[0])
    if head is not None:
        mended = read_words(head.group(0), words.commands.get(CHECK, frozenset())).read
        if mended and mended[0] in words.commands.get(CHECK, frozenset()):
            after = asked[head.end() :]
            # "check this draft: ...", "review my thank-you note? ..." or a greeting next.
            lead = _GREETING_AHEAD.match(after) or _DRAFT_LEAD.match(after)
            if lead is not None and len(after[lead.end() :].split()) >= 3:
                return after[lead.end() :].strip()
            if polite is None and (not after or not after[0].isalnum()):
                return after.lstrip(" :\n")
            if polite is not None and set(re.findall(r"[a-z]+", after.lower())) <= _THE_DRAFT:
                return ""  # "can you check this?": the coach asks for the draft
    if _GREETING.match(text) and len(text.split()) >= 20:
        return text
    return None


#: "can you", "could you please", "pls" before asking for a check.
_POLITE = re.compile(
    r"^\s*(?:(?:can|could|would|will)\s+(?:you|u)\s+(?:please\s+|pls\s+)?|please\s+|pls\s+|plz\s+)",
    re.IGNORECASE,
)
#: Words that only point at a draft to come ("can you check this for me?").
_THE_DRAFT = frozenset((
    "this", "that", "it", "my", "the", "a", "draft", "note", "email", "message", "reply",
    "for", "me", "over", "out", "please", "pls", "quick",
))  # fmt: skip
#: A few words naming the draft ("this", "my note to Jane"), then a `?`, `:` or new line.
_DRAFT_LEAD = re.compile(r"^[^?:\n]{0,40}?[?:\n]\s*")
#: A few words naming the draft, then the draft itself opening with a greeting.
_GREETING_AHEAD = re.compile(
    r"^[^\n]{0,40}?(?=\b(?:dear|hi|hello|hey|good (?:morning|afternoon))\b)", re.IGNORECASE
)


def _looks_friendly(text: str) -> bool:
    return any(ch in text for ch in "👍🙏😊🙂👌✅❤🎉💪😀😄")
