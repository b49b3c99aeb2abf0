"""Grammar: subject-verb agreement and the slips careful readers notice in a short note.

A compact layer of rules over closed word classes (pronouns, auxiliaries, modals,
determiners), the irregular verbs, and the spelling dictionary for the rest: a word is taken
as "wants" or "joined" or "meeting" when its stem is a dictionary word. Each rule looks only
where its slip is unambiguous, so a finding is sure; what it cannot tell, it leaves alone.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator

from bot.domain.draft_check.model import Finding

#: At most this many grammar slips are listed: past that, the note needs a rewrite.
MAX_SLIPS = 4

_ADVERB = (
    r"(?:\w+ly|also|still|always|never|just|even|only|often|then|now|already|ever|again|"
    r"sometimes|too|both|all|once|soon|not|n't)"
)
#: Words ending in -s that are no verb after a pronoun ("they always", "we both").
_NOT_VERBS_IN_S = frozenset(
    {
        *("always", "sometimes", "perhaps", "afterwards", "towards", "nevertheless", "besides"),
        *("thus", "plus", "yes", "less", "unless", "nowadays", "regardless", "whereas"),
        *("ourselves", "themselves", "yourselves", "guys", "folks", "lads", "various", "its"),
        *("his", "hers", "ours", "yours", "theirs", "this", "was", "us", "as", "across"),
        *("famous", "serious", "previous", "nervous", "anxious", "obvious", "curious"),
    }
)
#: -ing words that are only nouns or no verb at all.
_NOT_GERUNDS = frozenset(
    {
        *("morning", "evening", "nothing", "something", "anything", "everything", "thing"),
        *("king", "ring", "spring", "string", "wing", "sibling", "ceiling", "pudding"),
        *("during", "bring", "sing", "sting", "swing", "cling", "fling", "wring"),
    }
)
_IRREGULAR_PAST = frozenset(
    {
        *("went", "took", "came", "gave", "spoke", "wrote", "knew", "made", "told", "got"),
        *("did", "saw", "met", "brought", "thought", "taught", "bought", "sent", "began"),
        *("ran", "became", "grew", "drew", "flew", "chose", "drove", "ate", "spent", "built"),
        *("kept", "caught", "held", "stood", "understood", "felt", "left", "lost", "won"),
        *("sold", "paid", "led", "fell", "rode", "sang", "swam", "threw", "wore", "tore"),
        *("rose", "woke", "drank", "shook", "stole", "broke", "forgot", "hid", "was", "were"),
        "said",
    }
)
#: Past tenses that are not also the past participle: "has went" is a slip, "has led" not.
_PAST_NOT_PARTICIPLE = frozenset(
    {
        *("went", "took", "came", "gave", "spoke", "wrote", "knew", "saw", "began", "ran"),
        *("became", "grew", "drew", "flew", "chose", "drove", "ate", "fell", "rode", "sang"),
        *("swam", "threw", "wore", "tore", "woke", "drank", "shook", "stole", "did"),
    }
)
#: After "to", these past tenses are a slip ("to met with you"); "to thought leadership" is
#: a noun, so it is not here.
_PAST_AFTER_TO = frozenset(
    {
        *("met", "spoke", "took", "went", "came", "gave", "told", "wrote", "knew", "made"),
        *("did", "had", "got", "brought", "taught", "bought", "sent", "began", "ran"),
        *("became", "grew", "drew", "flew", "chose", "drove", "ate", "spent", "been"),
    }
)
#: Words after which "to" wants a plain verb: "the time to meet", not "to meeting".
_WANTS_INFINITIVE = (
    r"(?:want|wants|wanted|wanting|hope|hopes|hoped|hoping|plan|plans|planned|planning|"
    r"need|needs|needed|like|love|chance|opportunity|opportunities|time|able|unable|glad|"
    r"happy|eager|keen|excited|delighted|pleased|thrilled|ready|willing|going|try|tries|"
    r"trying|tried|decide|decided|continue|aim|aiming|intend|intends|wish|wishes|seem|"
    r"seems|way|effort|privilege|pleasure|honou?r|honou?red|sorry|sure|nice|great|good|"
    r"lovely|wonderful|writing|order|how|what|where|whether|hard|easy|important|helpful|"
    r"useful|possible|invitation|invited|asked|allowed|encouraged|expected|supposed|managed|"
    r"learn|learned|learning|begin|began|start|started|agreed|offered|promise|promised|"
    r"prepared|afford|grateful|proud|honoured|would|'d)"
)
#: After "look forward to": an -ing form ("to hearing"), never these plain verbs.
_PLAIN_VERBS = (
    r"(?:hear|meet|speak|talk|work|join|discuss|continue|learn|see|receive|connect|chat|"
    r"catch|start|contribute|help|be|get|come|visit|welcome|find|share|begin|take|make)"
)
#: Common verbs in their plain form: after "he" or "she" they want an -s.
_PLAIN_AFTER_HE = (
    r"(?:go|want|need|like|make|take|know|think|say|work|seem|look|feel|come|get|give|tell|"
    r"try|mean|use|love|enjoy|agree|believe|expect|prefer|include|describe|explain|mention|"
    r"lead|manage|plan|hope|ask|find|keep|show|leave|call|have|do|are|don't|aren't|haven't)"
)
_AUXILIARIES = frozenset(
    {
        *("does", "did", "do", "will", "would", "can", "could", "should", "shall", "may"),
        *("might", "must", "let", "make", "made", "help", "helped", "see", "saw", "watch"),
        *("hear", "heard", "doesn't", "didn't", "won't", "wouldn't", "can't", "couldn't"),
        *("shouldn't", "why", "whether"),
    }
)
_SUBJUNCTIVE = frozenset({"if", "as", "though", "wish", "wished", "only", "suppose", "imagine"})
#: Words "you" is followed by after a preposition ("for you both", "to you soon"); any other
#: word there is usually a noun that wanted "your" ("for you time").
_AFTER_OBJECT_YOU = frozenset(
    {
        *("all", "both", "two", "three", "four", "guys", "folks", "yourself", "yourselves", "who"),
        *("personally", "directly", "soon", "today", "tomorrow", "tonight", "yesterday"),
        *("again", "too", "also", "as", "and", "or", "but", "so", "to", "for", "on", "in"),
        *("at", "about", "with", "from", "by", "that", "this", "if", "when", "after", "before"),
        *("since", "during", "once", "now", "then", "here", "there", "first", "last", "next"),
        *("later", "earlier", "shortly", "over", "via", "than", "because", "until", "while"),
        *("whether", "either", "each", "every", "some", "more", "much", "very", "back", "know"),
        *("see", "are", "were", "have", "had", "do", "did", "can", "will", "would", "could"),
        *("should", "may", "might", "must", "said", "mentioned", "asked", "described"),
        *("shared", "explained", "told", "showed", "gave", "made", "put", "set", "got", "need"),
        *("want", "like", "think", "feel", "find", "get", "decide", "choose", "consider"),
        *("hear", "meet", "take", "make", "a", "an", "the", "my", "our", "your", "his", "her"),
        *("their", "its", "what", "how", "why", "where", "which", "whom", "everything", "it"),
        *("up", "out", "off", "into", "through", "around", "ahead", "anyway", "instead"),
        *("well", "kindly", "warmly", "sincerely", "enough", "though", "already", "yet"),
        *("is", "was", "am", "be", "been", "not", "no", "nor", "let", "please", "thank"),
        *("whenever", "wherever", "however", "whatever", "anytime", "sometime", "once"),
    }
)
_PREPOSITIONS_BEFORE_ME = frozenset(
    {
        *("with", "for", "to", "about", "between", "from", "of", "like", "including", "among"),
        *("against", "by", "at", "gave", "told", "showed", "helped", "asked", "let", "sent"),
        *("invited", "joined", "thanked", "introduced", "both"),
    }
)
_COMPARATIVES = (
    r"(?:more|less|better|rather|other|fewer|greater|larger|bigger|higher|lower|faster|"
    r"sooner|longer|stronger|worse|smaller|easier|quicker)"
)
_DOUBLE_COMPARATIVES = (
    r"(?:better|best|worse|worst|easier|easiest|bigger|biggest|faster|fastest|larger|"
    r"stronger|happier|simpler|higher|greater|smaller|quicker|cheaper|harder)"
)
#: Plural-looking nouns that are singular ("the news is") or take either number.
_SINGULAR_IN_S = frozenset(
    {
        *("news", "lens", "series", "species", "means", "chassis", "basis", "crisis", "thesis"),
        *("analysis", "diagnosis", "ethos", "canvas", "atlas", "gas", "bias", "alias"),
        *("headquarters", "whereabouts", "sales", "thanks", "works", "premises", "mathematics"),
        *("physics", "economics", "politics", "ethics", "logistics", "analytics", "status"),
        *("campus", "bonus", "virus", "focus", "process", "business", "success", "progress"),
        *("access", "address", "class", "glass", "boss", "loss", "stress", "this", "its"),
        *("us", "plus", "yes", "always", "perhaps", "is", "was", "has", "does", "minus"),
        *("tennis", "chaos", "kudos", "pathos", "mess", "press", "dress", "chess", "congress"),
    }
)
#: Plurals without an -s ("the people in your team is").
_IRREGULAR_PLURALS = frozenset({"people", "children", "men", "women", "criteria", "feet"})
#: Nouns with no plural: "informations" is a slip of grammar, not of spelling.
UNCOUNTABLE_PLURALS = frozenset(
    {
        *("informations", "advices", "feedbacks", "equipments", "knowledges", "furnitures"),
        *("luggages", "homeworks", "softwares", "researchs", "trainings", "staffs"),
    }
)
_SILENT_H = ("hour", "honour", "honor", "honest", "heir", "herb")
#: Either article is heard before these ("a historic", "an historic").
_EITHER_ARTICLE = ("histor", "hotel", "hypothe")
_YOU_SOUND = re.compile(r"^(uni(?!n)|use|usu|uti|ure|eu|ewe|one\b|once\b|uk\b|us\b|ufo)", re.I)


class Grammar:
    """The grammar layer: `known` tells whether a word is in the dictionary, so "wants" is
    read as want + s and "joined" as join + ed."""

    def __init__(self, known: Callable[[str], bool]) -> None:
        self._known = known

    def findings(self, text: str) -> list[Finding]:
        slips: dict[str, str] = {}
        for slip, advice in self._slips(text):
            key = slip.lower()
            if key not in slips:
                slips[key] = f"“{slip}”: {advice}."
            if len(slips) >= MAX_SLIPS:
                break
        return [Finding("grammar", message) for message in slips.values()]

    # -- what a word is ------------------------------------------------------------------

    def third_person(self, word: str) -> bool:
        """A present verb after he/she/it ("has", "wants", "goes", "tries")."""
        w = word.lower()
        if w in {"has", "is", "does", "goes", "says"}:
            return True
        if len(w) < 4 or not w.endswith("s") or w in _NOT_VERBS_IN_S or "'" in w:
            return False
        if w.endswith(("ss", "us", "is", "ous")):
            return False
        if w.endswith("ies"):
            return self._known(w[:-3] + "y")
        if w.endswith("es") and self._known(w[:-2]) and w[-3] in "shxzo":
            return True
        return self._known(w[:-1])

    def gerund(self, word: str) -> bool:
        w = word.lower()
        if len(w) < 5 or not w.endswith("ing") or w in _NOT_GERUNDS:
            return False
        stem = w[:-3]
        return (
            self._known(stem)
            or self._known(stem + "e")
            or (len(stem) > 2 and stem[-1] == stem[-2] and self._known(stem[:-1]))
        )

    def past(self, word: str) -> bool:
        """A simple past: "went", or "joined" (join + ed), "used" (use + d)."""
        w = word.lower()
        if w in _IRREGULAR_PAST:
            return True
        if len(w) < 5 or not w.endswith("ed") or w[-3] == "e":
            return False
        stem = w[:-2]
        return (
            (len(stem) >= 3 and self._known(stem))
            or self._known(w[:-1])
            or (stem.endswith("i") and self._known(stem[:-1] + "y"))
            or (len(stem) > 3 and stem[-1] == stem[-2] and self._known(stem[:-1]))
        )

    # -- the rules -----------------------------------------------------------------------

    def _slips(self, text: str) -> Iterator[tuple[str, str]]:
        yield from self._pronoun_agreement(text)
        yield from self._compound_subjects(text)
        yield from self._verb_forms(text)
        yield from _fixed_slips(text)
        yield from self._your_for_you(text)
        yield from _articles(text)
        yield from self._plural_subjects(text)
        yield from self._noun_phrase_subjects(text)
        yield from self._quantified_subjects(text)
        yield from self._two_subjects(text)
        yield from self._singular_subjects(text)
        yield from self._verb_patterns(text)

    def _pronoun_agreement(self, text: str) -> Iterator[tuple[str, str]]:
        for m in re.finditer(rf"\bI\s+(?:{_ADVERB}\s+)?(\w+)\b", text):
            verb = m.group(1)
            if verb.lower() in {"is", "are"} or (verb.lower() != "was" and self.third_person(verb)):
                yield m.group(0), "with “I” the verb has no -s (“I have”, “I want”, “I am”)"
        for m in re.finditer(rf"\b(we|they|We|They)\s+(?:{_ADVERB}\s+)?(\w+)\b", text):
            verb = m.group(2)
            if verb.lower() in {"was", "wasn't", "isn't", "hasn't", "doesn't"} or (
                self.third_person(verb)
            ):
                yield m.group(0), f"with “{m.group(1).lower()}” use “were”, “are”, “have”, “do”"
        for m in re.finditer(
            rf"(?:^|[.!?;:]\s+|,\s+|\b(?:that|if|when|because|as|and|but|so) )"
            rf"(you|You)\s+(?:{_ADVERB}\s+)?(was|is|has|does|wasn't|isn't|"
            r"hasn't|doesn't)\b",
            text,
        ):
            yield m.group(0).strip(" ,.;:!?"), "with “you” use “were”, “are”, “have”, “do”"
        for m in re.finditer(
            rf"\b(he|she|He|She)\s+(?:{_ADVERB}\s+)?({_PLAIN_AFTER_HE})\b",
            text,
        ):
            if not self._after_auxiliary(text, m.start()):
                yield m.group(0), f"with “{m.group(1).lower()}” the verb takes -s (“has”, “does”)"
        for m in re.finditer(rf"\b(it|It)\s+(?:{_ADVERB}\s+)?(are|aren't|don't|have been)\b", text):
            if not self._after_auxiliary(text, m.start()):
                yield m.group(0), "with “it” use “is”, “was”, “does”, “has”"
        for m in re.finditer(
            rf"(?:^|[.!?]\s+|\n)(It\s+(?:{_ADVERB}\s+)?(?:seem|look|sound|feel|mean|make|work|"
            r"take|need|go|come|give|remain|stay)\b)",
            text,
        ):
            yield m.group(1), "with “it” the verb takes -s (“it seems”)"
        for m in re.finditer(r"\b(it|It|he|He|she|She|I)\s+(?:were|weren't)\b", text):
            before = _words_before(text, m.start(), 2)
            # "my manager and I were": two people
            two = m.group(1) == "I" and before[-1:] == ["and"]
            if (
                not (set(before) & _SUBJUNCTIVE)
                and not two
                and not text[m.end() :].startswith(" to ")
            ):
                yield m.group(0), f"with “{m.group(1)}” the past is “was”"

    def _after_auxiliary(self, text: str, at: int) -> bool:
        """A question or a verb that takes a plain form: "does he have", "let it go"."""
        before = _words_before(text, at, 1)
        return bool(before) and before[-1] in _AUXILIARIES

    def _compound_subjects(self, text: str) -> Iterator[tuple[str, str]]:
        for m in re.finditer(
            r"\b(?:[Mm]e|[Hh]im|[Hh]er|[Tt]hem|[Uu]s) and (?:my|our|the|his|her|their|a|an|him|her|"
            r"them|me|[A-Z][\w-]+)(?:\s+[a-z-]+){0,5}?\s+"
            r"(was|were|are|is|have|has|had|did|went|worked|built|ran|led|spent|managed|"
            r"started|launched|created|designed|wrote|delivered|made|got)\b",
            text,
        ):
            before = _words_before(text, m.start(), 1)
            between = m.group(0).split()[3:-1]
            if not (before and before[-1] in _PREPOSITIONS_BEFORE_ME) and not any(
                w in _CLAUSE_WORDS or w in _NEW_CLAUSE or self.past(w) or self.third_person(w)
                for w in between
            ):
                yield m.group(0), "as the subject, write “my team and I” (and “were”)"
        for m in re.finditer(
            r"\b((?:[Mm]y|[Oo]ur|[Hh]is|[Hh]er|[Tt]heir)\s+[a-z-]+(?:\s+[a-z-]+)?\s+and\s+I)"
            r"\s+(was|is|has|does)\b",
            text,
        ):
            between = m.group(1).split()[1:-2]
            if not any(self.past(w) or self.third_person(w) for w in between):
                yield m.group(0), "two people take a plural verb (“were”, “are”, “have”)"

        for m in re.finditer(
            r"(?:^|[.!?;]\s+|\n)((?:[A-Z][\w-]+|[Mm]y \w+|[Tt]he \w+|[Hh]e|[Ss]he|[Tt]hey) and "
            r"(?:me|I))\s+(was|is|has|does|were|are|have|did|went|worked|built|ran|led|spent|"
            r"managed|started|made|got)\b",
            text,
        ):
            if m.group(1).endswith(" me"):
                yield (
                    m.group(0).strip(" .!?;\n"),
                    "as the subject, write “… and I” (“Raj and I were”)",
                )
            elif m.group(2) in {"was", "is", "has", "does"} and not self.past(
                m.group(1).split()[0]
            ):
                yield (
                    m.group(0).strip(" .!?;\n"),
                    "two people take a plural verb (“were”, “are”, “have”)",
                )
        for m in re.finditer(
            r"\b((?:[Ee]veryone|[Ee]verybody|[Ss]omeone|[Ss]omebody|[Nn]obody|[Nn]o one|[Aa]nyone|"
            r"[Aa]nybody|[Ee]verything|[Nn]othing)\s+(?:" + _ADVERB + r"\s+)?(?:were|are|have|"
            r"don't|weren't|aren't|haven't))\b",
            text,
        ):
            before = _words_before(text, m.start(), 1)
            if not (before and before[-1] in _AUXILIARIES | {"have", "has", "are", "were"}):
                yield m.group(1), "“everyone”, “someone”, “nobody” take a singular verb (“was”)"

        for m in re.finditer(
            r"\b((?:[Ee]ach|[Ee]very) ([a-z]+) (need|want|have|make|take|get|go|seem|look|require|"
            r"use|run|come|work|feel|know|think|mean|include|offer|deserve|depend|rely))\b",
            text,
        ):
            noun = m.group(2)
            if (
                noun not in {"other", "one", "of"}
                and not self.plural_noun(noun)
                and self._known(noun)
            ):
                before = _words_before(text, m.start(), 1)
                if not (before and before[-1] in _AUXILIARIES):
                    yield (
                        m.group(1),
                        f"“{m.group(1).split()[0].lower()}” takes a singular verb (“needs”)",
                    )

    def _verb_forms(self, text: str) -> Iterator[tuple[str, str]]:
        modal = (
            r"(?:will|would|can|could|should|shall|may|might|must|won't|wouldn't|can't|"
            r"cannot|couldn't|shouldn't|mustn't|Would|Could|Should|Can|Might|Must)"
        )
        for m in re.finditer(rf"\b{modal}\s+(?:{_ADVERB}\s+)?([a-z]+)\b", text):
            verb = m.group(1)
            if self.gerund(verb) or self.third_person(verb) or self.past(verb):
                yield m.group(0), "after “will”, “can”, “would” and the like, use the plain verb"
        for m in re.finditer(
            rf"\b{_WANTS_INFINITIVE}\s+to\s+(?:{_ADVERB}\s+)?([a-z]+)\b", text, re.I
        ):
            if self.gerund(m.group(1)) or self.third_person(m.group(1)):
                yield m.group(0), "after “to” here, use the plain verb (“to meet”)"
        for m in re.finditer(rf"\b{_WANTS_INFINITIVE}\s+to\s+([a-z]+)\b", text, re.I):
            if m.group(1) in _PAST_AFTER_TO:
                yield m.group(0), "after “to”, use the plain verb (“to meet”, “to speak”)"
        for m in re.finditer(rf"\blook(?:ing|ed)? forward to\s+({_PLAIN_VERBS})\b", text, re.I):
            yield m.group(0), "after “look forward to”, use -ing (“to hearing”, “to meeting”)"
        for m in re.finditer(
            r"\blook(?:ing)? forward (hearing|meeting|speaking|working|seeing|learning|talking|"
            r"joining)\b",
            text,
            re.I,
        ):
            yield m.group(0), "it is “look forward to hearing”"
        for m in re.finditer(
            rf"\b(?:didn't|did not|doesn't|does not|do not|don't)\s+(?:{_ADVERB}\s+)?"
            r"([a-z]+)\b",
            text,
            re.I,
        ):
            verb = m.group(1)
            if verb.islower() and verb not in {"was", "were"} and self.past(verb):
                yield m.group(0), "after “did” or “does”, use the plain verb (“did not go”)"
        for m in re.finditer(
            rf"\b(?:has|have|had|'ve|hasn't|haven't|hadn't)\s+(?:{_ADVERB}\s+)?([a-z]+)\b",
            text,
            re.I,
        ):
            if m.group(1) in _PAST_NOT_PARTICIPLE:
                yield m.group(0), "after “has” or “have”, use the past participle (“has gone”)"
        for m in re.finditer(
            r"\bthank(?:s| you)(?: so much| again)? for (meet|take|speak|talk|interview|invite|"
            r"show|give|spend|walk|consider|explain|answer|share|host|listen|arrange)\b",
            text,
            re.I,
        ):
            yield m.group(0), "after “thank you for”, use -ing (“for meeting”)"

    def _your_for_you(self, text: str) -> Iterator[tuple[str, str]]:
        for m in re.finditer(
            r"\b(?:for|with|of|about|on|from|by|at|in|appreciate|appreciated)\s+"
            r"you\s+([a-z]+)\b",
            text,
            re.I,
        ):
            word = m.group(1)
            if (
                len(word) >= 3
                and word.islower()
                and word not in _AFTER_OBJECT_YOU
                and not word.endswith(("ly", "ing", "ed"))
                and self._known(word)
            ):
                yield m.group(0), "“your”, not “you”, before a noun (“for your time”)"

    def _plural_subjects(self, text: str) -> Iterator[tuple[str, str]]:
        for m in re.finditer(
            r"(?:^|[.!?;:]\s+|\b(?:that|and|but|because)\s+)((?:[Tt]he|[Mm]y|[Oo]ur|[Tt]hese|"
            r"[Tt]hose|[Yy]our|[Tt]heir)\s+([a-z]+s)\s+(was|is|has|does))\b",
            text,
        ):
            noun = m.group(2)
            if (
                noun not in _SINGULAR_IN_S
                and not noun.endswith(("ss", "us", "is", "ics", "ness", "ous", "'s"))
                and len(noun) > 4
                and self._known(noun[:-1])
            ):
                yield m.group(1), f"“{noun}” is plural: use “were”, “are”, “have”"

    def plural_noun(self, word: str) -> bool:
        """A regular plural ("examples", "queries", "boxes"), not a singular in -s."""
        w = word.lower()
        if w in _IRREGULAR_PLURALS:
            return True
        if (
            len(w) <= 4
            or not w.endswith("s")
            or not w.isalpha()
            or w in _SINGULAR_IN_S
            or w in _NOT_VERBS_IN_S
            or w.endswith(("ss", "us", "is", "ics", "ness", "ous"))
        ):
            return False
        if w.endswith("ies"):
            return self._known(w[:-3] + "y")
        return self._known(w[:-1]) or (w.endswith("es") and self._known(w[:-2]))

    def _noun_phrase_subjects(self, text: str) -> Iterator[tuple[str, str]]:
        """A plural subject whose singular verb comes after a clause or a phrase: "The
        examples you shared of routing problems was". Only where the word before the verb
        cannot be its subject itself (a plural, a past tense, an object pronoun)."""
        for clause in re.split(r"[.!?;:,\n()]+", text):
            words = re.findall(r"[\w'-]+", clause)
            for n, word in enumerate(words):
                at_start = n == 0 or words[n - 1].lower() in _CLAUSE_OPENERS
                if not (at_start and word.lower() in _PLURAL_DETERMINERS):
                    continue
                head = n + 1
                if head < len(words) - 1 and not self.plural_noun(words[head]):
                    head += 1  # one modifier: "the same-day examples"
                if head >= len(words) or not self.plural_noun(words[head]):
                    continue
                slip = self._singular_verb_after(words, head)
                if slip is not None:
                    phrase = " ".join(words[n : slip + 1])
                    yield phrase, f"“{words[head]}” is plural: use “were”, “are”, “have”"
            yield from self._singular_head(words)

    def _singular_head(self, words: list[str]) -> Iterator[tuple[str, str]]:
        """ "The feedback from your designers were": the verb agrees with the head, not with
        the plural just before it. Only a phrase between, only a plural right before."""
        if len(words) < 5 or words[0].lower() not in _PLURAL_DETERMINERS | {"this", "that"}:
            return
        head = words[1]
        if (
            not head.islower()
            or self.plural_noun(head)
            or head.endswith(("s", "ly", "ing", "ed"))
            or head in _COLLECTIVE
            or not self._known(head)
        ):
            return
        if (
            words[0].lower() in {"the", "this", "that", "my", "our", "your"}
            and words[2].lower() in {"i", "you", "we", "they"}
            and (self.past(words[3]) or words[3].lower() in {"met", "had", "saw", "did"})
            and words[4].lower() in {"were", "are"}
        ):
            # "The project I led were a success": the clause between leaves the head singular
            yield " ".join(words[:5]), f"“{head}” is singular: use “was”, “is”, “has”"
            return
        if words[2].lower() not in _PREPOSITIONS:
            return
        slip = self._verb_after(words, 1, {"were", "are", "have"})
        plural_between = slip is not None and any(self.plural_noun(w) for w in words[2:slip])
        if slip is not None and plural_between:
            yield " ".join(words[: slip + 1]), f"“{head}” is singular: use “was”, “is”, “has”"

    def _singular_verb_after(self, words: list[str], head: int) -> int | None:
        """Where a singular "is/was/has/does" follows the plural head within a few words
        with nothing between that could be its own subject."""
        return self._verb_after(words, head, {"is", "was", "has", "does"})

    def _verb_after(self, words: list[str], head: int, wrong: set[str]) -> int | None:
        """Where a finite verb in `wrong` follows the head within a few words, with nothing
        between that could be its own subject: a phrase ("with your team") or a clause
        whose verb has gone by ("you shared")."""
        following = words[head + 1 : head + 11]
        if not following or following[0].lower() not in _AFTER_A_HEAD:
            return None
        phrase_only = following[0].lower() in _PREPOSITIONS
        for offset, word in enumerate(following, start=head + 1):
            lowered = word.lower()
            if lowered in _FINITE:
                if lowered not in wrong:
                    return None
                between = words[head + 1 : offset]
                before = next((w for w in reversed(between) if not w.lower().endswith("ly")), "")
                subject_free = (
                    self.plural_noun(before) or self.past(before) or before.lower() in _OBJECTS
                ) or (phrase_only and not any(self._a_clause_word(w) for w in between))
                # "The tools you use is": the clause's own verb has gone by
                subject_free = subject_free or (
                    len(between) == 2
                    and between[0].lower() in {"you", "we", "they", "i"}
                    and between[1].islower()
                    and self._known(between[1])
                )
                return offset if subject_free and before[:1].islower() else None
            if lowered in _NEW_CLAUSE:
                return None
        return None

    def _a_clause_word(self, word: str) -> bool:
        """A word that starts a clause of its own inside a phrase, or is its verb."""
        w = word.lower()
        return w in _CLAUSE_WORDS or self.past(w) or self.third_person(w) or self.gerund(w)

    def _quantified_subjects(self, text: str) -> Iterator[tuple[str, str]]:
        """ "Each of the projects you described were": one, each, every one take "was"."""
        for m in re.finditer(
            r"(?:^|[.!?;:]\s+|\n|\b(?:that|and|but|because|so)\s+)((?:[Ee]ach|[Oo]ne|[Ee]very "
            r"one) of (?:the|these|those|my|our|your|their|his|her) [\w'-]+(?: [\w'-]+){0,8})",
            text,
        ):
            words = re.findall(r"[\w'-]+", m.group(1))
            head = 3 if words[0].lower() == "every" else 2
            while head < len(words) - 1 and not self.plural_noun(words[head]):
                head += 1
            slip = self._verb_after(words, head, {"were", "are", "have", "do"})
            if slip is not None and words[slip - 1].lower() not in _CLAUSE_WORDS:
                yield " ".join(words[: slip + 1]), f"“{words[0].lower()} of” takes a singular verb"

    def _singular_subjects(self, text: str) -> Iterator[tuple[str, str]]:
        """ "The interview were", "My manager have", "The role sound exciting": one thing
        named, a plural verb. Not a group ("the team were" is British), a pronoun or a word
        that may be an adjective or a verb."""
        for m in re.finditer(
            r"(?:^|[.!?;:]\s+|\n|\b(?:and|but|because)\s+)((?:[Tt]he|[Mm]y|[Tt]his|[Oo]ur|[Yy]our|"
            r"[Hh]is|[Hh]er|[Tt]heir) ([a-z]+) (were|are|have|weren't|aren't|haven't|seem|appear|"
            r"deserve|require|remain|sound|look|feel)(?= (?:like|so|very|really|great|exciting|"
            r"interesting|amazing|perfect|ideal|right|good|fun|challenging|rewarding|to|a|an|the|"
            r"been|made|had|given|shown|asked|told|taught|helped|always|also|still|lovely|nice|"
            r"brilliant|friendly|welcoming|busy|impressive|useful|helpful|clear|well)\b))",
            text,
        ):
            noun, verb = m.group(2), m.group(3)
            if (
                not self._known(noun)
                or noun.endswith(("s", "ing", "ed", "est", "ly", "ful", "ive", "ous", "al", "ic"))
                or (
                    noun.endswith(("able", "ible", "ish", "er", "ese"))
                    and verb in {"sound", "look", "feel"}
                )
                or noun in _COLLECTIVE | _ORGANISATIONS | _IRREGULAR_PLURALS | _CLAUSE_WORDS
                or noun in _NOT_A_SINGULAR_HEAD
            ):
                continue
            yield m.group(1), f"“{noun}” is one thing: use “was”, “is”, “has”, “seems”"
        for m in re.finditer(
            r"(?:^|[.!?;:]\s+|\n|\b(?:and|but|that|because)\s+)((?:[Oo]ne|[Ee]ach|[Ee]very one) "
            r"of (?:the|these|those|my|our|your|their|his|her) (?:(?:best|most|biggest|main|key|"
            r"greatest|favourite|favorite|hardest|nicest|strongest|other) )?([a-z]+) "
            r"(?:was|is|has))\b",
            text,
        ):
            noun = m.group(2)
            if (
                self._known(noun)
                and not self.plural_noun(noun)
                and not noun.endswith(("s", "ing", "ed", "est", "ful", "ive", "ous", "al", "ic"))
                and noun not in _COLLECTIVE | _IRREGULAR_PLURALS | _NOT_A_SINGULAR_HEAD
            ):
                yield m.group(1), "after “one of the”, the noun is plural (“one of the best parts”)"
        for m in re.finditer(
            r"\b((?:[Ee]ach|[Oo]ne|[Ee]very one) of (?:the|these|those|my|our|your|their) ([a-z]+) "
            r"(?:have|are|were|do|don't|need|want|seem|look))\b",
            text,
        ):
            if self.plural_noun(m.group(2)) or m.group(2) in _IRREGULAR_PLURALS:
                yield m.group(1), f"“{m.group(1).split()[0].lower()} of” takes a singular verb"
        for m in re.finditer(
            r"\b((?:[Ee]veryone|[Ee]verybody|[Nn]obody|[Ss]omeone|[Aa]nyone) (?:in|at|on|from|of|"
            r"I met|we met|I spoke to) (?:the|my|your|our|their)? ?[a-z]+ (?:were|are|have))\b",
            text,
        ):
            yield m.group(1), "“everyone”, “someone”, “nobody” take a singular verb (“was”)"
        for m in re.finditer(
            r"(?:^|[.!?;:]\s+|\n|\b(?:and|but|that|because)\s+)((?:[Tt]he|[Mm]y|[Oo]ur|[Yy]our|"
            r"[Tt]hese|[Tt]hose) (?:people|children|men|women) (?:was|is|has|does))\b",
            text,
        ):
            yield m.group(1), "“people” is plural: use “were”, “are”, “have”"

    def _verb_patterns(self, text: str) -> Iterator[tuple[str, str]]:
        """Verbs followed by the wrong form: "enjoyed to meet", "can to start", "am working
        here since 2019"."""
        for m in re.finditer(
            r"\b(?:enjoy|enjoyed|enjoys|enjoying|avoid|avoided|finish|finished|dislike|disliked)"
            r" to ([a-z]+)\b",
            text,
            re.I,
        ):
            if m.group(1) not in {"the", "a", "an", "my", "your", "me", "us", "them"}:
                yield m.group(0), "after “enjoy”, use -ing (“enjoyed meeting”)"
        for m in re.finditer(
            r"\b(?:I|we|you|they|he|she|We|You|They|He|She) (can|could|will|would|should|must|"
            r"might|may) to ([a-z]+)\b",
            text,
        ):
            before = _words_before(text, m.start(), 3)
            some = m.group(2) in {"some", "a", "an", "the", "that", "this", "what", "which"}
            if not some and not set(before) & _AS_MUCH_AS:
                yield m.group(0), f"after “{m.group(1)}”, the plain verb (“{m.group(1)} start”)"
        for m in re.finditer(
            r"\b(?:I am|I'm|i am) (?:\w+ing|here|there|based|living|working)\b[^.!?\n]{0,30}?"
            r"\bsince (?:\d{4}|last|january|february|march|april|may|june|july|august|september|"
            r"october|november|december|i was|my|the start)\b",
            text,
        ):
            if not re.search(r"\b(have|has|'ve) been\b", m.group(0)):
                yield m.group(0), "with “since”, “I have been” (“I have been working here since”)"
        for m in re.finditer(
            r"(?:^|[.!?;:]\s+|\n)((?:[Tt]he|[Mm]y) (?:[a-z]+ ){0,2}[a-z]+ and me)\s+([a-z]+)\b",
            text,
        ):
            verb = m.group(2)
            if self.past(verb) or verb in _FINITE or self.third_person(verb):
                yield m.group(0).strip(" .!?;:\n"), "as the subject, write “… and I”"
        for m in re.finditer(r"(?:^|[.!?;:]\s+|\n)(Me and (?:[\w'-]+ ){1,4}?([a-z]+))\b", text):
            verb = m.group(2)
            if self.past(verb) or verb in _FINITE:
                yield m.group(1), "as the subject, write “… and I” (“Raj and I discussed”)"

    def _two_subjects(self, text: str) -> Iterator[tuple[str, str]]:
        """ "The tour and the lunch was": two things joined by "and" take a plural verb."""
        for m in re.finditer(
            r"(?:^|[.!?;:]\s+|\n)((?:[Tt]he|[Mm]y|[Oo]ur|[Yy]our) ([a-z]+) and (?:the|my|our|your) "
            r"([a-z]+) (?:was|is|has))\b",
            text,
        ):
            if not (self.plural_noun(m.group(2)) or self.plural_noun(m.group(3))):
                yield m.group(1), "two things joined by “and” take “were”, “are”, “have”"


#: Determiners that may open a plural subject.
_PLURAL_DETERMINERS = frozenset(
    {"the", "my", "our", "these", "those", "your", "their", "his", "her", "all", "many", "both"}
)
#: Words after which a new clause, and so a new subject, begins.
_CLAUSE_OPENERS = frozenset(
    {"that", "and", "but", "because", "since", "while", "although", "though", "when", "if", "so"}
)
#: What follows a head noun that has more to come: a relative clause or a phrase.
_AFTER_A_HEAD = frozenset(
    {
        *("you", "we", "they", "i", "he", "she", "of", "for", "in", "on", "from", "with"),
        *("about", "at", "that", "which", "who", "we've", "you've", "i've", "they've"),
    }
)
_FINITE = frozenset(
    {
        *("is", "was", "has", "does", "are", "were", "have", "do", "will", "would", "can"),
        *("could", "should", "may", "might", "must", "isn't", "wasn't", "hasn't", "aren't"),
    }
)
_NEW_CLAUSE = frozenset({"and", "but", "or", "because", "so", "while", "although", "if", "when"})
_OBJECTS = frozenset({"me", "us", "them", "him", "her"})
#: Nouns for a group or a share of one, which may take a plural verb ("the team were").
_COLLECTIVE = frozenset(
    {
        *("team", "staff", "panel", "board", "committee", "group", "family", "department"),
        *("company", "management", "majority", "minority", "number", "rest", "couple", "pair"),
        *("data", "media", "police", "people", "public", "crew", "audience", "faculty"),
        *("class", "government", "council", "range", "variety", "lot", "bunch", "handful"),
        *("total", "set", "kind", "sort", "type", "best", "most", "remainder", "half", "all"),
        *("none", "some", "any", "both", "few", "many", "several", "other", "latter", "former"),
        *("firm", "office", "school", "trust", "leadership", "cohort", "squad", "orchestra"),
    }
)
_PREPOSITIONS = frozenset({"of", "for", "in", "on", "from", "with", "about", "at"})
#: "what I can to help": "can to" is right after these.
_AS_MUCH_AS = frozenset({"what", "all", "everything", "whatever", "anything", "as", "best"})
#: Places and bodies people write of in the plural as well ("the hospital are").
_ORGANISATIONS = frozenset(
    {
        *("hospital", "practice", "bank", "agency", "studio", "business", "university"),
        *("college", "club", "charity", "network", "union", "service", "ward", "unit", "lab"),
        *("branch", "store", "shop", "restaurant", "kitchen", "site", "centre", "center"),
        *("organisation", "organization", "authority", "academy", "partnership", "division"),
        *("society", "brand", "band", "choir", "side", "press", "clinic", "surgery", "hotel"),
        *("agency", "council", "ministry", "team", "group", "lot", "pair", "couple"),
    }
)
#: Words after "the" that head no singular noun phrase of their own ("the two are").
_NOT_A_SINGULAR_HEAD = frozenset(
    {
        *("two", "three", "four", "five", "six", "both", "same", "following", "above", "below"),
        *("latter", "former", "remainder", "majority", "minority", "rest", "others", "one"),
        *("new", "old", "young", "rich", "poor", "british", "french", "english", "dutch"),
        *("first", "last", "next", "only", "main", "real", "whole", "final", "top", "early"),
    }
)
#: Words that open a clause, or are its subject, inside a longer subject.
_CLAUSE_WORDS = frozenset(
    {"that", "which", "who", "whom", "whose", "where", "when", "we", "you", "they", "i", "he"}
    | {"she", "it", "there", "this"}
)


#: Verb forms that are no standard English: the grammar layer names them, the spelling
#: pass leaves them to it.
WRONG_FORMS = frozenset(
    {
        *("brang", "brung", "thunk", "catched", "teached", "buyed", "thinked", "bringed"),
        *("writed", "speaked", "drived", "goed", "eated", "runned", "swimmed", "taked"),
        *("gived", "knowed", "maked", "seened", "choosed", "leaded", "meeted", "sended"),
    }
)


def _fixed_slips(text: str) -> Iterator[tuple[str, str]]:
    """Slips of one or two words that are never right."""
    for m in re.finditer(r"\b(could|should|would|must|might)\s+of\b(?!\s+course)", text, re.I):
        yield m.group(0), f"it is “{m.group(1).lower()} have”"
    for m in re.finditer(rf"\b{_COMPARATIVES}\s+then\b", text, re.I):
        yield m.group(0), "“than” compares (“more than”), “then” is for time"
    for m in re.finditer(r"\b[Tt]heir\s+(is|are|was|were|will be|has been|have been)\b", text):
        yield m.group(0), "“there is”, not “their is”"
    for m in re.finditer(r"\b[Yy]our\s+(going|not)\b|(?:^|[.!?]\s+)([Yy]our welcome)\b", text):
        yield m.group(0).strip(" .!?"), "“you're” (you are), not “your”"
    for m in re.finditer(r"\b[Ii]ts\s+(been|a|an|the|not|going)\b", text):
        yield m.group(0), "“it's” (it is, it has), not “its”"
    for m in re.finditer(r"\b(?:am|is|are|'m)\s+(?:not\s+)?(?:agree|disagree)\b", text, re.I):
        yield m.group(0), "it is “I agree”, without “am”"
    for m in re.finditer(r"\b(?:am|'m)\s+(?:very |really |so )?interesting in\b", text, re.I):
        yield m.group(0), "it is “interested in”"
    for m in re.finditer(rf"\b(?:more|most)\s+{_DOUBLE_COMPARATIVES}\b", text, re.I):
        yield m.group(0), "one comparison is enough (“better”, not “more better”)"
    for m in re.finditer(
        r"\b(?:to|will|would|could|can|might|'d|'ll) here (?:about|from|back|more|that|what|how|"
        r"whether)\b",
        text,
        re.I,
    ):
        yield m.group(0), "“hear” (with your ears), not “here”"
    for m in re.finditer(
        r"\byou're (team|company|role|time|work|office|department|feedback|decision|plans?|"
        r"questions?|project|process|organi[sz]ation|business|offer|interest)\b",
        text,
        re.I,
    ):
        yield m.group(0), "“your” (of you), not “you're” (you are)"
    for m in re.finditer(rf"\b({'|'.join(sorted(WRONG_FORMS))})\b", text, re.I):
        yield m.group(0), f"“{m.group(0)}” is no standard verb form"
    for m in re.finditer(
        r"(?:^|[.!?]\s+|\n)((?:[A-Z][\w'-]+|[Mm]y \w+) and myself|[Mm]yself and (?:[A-Z][\w'-]+|"
        r"my \w+|the \w+)) (\w+)",
        text,
    ):
        yield m.group(1), "as the subject, write “I” (“Kieran and I”), not “myself”"
    for m in re.finditer(
        r"\b(?:hope|hoping|trust|sure|glad|if|that|when|since|while|because|and|but) your "
        r"(having|doing|going|getting|feeling|keeping|enjoying|making|taking|coming|being|"
        r"looking|settling|recovering|travell?ing|heading|managing)\b",
        text,
        re.I,
    ):
        yield m.group(0), "“you're” (you are), not “your”"
    for m in re.finditer(
        r"\b(?:explain|explained|explains|explaining|describe|described)\s+(?:me|us)\s+(?:the|"
        r"what|how|why|about|a|an|your|more|which|when|where)\b",
        text,
        re.I,
    ):
        yield m.group(0), "it is “explain to me” (“explain it to me”, “explain to me how”)"
    for m in re.finditer(r"\bdiscuss(?:ed|es|ing)?\s+about\b", text, re.I):
        yield m.group(0), "“discuss” takes no “about” (“we discussed the plan”)"
    for m in re.finditer(r"\b(?:said|say|says)\s+(?:me|us)\b(?!\s+(?:too|as well))", text, re.I):
        yield m.group(0), "“said to me” or “told me”"
    for m in re.finditer(rf"\b({'|'.join(sorted(UNCOUNTABLE_PLURALS))})\b", text, re.I):
        yield (
            m.group(0),
            f"“{m.group(0)[:-1].lower()}” has no plural (“some {m.group(0)[:-1].lower()}”)",
        )
    for m in re.finditer(r"\bbetween you and I\b", text, re.I):
        yield m.group(0), "it is “between you and me”"
    for m in re.finditer(
        r"\b(?:[Tt]here (?:is|was|'s)|[Tt]here's) (?:(?:so |too )?many|several|two|three|four|five|"
        r"six|a few|a couple of|numerous|various|\d+) [a-z]+s\b",
        text,
    ):
        yield m.group(0), "a plural after “there” takes “there are” or “there were”"
    for m in re.finditer(
        r"\b(?:I|we|they|you|he|she|We|They|You|He|She)\s+(seen|done|gone|taken|written|spoken|"
        r"begun|been|given|known|chosen|driven|eaten|forgotten|broken|stolen)\b",
        text,
    ):
        if not set(_words_before(text, m.start(), 1)) & {"have", "has", "had", "'ve", "having"}:
            yield m.group(0), f"“{m.group(1)}” needs “have” (“I have {m.group(1)}”), or the past"
    for m in re.finditer(
        r"\b[Ww]ho's (team|role|work|job|department|company|project|idea|question|questions|"
        r"team's|office|group|plan|plans)\b",
        text,
    ):
        yield m.group(0), "“whose” (of whom), not “who's” (who is)"
    for m in re.finditer(
        r"\b[Ii]t's (own|team|role|staff|customers|mission|values|people)\b", text
    ):
        yield m.group(0), "“its” (of it), not “it's” (it is)"
    for m in re.finditer(
        r"\b(?:to|with|for|about|of|on|in|at|from) there (team|company|office|work|process|"
        r"plans?|department|project|product|customers|clients|staff|time|feedback|decision)\b",
        text,
    ):
        yield m.group(0), "“their” (of them), not “there”"
    for m in re.finditer(r"(?:^|[\s(])(i)(?:'m|'ve|'d|'ll)?(?=[\s,.;:!?])", text):
        if not re.match(r"\s*\.\s*e\.", text[m.end() :]):
            yield m.group(0).strip(" ("), "write “I” with a capital"


def _articles(text: str) -> Iterator[tuple[str, str]]:
    """ "a experience" and "an great": the article follows the sound of the next word."""
    for m in re.finditer(r"\b(a|an|A|An)\s+([a-z][a-z-]*)\b", text):
        article, word = m.group(1).lower(), m.group(2)
        if word in {"a", "an"}:
            continue  # "a a": the doubled word is the slip
        if m.group(1)[0] == "A" and not re.search(r"(?:^|[.!?:]\s*|\n\s*)$", text[: m.start()]):
            continue  # "plan A and B": a letter, not the article
        if word.startswith(_EITHER_ARTICLE):
            continue
        vowel_sound = word[0] in "aeio" or (word[0] == "u" and not _YOU_SOUND.match(word))
        if word.startswith(_SILENT_H):
            vowel_sound = True
        if _YOU_SOUND.match(word):
            vowel_sound = False
        if article == "a" and vowel_sound:
            yield m.group(0), f"“an {word}”, before a vowel sound"
        elif article == "an" and not vowel_sound:
            yield m.group(0), f"“a {word}”, before a consonant sound"


def _words_before(text: str, at: int, count: int) -> list[str]:
    """The `count` words just before `at` in the same sentence, lower-cased."""
    head = re.split(r"[.!?;:\n]", text[:at])[-1]
    return [w.lower() for w in re.findall(r"[\w']+", head)][-count:]
