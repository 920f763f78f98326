"""Saving one answer (roadmap/answers_io.py): every byte outside ``answers:`` is kept."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from roadmap.answers_io import save_answer, set_answer
from roadmap.company import load_company
from roadmap.errors import InputError
from roadmap.library import load_library
from roadmap.yamlio import load_yaml_text
from tests.conftest import EXAMPLES

HEAD = """\
# yaml-language-server: $schema=./company.schema.json
# A file with comments everywhere.

company:
  name:   "Quoted  Name"     # odd spacing kept
  employees: 400
  country: FR

plan:
  start: 2027-01-04
  holidays:
      - 2027-05-07          # deep sequence indent kept
"""

ANSWERS = """\
answers:   # the teams' answers
  org_source: ad            # AD holds it
  # a comment between answers
  official_info: [email]
"""

TAIL = """\

# Progress comes after the answers; this comment belongs to it.
progress: {}
"""

TEXT = HEAD + ANSWERS + TAIL


def outside(text: str) -> tuple[str, str]:
    """The text before ``answers:`` and from the blank line that follows the block."""
    start = text.index("\nanswers:") + 1
    end = text.index("\n\n# Progress", start)
    return text[:start], text[end:]


def answers_of(text: str) -> dict[str, object]:
    data = load_yaml_text(text, "t.yaml").data
    result = data["answers"]
    assert isinstance(result, dict)
    return result


def test_new_answer_is_appended_and_the_rest_kept_byte_for_byte() -> None:
    new = set_answer(TEXT, "candy", "canteen_menu")
    assert outside(new) == outside(TEXT)
    assert new == HEAD + ANSWERS + "  candy: canteen_menu\n" + TAIL


def test_existing_answer_is_replaced_keeping_its_comment() -> None:
    new = set_answer(TEXT, "org_source", "zup")
    assert outside(new) == outside(TEXT)
    assert "  org_source: zup           # AD holds it\n" in new  # the comment keeps its column
    assert "  # a comment between answers\n" in new
    assert list(answers_of(new)) == ["org_source", "official_info"]


def test_lists_are_written_in_flow_style() -> None:
    new = set_answer(TEXT, "official_info", ["email", "paper"])
    assert "  official_info: [email, paper]\n" in new
    assert outside(new) == outside(TEXT)


@pytest.mark.parametrize(
    "value",
    [
        "no",
        "yes",
        "on",
        "off",
        "null",
        "~",
        "123",
        "1.5",
        "2027-01-01",
        "",
        " padded ",
        "a: b",
        "# not a comment",
        "it's",
        'say "hi"',
        "two\nlines",
        "[x]",
        "{y}",
        "*star",
        "@at",
        "%pct",
        "naïve — ünïcode",
        "true",
    ],
)
def test_strings_read_back_as_the_same_string(value: str) -> None:
    new = set_answer(TEXT, "notes", value)
    assert answers_of(new)["notes"] == value
    assert outside(new) == outside(TEXT)


@pytest.mark.parametrize(
    "value",
    [True, False, 0, 7, 2.5, 1e20, 1e-7, 1.5e-7, dt.date(2027, 2, 28), [], ["no", "yes", "3"], ["email"]],
)
def test_other_values_read_back_with_their_type(value: object) -> None:
    new = set_answer(TEXT, "v", value)  # type: ignore[arg-type]
    back = answers_of(new)["v"]
    assert back == value
    assert type(back) is type(value)


def test_answers_section_is_created_at_the_end_when_missing() -> None:
    text = HEAD + TAIL
    new = set_answer(text, "candy", "canteen_menu")
    assert new == text + "answers:\n  candy: canteen_menu\n"
    no_newline = set_answer(text.rstrip("\n"), "candy", "canteen_menu")
    assert no_newline == text.rstrip("\n") + "\nanswers:\n  candy: canteen_menu\n"


@pytest.mark.parametrize("empty", ["answers: {}", "answers:", "answers: ~", "answers: null"])
def test_an_empty_answers_section_becomes_a_block(empty: str) -> None:
    text = HEAD + empty + "\n" + TAIL
    new = set_answer(text, "candy", "canteen_menu")
    assert new == HEAD + "answers:\n  candy: canteen_menu\n" + TAIL


def test_a_flow_answers_mapping_stays_flow() -> None:
    text = HEAD + "answers: {org_source: ad}  # inline\n" + TAIL
    new = set_answer(text, "candy", "canteen_menu")
    assert new.startswith(HEAD + "answers: {org_source: ad, candy: canteen_menu}")
    assert new.endswith("# inline\n" + TAIL)


def test_the_file_own_indentation_is_used() -> None:
    text = "company:\n    name: X\n    employees: 200\nanswers:\n    a: 1\n    lst:\n      - x\n      - y\n"
    new = set_answer(text, "b", 2)
    assert new == text + "    b: 2\n"
    fresh = set_answer("company:\n    name: X\n", "b", 2)
    assert fresh == "company:\n    name: X\nanswers:\n    b: 2\n"


def test_answers_in_the_middle_of_the_file() -> None:
    text = "answers:\n  a: 1\n# about company\ncompany:\n  name: X\n"
    assert set_answer(text, "b", 2) == "answers:\n  a: 1\n  b: 2\n# about company\ncompany:\n  name: X\n"


def test_a_value_ending_with_a_block_sequence() -> None:
    text = "answers:\n  a:\n    - x\n    - y   # last\n\n# next\nprogress: {}\n"
    new = set_answer(text, "b", True)
    assert new == "answers:\n  a:\n    - x\n    - y   # last\n  b: true\n\n# next\nprogress: {}\n"


def test_files_it_cannot_edit_are_refused() -> None:
    with pytest.raises(InputError, match="block mapping"):
        set_answer("{answers: {}}\n", "a", 1)
    with pytest.raises(InputError, match="not a mapping"):
        set_answer("answers: [a, b]\n", "a", 1)
    with pytest.raises(InputError, match="not valid YAML"):
        set_answer("answers: [\n", "a", 1)


def test_save_answer_keeps_bom_and_crlf(tmp_path: Path) -> None:
    path = tmp_path / "c.yaml"
    original = ("\ufeff" + TEXT.replace("\n", "\r\n")).encode("utf-8")
    path.write_bytes(original)
    save_answer(path, "candy", "canteen_menu")
    raw = path.read_bytes()
    assert raw.startswith("\ufeff".encode())
    assert b"\n" not in raw.replace(b"\r\n", b"")
    expected = "\ufeff" + (HEAD + ANSWERS + "  candy: canteen_menu\n" + TAIL).replace("\n", "\r\n")
    assert raw.decode("utf-8") == expected
    assert sorted(p.name for p in tmp_path.iterdir()) == ["c.yaml"]  # no temporary file left


@pytest.mark.parametrize("letter", ["y", "Y", "n", "N"])
def test_one_letter_yes_no_strings_are_quoted_for_strict_yaml_1_1_readers(letter: str) -> None:
    new = set_answer(TEXT, "notes", letter)
    assert f"  notes: '{letter}'\n" in new  # go-yaml v2 and SnakeYAML read a bare y / n as a boolean
    assert answers_of(new)["notes"] == letter


def test_save_answer_through_a_symlink_keeps_the_link(tmp_path: Path) -> None:
    real = tmp_path / "shared" / "company.yaml"
    real.parent.mkdir()
    real.write_text(TEXT, encoding="utf-8")
    real.chmod(0o640)
    link = tmp_path / "company.yaml"
    link.symlink_to(real)
    save_answer(link, "candy", "canteen_menu")
    assert link.is_symlink()
    assert answers_of(real.read_text(encoding="utf-8"))["candy"] == "canteen_menu"
    assert real.stat().st_mode & 0o777 == 0o640
    assert sorted(p.name for p in real.parent.iterdir()) == ["company.yaml"]


def test_tricky_layouts_keep_every_byte_outside_answers() -> None:
    head = "\ufeffcompany: &c\r\n    name: X   # four spaces\r\n    employees: 200\r\n"
    tail = "\r\n# progress\r\nprogress: {}\r\nextra: *c\r\n"
    for block in ("answers: {}   # none yet\r\n", "answers:\r\n", "answers:\r\n    a: 1  # one\r\n    # between\r\n"):
        text = (head + block + tail).removeprefix("\ufeff").replace("\r\n", "\n")
        new = set_answer(text, "b", "- x")
        start = text.index("answers:")
        assert new[:start] == text[:start]
        assert new.endswith(tail.replace("\r\n", "\n"))
        assert "    b: '- x'\n" in new
        assert answers_of(new)["b"] == "- x"


@pytest.mark.parametrize("example", EXAMPLES, ids=lambda p: p.name)
def test_examples_stay_valid_and_unchanged_outside_answers(example: Path, tmp_path: Path) -> None:
    library = load_library()
    path = tmp_path / example.name
    text = example.read_text(encoding="utf-8")
    path.write_text(text, encoding="utf-8")
    save_answer(path, "candy", "painful_process")
    save_answer(path, "org_complications", ["many_domains", "realtime"])
    new = path.read_text(encoding="utf-8")
    start = text.index("\nanswers:")
    assert new[:start] == text[:start]
    data = load_company(path, library).data
    assert data.answers["candy"] == "painful_process"
    assert data.answers["org_complications"] == ["many_domains", "realtime"]
    old_lines = [line for line in text.splitlines() if not line.startswith(("  candy:", "  org_complications:"))]
    new_lines = [line for line in new.splitlines() if not line.startswith(("  candy:", "  org_complications:"))]
    assert old_lines == new_lines


def test_a_read_only_file_is_refused_before_anything_is_written(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import os

    from roadmap.answers_io import check_writable
    from roadmap.errors import OutputError

    path = tmp_path / "c.yaml"
    path.write_text(TEXT, encoding="utf-8")
    check_writable(path)
    real_access = os.access
    monkeypatch.setattr(os, "access", lambda p, mode: Path(p) != path and real_access(p, mode))
    with pytest.raises(OutputError, match="read-only"):
        save_answer(path, "candy", "canteen_menu")
    assert path.read_text(encoding="utf-8") == TEXT
