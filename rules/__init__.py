"""The playbook as data, shipped as the package data of `bot.rules` (see pyproject.toml)."""
