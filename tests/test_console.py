"""The offline console, as a newcomer runs it: piped input, no Slack account, no tty."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

SCRIPT = """\
/interview add Acme, Staff Engineer, today 2pm, with Jane Doe and Bob Smith
advance 6h
done 2
click skip 1
list
what is this?
/interview add Acme
advance 1d
quit
this line is never read
"""


def run_console(
    tmp_path: Path, script: str, *args: str, **settings: str
) -> subprocess.CompletedProcess[str]:
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith("SLACK_") and key != "LOG_LEVEL"
    }
    env.update(
        {
            "PYTHONPATH": str(ROOT),  # this checkout's bot package, whichever copy is installed
            "COACH_DB_PATH": str(tmp_path / "data"),
            "COACH_CONSOLE_TZ": "Europe/Berlin",
            "COACH_CLOCK_START": "2026-11-26T10:00:00+01:00",
            **settings,
        }
    )
    return subprocess.run(
        [sys.executable, "-m", "bot", *args],
        input=script,
        capture_output=True,
        text=True,
        cwd=tmp_path,
        env=env,
        timeout=120,
    )


def test_the_console_starts_without_credentials_and_runs_a_whole_day(tmp_path: Path) -> None:
    result = run_console(tmp_path, SCRIPT)

    assert result.returncode == 0, result.stderr
    out = result.stdout
    assert "No Slack credentials set: starting the offline console." in result.stderr
    assert "Saved *Acme* · Staff Engineer" in out
    assert "Thu 26 Nov, 14:00–15:00 (Europe/Berlin)" in out
    assert "`#1` Thu 26 Nov, 16:00 · Thank Jane Doe for the Acme interview" in out
    assert "[Done] [Snooze] [Skip]" not in out.split("> advance 6h")[0], "nothing due before"
    after_advance = out.split("> advance 6h")[1]
    assert "It is now Thu 26 Nov, 16:00." in after_advance
    assert "*2 things for today*" in after_advance
    first_dm = after_advance.split("> done 2")[0]
    assert first_dm.count("Before you hit send") == 1, "one proofread line per message"
    assert "Marked `#2` Thank Bob Smith for the Acme interview as done." in out
    assert "Interview Coach DM, updated" in out
    assert ":fast_forward: Skipped." in out
    assert "*Open items*" in out
    assert "I understand these replies" in out
    assert "I couldn't" in out or "missing" in out.lower()
    assert "Connect with Jane Doe on LinkedIn" in out.split("> advance 1d")[1]
    assert "never read" not in out


def test_the_console_ends_cleanly_at_the_end_of_input(tmp_path: Path) -> None:
    result = run_console(tmp_path, "/interview help\n", "console")

    assert result.returncode == 0, result.stderr
    assert "/interview list" in result.stdout
    assert "Traceback" not in result.stderr


def answer_to(out: str, line: str, occurrence: int = 1) -> str:
    """What the console printed in answer to the `occurrence`-th input `line`."""
    after = out.split(f"> {line}\n")[occurrence]
    return after.split("\n> ", 1)[0]


BUTTONS = """\
/interview add Acme, Staff Engineer, today 2pm, with Jane Doe and Bob Smith
advance 6h
click "Draft it" 1
click draft it
click frobnicate
click snooze-choice 2 next week
click snooze-choice 1
click done 1
click done 1
/interview remove 1
click "Keep it"
click remove
/interview remove 1
click remove i1
/interview add Acme, Staff Engineer, today 2pm, with Jane Doe
/interview forget
click keep my data
/interview forget
click "Delete everything"
/interview list
"""


def test_every_button_and_menu_can_be_pressed_by_its_name(tmp_path: Path) -> None:
    result = run_console(tmp_path, BUTTONS)

    assert result.returncode == 0, result.stderr
    out = result.stdout
    digest = answer_to(out, "advance 6h")
    assert "*#1 · Thank Jane Doe for the Acme interview*" in digest
    assert "[Done] [Snooze] [Skip] [Draft it]" in digest
    assert "▾ snooze-choice: Later today | Tomorrow morning | Next week" in digest
    assert "Dear Jane" in answer_to(out, 'click "Draft it" 1')
    which = answer_to(out, "click draft it")
    assert "Which one?" in which and "#1, #2" in which
    snoozed = answer_to(out, "click snooze-choice 2 next week")
    assert "Interview Coach DM, updated" in snoozed
    assert ":zzz: Snoozed until" in snoozed.split("*#2 ·")[1]
    choose = answer_to(out, "click snooze-choice 1")
    assert "Later today, Tomorrow morning, Next week" in choose
    assert ":white_check_mark: Done. Nice work." in answer_to(out, "click done 1", 1)
    assert "no button or menu called “done 1” on screen" in answer_to(out, "click done 1", 2)
    unknown = answer_to(out, "click frobnicate")
    assert "no button or menu called" in unknown and "[Draft it]" in unknown
    assert "[Remove] [Keep it]" in answer_to(out, "/interview remove 1", 1)
    assert "Kept it. Nothing was removed." in answer_to(out, 'click "Keep it"')
    assert "no button or menu called" in answer_to(out, "click remove"), "the prompt was replaced"
    assert "Removed `i1` Acme" in answer_to(out, "click remove i1")
    assert "Kept. Nothing was deleted." in answer_to(out, "click keep my data")
    assert "I deleted everything I kept about you" in answer_to(out, 'click "Delete everything"')
    assert "Nothing on your list yet" in answer_to(out, "/interview list")


FOLLOW_UPS = """\
/interview add Acme, Staff Engineer, today 2pm, with Jane Doe
/interview add Globex, Designer, today 3pm
advance 7d
click heard-back 4
click heard-back 4 not selected
click done 8
click "I followed up" 8
"""


def test_follow_ups_offer_i_followed_up_and_the_heard_back_menu(tmp_path: Path) -> None:
    result = run_console(tmp_path, FOLLOW_UPS)

    assert result.returncode == 0, result.stderr
    out = result.stdout
    arrived = answer_to(out, "advance 7d")
    assert "*#4 · A polite follow-up with Acme*" in arrived
    assert "*#8 · A polite follow-up with Globex*" in arrived
    assert "[I followed up] [Snooze] [Skip] [Draft it]" in arrived
    menu = "▾ heard-back: Still in process | Not selected | Got an offer | I withdrew"
    assert arrived.count(menu) == 2
    assert "Still in process, Not selected, Got an offer, I withdrew" in answer_to(
        out, "click heard-back 4"
    )
    assert "I'm sorry about Acme" in answer_to(out, "click heard-back 4 not selected")
    followed = answer_to(out, "click done 8")
    assert ":white_check_mark: Done. Nice work." in followed.split("*#8 ·")[1]
    assert "no button or menu called" in answer_to(out, 'click "I followed up" 8')


LONG_NAME = "Jane " + "x" * 90
FORM = f"""\
/interview add
Acme

Staff Engineer
tomorrow
2026-11-27
14:00
2
{LONG_NAME}; Bob Smith
Ask about the on-call rota
Jane Doe <jane@acme.com>; Bob Smith
/interview export
/interview add Globex
form

Designer
cancel
/interview list
"""


def test_the_add_form_is_asked_field_by_field_and_submitted_as_slack_would(
    tmp_path: Path,
) -> None:
    result = run_console(tmp_path, FORM)

    assert result.returncode == 0, result.stderr
    out = result.stdout
    assert "✎ Company" in answer_to(out, "/interview add")
    assert "Role is required." in answer_to(out, "")
    assert "today is 2026-11-26" in answer_to(out, "Staff Engineer")
    assert "Type the date as YYYY-MM-DD" in answer_to(out, "tomorrow")
    assert "2) 45 minutes" in answer_to(out, "14:00")
    assert "✎ Notes" in answer_to(out, f"{LONG_NAME}; Bob Smith")
    refused = answer_to(out, "Ask about the on-call rota")
    assert "┌─ form not saved" in refused
    assert "Interviewer names can be up to 80 characters." in refused
    assert "✎ Interviewers" in refused, "only the refused field is asked again"
    assert "Saved *Acme*" not in out.split("> Jane Doe <jane@acme.com>")[0]
    saved = answer_to(out, "Jane Doe <jane@acme.com>; Bob Smith")
    assert "Saved *Acme* · Staff Engineer" in saved
    assert "Fri 27 Nov, 14:00–14:45 (Europe/Berlin) with Jane Doe, Bob Smith" in saved
    exported = re.search(r"📎 interview-coach\.json saved to (\S+)", out)
    assert exported is not None
    data = Path(exported.group(1)).read_text("utf-8")
    assert "jane@acme.com" in data and "Ask about the on-call rota" in data
    opened = answer_to(out, "/interview add Globex")
    assert "The role is missing" in opened and "type `form`" in opened
    prefilled = answer_to(out, "form")
    assert "Enter keeps: Globex" in prefilled
    assert "Closed the form. Nothing was saved." in answer_to(out, "cancel")
    assert "Globex" not in answer_to(out, "/interview list")


def test_calendar_and_export_files_are_written_to_the_files_folder(tmp_path: Path) -> None:
    script = (
        "/interview add Acme, Staff Engineer, tomorrow 2pm, with Jane Doe\n"
        "/interview calendar\n/interview export\n/interview export\n"
    )
    result = run_console(tmp_path, script, COACH_CONSOLE_FILES=str(tmp_path / "downloads"))

    assert result.returncode == 0, result.stderr
    folder = (tmp_path / "downloads").resolve()
    assert f"Files the bot sends you are saved in {folder}" in result.stdout
    paths = [Path(p) for p in re.findall(r"📎 \S+ saved to (\S+)", result.stdout)]
    assert [p.parent for p in paths] == [folder] * 3
    assert [p.name for p in paths] == [
        "interviews.ics",
        "interview-coach.json",
        "interview-coach-2.json",
    ], "a second export never overwrites the first"
    calendar = paths[0].read_text("utf-8")
    assert calendar.startswith("BEGIN:VCALENDAR") and "Acme" in calendar
    first, second = (json.loads(p.read_text("utf-8")) for p in paths[1:])
    assert first == second
    assert "Acme" in json.dumps(first)
    for command, notice in (("calendar", "Sending your calendar"), ("export", "Sending a file")):
        answer = answer_to(result.stdout, f"/interview {command}")
        assert answer.index(notice) < answer.index("📎"), "the reply comes before the file"


def test_files_go_under_the_console_data_by_default(tmp_path: Path) -> None:
    result = run_console(tmp_path, "/interview export\n")

    assert result.returncode == 0, result.stderr
    expected = (tmp_path / "data" / "console" / "files" / "interview-coach.json").resolve()
    assert f"saved to {expected}" in result.stdout
    assert json.loads(expected.read_text("utf-8"))


def test_a_long_piped_script_is_never_asked_to_slow_down(tmp_path: Path) -> None:
    commands = ["/interview list", "list", "/interview settings"] * 15
    script = "/interview add Acme, Staff Engineer, today 2pm, with Jane Doe\n"
    script += "\n".join(commands) + "\n"

    result = run_console(tmp_path, script)

    assert result.returncode == 0, result.stderr
    out = result.stdout
    assert len(commands) >= 40
    assert "faster than I can keep up" not in out
    assert out.count("*Your processes*") == 2 * 15, "every list, command or DM, was answered"
    assert out.count("*Your settings*") == 15


def test_the_console_shows_the_persons_zone_from_the_first_line(tmp_path: Path) -> None:
    script = "now\nadvance 2h\nsnooze 1 2d\n/interview add Acme, Staff Engineer, today 2pm\nnow\n"
    result = run_console(tmp_path, script)

    assert result.returncode == 0, result.stderr
    out = result.stdout
    assert "🕒 Thu 26 Nov, 10:00 (Europe/Berlin)" in answer_to(out, "now", 1)
    assert "It is now Thu 26 Nov, 12:00." in answer_to(out, "advance 2h")
    assert "UTC" not in out
    assert "🕒 Thu 26 Nov, 12:00 (Europe/Berlin)" in answer_to(out, "now", 2)


NEWCOMER = """\
/interview add Initech, Product Manager, next wed 9am for 45m, with Carlos Mendes
/interview add Acme, Staff Engineer, today 9am, with Jane Doe
advance 6h
dnoe 2
they said no
click yes acme said no
sent it
what is the weather like
"""


def test_the_newcomers_sentences_work_in_the_console(tmp_path: Path) -> None:
    result = run_console(
        tmp_path,
        NEWCOMER,
        COACH_CONSOLE_TZ="America/Los_Angeles",
        COACH_CLOCK_START="2026-12-03T08:00:00-08:00",
    )

    assert result.returncode == 0, result.stderr
    out = result.stdout
    added = answer_to(out, NEWCOMER.splitlines()[0])
    assert "Saved *Initech* · Product Manager" in added
    # On Thursday 3 Dec next week runs Mon 7 to Sun 13 Dec: its Wednesday is Wed 9 Dec.
    assert "Wed 9 Dec, 09:00–09:45 (America/Los_Angeles) with Carlos Mendes" in added
    assert "`next wed` is Wed 9 Dec: the Wednesday of next week" in added
    assert "Marked `#2`" in answer_to(out, "dnoe 2")
    asked = answer_to(out, "they said no")
    assert "[Yes: Initech said no] [Yes: Acme said no] [None of these]" in asked
    assert "I understand these replies" not in asked
    recorded = answer_to(out, "click yes acme said no")
    assert "I'm sorry about Acme" in recorded
    assert "I understand these replies" not in answer_to(out, "what is the weather like")
    assert "[Show my list]" in answer_to(out, "what is the weather like")


DRAFT = """\
Dear Jane,

Thank you for the interview today for the Staff Engineer role at Acme.
I especially enjoyed our talk about the migration.

I'm excited about the role, and my experience running Kubernetes
at scale would help the team.

Best regards,
Sam Lee"""


def test_a_draft_pasted_over_several_lines_is_checked_whole(tmp_path: Path) -> None:
    typo = DRAFT.replace("at scale", "at scael")
    script = (
        "/interview add Acme, Staff Engineer, today 2pm, with Jane Doe\n"
        f"check\n{DRAFT}\n.\nlist\ncheck\n{typo}\n"
    )
    result = run_console(tmp_path, script)

    assert result.returncode == 0, result.stderr
    out = result.stdout
    first, second = out.split("> list")
    assert "Ready to send." in first, "the greeting on line 1 and the sign-off at the end were read"
    assert "*Open items*" in second, "the line after `.` is a command again"
    assert "“scael” looks misspelt" in second, "a draft ended by the end of input is checked"
    assert "Fix 1 thing before sending." in second
