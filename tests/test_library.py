"""The stage library: the bundled one is complete; a broken one says exactly where."""

from __future__ import annotations

from pathlib import Path

import pytest

from roadmap.errors import InputError
from roadmap.library import load_library
from tests.conftest import MINI_ALPHA, MINI_BETA, MINI_ROLES, write_tree


def test_bundled_library_has_five_stages_of_five_steps() -> None:
    library = load_library()
    assert [s.id for s in library.stages] == ["setup", "core", "people", "crm", "accounts", "handover"]
    assert [s.order for s in library.stages] == [1, 2, 3, 4, 5, 6]
    for stage in library.stages[:5]:  # the method's five stages; the handover closes them
        assert len(stage.steps) >= 5, stage.id
        assert stage.questions and stage.resources and stage.results and stage.reading, stage.id


def test_bundled_library_is_fully_bilingual() -> None:
    library = load_library()
    texts = []
    for stage in library.stages:
        texts += [stage.title, stage.goal, *stage.results, *stage.reading, *(r.why for r in stage.resources)]
        for step in stage.steps:
            texts += [step.title, *step.deliverables] + ([step.description] if step.description else [])
        for q in stage.questions:
            texts += [q.text, *(o.label for o in q.options)] + ([q.help] if q.help else [])
    texts += [role.title for role in library.roles.values()]
    missing = [text.en for text in texts if not text.fr]
    assert missing == []


def test_bundled_stage_one_carries_the_org_source_switch() -> None:
    library = load_library()
    org = library.question("org_source")
    assert org is not None
    assert [o.value for o in org.options] == ["ad", "hris", "ad_and_hris", "nowhere", "other"]
    included = {o.value: [sid for e in o.effects for sid in e.include or ()] for o in org.options}
    hr_exchange = ["setup.hr-module-exchange", "setup.hris-exchange"]
    assert included == {
        "ad": ["setup.ad-sync"],
        "hris": hr_exchange,
        "ad_and_hris": ["setup.ad-sync", *hr_exchange],
        "nowhere": ["setup.org-in-portal"],
        "other": ["setup.hris-exchange"],
    }
    complications = library.question("org_complications")
    assert complications is not None
    for option in (o for o in complications.options if not o.exclusive):
        assert any(e.add_days for e in option.effects), option.value
        assert any(e.risk for e in option.effects), option.value


def test_dealer_account_requires_the_dealer_unit() -> None:
    steps = {s.id: s for s in load_library().steps()}
    assert "crm.dealers" in steps["accounts.dealer-account"].requires


def _broken(tmp_path: Path, alpha: str = MINI_ALPHA, beta: str = MINI_BETA, roles: str = MINI_ROLES) -> Path:
    return write_tree(tmp_path / "lib", {"roles.yaml": roles, "1-alpha.yaml": alpha, "2-beta.yaml": beta})


def _errors(folder: Path) -> list[str]:
    with pytest.raises(InputError) as info:
        load_library(folder)
    return [str(d) for d in info.value.diagnostics]


def test_unknown_key_with_did_you_mean(tmp_path: Path) -> None:
    folder = _broken(tmp_path, alpha=MINI_ALPHA.replace("    duration_days: 2\n", "    duraton_days: 2\n"))
    errors = _errors(folder)
    assert any(e.endswith("unknown key 'duraton_days' (did you mean 'duration_days'?)") for e in errors)
    assert any("1-alpha.yaml:19:5: unknown key" in e for e in errors), errors


def test_unknown_ids_in_references(tmp_path: Path) -> None:
    beta = MINI_BETA.replace("requires: [alpha.two]", "requires: [alpha.tow]").replace("roles: [pm]", "roles: [pmm]")
    errors = _errors(_broken(tmp_path, beta=beta))
    assert any("unknown step or milestone 'alpha.tow' (did you mean 'alpha.two'?)" in e for e in errors)
    assert any("unknown role 'pmm' (did you mean 'pm'?)" in e for e in errors)
    assert all(e.startswith(str(tmp_path / "lib" / "2-beta.yaml") + ":") for e in errors)


def test_unknown_name_in_condition(tmp_path: Path) -> None:
    beta = MINI_BETA.replace('when: "employees > 100"', 'when: "employes > 100"')
    errors = _errors(_broken(tmp_path, beta=beta))
    assert any("unknown name 'employes' (did you mean 'employees'?)" in e for e in errors)


def test_bad_condition_syntax(tmp_path: Path) -> None:
    beta = MINI_BETA.replace('when: "employees > 100"', 'when: "employees >> 100"')
    assert any("condition 'employees >> 100'" in e for e in _errors(_broken(tmp_path, beta=beta)))


def test_dependency_cycle_is_printed(tmp_path: Path) -> None:
    alpha = MINI_ALPHA.replace(
        "    roles: [pm]\n    deliverables", "    after: [alpha.two]\n    roles: [pm]\n    deliverables"
    )
    errors = _errors(_broken(tmp_path, alpha=alpha))
    assert any(
        "dependency cycle: alpha.one -> alpha.two -> alpha.one" in e
        or "dependency cycle: alpha.two -> alpha.one -> alpha.two" in e
        for e in errors
    ), errors


def test_duplicate_ids(tmp_path: Path) -> None:
    beta = MINI_BETA.replace("id: beta.two", "id: beta.one")
    assert any("duplicate step id 'beta.one'" in e for e in _errors(_broken(tmp_path, beta=beta)))


def test_step_id_must_match_stage(tmp_path: Path) -> None:
    beta = MINI_BETA.replace("id: beta.two", "id: gamma.two")
    assert any("must start with 'beta.'" in e for e in _errors(_broken(tmp_path, beta=beta)))


def test_effects_reference_known_steps(tmp_path: Path) -> None:
    alpha = MINI_ALPHA.replace("include: [alpha.opt]", "include: [alpha.opp]")
    assert any(
        "unknown step 'alpha.opp' (did you mean 'alpha.opt'?)" in e for e in _errors(_broken(tmp_path, alpha=alpha))
    )


def test_default_must_fit_the_question(tmp_path: Path) -> None:
    alpha = MINI_ALPHA.replace("default: x", "default: z")
    assert any("default of 'q1'" in e for e in _errors(_broken(tmp_path, alpha=alpha)))


def test_without_roles_file_the_resources_name_the_roles(tmp_path: Path) -> None:
    folder = write_tree(tmp_path / "lib", {"1-alpha.yaml": MINI_ALPHA.replace("roles: [dev]", "roles: [pm]")})
    library = load_library(folder)
    assert list(library.roles) == ["pm"] and library.roles["pm"].title.en == "pm"
    broken = write_tree(tmp_path / "lib2", {"1-alpha.yaml": MINI_ALPHA})
    assert any("unknown role 'dev'" in e for e in _errors(broken))


def test_missing_folder(tmp_path: Path) -> None:
    assert _errors(tmp_path / "nope") == [f"{tmp_path / 'nope'}: no such library folder"]


# ------------------------------------------------------- a consultant's own library


def test_roles_yml_is_the_role_file(tmp_path: Path) -> None:
    folder = write_tree(tmp_path / "lib", {"roles.yml": MINI_ROLES, "1-alpha.yml": MINI_ALPHA, "2-beta.yml": MINI_BETA})
    library = load_library(folder)
    assert [s.id for s in library.stages] == ["alpha", "beta"] and set(library.roles) == {"pm", "dev"}
    write_tree(folder, {"roles.yaml": MINI_ROLES})
    assert _errors(folder) == [f"{folder / 'roles.yml'}:1:1: two role files: keep roles.yaml or roles.yml, not both"]


def test_library_option_pointing_at_a_file(tmp_path: Path) -> None:
    path = write_tree(tmp_path, {"1-alpha.yaml": MINI_ALPHA}) / "1-alpha.yaml"
    assert _errors(path) == [f"{path}: is a file: a library is the folder holding the stage files"]


def test_bare_yes_no_in_a_library_reads_as_written(tmp_path: Path) -> None:
    options = "    default: no\n    options:\n      - {value: yes, label: Sure}\n      - {value: no, label: Nope}\n"
    alpha = MINI_ALPHA.replace("    kind: yes_no\n", "    kind: yes_no\n" + options)
    question = load_library(_broken(tmp_path, alpha=alpha)).question("q2")
    assert question is not None
    assert [o.value for o in question.options] == ["yes", "no"] and question.default is False


def test_bare_yes_as_text_says_to_quote_it(tmp_path: Path) -> None:
    alpha = MINI_ALPHA.replace("label: X way", "label: Yes")
    errors = _errors(_broken(tmp_path, alpha=alpha))
    assert errors == [
        f"{tmp_path / 'lib' / '1-alpha.yaml'}:35:16: questions[0].options[0].label: expected text (YAML reads a bare"
        " Yes, No, On or Off as true/false: put it in quotes), got true"
    ]


def test_single_default_no_matches_a_no_option(tmp_path: Path) -> None:
    alpha = MINI_ALPHA.replace("value: x", "value: 'yes'").replace("value: y", "value: 'no'")
    alpha = alpha.replace("default: x", "default: no").replace("q1 == 'x'", "q1 == 'yes'")
    question = load_library(_broken(tmp_path, alpha=alpha)).question("q1")
    assert question is not None and question.default == "no"


def test_duplicate_ids_say_where_the_first_is(tmp_path: Path) -> None:
    beta = MINI_BETA.replace("id: beta.two", "id: beta.one").replace("id: beta\n", "id: alpha\n")
    beta = beta.replace("id: beta.", "id: alpha.")
    errors = _errors(_broken(tmp_path, beta=beta.replace("id: alpha.one", "id: alpha.two", 1)))
    first = f"{tmp_path / 'lib' / '1-alpha.yaml'}:1:5"
    assert f"{tmp_path / 'lib' / '2-beta.yaml'}:1:5: duplicate stage id 'alpha' (first at {first})" in errors
    assert not any("cycle" in e for e in errors), errors  # no false cycle through the duplicated id


def test_duplicate_step_in_one_file_gives_the_line(tmp_path: Path) -> None:
    beta = MINI_BETA.replace("id: beta.two", "id: beta.one")
    errors = _errors(_broken(tmp_path, beta=beta))
    assert errors == [f"{tmp_path / 'lib' / '2-beta.yaml'}:12:9: duplicate step id 'beta.one' (first at line 6)"]


def test_every_file_of_a_library_is_checked_at_once(tmp_path: Path) -> None:
    alpha = MINI_ALPHA.replace("duration_days: 3", "duration_days: 0")
    roles = MINI_ROLES.replace("pm: {title", "pm: {titel")
    errors = _errors(_broken(tmp_path, alpha=alpha, beta="id: beta\nstart: 2027-02-30\n", roles=roles))
    assert {e.split(str(tmp_path / "lib") + "/", 1)[1].split(":", 1)[0] for e in errors} == {
        "roles.yaml",
        "1-alpha.yaml",
        "2-beta.yaml",
    }
    assert any("invalid date '2027-02-30'" in e for e in errors)


def test_a_question_condition_uses_earlier_answers_only(tmp_path: Path) -> None:
    alpha = MINI_ALPHA.replace("default: x\n", 'default: x\n    when: "q2 == true"\n', 1)
    errors = _errors(_broken(tmp_path, alpha=alpha))
    assert errors == [
        f"{tmp_path / 'lib' / '1-alpha.yaml'}:33:11: condition 'q2 == true': 'q2' is not asked before this question"
    ]
    own = MINI_ALPHA.replace("when: \"q1 == 'x'\"", 'when: "q2 != false"')
    assert any("'q2' is not asked before this question" in e for e in _errors(_broken(tmp_path, alpha=own)))
