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


def test_an_undefined_variable_is_an_error_naming_the_template_and_line(tmp_path: Path) -> None:
    own = write_tree(tmp_path, {"gantt.html.j2": "<p>\n{{ nosuch }}"})
    with pytest.raises(InputError) as err:
        render_template("gantt.html.j2", {}, own)
    assert "gantt.html.j2" in str(err.value) and "'nosuch' is undefined" in str(err.value)
    assert err.value.diagnostics[0].file == str(own / "gantt.html.j2") and err.value.diagnostics[0].line == 2


@pytest.mark.parametrize(
    ("source", "line", "message"),
    [
        ("a\nb\n{{ 1 / 0 }}", 3, "ZeroDivisionError: division by zero"),
        ("x\n{{ t('no_such_label') }}", 2, "unknown key 'no_such_label'"),
        ("{% macro f() %}{{ f() }}{% endmacro %}\n{{ f() }}", 1, "calls itself"),
        ("x\n\n{{ range(big) | list }}", 3, "Range too big"),
        ("x\n{{ '%d' % 'x' }}", 2, "TypeError"),
        ("x\n{% include 'nope.j2' %}", 2, "template not found"),
        ("{{ items[9].x }}", 1, "no element 9"),
    ],
)
def test_a_template_failing_while_it_runs_names_file_and_line(
    tmp_path: Path, source: str, line: int, message: str
) -> None:
    own = write_tree(tmp_path, {"checklist.md.j2": source})
    with pytest.raises(InputError) as err:
        render_template("checklist.md.j2", {"items": [], "big": 10**9, "t": lambda key: {}[key]}, own)
    diag = err.value.diagnostics[0]
    assert (diag.file, diag.line) == (str(own / "checklist.md.j2"), line)
    assert message in diag.message


def test_an_error_in_an_included_template_names_that_file(tmp_path: Path) -> None:
    own = write_tree(
        tmp_path, {"checklist.md.j2": "top\n{% include 'part.md.j2' %}", "part.md.j2": "a\nb\n{{ nosuch }}"}
    )
    with pytest.raises(InputError) as err:
        render_template("checklist.md.j2", {}, own)
    diag = err.value.diagnostics[0]
    assert (diag.file, diag.line) == (str(own / "part.md.j2"), 3)


def test_a_template_that_is_not_utf8_is_an_input_error(tmp_path: Path) -> None:
    own = tmp_path / "own"
    own.mkdir()
    (own / "checklist.md.j2").write_bytes(b"caf\xe9 {{ x }}")
    with pytest.raises(InputError, match="not UTF-8") as err:
        render_template("checklist.md.j2", {"x": 1}, own)
    assert err.value.diagnostics[0].file == str(own / "checklist.md.j2")


def test_a_broken_template_exits_2_with_file_and_line(tmp_path: Path) -> None:
    own = write_tree(tmp_path / "own", {"checklist.md.j2": "# {{ company_name }}\n\n{{ stages[0].nosuch.x }}\n"})
    for args in (["checklist", str(EXAMPLE)], ["plan", str(EXAMPLE), "--out", str(tmp_path / "out")]):
        result = CliRunner().invoke(app, [*args, "--templates", str(own)])
        assert result.exit_code == 2, result.output
        assert f"{own / 'checklist.md.j2'}:3:" in result.output and "Traceback" not in result.output
    assert not (tmp_path / "out").exists()  # nothing half-written


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


def test_only_the_bundled_templates_render_outside_the_sandbox(tmp_path: Path) -> None:
    """Issue 14: ours skip the sandbox's checks; any folder of one's own keeps them, even one
    holding a copy of a bundled template."""
    from jinja2.sandbox import SandboxedEnvironment

    assert not isinstance(environment(), SandboxedEnvironment)
    copy = write_tree(tmp_path, {"checklist.md.j2": (bundled_templates() / "checklist.md.j2").read_text("utf-8")})
    assert isinstance(environment(copy), SandboxedEnvironment)


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
        ("Release #", "Release \\#"),
        ("~~not struck~~", "\\~\\~not struck\\~\\~"),
        ("from $5 to $10", "from \\$5 to \\$10"),
        ("- not a list", "\\- not a list"),
        ("2027. not a list", "2027\\. not a list"),
        ("e-mail 1.5 + more", "e-mail 1.5 + more"),
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
    assert (out / "gantt.html").read_text() == "<p>Uralmash Components — 7 charts</p>\n"  # the roadmap and six stages
    assert (out / "checklist.md").read_text().startswith("# Rollout checklist — Uralmash Components")


def test_plain_turns_dataclass_instances_into_dicts_and_classes_into_text() -> None:
    import dataclasses

    from roadmap.templating import plain

    @dataclasses.dataclass
    class Point:
        x: int
        y: tuple[int, ...]

    class Other:
        pass

    assert plain({"p": Point(1, (2, 3)), "cls": Point, "other": Other}) == {
        "p": {"x": 1, "y": [2, 3]},
        "cls": str(Point),
        "other": str(Other),
    }


def test_the_bundled_environment_reads_a_dicts_key_first(tmp_path: Path) -> None:
    """Issue 14: the bundled templates' ``a.b`` on plain data is the key ``b`` (a key named like a
    dict method included); anything else, and a missing key, goes as Jinja2 goes."""
    import jinja2

    bundled = environment()
    data = {"step": {"items": "the key", "title": "T"}, "text": "abc"}
    template = bundled.from_string("{{ step.items }} {{ step.title }} {{ text.upper() }}")
    assert template.render(data) == "the key T ABC"
    with pytest.raises(jinja2.UndefinedError):
        bundled.from_string("{{ step.missing }}").render(data)
    assert bundled.from_string("{{ step.keys() | list | join(',') }}").render(data) == "items,title"
    own = environment(tmp_path)  # a consultant's folder: Jinja2's order (the method first) and its sandbox
    assert "built-in method items" in own.from_string("{{ step.items }}").render(data)
