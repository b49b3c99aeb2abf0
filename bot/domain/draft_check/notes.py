"""What kind of note a draft is, and what that kind of note needs.

A thank-you after an interview says the person wants the job and why they fit; a follow-up
restates the interest; a reply to a rejection, a note to a reference, a withdrawal or an
answer to an offer needs neither. The checker is not told which note it reads, so it tells
from the words, and what it cannot tell for sure it only suggests.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from enum import StrEnum

from bot.domain.draft_check.model import DraftContext, Finding
from bot.domain.draft_check.names import (
    Named,
    company_named,
    opens_with_greeting,
    other_employers,
    role_hinted,
    role_named,
)


class Note(StrEnum):
    THANK_YOU = "thank-you"
    FOLLOW_UP = "follow-up"
    REJECTION_REPLY = "rejection-reply"
    OFFER_REPLY = "offer-reply"
    WITHDRAWAL = "withdrawal"
    REFERENCE = "reference"
    OTHER = "other"


_REFERENCE = re.compile(
    r"\b(agree(d|ing)? to (be|act as|serve as) (a |my |one of my )?(reference|referee)s?|"
    r"(being|acting as|serving as) (a |my |one of my )?(reference|referee)s?|"
    r"for the (reference|recommendation)|on my behalf|vouch(ing|ed)? for me|"
    r"(put|putting) in a (good )?word for me|recommend(ing|ed)? me\b|"
    r"(taking|took|take) (their|the|that) (phone )?call|put you (down )?as (a |my )?(reference|"
    r"referee)|(speaking|talking|spoke|talked) (with|to) [\w' ]{1,40} about me|yours was\b"
    r"[^.!?\n]{0,50}\breferences?|"
    r"(asked|ask|asking) (me )?for (my )?(references|referees)|(gave|given|passed|"
    r"sent|shared) (them|him|her) your (name|details|number|contact|email)|"
    r"(may|might|will|could) (get|receive|be getting) a (phone |quick )?(call|email) from|"
    r"(as|be) (a|my|one of my) (reference|referee)s?)\b",
    re.I,
)
_OFFER = re.compile(
    r"\b(offer(ing|ed)? me (the|this|a|an) ([\w-]+ ){0,4}(role|job|position|post)|"
    r"(the|your|this|kind|generous|formal|job|written|verbal) offer( letter)?\b|"
    r"accept (the|your|this) (kind |generous )?(offer|role|position|post)|"
    r"(delighted|pleased|happy|thrilled|glad|honou?red) to accept|formally accept|"
    r"decline (the|your|this)( kind| generous)? (offer|role|position|post)|"
    r"turn(ing)? down (the|your|this) offer|start date|"
    r"(more|some|a little|a few days'?) (more )?time to (decide|consider|think|review|reflect)|"
    r"until \w+ to (decide|consider|think|reply|respond|review|go through)|"
    r"base salary|the salary|compensation|signing bonus|relocation package|"
    r"i start (as|on|next|in|at|work|with)|i('ve| have)? (got|landed|been offered|was offered|"
    r"accepted) the (job|role|position|post)|(offered|given) me the (job|role|position|post))\b",
    re.I,
)
_WITHDRAWAL = re.compile(
    r"\b(withdraw(ing|n)? (my (application|candidacy|name)|myself|from (the|your|further) "
    r"(process|recruitment|consideration|running|interviews?|selection))|"
    r"remove (me|myself|my application|my name) from (consideration|the process)|"
    r"no longer (wish|want|like) to be considered|pull(ing)? out of the process|"
    r"removed from (consideration|the process)|pursue (another|a different|an) (\w+ )?"
    r"(opportunity|role|position|path|offer)|step(ping)? back from the process)\b",
    re.I,
)
#: A reply to a rejection: it need not argue interest or fit any more.
_REJECTION = re.compile(
    r"\b(disappoint(ed|ing)|not (to )?(be )?mov(e|ing) forward( with me| with my)?|"
    r"(another|other|a different|a stronger|the other|a more experienced) (candidate|applicant)|"
    r"went with someone|unsuccessful|new hire|whoever you (hire|chose|choose|picked|pick)|"
    r"(wasn't|was not|isn't|is not|not) (a|the right|the best|quite the right) (fit|match)|"
    r"(letting me know|telling me|informing me|sharing|confirming)( (about|of))? (the|your) "
    r"(decision|outcome)|(apply|applying) (to [\w&' -]{1,40} )?again\b|"
    r"not been (selected|successful|chosen)|(wasn't|was not|weren't|were not) "
    r"(selected|chosen|successful|the one|picked)|decided not to|"
    r"(not|wasn't|isn't|weren't) the (outcome|news|result|answer)|"
    r"successful candidate|candidate you (chose|have chosen|selected|picked)|"
    r"(person|one|someone) you (chose|hired|selected|picked|went with)|"
    r"(didn't|did not) (work out|go my way|get (it|the (role|job|post|position)))|"
    r"(gone|go|going|went) (ahead )?with (another|someone|a different)|"
    r"(offered|given) (it|the ([\w-]+ ){0,4}(role|job|post|position)) to (someone|another|a "
    r"(different|stronger|more))|"
    r"appointed (another|someone)|a shame|sorry to hear|sad to hear|"
    r"(understand|respect|accept) (the|your) decision|congratulations to (the|whoever)|"
    r"not (be )?progress(ing)?( my application| further| to the next)|"
    r"(go|going|went) in a different direction|(cross|crossing) paths again|paths (will )?cross "
    r"again|for being (so )?(upfront|honest|candid|straight|open) with me|(thanks|thank you) for "
    r"being (so )?(upfront|honest|candid)|(the|your) decision\b[^.!?\n]{0,30}\bdisappoint)",
    re.I,
)
#: Still in the running: a check-in, not a rejection.
_STILL_IN = re.compile(r"\b(still in the running|next (round|stage)|shortlist(ed)?)\b", re.I)
#: A follow-up: it restates interest; why the person fits was said in the thank-you.
_FOLLOW_UP = re.compile(
    r"\b(follow(ing)? up|check(ing)? in|still in the running|(any|an) (update|news)|"
    r"where things stand|circling back|touching base|touch base|reaching out again|"
    r"writing again|any progress|progress on|(brief|quick|short) note to say|"
    r"(writing|write) (about|regarding|to ask about) (my|the) (interview|application)|"
    r"(haven't|have not|not) (yet )?heard|still waiting|since (we spoke|our (interview|"
    r"conversation|call|meeting))|still (very |really |so )?(interested|keen|excited|"
    r"enthusiastic|eager))\b",
    re.I,
)
#: Words a follow-up uses, but a thank-you may too ("the next steps").
_FOLLOW_UP_MAYBE = re.compile(r"\b(timeline|timescale|next steps?)\b", re.I)
_THANK_YOU = re.compile(
    r"\b(thank(s| you)( so much| again| both| very much| all)? for (the|your|a|an|taking|"
    r"meeting|speaking|talking|today|yesterday|walking|showing|having|inviting|chatting|"
    r"interviewing|hosting|such|our|this|giving|spending|making|"
    r"(seeing|having|welcoming|fitting|squeezing|receiving|considering) (me|us)\b)|"
    r"(appreciated|enjoyed|grateful for|glad of) (the|our|your|this|such a) (\w+ )?(chance|"
    r"opportunity|conversation|interview|chat|discussion|time|meeting|visit|tour|talk)|"
    r"it was (so |really |very )?(great|good|lovely|a pleasure|wonderful|nice) (to|meeting|"
    r"speaking|talking)|(our|the) (interview|conversation|chat|talk|discussion|meeting|call)\b)",
    re.I,
)

_JOIN = (
    r"(join|work|be (a )?part|contribute|help|be considered|bring|take on|run|lead|build|grow|"
    r"be involved|get started|start|learn|serve|train|develop|support|teach|care for|"
    r"come on board|get on board|come aboard)"
)
#: Words that may stand between a modal or "want" and its verb ("would genuinely welcome",
#: "want very much to").
_SOFTLY = r"((\w+ly|really|very much|so much|badly|also|still|truly|certainly) )?"
#: Feelings about the job that may be joined ("happy and proud to serve").
_GLAD = (
    r"(honou?red|proud|glad|happy|delighted|pleased|thrilled|excited|grateful|chuffed|stoked|"
    r"buzzing)"
)
_INTEREST = re.compile(
    r"\b(excited|exciting|enthusiastic|enthusiasm|interested|eager|eagerness|keen|keenness|"
    r"thrilled|passionate|delighted|first choice|top choice|dream (job|role)|exactly what|"
    r"(can|could|would) (\w+ly |really |already |just )?(see|picture|imagine) myself\b|"
    r"(like|want|love) nothing (more|better)|(hope|hoping) (i('m| am)|to be) (your|the) (choice|"
    r"one|successful candidate)|(hope|hoping) to hear (that )?(i('ve| have) been|i was|i am|i'm) "
    r"(successful|selected|chosen|offered)|(hope|hoping) to be (working|joining|starting|on "
    r"board)|(hope|hoping) (this|it|things) works? out|throw myself into|get stuck in|"
    r"ready to (hit the ground|get going|get stuck in|start|dive in)|enthused|"
    r"\b(joining|working (for|with|at|alongside)|being (a )?part of)\b[^.!?\n]{0,40}\bwould be "
    r"(\w+ )?(a |an )?(brilliant|great|wonderful|amazing|fantastic|dream|exciting|privilege|"
    r"honou?r|ideal|perfect|joy|thrill)|(the|a) (right|perfect|ideal|great) (place|team|company|"
    r"role|job|fit|move) for me|(is|sounds like|feels like|seems like) the (job|role|one|post|"
    r"position) for me|(right|just) up my (street|alley)|ticks? (every|all the) "
    r"box(es)?|(hope|hoping) (i|to) (get|be offered|land|secure|be the one|be chosen)\b|"
    r"it (would|'d) be (\w+ )?(great|wonderful|amazing|fantastic|brilliant|a dream|an honou?r|"
    r"a privilege|a pleasure) to (join|work|be part|be a part|be on)|"
    r"exactly the (way|place|role|job|post|position|opportunity|team|step|move|chance)\b|"
    r"the (one|job|role|position|post) i('ve| have)? (always |long |really |truly )?(want|wanted)"
    r"\b|(really |so |very |genuinely )?drawn to (the|this|your|working)|sold on (the|this|"
    r"your|joining)|(please )?consider me for|i('d| would) (gladly|happily) (take|accept|join|"
    r"start|come)|(great|exciting|perfect|ideal|natural|right) next (chapter|step) for me|"
    r"everything i('m| am|'ve been| have been) (looking|hoping) for|where i want to be|"
    r"(hope|hoping) to hear good news|i('m| am) all in\b|"
    r"would mean a (lot|great deal)|over the moon|fingers crossed|"
    r"(which|that) i (still )?(really |truly |very much |so )?(want|would love|'d love)|"
    r"i (still )?(really |truly |very much |so )?want (it|this|that|the (job|role|position|post))|"
    r"(like|love|want|hope|wish) to be (considered|part|a part|on|involved)|"
    r"(sounds|sounded|feels|felt|seems|seemed|looks|looked) like (a |the )?(great|perfect|ideal|"
    r"natural|good|right) (fit|match|next step|place|team|move)|"
    r"(great|perfect|ideal|right) place (for me )?to (grow|work|build|learn|develop)|"
    r"(still|remain|am|'m|very much|really) (very |really |so )?(much )?(up for|committed to|"
    r"set on)|"
    r"exactly the (kind|sort|type)|can't wait|cannot wait|jump at|love to|would love|'d love|"
    r"appeal(s|ed|ing)?|count me in|sign me up|relish|motivated|energi[sz]ed|"
    r"look(ing)? forward to (the (possibility|prospect|chance|opportunity) of )?(joining|"
    r"working|contributing|being part|the next|hearing about the next|next steps|starting|"
    r"getting started|helping)|"
    r"(hope|hoping) (that )?(we|i) (get|have|can|will|might)( \w+){0,3} (chance|opportunity|"
    r"work together|join)|(a|an) (real )?(privilege|honou?r|pleasure|dream) to (join|work|be)|"
    r"(role|job|position|post|opportunity) (that )?i (really |truly |very much )?(want|would "
    r"love|'d love)|"
    rf"want (this|the) (job|role|position|post|opportunity)|(would|'d) {_SOFTLY}welcome the "
    r"(chance|opportunity)|my (\w+ ){0,2}(interest|desire|wish|commitment)\b|"
    rf"(desire|wish|hope|hoping|hoped|want|wanting|wanted|plan|aim|ready) {_SOFTLY}to {_JOIN}|"
    rf"(would|'d|really|truly|very much|definitely)( \w+){{0,3}} (like|love|want)s? to {_JOIN}|"
    rf"(would|'d) (\w+ )?(like|love) {_SOFTLY}to {_JOIN}|(come|get|jump) on board|chuffed|"
    rf"(would|'d) be (\w+ )?({_GLAD},? (and|&) (\w+ )?)?{_GLAD} to|"
    r"(the|a) (role|job|position|post|opportunity|team) (that )?i('ve| have)? (been )?"
    r"(looking|hoping|waiting|searching|working) (for|toward)|"
    r"(perfect|ideal|great|natural|right|strong|good) (next step|fit|match|move) for (me|what i)|"
    r"(happy|pleased|glad) to accept|to accept (it|the offer|your offer)|"
    r"(would|'d|really|truly|very much) (\w+ )?(like|love|want) (the|this) ([\w-]+ ){0,3}(job|role|"
    r"position|post|opportunity))\b",
    re.IGNORECASE,
)
#: Verbs of things done: "I have led", "I've given", "I supervised" claim a reason to hire.
_DONE = (
    "achieved|added|administered|advised|analy[sz]ed|architected|assessed|audited|authored|"
    "automated|boosted|budgeted|built|championed|coached|collaborated|commissioned|completed|"
    "conducted|consolidated|coordinated|created|cut|debugged|decreased|delivered|deployed|"
    "designed|developed|diagnosed|directed|doubled|drafted|drove|driven|edited|enabled|"
    "engineered|established|evaluated|exceeded|executed|expanded|facilitated|founded|"
    "generated|given|grew|grown|guided|handled|headed|held|helped|hired|implemented|improved|"
    "increased|initiated|installed|introduced|launched|led|lectured|lifted|maintained|managed|"
    "mentored|migrated|model?led|monitored|moved|negotiated|onboarded|operated|optimi[sz]ed|"
    "organi[sz]ed|oversaw|overseen|owned|performed|piloted|pioneered|planned|prepared|"
    "presented|prescribed|produced|programmed|published|raised|ran|rebuilt|recruited|"
    "redesigned|reduced|refactored|researched|resolved|restructured|revamped|run|saved|scaled|"
    "secured|served|shipped|simplified|sold|solved|spearheaded|spent|streamlined|"
    "strengthened|supervised|supported|taught|tested|trained|transformed|treated|triaged|"
    "tripled|tutored|volunteered|won|worked|wrote|written|rewrote|rewritten|cared|nursed|"
    "cooked|closed|"
    "qualified|graduated|studied|taken|kept|look after|looked after|looking after|animated|"
    "triaged|tuned|wired|fitted|repaired|illustrated|photographed|filmed|translated|"
    "done|took|made|brought|set up|put together|began|covered|juggled|turned around|"
    "taken|been (a|an|the|part|one|responsible|in charge)"
)
_DOING = (
    "leading|building|running|managing|teaching|growing|launching|designing|delivering|"
    "scaling|shipping|writing|developing|training|mentoring|selling|closing|supervising|"
    "coordinating|organi[sz]ing|nursing|caring for|cooking|creating|producing|migrating|"
    "automating|analy[sz]ing|model?ling|treating|supporting|handling|maintaining|installing|"
    "commissioning|engineering|editing|planning|negotiating|recruiting|hiring|rebuilding|"
    "redesigning|cutting|reducing|increasing|improving|saving|overseeing|owning|heading|"
    "driving|spearheading|pioneering|founding|coaching|tutoring|volunteering|testing|"
    "triaging|auditing|animating|illustrating|teaching|serving|looking after|working (on|"
    "with|in|as|at)"
)
_NUMBER_WORDS = (
    r"(\d+|a|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|fifteen|twenty|"
    r"several|many|a few|a couple of)"
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
    r"(\b(fit|fits|suited|experience|experienced|background|skills?|strengths?|bring|"
    r"contribute|help the team|confident|qualif\w*|track record|expertise|proven|years of|"
    r"translate well|carry over|maps? (closely|directly|well)|certificat\w*|certified|"
    r"licensed|degree in|hit the ground running|settle in quickly|up to speed|"
    r"my (\w+ )?years|(for|over) (the (last|past) )?(\d+|two|three|four|five|six|seven|"
    r"eight|nine|ten|several|many) years|"
    rf"i( have|'ve| had|'d)?( \w+ly| also| already)? ({_DONE})|"
    rf"having (\w+ly )?({_DONE})|(after|by|while|since|from) ({_DOING})\b|"
    rf"i('ve| have)? (been )?(\w+ly )?({_DOING})\b|"
    rf"{_NUMBER_WORDS} (\w+ )?(years?|months?|decades?|seasons?) (of|in|on|as|at|with|"
    r"spent|\w+ing)\b|(a|over a|more than a|nearly a|almost a) decade|"
    r"in my (current|previous|last|present|old|first) (role|job|position|post|team|company)|"
    r"(at|in) my (current|previous|last|present|old) (company|employer|job|role|firm|school|"
    r"hospital|team|post|practice|agency|store|shop|restaurant|ward|trust)|"
    r"i (currently |now |also |still )?(lead|manage|run|own|teach|oversee|supervise|"
    r"coordinate|handle|look after|maintain|head|mentor|sell|care for|chair)\b(?! to)|"
    r"i know (how|where|what it takes|first-?hand|the (pressure|hard|challenges|problems|"
    r"ropes|sector|market|area|region|patch|systems?|tools?|ground|submission))|"
    r"(taught|showed|shown|prepared|equipped|trained) me|"
    r"the (\w+ ){0,2}(project|identity|campaign|system|programme|program|product|service|"
    r"pipeline|model|report|playbook|process|tool|app|platform|course|curriculum|scheme|"
    r"forecast|rebrand|migration) i (created|built|led|ran|designed|launched|wrote|delivered|"
    r"managed|developed|shipped|started|set up|own)|"
    r"(cut|reduced|increased|grew|doubled|tripled|saved|raised|boosted|improved|lifted|"
    r"halved)\b[^.!?\n]{0,40}\bby (\d|a (third|half|quarter|fifth))|"
    r"\bhold (my|a|an) [\w -]{0,20}(licen[cs]e|certificat\w*|authori[sz]ation|"
    r"qualification))\b"
    r"|\bmy (\w+ ){0,2}(film|portfolio|showreel|reel|thesis|dissertation|case stud(y|ies)|"
    r"work samples?|record)\b|\b(shows|demonstrates|proves) (the|that|how|my|what)\b"
    r"|\b(familiar|comfortable|fluent|proficient|skilled|experienced|versed|at home) (with|in)\b"
    r"|\bused to (working|handling|managing|dealing|leading|running|teaching|supporting)\b"
    r"|\bas a (former|current|qualified|trained|registered|certified|licensed|practising|"
    r"practicing|chartered|senior|lead)\b|\bi('m| am) (a|an) (qualified|registered|certified|"
    r"chartered|licensed|experienced|trained|practising|practicing)\b"
    r"|\d+(\.\d+)? ?(%|percent\b|per cent\b)|[£$€]\d|\b\d+x\b"
    r"|\bi (also |already |currently |now |still )?(speak|use|work with|know|code in|write)\b"
    r"|\bi('m| am) (also |very |really |naturally )?(a )?(quick|good|great|strong|fast|reliable|"
    r"organi[sz]ed|patient|calm|punctual|confident|handy|meticulous|careful|thorough|methodical|"
    r"adaptable|dependable|hands-on|detail-oriented|comfortable|at ease|happy working|used) "
    r"(with|at|under|in|on|around|learner|worker|communicator)\b"
    r"|\b(quick|fast|keen) learner\b|\bcalm under pressure\b|\beye for detail\b)",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class Needs:
    """What a kind of note must say (sure) or should probably say (a suggestion)."""

    company: bool = True
    role: bool = True
    interest: bool = True
    fit: bool = True
    sure_of_company: bool = True
    #: The greeting goes to one of the interviewers.
    to_an_interviewer: bool = True


NEEDS = {
    Note.THANK_YOU: Needs(),
    Note.FOLLOW_UP: Needs(fit=False),
    Note.REJECTION_REPLY: Needs(role=False, interest=False, fit=False, sure_of_company=False),
    Note.OFFER_REPLY: Needs(role=False, interest=False, fit=False, sure_of_company=False),
    Note.WITHDRAWAL: Needs(role=False, interest=False, fit=False, sure_of_company=False),
    Note.REFERENCE: Needs(
        role=False, interest=False, fit=False, sure_of_company=False, to_an_interviewer=False
    ),
    Note.OTHER: Needs(role=False, interest=False, fit=False, sure_of_company=False),
}


def note_of(text: str) -> Note:
    """The kind of note, from its words: the most specific kind that fits wins."""
    if _REFERENCE.search(text):
        return Note.REFERENCE
    if _OFFER.search(text):
        return Note.OFFER_REPLY
    if _WITHDRAWAL.search(text):
        return Note.WITHDRAWAL
    if _REJECTION.search(text) and not _STILL_IN.search(text):
        return Note.REJECTION_REPLY
    if _FOLLOW_UP.search(text):
        return Note.FOLLOW_UP
    if _THANK_YOU.search(text):
        return Note.THANK_YOU
    if _FOLLOW_UP_MAYBE.search(text):
        return Note.FOLLOW_UP
    return Note.OTHER


def says_interest(text: str) -> bool:
    return bool(_INTEREST.search(text))


#: Words near wanting the job: when a note has one, a missing statement of interest is only
#: a suggestion; the person may well have said it in words the checker does not read.
_NEAR_INTEREST = re.compile(
    r"\b(keen|eager|excited|exciting|enthusiastic|enthusiasm|passionate|thrilled|delighted|"
    r"motivated|interested|(my|strong|real|keen) interest|appeal(s|ed|ing)?|dream|ideal|"
    r"(love|like|want|wish|hope|hoping|aim|ready|glad|happy|proud|honou?red|pleased) to "
    rf"{_JOIN}|join (you|the|your|us)|be (a )?part of|look(ing)? forward to (?!hear|your)|"
    rf"(would|'d) {_SOFTLY}(welcome|relish|value|jump)|(picture|imagine|see) myself|"
    r"(job|role|position|post|one) i('ve| have)? (\w+ )?(want|wanted|need)|drawn to|attracted "
    r"to|sold on|all in|gladly|happily|willing|consider me|keep me in|addition to (the|your)|"
    r"next chapter|what i('m| am|'ve been) (looking|hoping) for|good news|chance to (show|"
    r"prove|join|work|contribute|be)|where i want|hopeful|"
    rf"{_GLAD} (and \w+ )?to (?!(answer|hear|discuss|share|send|provide|talk|speak|meet|see|"
    rf"learn|read|help|give)\b)(\w+ )?(your|the|this|that)|want {_SOFTLY}to)",
    re.I,
)
#: Words near a reason to hire: something the person has, did or does.
_NEAR_FIT = re.compile(
    r"\b(experience|experienced|background|skills?|strengths?|qualif\w*|trained|training|"
    r"familiar with|comfortable with|fluent|proficient|used to|years|my (current|previous|last|"
    r"old) \w+|at my|in my (\w+ )?(role|job|work|team|career))\b",
    re.I,
)


_ANOTHER_PROCESS = re.compile(
    r"\b(offers?|offered|accept(ed|ing)?|interview(s|ed|ing)?|process|rounds?|stages?|"
    r"applications?|applied|"
    r"hear(d|ing)? (back )?from|waiting (on|for)|talks|considering|decision)\b",
    re.I,
)


def _as_another_process(other: str, text: str) -> bool:
    """Every sentence that names the other employer speaks of another process."""
    words = [w for w in re.findall(r"[^\W\d_][\w'-]*", other) if len(w) > 3] or [other]
    sentences = [s for s in re.split(r"(?<=[.!?])\s+|\n", text) if any(w in s for w in words)]
    return bool(sentences) and all(_ANOTHER_PROCESS.search(s) for s in sentences)


def close_to_interest(text: str) -> bool:
    return bool(_NEAR_INTEREST.search(text))


def gives_a_reason(text: str) -> bool:
    """A reason to hire: fit words, years, credentials, results, or something the person did."""
    return bool(_FIT.search(text)) or any(
        not _NOT_DONE.fullmatch(m.group(3).lower()) for m in _I_DID.finditer(text)
    )


def structure(
    text: str,
    signed_at: int | None,
    context: DraftContext,
    note: Note,
    known: Callable[[str], bool] = lambda _: True,
    someone_else: bool = False,
) -> tuple[list[Finding], list[Finding]]:
    """(findings, suggestions) on the note's frame: greeting, sign-off, the company and role,
    and, for the notes that need them, interest and fit: only suggested in a note that seems
    to go to someone other than an interviewer (`someone_else`)."""
    needs = NEEDS[note]
    sure: list[Finding] = []
    unsure: list[Finding] = []
    if not opens_with_greeting(text):
        sure.append(Finding("greeting", "Start with a greeting, like “Dear Jane,”."))
    if signed_at is None:
        sure.append(Finding("sign-off", "End with a sign-off and your name, like “Best regards,”."))
    named = company_named(context.company, text)
    if named is not Named.BY_NAME:
        # never sure: the reader knows who they are; the labelling conventions count only a
        # misspelt company or another employer named as a problem
        unsure.append(Finding("company", f"Name the company ({context.company})."))
    for other in other_employers(text, context, known):
        wrong = Finding("company", f"“{other}” is one of your other employers: wrong company?")
        # named as another process ("an offer from Globex", "my interview with Globex") in a
        # note that names its own employer too, it may be honest news rather than a slip
        # news in a note that answers an offer, withdraws or replies to a rejection
        waiting = note in {Note.THANK_YOU, Note.FOLLOW_UP}
        news = named is Named.BY_NAME and _as_another_process(other, text)
        (sure if waiting and not news else unsure).append(wrong)
    if needs.role and not role_named(context.role, text):
        # never sure: a note may leave the role to the reader, who knows what they hire for
        full = " in full" if role_hinted(context.role, text) else ""
        unsure.append(Finding("role", f"Name the role{full} ({context.role})."))
    if needs.interest and not says_interest(text):
        plainly = Finding("interest", "Say plainly that you want the job.")
        (unsure if someone_else or close_to_interest(text) else sure).append(plainly)
    elif note == Note.OTHER and not says_interest(text):
        unsure.append(Finding("interest", "If this note is about the job, say you want it."))
    if needs.fit and not gives_a_reason(text):
        reason = Finding("fit", "Add one reason you are the best fit for it.")
        (unsure if someone_else or _NEAR_FIT.search(text) else sure).append(reason)
    elif note == Note.FOLLOW_UP and not gives_a_reason(text):
        # never sure: many good follow-ups only restate the interest, the reason having been
        # given in the thank-you; some readers still want one line of it
        unsure.append(Finding("fit", "One line on why you fit would remind them of you."))
    return sure, unsure
