"""roadmap.lazy_holidays: holidays.countries imports one country, and still offers every name."""

from __future__ import annotations

import ast
import importlib
import importlib.util
import subprocess
import sys
from pathlib import Path

import holidays

import roadmap.calendar  # noqa: F401 (installs the lazy package)
from tests.conftest import ROOT


def test_every_name_of_the_real_package_is_there_and_the_same() -> None:
    spec = importlib.util.find_spec("holidays.countries")
    assert spec is not None and spec.origin is not None
    tree = ast.parse(Path(spec.origin).read_text(encoding="utf-8"))
    exported = [
        (node.module, [a.asname or a.name for a in node.names])
        for node in ast.walk(tree)
        if isinstance(node, ast.ImportFrom)
    ]
    assert len(exported) > 200
    for module, names in exported:
        assert module is not None and module.startswith("holidays.countries.")
        for name in names:
            real = getattr(importlib.import_module(module), name)
            assert getattr(holidays.countries, name) is real, name
    assert sys.modules["holidays.countries"] is holidays.countries


def test_planning_imports_only_the_plans_country() -> None:
    code = (
        "import sys, datetime as dt\n"
        "from roadmap.calendar import build_calendar\n"
        "build_calendar(dt.date(2027, 1, 4), 'FR').to_date(300)\n"
        "print(sorted(m for m in sys.modules if m.startswith('holidays.countries.')))\n"
    )
    done = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "['holidays.countries.france']"
