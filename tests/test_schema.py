"""The company-file JSON Schema, checked by a real validator (``jsonschema``, draft 2020-12).

Company files are read here the two ways an editor or a checker reads YAML: YAML 1.1 (PyYAML,
where ``yes`` is a boolean and dates are dates — turned into strings as JSON has no dates) and
YAML 1.2 (yaml-language-server, where ``yes`` and ``2027-01-04`` are strings).
"""

from __future__ import annotations

import datetime as dt
import json
import re
import textwrap
from pathlib import Path
from typing import Any

import pytest
import yaml
from jsonschema import Draft202012Validator, FormatChecker
from typer.testing import CliRunner

from cli import app
from roadmap.company import load_company
from roadmap.errors import InputError
from roadmap.library import load_library
from roadmap.models import Question
from roadmap.schema import company_schema
from tests.conftest import EXAMPLES, ROOT, write_tree

runner = CliRunner()


class _Yaml12Loader(yaml.SafeLoader):
    """YAML 1.2 core scalars, as editors read them: no timestamps, only true/false booleans."""


_Yaml12Loader.yaml_implicit_resolvers = {
    first: [(tag, rx) for tag, rx in resolvers if tag not in ("tag:yaml.org,2002:timestamp", "tag:yaml.org,2002:bool")]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}
_Yaml12Loader.add_implicit_resolver(
    "tag:yaml.org,2002:bool", re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$"), list("tTfF")
)


def _as_json(value: Any) -> Any:
    return json.loads(json.dumps(value, default=lambda v: v.isoformat() if isinstance(v, dt.date) else str(v)))


def _readings(text: str) -> list[Any]:
    """The document as YAML 1.1 and as YAML 1.2 read it, as JSON data."""
    return [_as_json(yaml.load(text, Loader=loader)) for loader in (yaml.SafeLoader, _Yaml12Loader)]


@pytest.fixture(scope="module")
def schema() -> dict[str, Any]:
    result = runner.invoke(app, ["schema"])
    assert result.exit_code == 0, result.output
    data: dict[str, Any] = json.loads(result.stdout)
    return data


@pytest.fixture(scope="module")
def validator(schema: dict[str, Any]) -> Draft202012Validator:
    return Draft202012Validator(schema, format_checker=FormatChecker())


def _problems(validator: Draft202012Validator, text: str) -> list[str]:
    found: list[str] = []
    for data in _readings(textwrap.dedent(text)):
        found += [f"{list(e.absolute_path)}: {e.message}" for e in validator.iter_errors(data)]
    return found


# --------------------------------------------------------------------- the schema itself


def test_schema_is_a_valid_draft_2020_12_schema(schema: dict[str, Any]) -> None:
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    Draft202012Validator.check_schema(schema)


_KEYWORDS = {
    "$schema", "$defs", "$ref", "title", "description", "default", "type", "enum", "const", "properties",
    "required", "additionalProperties", "patternProperties", "items", "anyOf", "allOf", "if", "then", "not",
    "minimum", "maximum", "exclusiveMinimum", "minLength", "maxLength", "pattern", "format", "uniqueItems",
    "contains", "minItems", "maxItems",
}  # fmt: skip


def _schema_keys(node: Any, path: str = "") -> list[str]:
    """Every keyword used, skipping the names under properties/$defs (those are not keywords)."""
    keys: list[str] = []
    if isinstance(node, dict):
        for key, value in node.items():
            keys.append(f"{path}/{key}")
            if key in ("properties", "$defs", "patternProperties"):
                for name, sub in value.items():
                    keys += _schema_keys(sub, f"{path}/{key}/{name}")
            else:
                keys += _schema_keys(value, f"{path}/{key}")
    elif isinstance(node, list):
        for i, value in enumerate(node):
            keys += _schema_keys(value, f"{path}/{i}")
    return keys


def test_schema_uses_only_json_schema_keywords(schema: dict[str, Any]) -> None:
    # a meta-schema accepts unknown keywords silently: pydantic once leaked "ge"/"le" here
    unknown = [k for k in _schema_keys(schema) if k.rsplit("/", 1)[1] not in _KEYWORDS]
    assert unknown == []


def test_schema_describes_the_fields_for_editors(schema: dict[str, Any]) -> None:
    defs = schema["$defs"]
    assert defs["Company"]["properties"]["employees"]["description"]
    status = defs["Progress"]["properties"]["status"]
    assert {"enum": ["planned", "in_progress", "done"], "type": "string"} in status["anyOf"]
    start = defs["PlanSettings"]["properties"]["start"]
    assert start["format"] == "date" and start["pattern"] == r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$"


def test_schema_spells_out_the_library_ids(schema: dict[str, Any]) -> None:
    library = load_library()
    props = schema["properties"]
    answers = props["answers"]["anyOf"][0]
    assert set(answers["properties"]) == {q.id for _, q in library.questions()}
    assert answers["additionalProperties"] is False
    assert {"enum": ["ad", "hris", "ad_and_hris", "nowhere", "other"]} in answers["properties"]["org_source"]["anyOf"]
    progress = props["progress"]["anyOf"][0]["properties"]
    assert set(progress) == {s.id for s in library.steps()}
    assert set(props["team"]["anyOf"][0]["properties"]) == set(library.roles)
    exclude = schema["$defs"]["PlanSettings"]["properties"]["exclude"]["anyOf"][0]
    assert "crm" in exclude["items"]["enum"] and "setup.kickoff" in exclude["items"]["enum"]


def test_schema_follows_library_and_language(tmp_path: Path) -> None:
    lib = write_tree(
        tmp_path / "lib",
        {
            "one.yml": """
            id: one
            order: 1
            title: One
            goal: Goal
            steps:
              - {id: one.a, title: {en: A step, fr: Une étape}, duration_days: 2}
            questions:
              - {id: size, text: {en: How big?, fr: Quelle taille ?}, kind: number}
            """
        },
    )
    result = runner.invoke(app, ["schema", "--library", str(lib), "--lang", "fr"])
    assert result.exit_code == 0, result.output
    schema = json.loads(result.stdout)
    answers = schema["properties"]["answers"]["anyOf"][0]["properties"]
    assert answers == {
        "size": {"title": "Quelle taille ?", "anyOf": [{"type": "number", "minimum": 0}, {"type": "null"}]}
    }
    assert schema["properties"]["progress"]["anyOf"][0]["properties"]["one.a"]["description"] == "Une étape"


# ------------------------------------------------------------- files against the schema


@pytest.mark.parametrize("example", EXAMPLES, ids=lambda p: p.stem)
def test_every_example_validates(example: Path, validator: Draft202012Validator) -> None:
    assert _problems(validator, example.read_text(encoding="utf-8")) == []


@pytest.mark.parametrize("example", EXAMPLES, ids=lambda p: p.stem)
def test_schema_line_resolves_to_this_schema(example: Path, schema: dict[str, Any]) -> None:
    first = example.read_text(encoding="utf-8").splitlines()[0]
    match = re.fullmatch(r"# yaml-language-server: \$schema=(\S+)", first)
    assert match, first
    target = (example.parent / match.group(1)).resolve()  # relative to the file, as the server resolves it
    assert json.loads(target.read_text(encoding="utf-8")) == schema


EMPTY_SECTIONS = """
company:
  name: Empty sections
  employees: 300
  branches:
  country:
plan:
  start: "2027-01-04"
  weekend:
  holidays:
  exclude:
team:
answers:
progress:
report:
"""


def test_empty_sections_are_accepted_by_schema_and_validate(validator: Draft202012Validator, tmp_path: Path) -> None:
    assert _problems(validator, EMPTY_SECTIONS) == []
    path = write_tree(tmp_path, {"c.yaml": EMPTY_SECTIONS}) / "c.yaml"
    data = load_company(path, load_library()).data
    assert data.answers == {} and data.team == {} and data.progress == {} and data.plan.exclude == ()


def _answer_for(question: Question) -> Any:
    values = [o.value for o in question.options]
    return {
        "single": values[:1] and values[0],
        "multiple": [o.value for o in question.options if not o.exclusive][: max(2, question.min or 0)],
        "yes_no": True,
        "number": 12.5,
        "text": "Привет, ça va",
        "date": dt.date(2027, 3, 1),
    }[question.kind]


def test_what_validate_accepts_the_schema_accepts(validator: Draft202012Validator, tmp_path: Path) -> None:
    library = load_library()
    answers = {q.id: _answer_for(q) for _, q in library.questions()}
    text = yaml.safe_dump(
        {
            "company": {"name": "Every answer", "employees": 900, "country": "FR"},
            "plan": {"start": dt.date(2027, 1, 4), "exclude": ["crm"]},
            "team": {"implementer": 2},
            "answers": answers,
            "progress": {
                "setup.kickoff": {"status": "done", "start": dt.date(2027, 1, 4), "finish": dt.date(2027, 1, 8)},
                "setup.infrastructure": {"status": "in_progress", "start": dt.date(2027, 1, 11), "percent": 40},
            },
        },
        allow_unicode=True,
    )
    load_company(write_tree(tmp_path, {"c.yaml": text}) / "c.yaml", library)
    assert _problems(validator, text) == []


@pytest.mark.parametrize("word", ["yes", "no", "true", "false", "oui", "non", "Yes", "NON"])
def test_yes_no_words_read_the_same_by_schema_and_validate(
    word: str, validator: Draft202012Validator, tmp_path: Path
) -> None:
    text = f"company: {{name: X, employees: 300}}\nplan: {{start: 2027-01-04}}\nanswers: {{gost_records: {word}}}\n"
    loaded = load_company(write_tree(tmp_path, {"c.yaml": text}) / "c.yaml", load_library())
    assert loaded.data.answers["gost_records"] is (word.lower() in ("yes", "true", "oui"))
    assert _problems(validator, text) == []


BASE = """
company:
  name: Broken
  employees: 300
plan:
  start: 2027-01-04
"""


@pytest.mark.parametrize(
    "extra",
    [
        "budget: 3",  # unknown top-level key
        "answers: {org_sourse: ad}",  # unknown question
        "answers: {org_source: ldap}",  # outside the options
        "answers: {org_complications: [realtime, realtime]}",  # an option twice
        "answers: {gost_records: maybe}",  # not yes or no
        "answers: {engagement: thanks}",  # multiple without a list (validate reads it, the schema wants a list)
        "team: {implementer: 0}",
        "team: {developers: 2}",  # unknown role
        "progress: {setup.kickoff: {status: finished}}",
        "progress: {setup.kickoff: {status: done, start: 2027-01-04}}",  # done without finish
        "progress: {setup.kickof: {status: planned}}",  # unknown step
        "report: {accent: red}",
    ],
)
def test_invalid_files_are_rejected(extra: str, validator: Draft202012Validator) -> None:
    assert _problems(validator, BASE + extra + "\n")


@pytest.mark.parametrize(
    ("old", "new"),
    [("employees: 300", "employees: -3"), ("start: 2027-01-04", "start: next monday"), ("name: Broken", "nom: X")],
)
def test_invalid_company_facts_are_rejected(old: str, new: str, validator: Draft202012Validator) -> None:
    assert _problems(validator, BASE.replace(old, new))


def test_invalid_plan_exclude_is_rejected(validator: Draft202012Validator) -> None:
    text = BASE.replace("start: 2027-01-04", "start: 2027-01-04\n  exclude: [sales]")
    assert _problems(validator, text)


def test_generic_schema_without_a_library_accepts_any_ids() -> None:
    schema = company_schema()
    validator = Draft202012Validator(schema)
    assert _problems(validator, BASE + "answers: {anything: 3}\nteam: {anyone: 2}\n") == []


def test_schema_file_is_what_the_command_prints() -> None:
    on_disk = json.loads((ROOT / "examples" / "company.schema.json").read_text(encoding="utf-8"))
    assert on_disk == company_schema(load_library())


def test_validate_and_schema_agree_on_an_unknown_answer(validator: Draft202012Validator, tmp_path: Path) -> None:
    text = BASE + "answers: {org_source: ldap}\n"
    with pytest.raises(InputError):
        load_company(write_tree(tmp_path, {"c.yaml": text}) / "c.yaml", load_library())
    assert _problems(validator, text)
