"""Who interviews the candidate, read from an invitation: names, and emails where given.

Not the candidate (greeted at the top, "Reply for …", "Invitee"), not the recruiter or
coordinator who sends it (the signature, "Coordinated by …", "I'm Laura, a recruiter"),
unless the text says they interview ("with me and our CMO"). Guest lists (Google's Guests,
Outlook's Required Attendees) give emails, and the interviewers only when nothing else says.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from bot.domain.text import match_key


def _words(text: str) -> list[str]:
    """A word list written as prose, one word per space."""
    return text.split()


__all__ = ["Person", "find_people"]

_UPPER = "A-ZÀ-ÖØ-ÞĀĂĄĆČĎĐĘĚĞĹĽŁŃŇŐŒŔŘŚŞŠŢŤŮŰŸŹŻŽ"
#: A name's word: a capital, then at most 40 letters, apostrophes or hyphens, one of them in
#: lower case. Taken whole without backtracking (an atomic group), so a long run of letters in
#: a paste costs linear time instead of the cubic time of nested open-ended repeats.
_WORD = (
    rf"(?:[{_UPPER}](?=[A-Z'’-]{{0,40}}[a-zß-öø-ÿā-ž])(?>[a-zß-öø-ÿā-žA-Z'’-]{{0,40}})"
    rf"|[{_UPPER}]\.)"
    r"(?![\w'’])"
)
_PARTICLE = r"(?:de|van|der|den|von|da|di|del|della|dos|das|du|le|la|bin|al|ter|ten|st\.)"
NAME = (
    rf"(?:(?:Mr|Ms|Mrs|Mx|Dr|Prof)\.?[ \t]+)?(?:{_WORD})"
    rf"(?:[ \t]+(?:{_PARTICLE}[ \t]+)*(?:{_WORD})){{0,3}}"
)
_HONORIFIC = re.compile(r"^(?:mr|mrs|ms|mx|miss|dr|prof|professor|sir)\.?\s+", re.IGNORECASE)
_NAME_ONLY = re.compile(rf"^{NAME}$")
_EMAIL = re.compile(r"[\w.+'-]+@[\w-]+(?:\.[\w-]+)+")

#: Words that are never part of a person's name in these texts.
_NOT_NAME_WORDS = frozenset(
    _words(
        """
        monday tuesday wednesday thursday friday saturday sunday mon tue wed thu fri sat sun
        january february march july september october november december feb mar apr jun jul
        aug sep sept oct nov dec today tomorrow google meet zoom microsoft teams webex skype
        slack linkedin calendly greenhouse lever workday goodtime join meeting interview
        interviews interviewer interviewers panel date time location where when who host
        guests guest organizer organiser required optional the our your their his her this
        that these team talent recruiting recruitment hiring people hr engineering engineer
        manager director head lead senior staff principal chief officer president vp ceo cto
        cfo coo cmo cpo founder partner recruiter coordinator acquisition analytics data
        product design designer developer analyst scientist technical phone video call chat
        onsite round final first second schedule scheduled please thanks thank best regards
        cheers hello hi dear hey good morning afternoon evening invitation invite confirmed
        confirmation details event type description questions view reply yes no maybe more
        options passcode password id dial rn bsn md phd mba cpa i i'm im we you he she they
        me coding system systems behavioral behavioural lunch break culture fit welcome wrap
        debrief presentation case study tour pairing virtual itinerary session sessions
        event new updated
        """
    )
)
_SENDER_TITLES = re.compile(
    r"\b(recruit\w*|talent\w*|coordinator|sourcer|hr\b|human resources|people (?:team|"
    r"partner|ops)|resourcing|scheduling|scheduler|early careers|hiring team)",
    re.IGNORECASE,
)
_SIGN_OFF = re.compile(
    r"^(?:best|thanks|thank you|many thanks|cheers|regards|kind regards|best regards|warm "
    r"regards|warmly|best wishes|sincerely|all the best|talk soon|speak soon|vänliga "
    r"hälsningar|mit freundlichen grüßen|viele grüße|cordialement|saludos|groeten)\b[,.!]*"
    r"\s*(.*)$",
    re.IGNORECASE,
)
_GREETING = re.compile(
    rf"^(?:hi|hello|hey|dear|hej|hallo|hola|kia ora|good (?:morning|afternoon|evening)|"
    rf"greetings)"
    rf"[ \t,]+(?:mr\.?\s+|ms\.?\s+|dr\.?\s+)?({NAME})\b",
    re.IGNORECASE | re.MULTILINE,
)
_LABELS = re.compile(
    r"^[ \t]*(?:[-•*·▪]\s*)?(interviewers?(?:\s*\(s\))?|interview(?:ing)? panel|panel(?:ists)?|"
    r"panel members|you(?:'ll| will) (?:be )?meet(?:ing)? with|meeting with|you(?:'ll| will) "
    r"meet|who|hosts?|with|speaking with|interviewing you)[ \t]*:[ \t]*(.*)$",
    re.IGNORECASE | re.MULTILINE,
)
_GUEST_LABELS = re.compile(
    r"^[ \t]*(required(?: attendees)?|optional(?: attendees)?|attendees|participants|guests|"
    r"to|cc|invitees)[ \t]*:?[ \t]*(.*)$",
    re.IGNORECASE | re.MULTILINE,
)
_INLINE_LABEL = re.compile(
    r"(?i:\b(?:interviewers?(?:\s*\(s\))?|interview panel|panel)\s*:)\s*(.+?)(?:\.(?:\s|$)|$)"
)
#: A title after a name: "(Principal Engineer)", "- Head of Analytics", ", our VP".
_AFTER_NAME = re.compile(r"^\s*(?:\(|[-–—,|]\s)")


@dataclass(frozen=True)
class Person:
    """An interviewer as read: a name, an email when the text gives one."""

    name: str
    email: str | None = None


@dataclass
class _Reading:
    text: str
    lines: list[str]
    candidate_names: set[str]
    candidate_emails: set[str]
    senders: set[str]
    guests: list[tuple[str, str | None, bool]]  # name, email, organizer


def clean_name(text: str) -> str:
    """A name without honorifics, credentials or stray punctuation ("Dr. Claire Moreau")."""
    name = " ".join(text.replace("*", " ").split()).strip(" .,;:-–—'\"()[]")
    previous = None
    while previous != name:
        previous = name
        name = _HONORIFIC.sub("", name)
    return name


def is_name(text: str) -> bool:
    """Whether `text` can be a person's name: capitalised words, none of them a known
    non-name word (a weekday, a tool, a job title)."""
    name = clean_name(text)
    if not name or len(name) > 60 or not _NAME_ONLY.match(name):
        return False
    words = [w.strip(".'’").lower() for w in name.split()]
    return not any(w in _NOT_NAME_WORDS for w in words)


def _name_key(name: str) -> str:
    return match_key(clean_name(name))


def find_people(text: str, *, exclude: tuple[str, ...] = ()) -> tuple[tuple[Person, ...], bool]:
    """The interviewers, and whether the reading is sure of them.

    `exclude` holds names that are not people here (the company, the role).
    """
    lines = text.split("\n")
    reading = _Reading(
        text=text,
        lines=lines,
        candidate_names=set(),
        candidate_emails=set(),
        senders=set(),
        guests=_guests(text),
    )
    _find_candidate(reading)
    _find_senders(reading)
    excluded = {match_key(x) for x in exclude if x}
    sender_interviews = bool(
        re.search(r"\b(?:with me|me and|and me|interview(?:ing)? you myself|I(?:'ll| will) be "
                  r"interviewing)\b", text, re.IGNORECASE)
    )  # fmt: skip

    found: list[str] = []
    for name in _labelled(reading) + _slots(reading) + _in_prose(reading, sender_interviews):
        if is_name(name):
            found.append(clean_name(name))
    sure = bool(found)
    if not found:
        found = _from_guests(reading)
    people: list[Person] = []
    seen: set[str] = set()
    for name in found:
        key = _name_key(name)
        if not key or key in seen or key in excluded:
            continue
        if _is_candidate(reading, name):
            continue
        if key in {_name_key(s) for s in reading.senders} and not sender_interviews:
            continue
        if any(key != other and _is_first_name_of(key, other) for other in seen):
            continue
        seen.add(key)
        people.append(Person(name=name, email=_email_of(reading, name)))
    people = [
        p for p in people if not any(_is_first_name_of(_name_key(p.name), k) for k in seen
                                     if k != _name_key(p.name))
    ]  # fmt: skip
    return tuple(people), sure


def _is_first_name_of(short: str, full: str) -> bool:
    return " " not in short and full.startswith(short + " ")


def _find_candidate(reading: _Reading) -> None:
    """The person the invitation is for: greeted by name, or named as invitee."""
    head = "\n".join(reading.lines[:12])
    for match in _GREETING.finditer(head):
        reading.candidate_names.add(clean_name(match.group(1)).split()[0])
        break
    for pattern in (
        r"reply for\s+(\S+@\S+)",
        r"invitee email:?\s*\n?\s*(\S+@\S+)",
        r"^invitation:.*\((\S+@\S+)\)\s*$",
        r"candidate email:?\s*(\S+@\S+)",
    ):
        for match in re.finditer(pattern, reading.text, re.IGNORECASE | re.MULTILINE):
            reading.candidate_emails.add(match.group(1).strip("()<>.,").lower())
    for pattern in (r"^(?:invitee|candidate)(?: name)?:?[ \t]*\n?[ \t]*(" + NAME + ")",):
        for match in re.finditer(pattern, reading.text, re.IGNORECASE | re.MULTILINE):
            reading.candidate_names.add(clean_name(match.group(1)))
    for email in reading.candidate_emails:
        reading.candidate_names.add(_name_from_email(email))


def _find_senders(reading: _Reading) -> None:
    """The recruiter or coordinator: who signs, who coordinates, who introduces themselves."""
    lines = reading.lines
    for index, line in enumerate(lines):
        sign_off = _SIGN_OFF.match(line.strip())
        if sign_off is None:
            continue
        rest = sign_off.group(1).strip()
        if rest and is_name(rest.split(",")[0]):
            reading.senders.add(clean_name(rest.split(",")[0]))
            continue
        if rest:
            continue
        for following in lines[index + 1 : index + 3]:
            candidate = re.split(r"[,|]", following.strip())[0]
            if candidate and is_name(candidate):
                reading.senders.add(clean_name(candidate))
                break
            if candidate:
                break
    pieces = signature(reading.text)
    if pieces and is_name(pieces[0]):
        reading.senders.add(clean_name(pieces[0]))
    for pattern in (
        rf"(?:coordinated|scheduled|organi[sz]ed|arranged|sent) by[ \t]+({NAME})",
        rf"\bI'?m[ \t]+({NAME}),?[ \t]+(?:a|an|the|your)[ \t]+[\w ]*?"
        r"(?:recruit|talent|coordinator|hr)",
        rf"^organi[sz]er:[ \t]*({NAME})",
        rf"^({NAME})[ \t]*(?:[|,–-][ \t]*)[^\n]*?{_SENDER_TITLES.pattern}",
        rf"^({NAME}) is inviting you",
    ):
        for match in re.finditer(pattern, reading.text, re.IGNORECASE | re.MULTILINE):
            if is_name(match.group(1)):
                reading.senders.add(clean_name(match.group(1)))
    for name, _, organizer in reading.guests:
        if (
            organizer
            and name
            and re.search(
                rf"{re.escape(name)}[ \t]*[,(–-][^\n]*{_SENDER_TITLES.pattern}", reading.text, re.I
            )
        ):
            reading.senders.add(name)


def _guests(text: str) -> list[tuple[str, str | None, bool]]:
    """Google's "Guests" block and Outlook's attendee lines as (name, email, organizer)."""
    found: list[tuple[str, str | None, bool]] = []
    lines = text.split("\n")
    for index, line in enumerate(lines):
        if line.strip().lower() != "guests":
            continue
        pending: tuple[str, bool] | None = None
        for raw in lines[index + 1 :]:
            entry = raw.strip()
            if not entry or entry.lower().startswith(("view all guest", "reply for", "invitation")):
                break
            organizer = bool(re.search(r"\s[-–]\s*organi[sz]er$", entry, re.IGNORECASE))
            entry = re.sub(r"\s[-–]\s*(?:organi[sz]er|optional|creator)$", "", entry, flags=re.I)
            if _EMAIL.fullmatch(entry):
                if pending is not None:
                    found.append((pending[0], entry.lower(), pending[1]))
                    pending = None
                else:
                    found.append(("", entry.lower(), organizer))
            else:
                if pending is not None:
                    found.append((pending[0], None, pending[1]))
                pending = (clean_name(entry), organizer)
        if pending is not None:
            found.append((pending[0], None, pending[1]))
    for match in _GUEST_LABELS.finditer(text):
        for piece in re.split(r"[;\n]", match.group(2)):
            piece = piece.strip()
            email_match = _EMAIL.search(piece)
            email = email_match.group(0).lower() if email_match else None
            name = clean_name(_EMAIL.sub("", piece).replace("<", " ").replace(">", " "))
            if name or email:
                found.append((name if is_name(name) else "", email, False))
    for match in re.finditer(rf"^organi[sz]er:[ \t]*({NAME})?[ \t]*<?([^\s<>]+@[^\s<>]+)?", text,
                             re.IGNORECASE | re.MULTILINE):  # fmt: skip
        found.append(
            (clean_name(match.group(1) or ""), (match.group(2) or "").lower() or None, True)
        )
    return found


def candidate_names(text: str) -> set[str]:
    """The names the invitation is addressed to (greeting, invitee, the candidate's email)."""
    reading = _Reading(text, text.split("\n"), set(), set(), set(), [])
    _find_candidate(reading)
    return {n for n in reading.candidate_names if n}


def signature(text: str) -> list[str]:
    """The pieces of the sender's signature after the last sign-off ("Kind regards, Fatima
    Khan, HR Executive, Oasis Holdings"), at most four lines of it."""
    lines = text.rstrip().split("\n")
    for index in range(len(lines) - 1, max(len(lines) - 12, -1), -1):
        line = lines[index].strip()
        sign_off = _SIGN_OFF.match(line)
        inline = None
        if sign_off is None:
            inline = re.search(
                r"(?:^|[.!]\s+)(?:kind regards|best regards|warm regards|regards|best wishes|"
                r"many thanks|thanks|cheers|best)[,.!]?\s+(.+)$",
                line,
                re.IGNORECASE,
            )
            if inline is None:
                continue
        tail = (sign_off.group(1) if sign_off else inline.group(1) if inline else "").strip()
        block = [tail] if tail else []
        block += [ln.strip() for ln in lines[index + 1 : index + 5] if ln.strip()]
        pieces: list[str] = []
        for entry in block:
            pieces.extend(p.strip() for p in re.split(r"\s*[|,]\s*", entry) if p.strip())
        return pieces
    return []


_SLOT_LINE = re.compile(
    r"^\s*(?:[-•*]\s*)?\d{1,2}(?:[:.]\d{2})?\s*(?:[ap]\.?m\.?)?\s*(?:-|–|—|to)\s*"
    r"\d{1,2}(?:[:.]\d{2})?\s*(?:[ap]\.?m\.?)?(.*)$",
    re.IGNORECASE,
)


def _slots(reading: _Reading) -> list[str]:
    """Names in an itinerary's slots: "9:00 AM – 9:45 AM  Olivia Turner, VP Product"."""
    names: list[str] = []
    for line in reading.lines:
        slot = _SLOT_LINE.match(line)
        if slot is None:
            continue
        for piece in re.split(r"\s*[|–—]\s*|\s+-\s+|,\s*|\s{2,}|:\s+", slot.group(1)):
            piece = clean_name(piece)
            if len(piece.split()) >= 2 and is_name(piece):
                names.append(piece)
    return names


def _labelled(reading: _Reading) -> list[str]:
    """Names under "Interviewers:", "Panel:", "You will be meeting with:", "Host:"."""
    names: list[str] = []
    lines = reading.lines
    for index, line in enumerate(lines):
        match = _LABELS.match(line)
        if match is None:
            continue
        value = match.group(2).strip()
        block = [value] if value else []
        if not value:
            for following in lines[index + 1 : index + 12]:
                if not following.strip():
                    if block:
                        break
                    continue
                if re.match(r"^\s*[\w ()/'-]{2,40}:\s*\S", following) and block:
                    break
                block.append(following.strip().lstrip("-•*·▪ ").strip())
        for entry in block:
            names.extend(_names_in_list(entry))
    for line in lines:
        if _LABELS.match(line):
            continue
        for inline in _INLINE_LABEL.finditer(line):
            names.extend(_names_in_list(inline.group(1)))
    return names


def _names_in_list(entry: str) -> list[str]:
    """ "Wei Ling Tan (Engineering Lead), Arjun Menon", "Patricia Gomez, RN, BSN; Kevin Hart",
    "Mr. Anil Sharma and Ms. Kavya Reddy", "Kelsey Moore - Mechanical Engineering Manager"."""
    entry = re.sub(r"\([^()]*\)", " ", entry)
    entry = _EMAIL.sub(" ", entry).replace("<", " ").replace(">", " ")
    pieces = re.split(r";", entry) if ";" in entry else re.split(r",|\band\b|&|/", entry)
    names = []
    for piece in pieces:
        piece = re.split(r"\s[-–—|]\s|,", piece)[0]
        piece = clean_name(piece)
        if piece and is_name(piece):
            names.append(piece)
    return names


_TITLE_WORDS = (
    r"(?i:(?:vp|head|director|lead|manager|cto|ceo|cfo|coo|cmo|cpo|founder|co-founder|"
    r"president|chief [\w ]+? officer|[\w-]+ (?:manager|director|lead|engineer|supervisor))"
    r"(?: of [\w& ]+?)?)"
)
_LIST = (
    rf"{NAME}(?:[ \t]*\([^()\n]*\))?(?:(?:,[ \t]*|[ \t]+and[ \t]+|[ \t]*&[ \t]*)"
    rf"(?:our[ \t]+[\w -]+?,[ \t]+)?{NAME}(?:[ \t]*\([^()\n]*\))?)*"
)
_PROSE = [
    # "Your panel will include Jennifer Wu (Director), Marcus Bell and Aditi Rao"
    rf"(?i:panel|interviewers?|you(?:'ll| will) (?:meet|speak with|be meeting)|you(?:'ll| will) "
    rf"be (?:interviewed|speaking))[ \t]+(?i:will[ \t]+)?(?i:include|includes|including|be|are|"
    rf"is|consists? of|with|by)[ \t:]+({_LIST})",
    # "Klara (our Head of Engineering) loved your take-home"
    rf"({NAME})[ \t]*\((?i:our|the|your)[ \t]+[^()\n]{{2,40}}\)",
    # "with Jane Doe (Engineering Manager) and Bob Smith", "booked you in with Luis Ortega"
    rf"(?:\bwith|\bw/|\bmeet|\bmeeting|\bby|pairing with|speaking with|speak with|"
    rf"interviewed by)[ \t]+(?:our[ \t]+|the[ \t]+)?({NAME}(?:[ \t]*\([^()\n]*\))?"
    rf"(?:(?:,[ \t]*|[ \t]+and[ \t]+|[ \t]*&[ \t]*)(?:our[ \t]+[\w -]+?,[ \t]+)?{NAME}"
    rf"(?:[ \t]*\([^()\n]*\))?)*)",
    # "our CTO, Hiro Tanaka", "our Head of CS, Niamh Walsh", "Our engineering director, Daniel"
    rf"\b(?i:our)[ \t]+{_TITLE_WORDS},?[ \t]+({NAME})",
    # "Gregory Hall, our VP of Finance, will conduct", "Ramon Ortiz, our field … supervisor,"
    rf"({NAME}),[ \t]+(?i:our|the)[ \t]+[^,\n]{{2,60}},[ \t]+(?:will|would|is|who)",
    # "Dr. Claire Moreau, who leads our photonics group, would like to meet you"
    rf"((?:(?:Mr|Ms|Mrs|Dr|Prof)\.?[ \t]+)?{NAME}),[ \t]+who[ \t]+[^,\n]{{2,80}},[ \t]+would",
    # "Jess and Omar from the data team want to chat", "Hannah will conduct the interview"
    rf"((?:(?:Mr|Ms|Mrs|Dr|Prof)\.?[ \t]+)?{NAME}(?:[ \t]+and[ \t]+{NAME})?)"
    rf"(?:[ \t]+from[ \t]+[^,.\n]{{2,40}})?[ \t]+"
    r"(?:want|wants|would like|will|is going|are going)[ \t]+(?:to[ \t]+)?"
    r"(?:chat|meet|interview|speak|talk|conduct|lead|call|join|be interviewing)",
]


def _in_prose(reading: _Reading, sender_interviews: bool) -> list[str]:
    """Names the prose says interview: "with X and Y", "our CTO, X", "X will conduct"."""
    names: list[str] = []
    for line in reading.lines:
        if _LABELS.match(line) or _GUEST_LABELS.match(line) or line.strip().lower() == "guests":
            continue
        for pattern in _PROSE:
            for match in re.finditer(pattern, line):
                names.extend(
                    _names_in_list(re.sub(r"our[ \t]+[\w -]+?,[ \t]+", "", match.group(1)))
                )
        if sender_interviews and re.search(r"\bwith me\b|\bme and\b|\band me\b", line, re.I):
            names.extend(sorted(reading.senders))
    return names


def _from_guests(reading: _Reading) -> list[str]:
    """The guests when nothing else names the interviewers: all but the candidate and the
    senders, and the organiser only when nobody else is left."""
    others = [
        (name or _name_from_email(email or ""), organizer)
        for name, email, organizer in reading.guests
        if not _is_candidate(reading, name, email) and (name or (email and not _personal(email)))
    ]
    non_organizers = [name for name, organizer in others if not organizer]
    chosen = non_organizers or [name for name, _ in others]
    return [n for n in chosen if n and is_name(n)]


def _is_candidate(reading: _Reading, name: str, email: str | None = None) -> bool:
    if email and email.lower() in reading.candidate_emails:
        return True
    key = _name_key(name)
    if not key:
        return False
    for candidate in reading.candidate_names:
        other = _name_key(candidate)
        if other and (key == other or ((" " not in other and key.split()[0] == other)
                      and len(key.split()) <= 2 and not reading.guests)):  # fmt: skip
            return True
    return False


def _personal(email: str) -> bool:
    return email.rsplit("@", 1)[-1] in {
        "gmail.com", "googlemail.com", "outlook.com", "hotmail.com", "hotmail.co.uk", "live.com",
        "yahoo.com", "icloud.com", "me.com", "proton.me", "protonmail.com", "aol.com",
    }  # fmt: skip


def _name_from_email(email: str) -> str:
    """ "jane.doe@acme.com" -> "Jane Doe" (only when the address is plainly first.last)."""
    local = email.split("@", 1)[0]
    parts = [p for p in re.split(r"[._-]", local) if p.isalpha()]
    if len(parts) < 2:
        return ""
    return " ".join(p.capitalize() for p in parts)


def _email_of(reading: _Reading, name: str) -> str | None:
    """The interviewer's email: beside their name in a list, or an address that is theirs."""
    key = _name_key(name)
    for guest_name, email, _ in reading.guests:
        if email and guest_name and _name_key(guest_name) == key:
            return email
    for match in re.finditer(rf"{re.escape(name)}[ \t]*<([^<>\s]+@[^<>\s]+)>", reading.text):
        return match.group(1).lower()
    words = [re.sub(r"[^a-z]", "", _ascii(w)) for w in match_key(name).split()]
    words = [w for w in words if w]
    if not words:
        return None
    first, last = words[0], words[-1]
    shapes = {f"{first}.{last}", f"{first}{last}", f"{first}_{last}", f"{first[0]}{last}",
              f"{first}.{last[0]}", f"{first}-{last}"}  # fmt: skip
    shapes.add(first)
    for match in _EMAIL.finditer(reading.text):
        email = match.group(0).lower()
        local = _ascii(email.split("@", 1)[0])
        if local in shapes and email not in reading.candidate_emails:
            return email
    return None


def _ascii(text: str) -> str:
    """ "Inés García" -> "Ines Garcia", as addresses spell names."""
    return "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c))
