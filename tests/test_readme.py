"""The README's commands are real, the set-up puts `roadmap` within reach, the --format default is said once."""

from __future__ import annotations

import re
from pathlib import Path

from typer.testing import CliRunner

from cli import app

README = (Path(__file__).resolve().parent.parent / "README.md").read_text(encoding="utf-8")
runner = CliRunner()


def test_every_roadmap_command_in_the_readme_exists() -> None:
    used = set(re.findall(r"(?<![\w/.-])roadmap ([a-z]+)\b", README))
    used = {name for name in used if name not in {"and", "plans", "is"}}  # prose: "the roadmap and ..."
    assert {"plan", "init", "ask", "explain"} <= used
    for name in sorted(used):
        result = runner.invoke(app, [name, "--help"])
        assert result.exit_code == 0, name


def test_set_up_then_first_run() -> None:
    setup = README.split("## Set up", 1)[1].split("\n## ", 1)[0]
    assert len(re.findall(r"^```sh\n", setup, flags=re.M)) == 2  # exactly two set-up commands
    assert ". .venv/bin/activate" in setup or ".venv/bin/roadmap" in setup
    first = README.split("## First run", 1)[1].split("\n## ", 1)[0]
    order = [first.index(f"roadmap {cmd}") for cmd in ("init", "ask", "plan")]
    assert order == sorted(order) and "gantt.html" in first


def test_format_default_said_once() -> None:
    assert len(re.findall(r"default `gantt,checklist,json`", README)) == 1
    assert "--format gantt,checklist,json`" not in README
