"""The README and docs/ as a newcomer reads them: short, every link resolving, and the
console walkthrough doing what it says."""

from __future__ import annotations

import re
from pathlib import Path

from test_console import run_console

ROOT = Path(__file__).resolve().parent.parent
README = ROOT / "README.md"
PAGES = [README, *sorted((ROOT / "docs").glob("*.md"))]
LINK = re.compile(r"\]\(([^)\s]+)\)")


def anchors(page: Path) -> set[str]:
    """GitHub's anchors for a page's headings: lower case, punctuation dropped, spaces to -."""
    found = set()
    for line in page.read_text(encoding="utf-8").splitlines():
        if line.startswith("#"):
            title = line.lstrip("#").strip().lower()
            found.add(re.sub(r"[^\w\- ]", "", title).replace(" ", "-"))
    return found


def test_the_readme_stays_short_and_points_at_every_docs_page() -> None:
    text = README.read_text(encoding="utf-8")
    assert len(text.encode()) < 25_000
    for page in PAGES[1:]:
        assert f"](docs/{page.name})" in text, f"{page.name} is not linked from the README"


def test_every_relative_link_and_anchor_resolves() -> None:
    broken = []
    for page in PAGES:
        for target in LINK.findall(page.read_text(encoding="utf-8")):
            if re.match(r"[a-z]+:", target):
                continue
            path, _, anchor = target.partition("#")
            linked = (page.parent / path).resolve() if path else page
            if not linked.exists():
                broken.append(f"{page.name}: {target}")
            elif anchor and linked.suffix == ".md" and anchor not in anchors(linked):
                broken.append(f"{page.name}: {target} (no such heading)")
    assert broken == []


def walkthrough() -> tuple[str, list[str]]:
    """The walkthrough's start command and the lines it asks the reader to type."""
    text = README.read_text(encoding="utf-8")
    section = text[text.index("**A five-minute walkthrough.**") :]
    command = re.search(r"```sh\n(.+?)\n```", section, re.S)
    block = re.search(r"```\n(> .+?)\n```", section, re.S)
    assert command and block
    lines = [re.sub(r"\s{2,}#.*$", "", line[2:]) for line in block.group(1).splitlines()]
    return command.group(1), lines


def test_the_walkthrough_runs_in_the_console_as_the_readme_says(tmp_path: Path) -> None:
    command, lines = walkthrough()
    settings = dict(re.findall(r"(COACH_\w+)=(\S+)", command))
    assert settings and command.endswith("interview-coach console")

    result = run_console(tmp_path, "\n".join(lines) + "\n", "console", **settings)

    assert result.returncode == 0, result.stderr
    out = result.stdout
    for problem in ("There is no button", "I don't know", "HTTP 500", "Traceback"):
        assert problem not in out + result.stderr
    for said in (
        "Saved *Acme* · Staff Engineer",
        "Here is a draft to make your own",
        "Marked `#1` Thank Jane Doe for the Acme interview as done",
        "Marked `#2` Thank Bob Smith for the Acme interview as done",
        "Snoozed `#3` until Mon 30 Nov, 09:00",
        "`next wed` is Wed 2 Dec",
        "Wed 2 Dec, 10:00–10:45 (Europe/Berlin) with Priya Patel",
        "Did I get that right? Acme will be marked *rejected*",
        "I'm sorry about Acme",
        "Fix 3 things",
        "interviews.ics saved to",
        "Fri 27 Nov, 16:00 (Europe/Berlin)",
    ):
        assert said in out, said
