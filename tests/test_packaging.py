"""The wheel carries everything the coach reads at run time, so it runs outside a checkout.

`.ci/run` also builds the wheel, installs it in a fresh virtual environment and runs the
console from another folder (`.ci/wheel`); these are the quick checks behind that one.
"""

from __future__ import annotations

import tomllib
from importlib import resources
from pathlib import Path

from bot.config import Settings, load_settings

ROOT = Path(__file__).resolve().parent.parent
PYPROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text("utf-8"))


def test_every_package_under_bot_is_in_the_wheel() -> None:
    on_disk = {
        ".".join(folder.relative_to(ROOT).parts)
        for folder in (ROOT / "bot").rglob("*")
        if folder.is_dir() and any(folder.glob("*.py")) and folder.name != "__pycache__"
    } | {"bot"}
    listed = set(PYPROJECT["tool"]["setuptools"]["packages"])
    assert on_disk | {"bot.rules", "bot.storage.migrations"} == listed


def test_the_playbook_is_package_data_read_with_importlib_resources() -> None:
    setuptools = PYPROJECT["tool"]["setuptools"]
    assert setuptools["package-dir"] == {"bot.rules": "rules"}
    assert setuptools["package-data"]["bot.rules"] == ["*.yml"]
    shipped = {entry.name for entry in resources.files("bot.rules").iterdir()}
    assert {"playbook.yml", "drafts.yml", "words.yml"} <= shipped
    assert {path.name for path in (ROOT / "rules").glob("*.yml")} <= shipped


def test_the_default_playbook_is_the_shipped_one_and_a_setting_can_replace_it(
    tmp_path: Path,
) -> None:
    assert (Settings().rules_path / "playbook.yml").is_file()
    own = tmp_path / "my-playbook"
    own.mkdir()
    assert load_settings({"COACH_RULES_PATH": str(own)}).rules_path == own
