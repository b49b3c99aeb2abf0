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


def _imports(path: Path) -> set[str]:
    """The `bot…` modules a file imports, by name."""
    import ast

    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.add(node.module)
        elif isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
    return {name for name in found if name.startswith("bot")}


def test_the_wheel_ships_only_modules_the_product_reaches_from_its_entry_point() -> None:
    """Test harnesses (replica processes, socket crowds, a calendar server) live in
    tests/harness; every module under bot/ is reachable by imports from bot.__main__."""
    package = ROOT / "bot"
    modules = {
        ".".join(path.relative_to(ROOT).with_suffix("").parts).removesuffix(".__init__"): path
        for path in package.rglob("*.py")
    }
    reached, todo = set(), ["bot.__main__"]
    while todo:
        name = todo.pop()
        if name in reached or name not in modules:
            continue
        reached.add(name)
        parts = name.split(".")
        todo += [".".join(parts[:i]) for i in range(1, len(parts))]  # parent packages
        for imported in _imports(modules[name]):
            todo += [imported, *(f"{imported}.{m}" for m in _names_under(modules, imported))]
    assert set(modules) - reached == set()


def _names_under(modules: dict[str, Path], package: str) -> list[str]:
    """`from bot.x import y` may import a submodule y: every direct child of `package`."""
    prefix = package + "."
    return [
        n[len(prefix) :] for n in modules if n.startswith(prefix) and "." not in n[len(prefix) :]
    ]
