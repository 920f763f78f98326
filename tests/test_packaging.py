"""`pip install .` (not editable) gives a `roadmap` that finds stages/ and templates/."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from tests.conftest import ROOT


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("wheel")
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "-q", "-w", str(out), str(ROOT)],
        check=True,
        capture_output=True,
    )
    return next(out.glob("roadmap-*.whl"))


def test_wheel_carries_the_data(wheel: Path) -> None:
    names = zipfile.ZipFile(wheel).namelist()
    assert "cli.py" in names
    stage_files = [n for n in names if n.startswith("roadmap/_data/stages/") and n.endswith(".yaml")]
    assert len(stage_files) == 7  # six stage files and roles.yaml
    assert any(n.startswith("roadmap/_data/templates/") for n in names)
    entry_points = next(n for n in names if n.endswith("entry_points.txt"))
    assert "roadmap = cli:main" in zipfile.ZipFile(wheel).read(entry_points).decode()


def test_installed_copy_runs_outside_the_checkout(wheel: Path, tmp_path: Path) -> None:
    site = tmp_path / "site"
    subprocess.run(
        [sys.executable, "-m", "pip", "install", "-q", "--no-deps", "--target", str(site), str(wheel)],
        check=True,
        capture_output=True,
    )
    env = {**os.environ, "PYTHONPATH": str(site)}
    code = "import sys, cli; sys.argv = ['roadmap', 'stages', '--json']; cli.main()"
    result = subprocess.run([sys.executable, "-c", code], cwd=tmp_path, env=env, capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    assert len(json.loads(result.stdout)["stages"]) == 6
    where = subprocess.run(
        [sys.executable, "-c", "import roadmap.resources as r; print(r.data_dir('stages'), r.data_dir('templates'))"],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    assert str(site) in where and "_data" in where
