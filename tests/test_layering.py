"""Layering, checked in fresh interpreters: the library never loads the CLI's modules, and the
CLI (and ``roadmap --help``) loads none of the heavy ones until a command needs them."""

from __future__ import annotations

import ast
import json
import re
import subprocess
import sys
from pathlib import Path

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


@pytest.mark.parametrize("script", ["roadmap", "python"])
def test_roadmap_help_loads_no_heavy_module(script: str) -> None:
    """The console script prints the stored help without typer (issue 14); typer's own path (any
    other entry point, or a narrow terminal) renders it plainly, without rich."""
    code = (
        f"import sys\nsys.argv = [{script!r}, '--help']\n"
        "try:\n    from cli import main\n    main()\nexcept SystemExit:\n    pass"
    )
    loaded = loaded_after(code)
    assert ("typer" in loaded) == (script != "roadmap")
    assert not loaded & {*HEAVY, "rich"}


# --- issue 11: imports read from the source (every level, functions included) ---

RENDER_BANNED = ("roadmap.resolve", "roadmap.company", "roadmap.library", "roadmap.calendar")
"""What ``roadmap/render/`` never imports: the Plan carries what the reports need (also a ruff
banned-api rule in ``roadmap/render/ruff.toml``)."""
_ENTRY = re.compile(r"^(roadmap(?:\.\w+)+):\w+$")
"""A ``"module:function"`` string, imported at run time (the Gantt page's sections, the summary's)."""


def _module_name(path: Path, root: Path) -> str:
    parts = list(path.relative_to(root).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _is_type_checking(node: ast.If) -> bool:
    test = node.test
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING"
    )


def imported_names(path: Path, module: str, *, typing_too: bool = False) -> set[str]:
    """Every module name ``path`` imports, at any depth (functions too), plus ``"module:function"`` strings.

    ``from a import b`` gives ``a`` and ``a.b``; relative imports are made absolute. Imports under
    ``if TYPE_CHECKING:`` run only for the type checker and count with ``typing_too`` alone.
    """
    package = module if path.name == "__init__.py" else module.rpartition(".")[0]
    found: set[str] = set()

    def visit(node: ast.AST) -> None:
        for child in ast.iter_child_nodes(node):
            if isinstance(child, ast.If) and _is_type_checking(child) and not typing_too:
                for other in child.orelse:
                    visit_one(other)
                continue
            visit_one(child)

    def visit_one(node: ast.AST) -> None:
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                parts = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join([*parts, base] if base else parts)
            found.add(base)
            found.update(f"{base}.{alias.name}" for alias in node.names)
        elif isinstance(node, ast.Constant) and isinstance(node.value, str) and (m := _ENTRY.match(node.value)):
            found.add(m.group(1))
        visit(node)

    visit(ast.parse(path.read_text(encoding="utf-8")))
    return found


def import_graph(root: Path) -> dict[str, set[str]]:
    """Module → the modules of ``root/roadmap`` it imports at run time (each parent package too)."""
    modules = {_module_name(p, root): p for p in sorted((root / "roadmap").rglob("*.py"))}
    graph: dict[str, set[str]] = {}
    for name, path in modules.items():
        targets: set[str] = set()
        for imported in imported_names(path, name):
            parts = imported.split(".")
            targets.update(".".join(parts[:i]) for i in range(2, len(parts) + 1) if ".".join(parts[:i]) in modules)
        graph[name] = targets - {name}
    return graph


def import_cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """The strongly connected groups of more than one module (Tarjan), each sorted."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    cycles: list[list[str]] = []

    def connect(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for nxt in sorted(graph.get(node, ())):
            if nxt not in index:
                connect(nxt)
                low[node] = min(low[node], low[nxt])
            elif nxt in on_stack:
                low[node] = min(low[node], index[nxt])
        if low[node] == index[node]:
            group = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                group.append(member)
                if member == node:
                    break
            if len(group) > 1:
                cycles.append(sorted(group))

    for node in sorted(graph):
        if node not in index:
            connect(node)
    return cycles


def test_render_imports_nothing_from_resolve_company_library_or_calendar() -> None:
    bad = []
    for path in sorted((ROOT / "roadmap" / "render").rglob("*.py")):
        name = _module_name(path, ROOT)
        for imported in imported_names(path, name, typing_too=True):
            if any(imported == b or imported.startswith(b + ".") for b in RENDER_BANNED):
                bad.append(f"{name} imports {imported}")
    assert not bad


def test_the_ruff_rule_bans_the_same_modules_under_render() -> None:
    import tomllib

    config = tomllib.loads((ROOT / "roadmap" / "render" / "ruff.toml").read_text(encoding="utf-8"))
    assert config["extend"] == "../../pyproject.toml"
    assert set(RENDER_BANNED) <= set(config["lint"]["flake8-tidy-imports"]["banned-api"])


def test_no_import_cycles_among_roadmap_modules() -> None:
    assert import_cycles(import_graph(ROOT)) == []


def test_the_cycle_finder_sees_lazy_and_relative_imports_and_entry_strings(tmp_path: Path) -> None:
    files = {
        "roadmap/__init__.py": "",
        "roadmap/a.py": "def f():\n    from roadmap.b import g\n",
        "roadmap/b.py": "from . import c\n",
        "roadmap/c.py": "from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    import roadmap.d\n"
        "X = 'roadmap.a:f'\n",
        "roadmap/d.py": "import roadmap.c\n",
    }
    for name, text in files.items():
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text(text, encoding="utf-8")
    graph = import_graph(tmp_path)
    assert graph["roadmap.c"] == {"roadmap.a"}  # the TYPE_CHECKING import does not count
    assert import_cycles(graph) == [["roadmap.a", "roadmap.b", "roadmap.c"]]


_FLAG = re.compile(r"(?:^|[\s`(])(--[a-z][a-z-]+)")


def _flags_in_code(source: str) -> list[tuple[int, str]]:
    """Command-line flags (``--as-of``) in the string constants of ``source``, docstrings aside."""
    tree = ast.parse(source)
    docs = {
        id(node.value)
        for node in ast.walk(tree)
        if isinstance(node, ast.Expr) and isinstance(node.value, ast.Constant) and isinstance(node.value.value, str)
    }
    return [
        (node.lineno, flag)
        for node in ast.walk(tree)
        if isinstance(node, ast.Constant) and isinstance(node.value, str) and id(node) not in docs
        for flag in _FLAG.findall(node.value.replace("var(--", "var("))  # CSS custom properties are not flags
    ]


def test_the_library_names_no_command_line_flag() -> None:
    """Issue 11: errors name the API's parameters (``as_of``); cli.py shows them as flags. Only the
    message catalogue (the terminal's words) may mention a flag."""
    found = [
        (str(path.relative_to(ROOT)), line, flag)
        for path in sorted((ROOT / "roadmap").rglob("*.py"))
        if path.name != "i18n.py"
        for line, flag in _flags_in_code(path.read_text(encoding="utf-8"))
    ]
    assert found == []
    assert _flags_in_code('x = "use --force"\n"""docstring --as-of"""\n') == [(1, "--force")]


def test_the_gantt_page_reads_plotly_js_without_importing_plotly() -> None:
    """Issue 14: the page's plotly.js is read from plotly's package folder, the same text
    plotly's own get_plotlyjs gives, without plotly's import."""
    from plotly.offline import get_plotlyjs

    from roadmap.render.gantt import plotly_js

    assert plotly_js() == get_plotlyjs()
    assert "plotly" not in loaded_after("from roadmap.render.gantt import plotly_js\nplotly_js()")
