"""The bundled library as an integrator would quote it (issue 13): parallel tracks, the missing
steps, answers that act in the right direction, any country, size across the range, baseline
risks and words a team reads. These tests pin *directions*, not the library's numbers."""

from __future__ import annotations

import datetime as dt
import itertools
import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from cli import app
from roadmap.company import fit_warning
from roadmap.library import default_library_dir, load_library
from roadmap.models import CompanyFile
from roadmap.plan import plan_file
from roadmap.resolve import Resolution, resolve
from tests.conftest import ROOT, write_tree

LIB = load_library()

FULL: dict[str, Any] = {
    "deployment": "on_premise",
    "org_source": "ad",
    "vacancies_source": "hr_software",
    "vacancies_autopost": True,
    "pm_systems": ["jira"],
    "pm_strategy": "integrate",
    "edms": "partial",
    "lms": "ispring",
    "sales_digital": "erp",
    "dealers": True,
    "account_types": ["employees", "managers", "clients", "dealers"],
}


def company(answers: dict[str, Any] | None = None, **facts: Any) -> CompanyFile:
    base = {"name": "Test Co", "employees": 1200, "branches": 8, "hierarchy_levels": 4, "country": "RU"}
    return CompanyFile.model_validate(
        {"company": {**base, **facts}, "plan": {"start": "2027-01-04"}, "answers": {**FULL, **(answers or {})}}
    )


def length(res: Resolution) -> int:
    """Working days of the longest path (durations and lags), before team limits."""
    from roadmap import digraph

    finish: dict[str, int] = {}
    for node in digraph.topological_sort(res.graph):
        start = max((finish[p] + res.graph.edges[p, node]["lag"] for p in res.graph.predecessors(node)), default=0)
        finish[node] = start + res.blocks[node].duration
    return max(finish.values())


def work(res: Resolution) -> int:
    """Sum of the kept steps' durations."""
    return sum(b.duration for b in res.blocks.values())


def plan(answers: dict[str, Any] | None = None, **facts: Any) -> Resolution:
    return resolve(LIB, company(answers, **facts))


# ---------------------------------------------------------------- answers act the right way

# (question, answers from easiest to hardest): each harder answer never shortens the plan and
# always adds work.
ORDERED = [
    ("deployment", ["cloud", "on_premise", "cluster"]),
    ("legal_entities", ["one", "several"]),
    ("org_source", ["ad", "ad_and_hris"]),
    ("edms", ["satisfied", "partial", "none"]),
    ("launch_sequence", ["all_at_once", "pilot", "by_type"]),
    ("deskless", ["none", "some", "many", "most"]),
    ("kb_today", ["file_share", "wiki", "none"]),
    ("kb_access", [False, True]),
    ("service_desk_today", ["email_phone", "helpdesk_replace", "helpdesk"]),
    ("sales_digital", ["b24_crm", "spreadsheets"]),
    ("sales_digital", ["b24_crm", "erp"]),
    ("onboarding_today", ["paper", "system", "none"]),
    ("info_publisher", ["comms", "nobody"]),
    ("candy", ["phone_directory", "canteen_menu", "painful_process"]),
    ("pm_strategy", ["coexist", "replace", "integrate"]),
    ("okr", ["no", "yes", "planned"]),
    ("kpi_today", ["spreadsheets", "none"]),
    ("holding_clients", [False, True]),
    ("lms", ["none", "portal"]),
    ("lms", ["ispring", "other"]),
    ("partner_channel", ["email_phone", "erp_exchange", "existing_portal"]),
]


@pytest.mark.parametrize(("qid", "answers"), ORDERED, ids=[f"{q}:{'<'.join(map(str, a))}" for q, a in ORDERED])
def test_a_harder_answer_never_shortens_the_plan(qid: str, answers: list[Any]) -> None:
    runs = [plan({qid: a}) for a in answers]
    for (easy, hard), (a, b) in zip(itertools.pairwise(runs), itertools.pairwise(answers), strict=True):
        assert length(hard) >= length(easy), f"{qid}: {b} plans shorter than {a}"
        assert work(hard) > work(easy), f"{qid}: {b} is no more work than {a}"


def _multiple_questions() -> Iterator[tuple[str, str]]:
    for _, q in LIB.questions():
        if q.kind != "multiple":
            continue
        for o in q.options:
            if not o.exclusive and not any(e.exclude for e in o.effects):
                yield q.id, o.value


@pytest.mark.parametrize(("qid", "value"), list(_multiple_questions()))
def test_ticking_one_more_box_never_shortens_the_plan(qid: str, value: str) -> None:
    question = LIB.question(qid)
    assert question is not None
    others = [o.value for o in question.options if o.value != value and not o.exclusive]
    base = others[: question.min or 0]  # a question asking for 3-5 gets 3 others, then one more
    without, with_it = plan({qid: base}), plan({qid: [*base, value]})
    assert length(with_it) >= length(without)
    assert work(with_it) >= work(without)


def test_no_edms_costs_more_than_a_partial_one() -> None:
    assert length(plan({"edms": "none"})) >= length(plan({"edms": "partial"}))


def test_one_account_type_at_a_time_is_not_shorter_than_a_pilot() -> None:
    by_type, pilot = plan({"launch_sequence": "by_type"}), plan({"launch_sequence": "pilot"})
    assert by_type.blocks["accounts.launch"].duration > pilot.blocks["accounts.launch"].duration


def test_ad_and_hris_plans_the_hr_exchange_and_keeps_sign_in_on_the_domain() -> None:
    res = plan({"org_source": "ad_and_hris"})
    assert {"setup.ad-sync", "setup.hr-module-exchange"} <= set(res.blocks)
    abroad = plan({"org_source": "ad_and_hris"}, country="FR")
    assert {"setup.ad-sync", "setup.hris-exchange"} <= set(abroad.blocks)
    assert "setup.hr-module-exchange" not in abroad.blocks


def test_another_org_source_plans_a_custom_exchange_even_with_1c() -> None:
    assert "setup.hris-exchange" in plan({"org_source": "other"}).blocks
    assert "setup.hris-exchange" in plan({"org_source": "other"}, country="FR").blocks


def test_sales_kept_in_the_accounting_system_plans_its_exchange() -> None:
    assert "crm.accounting-module" in plan({"sales_digital": "erp"}).blocks
    assert "crm.erp-exchange" in plan({"sales_digital": "erp"}, country="DE").blocks
    kept = plan({"sales_digital": "b24_crm", "crm_integrations": ["none"]})
    assert "crm.accounting-module" not in kept.blocks


def test_cloud_drops_the_servers_and_raises_the_sign_in_risk() -> None:
    res = plan({"deployment": "cloud"})
    assert "setup.infrastructure" not in res.blocks
    assert "setup.portal-config" in res.blocks
    assert any("SAML" in text for text, _ in res.risks)


def test_none_options_are_exclusive_and_three_to_five_is_enforced() -> None:
    for _, q in LIB.questions():
        for o in q.options:
            if o.value == "none" and q.kind == "multiple":
                assert o.exclusive, f"{q.id}: 'none' must be exclusive"
    hr = LIB.question("hr_processes")
    assert hr is not None and (hr.min, hr.max) == (3, 5)
    accounts = LIB.question("account_types")
    assert accounts is not None and accounts.max == 5


def test_open_lists_have_an_other_option() -> None:
    for qid in ("lms", "pm_systems", "org_source", "crm_integrations", "approval_routes", "kb_today"):
        question = LIB.question(qid)
        assert question is not None and "other" in {o.value for o in question.options}, qid
    routes = LIB.question("approval_routes")
    assert routes is not None and {"contracts", "purchases"} <= {o.value for o in routes.options}
    integrations = LIB.question("crm_integrations")
    assert integrations is not None and "telephony" in {o.value for o in integrations.options}


# ---------------------------------------------------------------- parallel tracks


def test_sales_waits_only_for_the_first_stage() -> None:
    from roadmap import digraph

    res = plan()
    before_sales = digraph.ancestors(res.graph, "crm.audit")
    assert "setup.invite" in before_sales
    assert not any(b.startswith(("core.", "people.")) for b in before_sales)


def test_accounts_follow_core_services_and_drop_with_the_crm() -> None:
    from roadmap import digraph

    res = plan()
    assert "core.launch" in digraph.ancestors(res.graph, "accounts.design")
    assert not any(b.startswith("people.") for b in digraph.ancestors(res.graph, "accounts.design"))
    without = resolve(
        LIB, company().model_copy(update={"plan": company().plan.model_copy(update={"exclude": ("crm",)})})
    )
    assert {"accounts.client-account", "accounts.dealer-account", "accounts.complaints"} <= set(without.dropped)
    assert "accounts.employee-account" in without.blocks


def test_hr_comfort_follows_core_services() -> None:
    from roadmap import digraph

    assert "core.launch" in digraph.ancestors(plan().graph, "people.onboarding")


def test_a_kpi_step_waits_for_the_crm_only_when_that_kpi_is_chosen() -> None:
    from roadmap import digraph

    assert "crm.adaptation" in digraph.ancestors(plan({"kpi_sources": ["tasks", "crm"]}).graph, "people.kpi-okr")
    assert "crm.adaptation" not in digraph.ancestors(plan({"kpi_sources": ["tasks"]}).graph, "people.kpi-okr")


def test_every_stage_has_acceptance_before_its_launch_and_hypercare_after() -> None:
    from roadmap import digraph

    res = plan()
    for stage, launch in (("setup", "setup.invite"), ("core", "core.launch"), ("people", "people.launch")):
        assert f"{stage}.acceptance" in digraph.ancestors(res.graph, launch)
        assert launch in digraph.ancestors(res.graph, f"{stage}.hypercare")
    for stage in ("crm", "accounts"):
        assert f"{stage}.acceptance" in digraph.ancestors(res.graph, f"{stage}.launch")
        assert f"{stage}.launch" in digraph.ancestors(res.graph, f"{stage}.hypercare")
    assert (
        plan(employees=3000).blocks["core.hypercare"].duration > plan(employees=200).blocks["core.hypercare"].duration
    )
    assert all(f"{s}.done" in digraph.ancestors(res.graph, "handover.handover") for s in ("setup", "core", "crm"))


def test_licence_lead_time_delays_the_installation() -> None:
    res = plan()
    assert res.graph.edges["setup.licence", "setup.infrastructure"]["lag"] > 0


# ---------------------------------------------------------------- any country


@pytest.mark.parametrize("country", ["FR", "SA"])
def test_a_company_outside_the_1c_countries_gets_a_plan_without_1c(country: str, tmp_path: Path) -> None:
    text = f"""
        company: {{name: Test Co, employees: 900, branches: 5, country: {country}}}
        plan: {{start: 2027-01-04}}
        answers:
          org_source: ad_and_hris
          sales_digital: erp
          crm_integrations: [erp, powerbi]
          kpi_today: system
          partner_channel: erp_exchange
        """
    path = write_tree(tmp_path, {"c.yaml": text}) / "c.yaml"
    for lang in ("en", "fr"):
        out = tmp_path / lang
        done = CliRunner().invoke(
            app, ["plan", str(path), "--lang", lang, "--out", str(out), "--format", "json,checklist"]
        )
        assert done.exit_code == 0, done.output
        for name in ("plan.json", "checklist.md"):
            text = (out / name).read_text(encoding="utf-8")
            assert "1C" not in text and "ZUP" not in text and "GOST" not in text, name
        result = json.loads((out / "plan.json").read_text(encoding="utf-8"))
        assert all("onec" not in task["roles"] for task in result["tasks"])
        assert "gost_records" not in result["answers"]
        assert "1C" not in done.output


def test_a_russian_company_plans_the_1c_exchanges_and_the_gost_question() -> None:
    res = plan({"org_source": "hris"})
    assert "setup.hr-module-exchange" in res.blocks
    assert "onec" in res.blocks["setup.hr-module-exchange"].step.roles  # type: ignore[union-attr]
    assert "gost_records" in res.applicable_questions
    assert "gost_records" not in plan(country="FR").applicable_questions


def test_the_business_software_default_depends_on_the_country() -> None:
    assert plan().env["business_software"] == "onec"
    assert plan(country="KZ").env["business_software"] == "onec"
    assert plan(country="FR").env["business_software"] == "other"
    assert plan({"business_software": "onec"}, country="FR").env["business_software"] == "onec"


def test_a_bad_country_default_is_reported(tmp_path: Path) -> None:
    from roadmap.errors import InputError

    lib = write_tree(
        tmp_path / "lib",
        {
            "1-a.yaml": """
                id: a
                order: 1
                title: A
                goal: G
                steps:
                  - {id: a.one, title: One, duration_days: 1, after: [{id: a.two, when: "nope == 1"}]}
                  - {id: a.two, title: Two, duration_days: 1}
                questions:
                  - id: q
                    text: Q?
                    kind: single
                    default_by_country: {France: x, RU: z}
                    options: [{value: x, label: X}]
                """
        },
    )
    with pytest.raises(InputError) as exc:
        load_library(lib)
    text = str(exc.value)
    assert "'France' is not an ISO country code" in text
    assert "default of 'q' for RU" in text
    assert "unknown name 'nope'" in text


# ---------------------------------------------------------------- size across the range


def test_size_keeps_mattering_up_to_3000_people_and_30_branches() -> None:
    sizes = [150, 400, 800, 1500, 2200, 3000]
    works = [work(plan(employees=n)) for n in sizes]
    assert works == sorted(works) and len(set(works)) == len(works)
    branches = [0, 5, 10, 20, 30]
    works = [work(plan(branches=b)) for b in branches]
    assert works == sorted(works) and len(set(works)) == len(works)
    assert work(plan(employees=2800)) < work(plan(employees=3000))


def test_no_scaling_rule_is_capped_before_the_top_of_the_range() -> None:
    limits = {"employees": 3000, "branches": 30, "hierarchy_levels": 8}
    for step in LIB.steps():
        for rule in step.scaling:
            top = limits[rule.by]
            uncapped = (top - rule.above) // rule.per * rule.add_days
            assert rule.max_days is None or rule.max_days >= uncapped, f"{step.id} stops growing before {top} {rule.by}"


def test_the_fit_warning_covers_levels_branches_and_industry() -> None:
    def warn(**facts: Any) -> str:
        data = CompanyFile.model_validate(
            {"company": {"name": "X", "employees": 500, **facts}, "plan": {"start": "2027-01-04"}}
        )
        return fit_warning(data) or ""

    assert warn(hierarchy_levels=3, branches=3) == ""
    assert "hierarchy level" in warn(hierarchy_levels=2)
    assert "30" in warn(branches=31)
    assert "manufacturing" in warn(industry="other")
    assert warn(industry="services") == ""
    assert "below" in warn(employees=100, hierarchy_levels=2) and "hierarchy" in warn(employees=100, hierarchy_levels=2)


# ---------------------------------------------------------------- risks, roles, words


def test_baseline_risks_hold_whatever_the_answers_and_leave_with_their_stage() -> None:
    res = plan()
    baseline = [(text, because) for text, because in res.risks if "baseline risk" in because]
    assert len(baseline) >= 8
    assert any("integrator" in text for text, _ in baseline)
    data = company()
    without = resolve(LIB, data.model_copy(update={"plan": data.plan.model_copy(update={"exclude": ("crm",)})}))
    assert len([r for r in without.risks if "baseline risk" in r[1]]) < len(baseline)
    assert not any("Sales" in because for _, because in without.risks if "baseline risk" in because)


def test_the_new_roles_are_used_where_they_belong() -> None:
    used = {
        role: [s.id for s in LIB.steps() if role in s.roles]
        for role in ("key_users", "security", "legal", "portal_admin")
    }
    assert all(sid.endswith(".acceptance") or sid == "setup.discovery" for sid in used["key_users"])
    assert "setup.security-review" in used["security"] and "accounts.security" in used["security"]
    assert "setup.licence" in used["legal"]
    assert "handover.handover" in used["portal_admin"] and "setup.hypercare" in used["portal_admin"]


def test_reasons_a_team_reads_carry_no_ids_or_condition_syntax(tmp_path: Path) -> None:
    path = ROOT / "examples" / "services-180.yaml"
    for lang in ("en", "fr"):
        result = plan_file(path, lang=lang)[0]
        for dropped in result.dropped:
            if "company.yaml" in dropped.reason or ".yaml" in dropped.reason:
                continue
            assert not re.search(r"==|!=|\b[a-z]+_[a-z_]+\b|\b[a-z]+\.[a-z-]+\b", dropped.reason), dropped.reason
        for risk in result.risks:
            assert not re.search(r"==|\b[a-z]+_[a-z_]+ =", risk.because), risk.because


def test_every_duration_and_effect_states_its_assumption() -> None:
    for path in sorted(default_library_dir().glob("*.yaml")):
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            if re.search(r"duration_days:|add_days|lag_days", line) and not line.lstrip().startswith("#"):
                assert "# assumption" in line, f"{path.name}:{number}: {line.strip()}"


FRENCH_TO_AVOID = [
    "succursale",
    "filiale",
    "concessionnaire",
    "revendeur",
    "contrepartie",
    "comptes personnels",
    "Comptes personnels",
]


def test_french_uses_one_word_per_notion() -> None:
    for path in sorted(default_library_dir().glob("*.yaml")):
        text = path.read_text(encoding="utf-8")
        french = "\n".join(re.findall(r'fr: "([^"]*)"', text))
        for word in FRENCH_TO_AVOID:
            assert word not in french, f"{path.name}: '{word}'"
    assert 'fr: "Espaces personnels"' in (default_library_dir() / "5-accounts.yaml").read_text(encoding="utf-8")


# ---------------------------------------------------------------- the examples


def test_the_1200_person_manufacturer_plans_in_9_to_15_months_with_two_tracks() -> None:
    result = plan_file(ROOT / "examples" / "manufacturer-1200.yaml")[0]
    months = (result.finish - result.start).days / 30.4
    assert 9 <= months <= 15, months
    stages = {s.id: s for s in result.stages}
    assert stages["crm"].start < stages["core"].finish  # Sales runs alongside the core services


@pytest.mark.parametrize("name", ["services-180", "construction-2800"])
def test_the_other_examples_plan_in_believable_spans(name: str) -> None:
    result = plan_file(ROOT / "examples" / f"{name}.yaml")[0]
    months = (result.finish - result.start).days / 30.4
    assert 5 <= months <= 16, months
    assert result.start >= dt.date(2027, 1, 1)
