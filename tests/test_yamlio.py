"""Tests for roadmap.yamlio: safe loading, positions, and positioned validation errors."""

from __future__ import annotations

import datetime as dt
import os
import textwrap
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Annotated, Any, Literal

import pytest
import yaml
from pydantic import AfterValidator, BaseModel, ConfigDict, Field, ValidationError, model_validator

from roadmap import yamlio
from roadmap.errors import Diagnostic, InputError
from roadmap.yamlio import (
    MAX_BYTES,
    LoadedYaml,
    did_you_mean,
    load_yaml,
    load_yaml_text,
    validate_model,
    validation_diagnostics,
)

Writer = Callable[..., Path]


@pytest.fixture
def write(tmp_path: Path) -> Writer:
    """Write a dedented YAML fixture into ``tmp_path`` and return its path."""

    def make(text: str | bytes, name: str = "input.yaml") -> Path:
        path = tmp_path / name
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(text, bytes):
            path.write_bytes(text)
        else:
            path.write_text(textwrap.dedent(text).lstrip("\n"), encoding="utf-8")
        return path

    return make


@pytest.fixture(params=["c", "python"])
def loader(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    """Run a test with libyaml's composer and again with the pure-Python fallback."""
    if request.param == "c":
        if not hasattr(yaml, "CSafeLoader"):
            pytest.skip("PyYAML built without libyaml")
        monkeypatch.setattr(yamlio, "_LOADER", yaml.CSafeLoader)
    else:
        monkeypatch.setattr(yamlio, "_LOADER", yaml.SafeLoader)
    yield request.param


def only(exc: pytest.ExceptionInfo[InputError]) -> Diagnostic:
    """The single diagnostic of a loading error."""
    assert len(exc.value.diagnostics) == 1, exc.value.diagnostics
    return exc.value.diagnostics[0]


def load_error(text: str) -> str:
    """``str()`` of the one diagnostic that loading ``text`` produces."""
    with pytest.raises(InputError) as exc:
        load_yaml_text(textwrap.dedent(text).lstrip("\n"), "in.yaml")
    return str(only(exc))


# ------------------------------------------------------------------------ plain data


def test_scalars_resolve_the_yaml_1_1_way(write: Writer, loader: str) -> None:
    loaded = load_yaml(
        write(
            """
            int: 42
            hex: 0x1F
            float: 1.5
            inf: .inf
            yes_bool: yes
            off_bool: off
            null_tilde: ~
            empty:
            quoted: "42"
            day: 2027-01-04
            stamp: 2027-01-04 10:30:00
            text: plain words
            listing: [1, two, 3.0]
            """
        )
    )
    assert loaded.data == {
        "int": 42,
        "hex": 31,
        "float": 1.5,
        "inf": float("inf"),
        "yes_bool": True,
        "off_bool": False,
        "null_tilde": None,
        "empty": None,
        "quoted": "42",
        "day": dt.date(2027, 1, 4),
        "stamp": dt.datetime(2027, 1, 4, 10, 30),
        "text": "plain words",
        "listing": [1, "two", 3.0],
    }
    assert type(loaded.data["day"]) is dt.date


def test_keys_are_always_their_text() -> None:
    loaded = load_yaml_text("yes: 1\nno: 2\n3: x\n2027-01-04: y\n~: z\n", "f.yaml")
    assert loaded.data == {"yes": 1, "no": 2, "3": "x", "2027-01-04": "y", "~": "z"}


def test_file_name_as_given_and_display(write: Writer) -> None:
    path = write("a: 1\n")
    assert load_yaml(path).file == str(path)
    assert load_yaml(path, display="company.yaml").file == "company.yaml"


def test_byte_order_mark_and_crlf(write: Writer) -> None:
    loaded = load_yaml(write(b"\xef\xbb\xbfa: 1\r\nb: [x]\r\n"))
    assert loaded.data == {"a": 1, "b": ["x"]}
    assert loaded.position(("b", 0)) == (2, 5)


def test_anchors_aliases_and_merge_keys(loader: str) -> None:
    loaded = load_yaml_text(
        textwrap.dedent(
            """
            base: &base {x: 1, y: 2}
            extra: &extra {z: 3, x: 9}
            one:
              <<: *base
              y: 20
            two:
              <<: [*extra, *base]
            copy: *base
            """
        ),
        "f.yaml",
    )
    assert loaded.data["one"] == {"x": 1, "y": 20}
    assert loaded.data["two"] == {"z": 3, "x": 9, "y": 2}
    assert loaded.data["copy"] == {"x": 1, "y": 2}
    assert loaded.data["copy"] is not loaded.data["base"]
    assert loaded.position(("one", "y"), key=True) == (6, 3)
    assert loaded.position(("one", "x"), key=True) == (2, 14)  # where the merged key was written


# ------------------------------------------------------------------------- positions

NESTED = """
company:
  name: Mini Co
  sites:
    - city: Lyon
      staff: 40
    - {city: Nantes, staff: 12}
  tags: [a, b]
plan: {start: 2027-01-04}
empty:
"""


def test_positions_of_nested_keys_values_and_items(loader: str) -> None:
    loaded = load_yaml_text(NESTED.lstrip("\n"), "f.yaml")
    assert loaded.position(()) == (1, 1)
    assert loaded.position(("company",)) == (2, 3)
    assert loaded.position(("company",), key=True) == (1, 1)
    assert loaded.position(("company", "name")) == (2, 9)
    assert loaded.position(("company", "name"), key=True) == (2, 3)
    assert loaded.position(("company", "sites")) == (4, 5)
    assert loaded.position(("company", "sites", 0)) == (4, 7)
    assert loaded.position(("company", "sites", 0), key=True) == (4, 7)
    assert loaded.position(("company", "sites", 0, "staff")) == (5, 14)
    assert loaded.position(("company", "sites", 0, "staff"), key=True) == (5, 7)
    assert loaded.position(("company", "sites", 1)) == (6, 7)
    assert loaded.position(("company", "sites", 1, "staff")) == (6, 29)
    assert loaded.position(("company", "sites", 1, "staff"), key=True) == (6, 22)
    assert loaded.position(("company", "tags", 1)) == (7, 13)
    assert loaded.position(("plan", "start")) == (8, 15)
    assert loaded.position(("empty",), key=True) == (9, 1)


def test_position_falls_back_to_nearest_existing_ancestor() -> None:
    loaded = load_yaml_text(NESTED.lstrip("\n"), "f.yaml")
    assert loaded.position(("company", "sites", 5, "city")) == (4, 5)
    assert loaded.position(("company", "nope"), key=True) == (2, 3)
    assert loaded.position(("nope", "deeper")) == (1, 1)
    assert loaded.position(("company", "name", "x")) == (2, 9)


def test_diagnostic_and_data_without_positions() -> None:
    loaded = load_yaml_text(NESTED.lstrip("\n"), "f.yaml")
    diagnostic = loaded.diagnostic(("company", "tags", 0), "unknown tag 'a'")
    assert str(diagnostic) == "f.yaml:7:10: unknown tag 'a'"
    assert str(loaded.diagnostic(("company",), "bad", key=True)) == "f.yaml:1:1: bad"
    bare = LoadedYaml("flags", {"a": 1})
    assert bare.position(("a",)) == (0, 0)
    assert str(bare.diagnostic(("a",), "oops")) == "flags: oops"


# ------------------------------------------------------------------ file-level errors


def test_missing_file(tmp_path: Path) -> None:
    with pytest.raises(InputError) as exc:
        load_yaml(tmp_path / "nope.yaml", display="nope.yaml")
    assert str(only(exc)) == "nope.yaml:1:1: no such file"


def test_missing_parent_is_no_such_file(write: Writer) -> None:
    with pytest.raises(InputError) as exc:
        load_yaml(write("a: 1\n") / "child.yaml", display="x.yaml")
    assert str(only(exc)) == "x.yaml:1:1: no such file"


def test_directory(tmp_path: Path) -> None:
    with pytest.raises(InputError) as exc:
        load_yaml(tmp_path, display="dir")
    assert str(only(exc)) == "dir:1:1: is a directory, not a YAML file"


def test_unreadable_file(write: Writer, monkeypatch: pytest.MonkeyPatch) -> None:
    path = write("a: 1\n")

    def refuse(self: Path, *args: Any, **kwargs: Any) -> Any:
        raise PermissionError(13, "Permission denied", str(self))

    monkeypatch.setattr(Path, "open", refuse)
    with pytest.raises(InputError) as exc:
        load_yaml(path, display="locked.yaml")
    assert str(only(exc)) == "locked.yaml:1:1: cannot read the file: permission denied"


@pytest.mark.skipif(not hasattr(os, "geteuid") or os.geteuid() == 0, reason="root reads anything")
def test_unreadable_file_for_real(write: Writer) -> None:
    path = write("a: 1\n")
    path.chmod(0)
    with pytest.raises(InputError) as exc:
        load_yaml(path, display="locked.yaml")
    assert str(only(exc)) == "locked.yaml:1:1: cannot read the file: permission denied"


def test_file_over_10_mb(write: Writer) -> None:
    path = write(b"a: " + b"x" * MAX_BYTES + b"\n")
    with pytest.raises(InputError) as exc:
        load_yaml(path, display="big.yaml")
    assert str(only(exc)) == "big.yaml:1:1: file is too large (over 10 MB)"


def test_not_utf8_points_at_the_bad_byte(write: Writer) -> None:
    path = write("name: ok\ncity: Besan\xe7on\n".encode("latin-1"))
    with pytest.raises(InputError) as exc:
        load_yaml(path, display="f.yaml")
    assert str(only(exc)) == "f.yaml:2:12: not valid UTF-8 text (byte 0xE7): save the file as UTF-8"


def test_utf8_column_counts_characters(write: Writer) -> None:
    path = write("é: x\nà: ".encode() + b"\xff\n")
    with pytest.raises(InputError) as exc:
        load_yaml(path, display="f.yaml")
    assert (only(exc).line, only(exc).col) == (2, 4)


def test_control_character() -> None:
    assert load_error("a: 1\nb: x\x07y\n") == "in.yaml:2:5: character U+0007 is not allowed in YAML"


# -------------------------------------------------------------------- syntax errors


def test_syntax_error_position_and_problem(loader: str) -> None:
    with pytest.raises(InputError) as exc:
        load_yaml_text("a: 1\nb: c: d\n", "f.yaml")
    diagnostic = only(exc)
    assert (diagnostic.line, diagnostic.col) == (2, 5)
    assert diagnostic.message.startswith("YAML syntax error: mapping values are not allowed")
    assert "\n" not in str(exc.value)


def test_syntax_error_mentions_where_the_construct_started(loader: str) -> None:
    with pytest.raises(InputError) as exc:
        load_yaml_text("a: [1, 2\nb: 3\n", "f.yaml")
    diagnostic = only(exc)
    assert diagnostic.line == 2
    assert "while parsing a flow sequence started at line 1, column 4" in diagnostic.message


def test_exact_syntax_error_message() -> None:
    assert load_error("a: 1\n  b: 2\n") == (
        "in.yaml:2:4: YAML syntax error: mapping values are not allowed in this context"
    )


def test_tab_indentation(loader: str) -> None:
    with pytest.raises(InputError) as exc:
        load_yaml_text("a:\n\tb: 1\n", "f.yaml")
    assert (only(exc).line, only(exc).col) == (2, 1)
    assert "cannot start any token" in only(exc).message
    assert only(exc).message.endswith("(a tab: use spaces in YAML, not tabs)")


def test_one_document_only(loader: str) -> None:
    with pytest.raises(InputError) as exc:
        load_yaml_text("a: 1\n---\nb: 2\n", "f.yaml")
    assert str(only(exc)) == "f.yaml:2:1: only one YAML document is allowed in a file"


# ---------------------------------------------------------------------------- tags


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "run: !!python/object/apply:os.system [echo hi]\n",
            "in.yaml:1:6: tag '!!python/object/apply:os.system' is not allowed: plain YAML data only",
        ),
        (
            "a: 1\nb:\n  - !!python/name:os.system\n",
            "in.yaml:3:5: tag '!!python/name:os.system' is not allowed: plain YAML data only",
        ),
        ("a: !custom x\n", "in.yaml:1:4: tag '!custom' is not allowed: plain YAML data only"),
        ("a: !!binary aGk=\n", "in.yaml:1:4: tag '!!binary' is not allowed: plain YAML data only"),
        ("a: !!set {x: null}\n", "in.yaml:1:4: tag '!!set' is not allowed: plain YAML data only"),
        (
            "a: !<tag:example.com,2000:x> y\n",
            "in.yaml:1:4: tag 'tag:example.com,2000:x' is not allowed: plain YAML data only",
        ),
        (
            "? !!python/tuple [1]\n: x\n",
            "in.yaml:1:3: tag '!!python/tuple' is not allowed: plain YAML data only",
        ),
        ("a: !!str [1]\n", "in.yaml:1:4: tag '!!str' cannot be used on a list"),
        ("a: !!map x\n", "in.yaml:1:4: tag '!!map' cannot be used on a scalar"),
    ],
)
def test_tags_that_are_not_plain_data(text: str, expected: str) -> None:
    assert load_error(text) == expected


def test_standard_tags_are_fine() -> None:
    loaded = load_yaml_text("a: !!str 12\nb: !!int '7'\nc: !!float 1\nd: !!map {x: !!seq [1]}\n", "f")
    assert loaded.data == {"a": "12", "b": 7, "c": 1.0, "d": {"x": [1]}}


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("a: 2027-02-30\n", "in.yaml:1:4: invalid date '2027-02-30': day is out of range for month"),
        ("a: !!int abc\n", "in.yaml:1:4: invalid integer 'abc'"),
        ("a: !!bool maybe\n", "in.yaml:1:4: invalid boolean 'maybe'"),
        ("a: !!timestamp soon\n", "in.yaml:1:4: invalid date 'soon': not a date"),
        ("a: " + "9" * 5000 + "\n", "in.yaml:1:4: invalid integer '" + "9" * 37 + "...'"),
    ],
)
def test_scalars_that_cannot_be_built(text: str, expected: str) -> None:
    assert load_error(text) == expected


def test_every_unreadable_value_is_reported_at_once(loader: str) -> None:
    with pytest.raises(InputError) as exc:
        load_yaml_text("a: 2027-02-30\nb: [2027-13-01]\n", "f.yaml")
    assert [str(d) for d in exc.value.diagnostics] == [
        "f.yaml:1:4: invalid date '2027-02-30': day is out of range for month",
        "f.yaml:2:5: invalid date '2027-13-01': month must be in 1..12",
    ]


class Dated(BaseModel):
    """Dates and a count, for deferred problems."""

    model_config = ConfigDict(frozen=True, extra="forbid")
    start: dt.date
    note: str
    count: int


def test_deferred_values_are_reported_with_the_model_errors() -> None:
    loaded = load_yaml_text("start: 2027-02-30\nnote: 2027-02-31\ncount: many\n", "f.yaml", defer=True)
    assert loaded.data == {"start": "2027-02-30", "note": "2027-02-31", "count": "many"}
    with pytest.raises(InputError) as exc:
        validate_model(loaded, Dated)
    assert [str(d) for d in exc.value.diagnostics] == [  # one message per value, the loader's first
        "f.yaml:1:8: invalid date '2027-02-30': day is out of range for month",
        "f.yaml:2:7: invalid date '2027-02-31': day is out of range for month",
        "f.yaml:3:8: count: expected an integer, got 'many'",
    ]


# --------------------------------------------------------------------- mapping keys


def test_duplicate_keys(loader: str) -> None:
    with pytest.raises(InputError) as exc:
        load_yaml_text("a: 1\nb:\n  x: 1\n  y: 2\n  x: 3\n", "f.yaml")
    assert str(only(exc)) == "f.yaml:5:3: duplicate key 'x' (first at line 3)"


def test_duplicate_top_level_key_in_flow_mapping() -> None:
    assert load_error("a: {k: 1, k: 2}\n") == "in.yaml:1:11: duplicate key 'k' (first at line 1)"


def test_list_as_a_key(loader: str) -> None:
    with pytest.raises(InputError) as exc:
        load_yaml_text("a: 1\n? [x, y]\n: z\n", "f.yaml")
    assert str(only(exc)) == "f.yaml:2:3: a list cannot be used as a mapping key"


def test_mapping_as_a_key() -> None:
    assert load_error("{x: 1}: z\n") == "in.yaml:1:1: a mapping cannot be used as a mapping key"


def test_bad_merge() -> None:
    assert load_error("a:\n  <<: [1]\n") == (
        "in.yaml:2:8: '<<' (merge key) must be followed by a mapping or a list of mappings"
    )


# ----------------------------------------------------------------- alias bombs, depth


def billion_laughs(levels: int) -> str:
    """The classic exponential alias bomb with ``levels`` levels of nine aliases."""
    lines = ['l0: &l0 ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]']
    for level in range(1, levels + 1):
        aliases = ", ".join([f"*l{level - 1}"] * 9)
        lines.append(f"l{level}: &l{level} [{aliases}]")
    return "\n".join(lines) + "\n"


def test_billion_laughs_is_refused_fast(loader: str) -> None:
    text = billion_laughs(9)
    started = time.perf_counter()
    with pytest.raises(InputError) as exc:
        load_yaml_text(text, "bomb.yaml")
    assert time.perf_counter() - started < 1.0
    diagnostic = only(exc)
    assert diagnostic.message.startswith("aliases expand to over 100,000 values")
    assert diagnostic.line == 5


def test_small_alias_reuse_is_fine() -> None:
    loaded = load_yaml_text(billion_laughs(3), "f.yaml")
    assert len(loaded.data["l3"]) == 9
    assert loaded.data["l3"][8][8][8] == ["lol"] * 9


def test_too_many_plain_values() -> None:
    text = "a: [" + ", ".join(["1"] * 100_001) + "]\n"
    assert load_error(text).endswith("too many values (over 100,000)")


def test_recursive_alias(loader: str) -> None:
    with pytest.raises(InputError) as exc:
        load_yaml_text("a: 1\nb: &b [1, *b]\n", "f.yaml")
    assert str(only(exc)) == "f.yaml:2:4: recursive alias: this value contains an alias to itself"


def test_deep_nesting_through_aliases(loader: str) -> None:
    lines = ["n0: &n0 [x]"] + [f"n{i}: &n{i} [*n{i - 1}]" for i in range(1, 250)]
    started = time.perf_counter()
    with pytest.raises(InputError) as exc:
        load_yaml_text("\n".join(lines) + "\n", "f.yaml")
    assert time.perf_counter() - started < 1.0
    assert only(exc).message == "nesting is too deep (over 200 levels)"


def test_deep_literal_nesting(loader: str) -> None:
    with pytest.raises(InputError) as exc:
        load_yaml_text("a: " + "[" * 300 + "]" * 300 + "\n", "f.yaml")
    assert str(only(exc)) == "f.yaml:1:203: nesting is too deep (over 200 levels)"


def test_nesting_at_the_limit_is_fine() -> None:
    loaded = load_yaml_text("a: " + "[" * 199 + "]" * 199 + "\n", "f.yaml")
    value, depth = loaded.data["a"], 0
    while value:
        value, depth = value[0], depth + 1
    assert depth == 198


# ---------------------------------------------------------------------- top level


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("", "in.yaml:1:1: the file is empty: expected a mapping at the top level"),
        ("# just a comment\n\n", "in.yaml:1:1: the file is empty: expected a mapping at the top level"),
        ("- a\n- b\n", "in.yaml:1:1: expected a mapping at the top level, got a list"),
        ("# c\n\n  just text\n", "in.yaml:3:3: expected a mapping at the top level, got a string"),
        ("42\n", "in.yaml:1:1: expected a mapping at the top level, got an integer"),
        ("---\n~\n", "in.yaml:2:1: expected a mapping at the top level, got null"),
    ],
)
def test_top_level_must_be_a_mapping(text: str, expected: str) -> None:
    assert load_error(text) == expected


def test_empty_file_on_disk(write: Writer) -> None:
    with pytest.raises(InputError) as exc:
        load_yaml(write(""), display="e.yaml")
    assert str(only(exc)) == "e.yaml:1:1: the file is empty: expected a mapping at the top level"


# ---------------------------------------------------------------------- did you mean


def test_did_you_mean() -> None:
    assert did_you_mean("nmae", ["name", "employees"]) == " (did you mean 'name'?)"
    assert did_you_mean("employes", {"employees", "branches"}) == " (did you mean 'employees'?)"
    assert did_you_mean("zzz", ["name", "employees"]) == ""
    assert did_you_mean("name", ["name"]) == ""
    assert did_you_mean("x", []) == ""
    assert did_you_mean("SETUP", ["setup", "core"]) == " (did you mean 'setup'?)"
    assert did_you_mean("Implementer", ["implementer"]) == " (did you mean 'implementer'?)"


class Ids(BaseModel):
    """Pattern-checked ids."""

    model_config = ConfigDict(frozen=True, extra="forbid")
    country: str = Field(pattern=r"^[A-Z]{2}$")
    step: str = Field(pattern=r"^[a-z]+\.[a-z0-9]+(-[a-z0-9]+)*$")


def test_pattern_errors_suggest_a_respelling() -> None:
    loaded = load_yaml_text("country: ru\nstep: Setup.Ad_Sync\n", "f.yaml")
    with pytest.raises(InputError) as exc:
        validate_model(loaded, Ids)
    assert [d.message.rsplit(" (", 1)[1] for d in exc.value.diagnostics] == [
        "did you mean 'RU'?)",
        "did you mean 'setup.ad-sync'?)",
    ]


# ------------------------------------------------------------- validation diagnostics


class Text(BaseModel):
    """A localised text."""

    model_config = ConfigDict(frozen=True, extra="forbid")
    en: str
    fr: str | None = None


def _not_bad(value: str) -> str:
    if value == "bad":
        raise ValueError("'bad' is a reserved id")
    return value


class Ref(BaseModel):
    """A reference with a lag."""

    model_config = ConfigDict(frozen=True, extra="forbid")
    id: Annotated[str, AfterValidator(_not_bad)]
    lag_days: int = Field(0, alias="lag-days")


class Company(BaseModel):
    """The company."""

    model_config = ConfigDict(frozen=True, extra="forbid")
    name: str
    employees: int = Field(gt=0)


class Step(BaseModel):
    """A step."""

    model_config = ConfigDict(frozen=True, extra="forbid")
    id: str = Field(pattern=r"^[a-z]+$")
    title: str | Text
    after: list[Annotated[str, AfterValidator(_not_bad)] | Ref] = []


class Plan(BaseModel):
    """The whole file."""

    model_config = ConfigDict(frozen=True, extra="forbid")
    company: Company
    start: dt.date
    kind: Literal["single", "multiple"] = "single"
    steps: list[Step] = []
    roles: dict[Annotated[str, Field(pattern=r"^[a-z]+$")], Text] = {}
    pair: tuple[int, int] | None = None

    @model_validator(mode="after")
    def _unique_steps(self) -> Plan:
        ids = [step.id for step in self.steps]
        if len(ids) != len(set(ids)):
            raise ValueError("step ids must be unique")
        return self


GOOD = """
company: {name: Mini Co, employees: 300}
start: 2027-01-04
steps:
  - id: one
    title: {en: One, fr: Un}
  - id: two
    title: Two
    after: [one, {id: one, lag-days: 2}]
roles:
  pm: {en: Project lead}
"""


def messages(text: str, model: type[BaseModel] = Plan) -> list[str]:
    """The diagnostics, as text, that validating ``text`` against ``model`` produces."""
    loaded = load_yaml_text(textwrap.dedent(text).lstrip("\n"), "f.yaml")
    with pytest.raises(InputError) as exc:
        validate_model(loaded, model)
    return [str(d) for d in exc.value.diagnostics]


def test_validate_model_returns_the_model() -> None:
    plan = validate_model(load_yaml_text(GOOD.lstrip("\n"), "f.yaml"), Plan)
    assert plan.company.employees == 300
    assert plan.start == dt.date(2027, 1, 4)
    assert plan.steps[1].after[1] == Ref(id="one", **{"lag-days": 2})
    assert isinstance(plan.steps[0].title, Text)


def test_unknown_keys_point_at_the_key_with_a_suggestion() -> None:
    assert messages(
        """
        company:
          nmae: Mini Co
          employees: 300
        start: 2027-01-04
        steps:
          - id: one
            titel: One
        roles:
          pm: {en: Lead, fre: Chef}
        colour: red
        """
    ) == [
        "f.yaml:2:3: company: missing required key 'name'",
        "f.yaml:2:3: unknown key 'nmae' (did you mean 'name'?)",
        "f.yaml:6:5: steps[0]: missing required key 'title'",
        "f.yaml:7:5: unknown key 'titel' (did you mean 'title'?)",
        "f.yaml:9:18: unknown key 'fre' (did you mean 'fr'?)",
        "f.yaml:10:1: unknown key 'colour'",
    ]


def test_unknown_key_inside_a_union_branch_uses_that_models_fields() -> None:
    assert messages(
        """
        company: {name: X, employees: 1}
        start: 2027-01-04
        steps:
          - id: one
            title: {en: One, fre: Un}
            after: [{id: one, lag_days: 2}]
        """
    ) == [
        "f.yaml:5:22: unknown key 'fre' (did you mean 'fr'?)",
        "f.yaml:6:23: unknown key 'lag_days' (did you mean 'lag-days'?)",
    ]


def test_missing_keys_point_at_the_mapping() -> None:
    assert messages("company: {name: X}\n") == [
        "f.yaml:1:1: missing required key 'start'",
        "f.yaml:1:10: company: missing required key 'employees'",
    ]


def test_bad_values_point_at_the_value() -> None:
    assert messages(
        """
        company:
          name: [Mini, Co]
          employees: many
        start: soon
        kind: singel
        steps:
          - id: One
            title: 5
        pair: [1, x]
        """
    ) == [
        "f.yaml:2:9: company.name: expected a string, got a list",
        "f.yaml:3:14: company.employees: expected an integer, got 'many'",
        "f.yaml:4:8: start: expected a date (YYYY-MM-DD) (input is too short), got 'soon'",
        "f.yaml:5:7: kind: expected one of 'single' or 'multiple', got 'singel' (did you mean 'single'?)",
        "f.yaml:7:9: steps[0].id: should match pattern '^[a-z]+$', got 'One' (did you mean 'one'?)",
        "f.yaml:8:12: steps[0].title: expected a string or a mapping, got 5",
        "f.yaml:9:11: pair[1]: expected an integer, got 'x'",
    ]


def test_constraint_and_custom_validator_messages() -> None:
    assert messages(
        """
        company: {name: X, employees: 0}
        start: 2027-01-04
        steps:
          - id: one
            title: One
            after: [bad, {id: bad}, {lag-days: 1}]
        """
    ) == [
        "f.yaml:1:31: company.employees: should be greater than 0, got 0",
        "f.yaml:6:13: steps[0].after[0]: 'bad' is a reserved id",
        "f.yaml:6:23: steps[0].after[1].id: 'bad' is a reserved id",
        "f.yaml:6:29: steps[0].after[2]: missing required key 'id'",
    ]


def test_union_reports_only_the_branch_that_got_furthest() -> None:
    found = messages(
        """
        company: {name: X, employees: 1}
        start: 2027-01-04
        steps:
          - id: one
            title: {en: 1}
        """
    )
    assert found == ["f.yaml:5:17: steps[0].title.en: expected a string, got 1"]


def test_dict_key_errors_point_at_the_key() -> None:
    assert messages(
        """
        company: {name: X, employees: 1}
        start: 2027-01-04
        roles:
          pm: {en: Lead}
          Dev: {en: Developer}
        """
    ) == ["f.yaml:5:3: roles.Dev: key should match pattern '^[a-z]+$', got 'Dev' (did you mean 'dev'?)"]


def test_model_level_error_points_at_the_model() -> None:
    assert messages(
        """
        company: {name: X, employees: 1}
        start: 2027-01-04
        steps:
          - {id: one, title: One}
          - {id: one, title: Again}
        """
    ) == ["f.yaml:1:1: step ids must be unique"]


def test_null_value() -> None:
    assert messages(
        """
        company:
        start: 2027-01-04
        """
    ) == ["f.yaml:1:9: company: expected a mapping, got null"]


def test_datetime_where_a_date_is_expected() -> None:
    assert messages("company: {name: X, employees: 1}\nstart: 2027-01-04 10:30:00\n") == [
        "f.yaml:2:8: start: expected a date (YYYY-MM-DD) without a time, got 2027-01-04 10:30:00"
    ]


def test_validation_diagnostics_are_sorted_by_position() -> None:
    loaded = load_yaml_text("zz: 1\ncompany: {name: X, employees: x}\naa: 2\nstart: 2027-01-04\n", "f.yaml")
    with pytest.raises(ValidationError) as exc:
        Plan.model_validate(loaded.data)
    found = validation_diagnostics(loaded, exc.value, Plan)
    assert [(d.line, d.col) for d in found] == [(1, 1), (2, 31), (3, 1)]
    assert found == sorted(found)


def test_data_transformed_by_a_before_validator_still_gets_a_position() -> None:
    class Wrapped(BaseModel):
        model_config = ConfigDict(frozen=True, extra="forbid")
        inner: Text

        @model_validator(mode="before")
        @classmethod
        def _wrap(cls, value: Any) -> Any:
            return {"inner": value}

    loaded = load_yaml_text("en: 1\n", "f.yaml")
    with pytest.raises(InputError) as exc:
        validate_model(loaded, Wrapped)
    assert [str(d) for d in exc.value.diagnostics] == ["f.yaml:1:5: en: expected a string, got 1"]


def test_very_deep_literal_nesting_is_refused_cleanly(loader: str, monkeypatch: pytest.MonkeyPatch) -> None:
    # Past libyaml's own limit (1,000 levels); for the pure-Python composer, past the
    # recursion limit (its parser is quadratic in the depth: 5,000 levels took seconds).
    depth = 5000 if loader == "c" else 600
    recursed: list[str] = []
    real = yamlio._too_deep
    monkeypatch.setattr(yamlio, "_too_deep", lambda text: recursed.append(text) or real(text))
    with pytest.raises(InputError) as exc:
        load_yaml_text("a: " + "[" * depth + "]" * depth + "\n", "f.yaml")
    assert bool(recursed) == (loader == "python")  # the RecursionError path was taken
    assert only(exc).line == 1
    assert "nesting" in only(exc).message
