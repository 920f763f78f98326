"""Report templates: bundled or a consultant's own folder, autoescaping, strictness, errors."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import write_tree
from typer.testing import CliRunner

from cli import app
from roadmap.errors import InputError
from roadmap.templating import bundled_templates, environment, md_escape, render_template

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = ROOT / "examples" / "manufacturer-1200.yaml"


def test_bundled_templates_are_found() -> None:
    folder = bundled_templates()
    assert (folder / "gantt.html.j2").is_file()
    assert (folder / "checklist.md.j2").is_file()


def test_own_folder_wins_and_missing_templates_fall_back(tmp_path: Path) -> None:
    own = write_tree(tmp_path, {"gantt.html.j2": "mine {{ x }}"})
    assert render_template("gantt.html.j2", {"x": 1}, own) == "mine 1"
    env = environment(own)
    fallback = env.get_template("checklist.md.j2")
    assert fallback.filename == str(bundled_templates() / "checklist.md.j2")


def test_html_templates_are_autoescaped_markdown_ones_are_not(tmp_path: Path) -> None:
    own = write_tree(
        tmp_path,
        {"a.html.j2": "{{ x }}", "b.html": "{{ x }}", "c.md.j2": "{{ x }}", "d.md.j2": "{{ x | md }}"},
    )
    x = "<b>&</b>"
    assert render_template("a.html.j2", {"x": x}, own) == "&lt;b&gt;&amp;&lt;/b&gt;"
    assert render_template("b.html", {"x": x}, own) == "&lt;b&gt;&amp;&lt;/b&gt;"
    assert render_template("c.md.j2", {"x": x}, own) == x
    assert render_template("d.md.j2", {"x": x}, own) == "&lt;b&gt;&amp;&lt;/b&gt;"


def test_an_undefined_variable_is_an_error_naming_the_template(tmp_path: Path) -> None:
    own = write_tree(tmp_path, {"gantt.html.j2": "{{ nosuch }}"})
    with pytest.raises(InputError) as err:
        render_template("gantt.html.j2", {}, own)
    assert "gantt.html.j2" in str(err.value) and "'nosuch' is undefined" in str(err.value)


def test_a_syntax_error_names_file_and_line(tmp_path: Path) -> None:
    own = write_tree(tmp_path, {"checklist.md.j2": "line one\n{% for x in %}\n"})
    with pytest.raises(InputError) as err:
        render_template("checklist.md.j2", {}, own)
    diag = err.value.diagnostics[0]
    assert diag.file.endswith("checklist.md.j2") and diag.line == 2


def test_templates_run_sandboxed(tmp_path: Path) -> None:
    own = write_tree(tmp_path, {"x.md.j2": "{{ ''.__class__.__mro__[1].__subclasses__() }}"})
    with pytest.raises(InputError, match="template error"):
        render_template("x.md.j2", {}, own)


def test_a_missing_folder_or_template_is_an_input_error(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="templates folder not found"):
        render_template("gantt.html.j2", {}, tmp_path / "nope")
    with pytest.raises(InputError, match="template not found"):
        render_template("nosuch.md.j2", {})


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("plain text", "plain text"),
        ("<img src=x onerror=alert(1)>", "&lt;img src=x onerror=alert(1)&gt;"),
        ("a & b", "a &amp; b"),
        ("*bold* [link](u) `code` a|b", "\\*bold\\* \\[link\\](u) \\`code\\` a\\|b"),
        ("org_source and _em_", "org_source and \\_em\\_"),
        ("two\nlines  here", "two lines here"),
    ],
)
def test_md_escape(text: str, expected: str) -> None:
    assert md_escape(text) == expected


def test_plan_uses_own_templates(tmp_path: Path) -> None:
    own = write_tree(tmp_path / "own", {"gantt.html.j2": "<p>{{ company_name }} — {{ charts | length }} charts</p>\n"})
    out = tmp_path / "out"
    result = CliRunner().invoke(
        app, ["plan", str(EXAMPLE), "--out", str(out), "--format", "gantt,checklist", "--templates", str(own)]
    )
    assert result.exit_code == 0, result.output
    assert (out / "gantt.html").read_text() == "<p>Uralmash Components — 6 charts</p>\n"
    assert (out / "checklist.md").read_text().startswith("# Rollout checklist — Uralmash Components")
