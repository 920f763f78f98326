"""Layering, checked in fresh interpreters: the library never loads the CLI's modules, and the
CLI (and ``roadmap --help``) loads none of the heavy ones until a command needs them."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from tests.conftest import ROOT

CLI_ONLY = ("typer", "rich", "click", "questionary", "prompt_toolkit")
HEAVY = ("plotly", "networkx", "pydantic")


def loaded_after(code: str) -> set[str]:
    """Top-level packages in ``sys.modules`` after running ``code`` in a fresh interpreter."""
    probe = f"{code}\nimport json, sys\nprint(json.dumps(sorted({{m.split('.')[0] for m in sys.modules}})))"
    done = subprocess.run(
        [sys.executable, "-c", probe], cwd=ROOT, capture_output=True, text=True, check=True, timeout=120
    )
    return set(json.loads(done.stdout.strip().splitlines()[-1]))


def test_the_probe_sees_imports() -> None:
    assert {"typer", "pydantic"} <= loaded_after("import typer, pydantic")


@pytest.mark.parametrize("module", ["roadmap.plan", "roadmap.render.json_out", "roadmap.resolve"])
def test_the_plan_engine_loads_no_cli_module(module: str) -> None:
    assert not loaded_after(f"import {module}") & set(CLI_ONLY)


def test_no_roadmap_module_loads_a_cli_module() -> None:
    code = (
        "import importlib, pkgutil, roadmap\n"
        "for info in pkgutil.walk_packages(roadmap.__path__, 'roadmap.'):\n"
        "    importlib.import_module(info.name)"
    )
    assert not loaded_after(code) & set(CLI_ONLY)


def test_the_application_layer_loads_no_cli_module() -> None:
    code = (
        "import importlib, pkgutil, roadmap.app\n"
        "for info in pkgutil.walk_packages(roadmap.app.__path__, 'roadmap.app.'):\n"
        "    importlib.import_module(info.name)\n"
        "import roadmap.ask, roadmap.answers_io, roadmap.plan, roadmap.render"
    )
    assert not loaded_after(code) & set(CLI_ONLY)


def test_the_application_layer_names_no_cli_module() -> None:
    """Not even lazily, inside a function: roadmap/app never imports typer, rich or questionary."""
    import ast

    for path in sorted((ROOT / "roadmap" / "app").glob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom):
                names = [node.module or ""]
            else:
                continue
            assert not {n.split(".")[0] for n in names} & set(CLI_ONLY), f"{path.name}: imports {names}"


def test_importing_roadmap_is_cheap() -> None:
    loaded = loaded_after("import roadmap")
    assert not loaded & {*HEAVY, *CLI_ONLY, "jinja2", "yaml"}


def test_importing_the_cli_loads_no_heavy_module() -> None:
    loaded = loaded_after("import cli")
    assert "typer" in loaded
    assert not loaded & set(HEAVY)


def test_roadmap_help_loads_no_heavy_module() -> None:
    code = (
        "import sys\nsys.argv = ['roadmap', '--help']\nfrom cli import main\n"
        "try:\n    main()\nexcept SystemExit:\n    pass"
    )
    loaded = loaded_after(code)
    assert "typer" in loaded  # the help was rendered (plain, without rich: issue 14)
    assert not loaded & {*HEAVY, "rich"}
