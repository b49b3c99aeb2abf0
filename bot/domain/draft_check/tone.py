"""Tone: pressure, deadlines set for them, other offers used as leverage, passive aggression,
entitlement, accusation and arguing with a decision; and filler openings."""

from __future__ import annotations

import re
from dataclasses import dataclass

from bot.domain.draft_check.model import Finding
from bot.domain.draft_check.notes import Note

_ASKS = r"(let me know|tell me|get back to me|hear back|hear from you|reply|respond|answer)"
#: Words between an ask and "straight away" that are not the person's own promise ("let me
#: know and I will send it straight away").
_NOT_MINE = r"(?:(?!\b(?:i|we)\b)[^.!?\n])"
#: What they said themselves, reported back, is no pressure ("you hoped to decide by May").
_REPORTED = re.compile(
    r"\b(you|they|the team)( \w+)? (said|mentioned|hoped|planned|expected|aimed|were hoping|"
    r"are hoping|told me|indicated)\b[^.!?\n]*$",
    re.IGNORECASE,
)
#: A deadline the person was given ("I have been asked to reply by Friday") is theirs, not
#: one they set.
_OWN_DEADLINE = re.compile(
    r"\b(asked|told|have|has|need|needs|got|due|supposed|given until \w+|expected)( me| us)? "
    r"to\s*$",
    re.I,
)
#: The person answering by a date of their own ("I'll reply by Friday", "could I respond
#: by Monday?") sets no deadline for them.
#: "give you my answer by Wednesday", "get back to you by Friday": their own date.
_MY_ANSWER = re.compile(
    r"\b((my|our) (final )?|(give|send|bring|get back to|come back to|let|tell) you (my |our |"
    r"an |a )?(final )?)$",
    re.I,
)
_ANSWERING = re.compile(r"(reply|respond|answer|get back|decide|confirm)\b", re.I)
_OWN_ANSWER = re.compile(
    r"\b(i|we)('ll|'d|'m going to| will| would| can| could| shall| should| may| might| am going"
    r" to| aim to| hope to| plan to| promise to| intend to)?( (definitely|certainly|happily|"
    r"gladly|be able to|make sure to|try to))?\s*$",
    re.I,
)
#: Choices the person has elsewhere: other offers, other companies, final rounds.
_ELSEWHERE = (
    r"(other|another|competing|better|higher|second|several|multiple|two|three) (\w+ )?"
    r"offers?|(the )?other (job|role|position|post)|(has|have|had) (made|given) me an offer|"
    r"offered me (a|the|an) (role|job|position|post)|(other|competing) (options|opportunities|"
    r"companies|firms|employers|"
    r"organi[sz]ations|hotels|schools|hospitals|agencies|banks|studios|practices|businesses)|"
    r"(another|a competing|a competitor|a rival) (\w+ )?(company|firm|employer|business|hotel|"
    r"school|hospital|agency|organi[sz]ation|bank|studio|practice)|"
    r"offers? (on the table|in hand|elsewhere)|(interviewing|final rounds?|final stages?|"
    r"in talks) (elsewhere|with (other|two|three|several|another))|elsewhere|"
    r"in (high )?demand|being (courted|headhunted|approached|chased)|(an|one) offer (from|"
    r"elsewhere)|weighing (an|another|other|a|two|several) (\w+ )?(offers?|options)|"
    r"(want|wants|wanted) me "
    r"(on board|to join|to start)|(recruiters|others|they) (are|have been) (chasing|courting|"
    r"approaching|calling) me"
)
#: Pressure that turns a mention of other choices into leverage.
_PRESSURE = (
    r"(you('ll| will)? (need|have) to (move|act|decide|be quick|hurry)|need (a|an|your) "
    r"(decision|answer|offer|response)|(move|act|decide) (quickly|fast|soon|now)|hurry|"
    r"(of the )?essence|wait(ing)? (too|very) long|won't (wait|be available|last)|"
    r"(lose|losing) me|snap(ped)? (me )?up|miss out|too late|unless|if (i|you) "
    r"(don't|do not|haven't|have not|can't|cannot)|(have|need|going) to (accept|take|go with)|"
    r"will (accept|take|go with|be going with)|(match|beat) (it|that|this|the offer|their "
    r"offer|the salary)|counter-? ?offer|sooner rather|"
    r"(fairly|very|really) soon|as soon as possible|asap|quickly|right away|immediately|"
    r"please hurry|hurry up|"
    r"(wouldn't|would not|don't|do not) (wait|delay|hang about)|(can't|cannot|won't|will not) "
    r"wait (forever|long|much longer|indefinitely|around)|(can't|cannot|won't|will not) (hang|"
    r"hold on|stay) (around|about|on|available|on the market|forever|much longer)|"
    r"wait forever|(i'll|i will|i'd|i "
    r"would) need (to hear|an answer|a decision|your (answer|decision))|or (else )?i('ll| will) "
    r"(take|accept|go with|sign)|take theirs|the sooner|i expect you to|(improve|better|top) on|"
    r"if (you|they|we|[A-Z]\w+) (still )?wants? me|if you (still )?(want|are serious|'re "
    r"serious)|while i('m| am) (still )?(available|on the market|free)|(make|send|put) (me )?(an|"
    r"your) offer|(won't|will not) be (available|on the market|around)|first come)"
)
_ELSEWHERE_RE = re.compile(rf"\b({_ELSEWHERE})\b", re.I)
_PRESSURE_RE = re.compile(rf"\b{_PRESSURE}", re.I)
#: Other choices with a date beside them: fair to say, as long as it only asks about timing.
_ELSEWHERE_OR_OFFER = re.compile(rf"\b({_ELSEWHERE}|an offer)\b", re.I)
_A_DATE = re.compile(
    r"\b(by|before|until|expires?|deadline|this week|next week|monday|tuesday|wednesday|"
    r"thursday|friday|the \d+(st|nd|rd|th))\b",
    re.I,
)
_SENTENCE = re.compile(r"[^.!?\n]+")
_CALM_OFFER = "another offer and a date: say it only to ask about their timing, never as pressure"


@dataclass(frozen=True)
class Rule:
    pattern: re.Pattern[str]
    why: str
    #: Only in notes to someone still deciding about the person (not a withdrawal or a
    #: reply to an offer, where another offer is simply news).
    while_waiting: bool = False


_RULES = (
    Rule(
        re.compile(
            r"\bi (fully |do )?expect (to hear|an answer|a decision|a response|a reply|(a|an|your|"
            r"some|the) (\w+ )?(explanation|answer|response|reply|decision|justification|apology|"
            r"breakdown|feedback))",
            re.I,
        ),
        "expects an answer",
    ),
    Rule(
        re.compile(
            r"\b(i('m| am)|i was) (\w+ )?begging\b|\bi beg (you|of you)\b|\bplease,? please\b|"
            r"\bdesperate(ly)?\b|\bi (really |truly |badly |just )?need (this|the|a) (job|role|"
            r"position|post|chance|break)\b|\b(don't|do not) know what i('ll| will| would|'d) do\b|"
            r"\bi('ll| will| would|'d) do anything\b|\b(my|our) (family|rent|bills|children|kids|"
            r"mortgage) (depend|depends|relies|rely|is depending|are depending)\b|\bmy (last|only) "
            r"(hope|chance)\b|\bi('ve| have) (applied|interviewed) (to|for|at) (more than |over |"
            r"nearly |almost )?(\d+|dozens|hundreds|twenty|thirty|forty|fifty|sixty|a hundred)\b",
            re.I,
        ),
        "sounds desperate",
    ),
    Rule(
        re.compile(
            r"\b(divorce|bankrupt(cy)?|evict(ed|ion)|my debts?|in debt)\b|"
            r"\b(my )?savings (are|have) (almost |nearly |all but |already )?(gone|run out|"
            r"dried up)\b|\b(losing|lose) (my|the|our) (flat|house|home|apartment)\b|"
            r"\b(can't|cannot|couldn't) (pay|afford|cover) (my|the|our) (rent|bills|mortgage)\b|"
            r"\b(this|the) (job|role) would (save|rescue) (me|us)\b",
            re.I,
        ),
        "shares more hardship than a note to an employer needs",
    ),
    Rule(
        re.compile(
            r"\bunless (you tell me|i hear|told|you say|instructed) otherwise\b|\b(handed|handing|"
            r"given|giving|put|putting) in my notice\b|\bi('ll| will) (plan to |be ready to |"
            r"go ahead and )?start (on|next|from)\b|\bsee you on my first day\b|\bwhen i start\b",
            re.I,
        ),
        "takes the job as already given",
        while_waiting=True,
    ),
    Rule(
        re.compile(
            rf"\b({_ASKS}|decision|update)\b{_NOT_MINE}{{0,25}}\b(asap|as soon as possible)\b",
            re.I,
        ),
        "asks for speed (ASAP)",
    ),
    Rule(
        re.compile(
            rf"\b({_ASKS}|decision|update)\b{_NOT_MINE}{{0,25}}\b(immediately|right away|urgently|"
            r"straight away)\b|\b(this|it) is urgent\b",
            re.I,
        ),
        "sounds urgent",
    ),
    Rule(
        re.compile(
            r"\b(i demand|i insist)\b|\bi need (an? |your |the )?(answer|decision|response|"
            r"reply|update)\b|\byou (must|need to|have to) (reply|respond|decide|answer|get "
            r"back|let me know|tell me|give me|make)\b",
            re.I,
        ),
        "makes demands",
    ),
    Rule(
        re.compile(
            rf"\b{_ASKS}( to me)?( with)?( (your|a|the) (final )?(decision|answer|response))?"
            r" (by|before|no later than|within) (?!now\b|then\b)"
            r"|\b(please|kindly|could you|can you) (decide|confirm|make (a|your) decision)\b"
            r"[^.!?\n]{0,20}\b(by|before|within) "
            r"|\b(appreciate|need|expect|require|want|like|let me have|send me|give me)\b"
            r"[^.!?\n]{0,25}\b(your|a|the) "
            r"(final )?(decision|answer|response|reply|offer)\b[^.!?\n]{0,15}"
            r"\b(by|before|no later than|within) (?!now\b|then\b)",
            re.I,
        ),
        "sets them a deadline for their decision",
        # in an answer to an offer a date is the person's own ("I'll respond by Monday")
        while_waiting=True,
    ),
    Rule(
        re.compile(
            r"\b(decision|choice|outcome) (was|had been) (already )?(made|decided|taken) before\b|"
            r"\bbefore i (even )?(walked in|arrived|sat down|had a chance|started)\b|"
            r"\b(hard|difficult|impossible) to (accept|believe|understand),? (given|since|as|when|"
            r"that|considering)\b|\b(find|found|finding) it (hard|difficult|impossible|very hard|"
            r"difficult) to (believe|accept|understand|see) (that |how |why )?(you|your|the|anyone|"
            r"someone|a|they)\b|"
            r"\bwhy (haven't|have not|didn't|did not) you\b|\bwhy (was i|i was|wasn't i|i "
            r"wasn't) (rejected|not selected|turned down|passed over)",
            re.I,
        ),
        "sounds accusing",
    ),
    Rule(
        re.compile(
            r"\b(since|as|because|now that|given that) i('ve| have| now have)?( got| received| "
            r"been given| been made)? (an|another|other|a competing|competing|several|two|"
            r"multiple) offers?\b|\b(an)?other offers?,? so\b|\b(other|competing|another) "
            r"offers?\b[^.!?\n]*\b(unless|if you (don't|do not|can't|cannot)|before i "
            r"(accept|sign|take))",
            re.I,
        ),
        "uses other offers as pressure",
        while_waiting=True,
    ),
    Rule(
        re.compile(
            r"\b(the|common|basic|simple) courtesy\b|\bcourtesy (of|to) (a |an )?(reply|"
            r"response|answer|update)|\bas i (mentioned|said|stated|noted|explained|wrote|"
            r"pointed out) in my (\w+ ){0,2}(emails?|messages?|notes?|letters?|voicemails?)|"
            r"\bper my (last|previous|earlier) (email|message|note)|\bas (previously|already) "
            r"(mentioned|stated|explained)|\b(surprised|shocked|puzzled|baffled|frustrated)\b"
            r"[^.!?\n]{0,30}\b(not|n't|no|nothing)\b[^.!?\n]{0,25}\b(heard|hear|reply|replied|"
            r"response|responded|update|word|news)|\b(would|'d) have (expected|thought|"
            r"hoped|appreciated)\b|\bthe least (you|they|anyone|someone) could\b|"
            r"\b(finally|at least) (get|got|getting) back\b|\bat least (let me know|reply|"
            r"respond|tell me|have the)|\bfinally (reply|respond|let me know|tell me|hear)|"
            r"\b(still|been|keep) waiting (for|on) (a|an|your|any|some) (response|reply|"
            r"answer|update|word|news)|\b(emailed|written|called|wrote|followed up|reached "
            r"out|tried|chased)\b[^.!?\n]{0,20}\b(several|multiple|many|three|four|five|"
            r"\d+) times\b|\b(nobody|no one|no-one|anyone) (has )?(bothered|replied|responded|"
            r"reads|read|got back|gotten back|gets back)|(?<!if )\b(is it|surely it's|surely "
            r"it is|it's hardly|it is hardly|it's not|it is not) too much to ask|\bi assume "
            r"(you|my|the|it|they)\b[^.!?\n]{0,25}\b(busy|lost|missed|forgot|ignored|spam)|"
            r"\b(it would|it'd) be nice (to|if)\b[^.!?\n]{0,30}\b(hear (back|something|"
            r"anything)|reply|replied|respond|responded|courtesy|an? (answer|update|response))|"
            r"\b(taking|take|takes) (so|this|that) long\b|\bwithout (a|any|a single) (word|"
            r"reply|response|answer)\b|\b(waiting|waited) (for )?(over |more than |nearly )?"
            r"(\w+ ){0,2}(weeks|months) (now|already|without)\b|\bexpected (better|more) "
            r"(communication|of|from)\b|\b(poor|bad) communication\b|\bradio silence\b|"
            r"\bghost(ed|ing)\b|\b(your|their|the panel's) time is (\w+ )?(more|far more|much "
            r"more) (valuable|important|precious) than (mine|ours)\b|\beven though (it|you|the "
            r"(interview|meeting|call)) (started|ran|was|began|kept me waiting)( \w+){0,3} (late|"
            r"behind|delayed|over)\b|\brespect (my|people's|candidates') "
            r"time|\bmy time is (valuable|precious)|\ba (simple|quick|one-word) (yes or no|"
            r"reply|response|answer) (would|will) (do|suffice)",
            re.I,
        ),
        "sounds passive-aggressive",
    ),
    Rule(
        re.compile(
            r"\b(please |kindly )?(re-?consider|rethink|revisit) (your|the|this) decision|"
            r"\b(should|could|would|will|please) (re-?consider|rethink|change your mind)|"
            r"\bhope you('ll| will)? (re-?consider|change your mind)|"
            r"\b(you're|you are|you've|you have) (making|made) a (big |huge |serious )?mistake|"
            r"\b(you|your (\w+ )?(panel|team|committee|managers?|recruiters?)|the (\w+ )?(panel|"
            r"committee)|they|whoever decided)( have| has| are| is)? (made|making|make) a (\w+ )?"
            r"(mistake|error)\b|"
            r"\b(wrong|bad|poor) decision\b|\byou('ll| will) regret|\byour loss\b",
            re.I,
        ),
        "argues with their decision",
    ),
    Rule(
        re.compile(
            r"\b(insulting|ridiculous|unacceptable|unprofessional|disrespectful|a joke|you people|"
            r"thanks for nothing|shambles|incompetent|incompetence|"
            r"(a )?waste of (my )?time|outrageous|pathetic)\b",
            re.I,
        ),
        "sounds hostile",
    ),
    Rule(
        re.compile(r"\bi( deserve|'ve earned| have earned)\b|\b(you )?owe me\b", re.I),
        "sounds entitled",
    ),
    Rule(
        re.compile(
            r"\bthe sooner (you|i hear|i get|we)\b[^.!?\n]{0,60}\bthe better\b|"
            r"\b(i'll|i will|i would|i'd) need (to know|to hear|an answer|a decision|your "
            r"(answer|decision))\b[^.!?\n]{0,30}\b(by|before|within|no later than)\b|"
            r"\bby (the )?(end of (the )?(day|week)|close of business|eod|cob)\b|"
            r"\bwithin (24|48|72|twenty-four|forty-eight) hours\b",
            re.I,
        ),
        "presses them for a quick answer",
    ),
    Rule(
        re.compile(
            r"(?:^|[.!?;]\s+|\n|,\s+)(send|give|tell|provide|forward|explain|justify|show|"
            r"email) (me|us) (the|a|an|your|all|every|my|written|details|feedback|an "
            r"explanation|a breakdown|a copy)\b",
            re.I | re.M,
        ),
        "makes demands",
    ),
    Rule(
        re.compile(
            r"\bi( would|'d|'ll| will| should)? (expect|not (need|have) to|be exempt|be "
            r"excused)\b[^.!?\n]{0,50}\b(skip|bypass|waive|straight to|fast-?track|exempt|"
            r"rather than (sit|take|do|complete))|\bi trust (that )?you('ll| will) (arrange|"
            r"ensure|make|sort|see to|agree|waive|skip|offer|approve)\b|\b(skip|bypass|waive) "
            r"(the|your|this|that) ([\w-]+ ){0,2}(test|assessment|exercise|interview|round|stage|"
            r"process|task)\b",
            re.I,
        ),
        "sounds entitled",
    ),
    Rule(
        re.compile(
            r"\b(was|is|seems|seemed|felt|feels|looks|looked)( very| quite| rather| a bit| "
            r"deeply| completely| totally| clearly)? (unfair|biased|rigged|discriminatory|"
            r"a foregone conclusion|a formality|a sham|a box-ticking exercise)\b|"
            r"\b(you|they|the panel) (had )?(already|always) (decided|chosen|picked|had someone)|"
            r"\b(never|didn't|did not|don't|do not) (even |really |actually )?(read|look at|"
            r"consider(ed)?|listen(ed)? to|give|gave) (my|me)\b|\bwasted my time\b|"
            r"\bi('ll| will) assume (that )?(you('re| are)|the (role|position|job)|it('s| is)|"
            r"i('m| am)|my application|nobody|no one)\b|\b(with|no) (all )?due respect\b",
            re.I,
        ),
        "sounds accusing",
    ),
    Rule(
        re.compile(
            r"\bi (can't|cannot|don't|do not|fail to) (understand|see|believe|fathom) (how|why) "
            r"(you|they|the panel|someone|anyone)\b|\b(far |much )?less (experienced|qualified)"
            r"\b|\b(in mind|lined up) (all along|from the start|already)\b|\b(you|the panel|the "
            r"team|they) (clearly|obviously) (didn't|did not|never|weren't|wasn't)\b",
            re.I,
        ),
        "sounds accusing",
    ),
    Rule(
        re.compile(
            r"\bi('ll| will) take (your|that|the|this) silence as\b|\bi (can only|must|have to) "
            r"assume\b|\b(finally|actually) (getting back|replying|responding|answering)\b|"
            r"\bsome of us\b|\b(is|are|isn't|aren't|is not|are not) (\w+ly )?(not )?(everyone's|"
            r"anyone's|your|a|high on (your|anyone's|the)) (top |high |first |real )?(priority|"
            r"list)\b|\b(is|are|was|were|has|have)( \w+)? (evidently|apparently|obviously|clearly|"
            r"presumably) (not|no longer|too busy|beneath)\b|\b(evidently|apparently|presumably) "
            r"(nobody|no one|no-one|never)\b|\b(second|third|fourth|fifth|another|final) "
            r"reminder\b|\b(thought|figured) i('d| would| might) make it easy\b|"
            r"\b(don't|do not|please don't|please do not) keep me (waiting|hanging|guessing|in the "
            r"dark)\b|\b(this|my) (email|message|note|letter|application) (doesn't|won't|does not|"
            r"will not) (get |go )?(lost|ignored|missed|overlooked|buried|unanswered)\b|"
            r"\b(not sure|don't understand|wonder|can't see) why (this|it) (is|has been|should be) "
            r"so (difficult|hard|complicated|slow|long)\b|\b(a reply|a response|an answer|an "
            r"update|some feedback|feedback|some notice|a call|a heads-up|an acknowledgement|the "
            r"courtesy) (would|might) have been (nice|polite|appreciated|courteous|good|decent)\b|"
            r"\b(won't|will not|shouldn't|should not|don't|do not) (have|need) to (chase|remind|"
            r"follow up|ask|write|email|call) (you )?(again|a (second|third)|another|once more)\b|"
            r"\b(is|are) (anyone|anybody|you|somebody|someone) (actually|even|still|ever) (reading|"
            r"there|getting|receiving|checking|looking)\b|"
            r"\b(anyone|anybody) (there|home|out there)\?|"
            r"\bas long as (last time|before|the last)\b|"
            r"\bif you (ever|even) (read|check|see|get to)\b|"
            r"\b(and|but) (still )?"
            r"(nothing|no word|no reply|no response|not a word|no news)\b|\b(surely|obviously|"
            r"clearly) (you|someone|somebody|nobody|no one)\b|\bi('m| am) sure you('re| are) "
            r"(\w+ )?busy,? but\b|\b(surprised|shocked|disappointed|a shame|a pity) that (nobody|"
            r"no one|no-one|you (didn't|did not|never|hadn't|haven't))\b|\breturn the favou?r\b",
            re.I,
        ),
        "sounds passive-aggressive",
    ),
    Rule(
        re.compile(
            r"\bi('ll| will) (be |keep )?(call|calling|ring|phone|chase|chasing|email|emailing|"
            r"follow up|following up)\b[^.!?\n]{0,30}\b(every|daily|each day|until)\b|"
            r"\bi('ll| will) (stop|drop|pop|swing) (by|in|round|over)\b|\b(settle|sort|discuss) "
            r"(the |our )?next steps in person\b|"
            r"\bi (want|expect) (an?|your|the|to) (answer|decision|response|reply|hear)\b|"
            r"(?<!for )(?<!for your )(?<!for the )(?<!for such a )(?<!for a )\b(a |your )?(quick|"
            r"fast|speedy|swift|prompt) (decision|answer|response|reply|turnaround)\b|"
            r"\bi (need|must|have) to (know|hear|have (an|your|a) (answer|decision))\b"
            r"[^.!?\n]{0,30}\b(by|before|within|no later than|today|tomorrow|this week)\b",
            re.I,
        ),
        "is pushy",
    ),
    Rule(
        re.compile(
            r"\bi('m| am) (clearly|obviously|by far) (the )?(best|strongest|most (qualified|"
            r"experienced))\b|\b(given|with) my (experience|background|record|track record|"
            r"qualifications),? (i|you) (should|would|must|will) (expect|be|offer|skip|waive|"
            r"not)\b|"
            r"\bi (shouldn't|should not) (have|need) to\b|\bi trust (that )?(i|we)('ll| will| "
            r"shall) (be hearing|hear|receive|get|be getting|be offered)\b|\b(for|to) someone "
            r"(at|of|with) my (level|experience|calibre|caliber|seniority|background|standing)\b",
            re.I,
        ),
        "sounds entitled",
    ),
    Rule(
        re.compile(
            r"\bif i (haven't|have not|don't|do not) (heard?|had)( back| an answer| a reply)?"
            r"( from you)?( by (then|\w+))?,? i('ll| will) (assume|withdraw|take|accept|move on|"
            r"look elsewhere)\b|"
            r"\bor (else )?i('ll| will| shall| would)? (have to |need to |be forced to )?(move on|"
            r"look elsewhere|withdraw|walk away|accept (the )?(other|another|their)|take (the )?"
            r"(other|another|their)|go (elsewhere|with))\b",
            re.I,
        ),
        "issues an ultimatum",
    ),
    Rule(
        re.compile(
            r"\bi assume (the|my) (offer|contract|start date|offer letter)\b|\b(receiving|send "
            r"me|sending me|getting) my (contract|offer|offer letter|start date|employment "
            r"(pack|contract))\b|\b(told|informed|telling|tell) my (current )?(boss|manager|"
            r"employer|team) (that )?i('m| am| will be) leaving\b|\b(started|starting|begun) "
            r"looking (at|for) (flats|houses|homes|places|childcare|schools|rooms) (near|close to|"
            r"around)\b|\b(confident|sure|certain|know) (that )?(the (job|role|position|post)|it) "
            r"is (already )?mine\b|\btake (it|that|your silence|no reply) as a yes\b",
            re.I,
        ),
        "takes the job as already given",
        while_waiting=True,
    ),
    Rule(
        re.compile(
            r"\b(annoyed|irritated|irked|unimpressed|not (very |at all )?impressed)\b"
            r"(?! (with|at) myself)|"
            r"\b(kept|keeping|keep) me waiting\b|\b(shame|pity) (that )?(the panel|nobody|no one|"
            r"no-one|the interviewers?|your team|you) (seemed|was|were|had|didn't|hadn't|"
            r"couldn't)\b|\bseemed (so |very |rather |a bit |quite )?(distracted|disinterested|"
            r"uninterested|bored|unprepared|rushed|disorgani[sz]ed)\b|\b(nobody|no one|no-one) "
            r"(had |has )?(even )?(read|looked at|opened|seen) my\b|\bthanks,? i guess\b|\bfor "
            r"finally (seeing|meeting|getting|making|finding)\b|\bnot that it (seemed to |seems "
            r"to )?matter(s|ed)? to (anyone|you|anybody)\b|\b(hope|trust) you('ll| will) do "
            r"better\b|\b(taking|takes|took) forever\b|\bi('ve| have) been (more than|extremely|"
            r"incredibly|very|remarkably) patient\b|\bthis is (now )?my (second|third|fourth|fifth|"
            r"\d+(st|nd|rd|th)) (email|message|attempt|note|time writing)\b|\bdid you (even|ever) "
            r"(get|receive|read|see|open) my\b|\bstarting to (think|feel|wonder) (that )?(you're|"
            r"you are|you aren't|nobody|no one|my application)\b|\bi would have liked more than\b",
            re.I,
        ),
        "sounds passive-aggressive",
    ),
    Rule(
        re.compile(
            r"\b(going through|been through) a (really |very |truly )?(tough|hard|"
            r"difficult|rough|awful|terrible|horrible) (time|year|few months|patch|spell)\b|"
            r"\bmy mental health (has|have|is|was|hasn't|isn't|suffered)\b|"
            r"\b((my|our) )?(wife|husband|partner|girlfriend|boyfriend) (left|walked "
            r"out on|divorced)\b|\b(kids|children|mouths|family) to feed\b|\b(can't|cannot) "
            r"afford to wait\b|\bi need this (to work|job|role|badly|so much|more than)\b",
            re.I,
        ),
        "shares more hardship than a note to an employer needs",
    ),
    Rule(
        re.compile(
            r"\b(hurry up|please hurry)\b|\b(competitors?|rivals?) (has|have) (already )?"
            r"(offered|made me)\b|\boffered me (more|a higher|a bigger|a better)\b|\b(a lot of|"
            r"lots of|plenty of|significant|strong|a great deal of) interest from (other|several|"
            r"many|a number of)\b|\byou('d| would) be (foolish|mad|crazy|silly|making a mistake) "
            r"(to|not to)\b|\bi('m| am) (by far|easily|clearly|simply|honestly|obviously) the best "
            r"(candidate|person|applicant)\b|\bthe best (candidate|person|applicant) you('ll| "
            r"will)? (ever )?(see|find|get|meet|interview)\b",
            re.I,
        ),
        "presses them with other offers or its own worth",
        while_waiting=True,
    ),
    Rule(
        re.compile(
            r"\bcould do with (a )?(tidy|clean|refresh|makeover|revamp|lick of paint)\b", re.I
        ),
        "sounds rude",
    ),
    Rule(re.compile(r"!{2,}"), "raises its voice with “!!”"),
)
_FILLER = re.compile(
    r"\bjust (wanted to )?(checking|check|following|follow|touching|touch|circling|circle|"
    r"bumping|bump)( in| up| base| back)?\b|\btouching base\b|\bbumping this\b|"
    r"\bjust (wanted to |want to )?(reach|reaching|pinging|ping|nudging|nudge) (out|you)\b",
    re.IGNORECASE,
)
#: Notes sent while the employer is still deciding about the person.
_WAITING = frozenset({Note.THANK_YOU, Note.FOLLOW_UP, Note.OTHER})


def tone(text: str, note: Note) -> tuple[list[Finding], list[Finding]]:
    """(findings, suggestions): each rule once, unless it only reports their own words."""
    sure = [
        Finding("tone", f"Tone: this {rule.why}.")
        for rule in _RULES
        if (note in _WAITING or not rule.while_waiting)
        and any(_pressing(text, match) for match in rule.pattern.finditer(text))
    ]
    sentences = [m.group(0) for m in _SENTENCE.finditer(text)]
    if any(
        _ELSEWHERE_RE.search(sentence) and _PRESSURE_RE.search(sentence) for sentence in sentences
    ):
        sure.append(Finding("tone", "Tone: this uses other offers as pressure."))
    unsure = []
    if (
        not sure
        and note in _WAITING
        and any(_ELSEWHERE_OR_OFFER.search(s) and _A_DATE.search(s) for s in sentences)
    ):
        unsure.append(Finding("tone", f"{_CALM_OFFER.capitalize()}."))
    if not sure and text.count("!") >= 3:
        unsure.append(Finding("tone", "Several “!” read as excitable; one is plenty."))
    return _unique(sure), unsure


def _pressing(text: str, match: re.Match[str]) -> bool:
    before = text[: match.start()]
    own_answer = (_ANSWERING.match(match.group(0)) and _OWN_ANSWER.search(before)) or (
        _MY_ANSWER.search(before)
    )
    return not (_REPORTED.search(before) or _OWN_DEADLINE.search(before) or own_answer)


def filler(text: str) -> list[Finding]:
    found = _FILLER.search(text)
    if not found:
        return []
    return [
        Finding(
            "filler", f"“{found.group(0)}” is filler: say why you are writing in the first line."
        )
    ]


def _unique(findings: list[Finding]) -> list[Finding]:
    return list(dict.fromkeys(findings))
