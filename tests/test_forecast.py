"""The forecast (issue 16): fixtures whose answers are known in closed form.

Tolerances are derived from the sample size: an empirical probability from ``n`` independent
iterations has a standard error of ``sqrt(p(1 - p) / n)``; every bound below is 4.5 standard
errors (a false alarm about once in 150,000 runs, and the runs are seeded, so a pass is stable).
"""

from __future__ import annotations

import json
import math
import random
from pathlib import Path
from typing import Any

import pytest
import yaml
from typer.testing import CliRunner

from roadmap.calendar import build_calendar
from roadmap.errors import InputError
from roadmap.forecast import Model, Uncertain, build_model, draw, percentile, run, simulate, spearman
from roadmap.library import load_library
from roadmap.plan import _sched_tasks, plan_file
from roadmap.resolve import resolve
from tests.conftest import ROOT

Z = 4.5
TRI = {"low": 4, "high": 30}
"""A skewed range around duration_days 10: triangular(4, 10, 30)."""


def tri_cdf(x: float, a: float = 4, c: float = 10, b: float = 30) -> float:
    if x <= a:
        return 0.0
    if x <= c:
        return (x - a) ** 2 / ((b - a) * (c - a))
    if x < b:
        return 1 - (b - x) ** 2 / ((b - a) * (b - c))
    return 1.0


def tri_quantile(p: float, a: float = 4, c: float = 10, b: float = 30) -> float:
    if p < (c - a) / (b - a):
        return a + math.sqrt(p * (b - a) * (c - a))
    return b - math.sqrt((1 - p) * (b - a) * (b - c))


def step(sid: str, days: int, **extra: Any) -> dict[str, Any]:
    return {"id": sid, "title": sid, "duration_days": days, **extra}


def make_plan(
    tmp_path: Path,
    steps: list[dict[str, Any]],
    *,
    questions: list[dict[str, Any]] | None = None,
    ranges: dict[str, Any] | None = None,
    company: dict[str, Any] | None = None,
    answers: dict[str, Any] | None = None,
) -> Path:
    """A one-stage library and a company file; returns the company file."""
    lib = tmp_path / "lib"
    lib.mkdir()
    (lib / "roles.yaml").write_text(yaml.safe_dump({"roles": {"dev": {"title": "Dev"}, "pm": {"title": "PM"}}}))
    stage: dict[str, Any] = {"id": "s", "order": 1, "title": "S", "goal": "G", "steps": steps}
    if questions:
        stage["questions"] = questions
    if ranges:
        stage["ranges"] = ranges
    (lib / "s.yaml").write_text(yaml.safe_dump(stage))
    data = {
        "company": company or {"name": "Co", "employees": 300, "country": "FR"},
        "plan": {"start": "2027-01-04"},
        "answers": answers or {},
    }
    path = tmp_path / "co.yaml"
    path.write_text(yaml.safe_dump(data))
    return path


def model_of(path: Path) -> tuple[Model, int]:
    """The simulation model of a company file (library beside it) and its start index."""
    library = load_library(path.parent / "lib")
    plan, company, _ = plan_file(path, library_dir=path.parent / "lib")
    data = company.data
    resolution = resolve(library, data)
    calendar = build_calendar(data.plan.start, data.company.country, data.plan.weekend, data.plan.holidays)
    notes = _sched_tasks(resolution, data.progress, calendar, None)
    return build_model(resolution, library, company, [n.task for n in notes.values()]), calendar.to_index(plan.start)


def within(empirical: float, p: float, n: int) -> bool:
    return abs(empirical - p) <= Z * math.sqrt(max(p * (1 - p), 1e-4) / n)


# ------------------------------------------------------------------ right by construction


def test_single_triangular_step_matches_the_closed_form(tmp_path: Path) -> None:
    path = make_plan(tmp_path, [step("s.a", 10, estimate=TRI)])
    plan, company, library = plan_file(path, library_dir=tmp_path / "lib")
    fc = simulate(plan, company, library, iterations=10_000, seed=1, method="triangular")
    cal = build_calendar(plan.start, "FR")
    start = cal.to_index(plan.start)
    for p, got in ((0.5, fc.finish.p50), (0.8, fc.finish.p80)):
        exact = start + tri_quantile(p) - 1  # a step of D days ends on day start + D - 1
        assert abs(cal.to_index(got) - exact) <= 1, (p, got, exact)


def test_two_parallel_steps_show_merge_bias(tmp_path: Path) -> None:
    n = 4000
    path = make_plan(tmp_path, [step("s.a", 10, estimate=TRI), step("s.b", 10, estimate=TRI)])
    model, start = model_of(path)
    samples = run(model, n, seed=2, method="triangular")
    durations = [f - start + 1 for f in samples.finish]
    for d in (9, 12, 15, 20, 25):
        single = tri_cdf(d + 0.5)  # durations are rounded half up: D <= d iff X < d + 0.5
        share = sum(x <= d for x in durations) / n
        assert within(share, single**2, n), (d, share, single**2)
    assert not within(sum(x <= 15 for x in durations) / n, tri_cdf(15.5), n)  # not the single step's


def test_two_parallel_steps_on_one_person_finish_near_the_sum(tmp_path: Path) -> None:
    path = make_plan(
        tmp_path, [step("s.a", 10, estimate=TRI, roles=["dev"]), step("s.b", 10, estimate=TRI, roles=["dev"])]
    )
    plan, company, library = plan_file(path, library_dir=tmp_path / "lib")
    fc = simulate(plan, company, library, iterations=2000, seed=3)
    rng = random.Random(99)
    u = Uncertain("x", 4, 10, 30)
    sums = sorted(draw(rng, u, "pert") + draw(rng, u, "pert") for _ in range(40_000))
    maxes = sorted(max(draw(rng, u, "pert"), draw(rng, u, "pert")) for _ in range(40_000))
    cal = build_calendar(plan.start, "FR")
    days = cal.to_index(fc.finish.p50) - cal.to_index(plan.start) + 1
    # the median's standard error here is about 0.2 working days
    assert abs(days - percentile(sums, 0.5)) <= 1
    assert days >= percentile(maxes, 0.5) + 5


def test_a_risk_moves_the_mean_finish_by_probability_times_impact(tmp_path: Path) -> None:
    n = 2000
    risk = {"risk": "Late data", "probability": 0.3, "impact_days": [10, 10], "steps": ["s.a"]}
    question = {
        "id": "q",
        "text": "Q?",
        "kind": "yes_no",
        "default": True,
        "options": [{"value": "yes", "label": "Yes", "effects": [risk]}],
    }
    path = make_plan(tmp_path, [step("s.a", 10)], questions=[question])
    model, start = model_of(path)
    assert [r.id for r in model.risks] == ["q=yes#1"]
    samples = run(model, n, seed=4, method="pert")
    mean = sum(f - start + 1 for f in samples.finish) / n
    assert abs(mean - 10 - 3) <= Z * 10 * math.sqrt(0.3 * 0.7 / n)
    plan, company, library = plan_file(path, library_dir=tmp_path / "lib")
    fc = simulate(plan, company, library, iterations=n, seed=4)
    assert within(fc.plan_finish_percentile / 100, 0.7, n)
    assert fc.drivers[0].id == "q=yes#1"
    assert fc.drivers[0].kind == "risk"
    assert fc.titles["q=yes#1"] == "Late data"


def test_every_percentile_date_is_a_working_day(tmp_path: Path) -> None:
    # Russia, autumn 2025: 1 Nov is a working Saturday, 3-4 Nov are off; the New Year break follows.
    steps = [step(f"s.x{k}", 3 + 2 * k, estimate={"low": 1, "high": 12 + 4 * k}) for k in range(6)]
    steps += [step("s.end", 2, after=[f"s.x{k}" for k in range(6)], estimate={"low": 1, "high": 9})]
    path = make_plan(tmp_path, steps, company={"name": "Co", "employees": 300, "country": "RU"})
    data = yaml.safe_load(path.read_text())
    data["plan"] = {"start": "2025-10-20", "holidays": ["2025-11-05"]}
    path.write_text(yaml.safe_dump(data))
    plan, company, library = plan_file(path, library_dir=tmp_path / "lib")
    fc = simulate(plan, company, library, iterations=300, seed=5)
    cal = build_calendar(plan.start, "RU", None, [plan.start.replace(day=5, month=11)])
    dates = [fc.finish.p50, fc.finish.p80, fc.finish.p90]
    dates += [d for pct in fc.stages.values() for d in (pct.p50, pct.p80, pct.p90)]
    assert all(cal.is_working(d) for d in dates), dates
    assert len(set(dates)) > 2  # spread out, not one date repeated


# ------------------------------------------------------------------ ranges, widen, output


def test_ranges_and_widen_set_the_spread(tmp_path: Path) -> None:
    widen = {"widen": {"step": "s.b", "high": 1.0}}
    question = {
        "id": "q",
        "text": "Q?",
        "kind": "yes_no",
        "default": True,
        "options": [{"value": "yes", "label": "Yes", "effects": [widen, {"add_days": {"step": "s.b", "days": 2}}]}],
    }
    ranges = {"default": {"low": 0.8, "high": 1.5}, "steps": {"s.c": {"low": 1, "high": 1}}}
    path = make_plan(tmp_path, [step("s.a", 10), step("s.b", 10), step("s.c", 4)], questions=[question], ranges=ranges)
    model, _ = model_of(path)
    # s.a: factors of the base; s.b: shifted by +2 days, high widened by 1.0 x 12; s.c: certain
    assert model.uncertain == [Uncertain("s.a", 8, 10, 15), Uncertain("s.b", 10, 12, 29)]


def test_estimate_shifts_with_scaling(tmp_path: Path) -> None:
    scaling = [{"by": "employees", "per": 100, "add_days": 1}]
    path = make_plan(tmp_path, [step("s.a", 10, estimate=TRI, scaling=scaling)])
    model, _ = model_of(path)
    assert model.uncertain == [Uncertain("s.a", 7, 13, 33)]  # 300 employees: +3 days on all three


def test_same_seed_same_forecast(tmp_path: Path) -> None:
    path = make_plan(
        tmp_path,
        [step("s.a", 10, estimate=TRI, roles=["dev"]), step("s.b", 5, estimate={"low": 3, "high": 9}, roles=["dev"])],
    )
    plan, company, library = plan_file(path, library_dir=tmp_path / "lib")
    runs = [simulate(plan, company, library, iterations=300, seed=s).model_dump_json() for s in (7, 7, 8)]
    assert runs[0] == runs[1]
    assert runs[0] != runs[2]
    fc = json.loads(runs[0])
    assert set(fc) == {
        "iterations",
        "seed",
        "method",
        "finish",
        "plan_finish_percentile",
        "stages",
        "criticality",
        "drivers",
        "convergence",
    }
    assert fc["criticality"] == {"s.a": 1.0, "s.b": 1.0}
    assert [d["id"] for d in fc["drivers"]] == ["s.a", "s.b"]


def test_bad_iterations_and_method(tmp_path: Path) -> None:
    path = make_plan(tmp_path, [step("s.a", 10)])
    plan, company, library = plan_file(path, library_dir=tmp_path / "lib")
    with pytest.raises(InputError, match="iterations: expected"):
        simulate(plan, company, library, iterations=0)
    with pytest.raises(InputError, match="method: unknown sampling method"):
        simulate(plan, company, library, iterations=10, method="normal")


def test_spearman_and_percentile() -> None:
    assert spearman([1, 2, 3, 4], [10, 20, 30, 45]) == pytest.approx(1.0)
    assert spearman([1, 2, 3, 4], [4, 3, 2, 1]) == pytest.approx(-1.0)
    assert spearman([1, 1, 1], [1, 2, 3]) == 0.0
    assert percentile([1, 2, 3, 4, 5, 6, 7, 8, 9, 10], 0.8) == 8
    assert percentile([5], 0.9) == 5


@pytest.mark.parametrize(
    ("effect_or_step", "message"),
    [
        ({"widen": {"step": "s.zz", "high": 0.3}}, "unknown step 's.zz'"),
        ({"risk": "R", "probability": 0.2, "impact_days": [1, 3], "steps": ["s.zz"]}, "unknown step 's.zz'"),
        ({"risk": "R", "probability": 0.2}, "probability, impact_days and steps together"),
        ({"include": ["s.a"], "probability": 0.2}, "belong to a risk effect"),
        ({"risk": "R", "probability": 0.2, "impact_days": [3, 1], "steps": ["s.a"]}, "0 <= min <= max"),
    ],
)
def test_library_checks_forecast_effects(tmp_path: Path, effect_or_step: dict[str, Any], message: str) -> None:
    question = {
        "id": "q",
        "text": "Q?",
        "kind": "yes_no",
        "options": [{"value": "yes", "label": "Yes", "effects": [effect_or_step]}],
    }
    make_plan(tmp_path, [step("s.a", 10)], questions=[question])
    with pytest.raises(InputError, match=message) as err:
        load_library(tmp_path / "lib")
    assert "s.yaml:" in str(err.value)


def test_library_checks_estimates_and_ranges(tmp_path: Path) -> None:
    (tmp_path / "a").mkdir()
    make_plan(tmp_path / "a", [step("s.a", 10, estimate={"low": 4, "likely": 9, "high": 30})])
    with pytest.raises(InputError, match=r"estimate\.likely is the step's duration_days"):
        load_library(tmp_path / "a" / "lib")
    (tmp_path / "b").mkdir()
    make_plan(tmp_path / "b", [step("s.a", 10, estimate={"low": 11, "high": 30})])
    with pytest.raises(InputError, match="low <= duration_days"):
        load_library(tmp_path / "b" / "lib")
    (tmp_path / "c").mkdir()
    make_plan(tmp_path / "c", [step("s.a", 10)], ranges={"steps": {"s.ab": {"low": 0.9, "high": 1.2}}})
    with pytest.raises(InputError, match=r"unknown step 's.ab' of stage 's' \(did you mean 's.a'\?\)"):
        load_library(tmp_path / "c" / "lib")


def test_cli_simulate(tmp_path: Path) -> None:
    import cli

    path = make_plan(tmp_path, [step("s.a", 10, estimate=TRI)])
    args = ["plan", str(path), "--library", str(tmp_path / "lib"), "--format", "json", "--simulate", "200"]
    out = tmp_path / "out"
    result = CliRunner().invoke(cli.app, [*args, "--seed", "3", "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert "P50" in result.output
    assert "s.a" in result.output  # the top driver
    first = (out / "plan.json").read_bytes()
    forecast = json.loads(first)["forecast"]
    assert forecast["iterations"] == 200
    assert forecast["seed"] == 3
    assert forecast["method"] == "pert"
    again = CliRunner().invoke(cli.app, [*args, "--seed", "3", "--out", str(out)])
    assert again.exit_code == 0
    assert (out / "plan.json").read_bytes() == first
    bad = CliRunner().invoke(cli.app, [*args[:-1], "0", "--out", str(out)])
    assert bad.exit_code == 2
    assert "--simulate" in bad.output


def test_diff_shows_p80_movement(tmp_path: Path) -> None:
    import cli
    from roadmap.diff import diff_plans
    from roadmap.render.json_out import plan_to_dict

    widen = {"widen": {"step": "s.a", "high": 2.0}}
    question = {
        "id": "q",
        "text": "Q?",
        "kind": "yes_no",
        "default": False,
        "options": [{"value": "yes", "label": "Yes", "effects": [widen]}],
    }
    path = make_plan(tmp_path, [step("s.a", 10, estimate=TRI)], questions=[question])
    plans = []
    for answer in (False, True):
        data = yaml.safe_load(path.read_text())
        data["answers"] = {"q": answer}
        path.write_text(yaml.safe_dump(data))
        plan, company, library = plan_file(path, library_dir=tmp_path / "lib")
        fc = simulate(plan, company, library, iterations=400, seed=1)
        plans.append(json.loads(json.dumps(plan_to_dict(plan.model_copy(update={"forecast": fc})))))
    result = diff_plans(plans[0], plans[1])
    assert result.p80 is not None
    assert result.p80.old == plans[0]["forecast"]["finish"]["p80"]
    assert result.p80.shift >= 3  # the high end went from 30 to 50 working days
    assert not result.unchanged
    assert diff_plans(plans[0], plans[0]).unchanged
    assert diff_plans({**plans[0], "forecast": None}, plans[1]).p80 is None
    files = [tmp_path / "old.json", tmp_path / "new.json"]
    for file, plan_data in zip(files, plans, strict=True):
        file.write_text(json.dumps(plan_data))
    out = CliRunner().invoke(cli.app, ["diff", *map(str, files)])
    assert f"Forecast P80: {result.p80.old} → {result.p80.new} (+{result.p80.shift} working days)" in out.output


def test_gantt_page_shows_the_forecast(tmp_path: Path) -> None:
    from roadmap.render import RenderContext
    from roadmap.render.gantt_page import render_page

    path = make_plan(tmp_path, [step("s.a", 10, estimate=TRI)])
    stage_file = tmp_path / "lib" / "s.yaml"
    stage_file.write_text(stage_file.read_text().replace("title: S\n", "title: <i>S & T</i>\n", 1))
    plan, company, library = plan_file(path, library_dir=tmp_path / "lib")
    plain = render_page(RenderContext(plan=plan))
    assert 'id="forecast"' not in plain
    fc = simulate(plan, company, library, iterations=200, seed=1)
    page = render_page(RenderContext(plan=plan.model_copy(update={"forecast": fc})))
    assert 'id="forecast"' in page
    assert "<polyline" in page  # the S-curve
    assert f"P80 {fc.finish.p80}" in page
    assert f"plan {plan.finish}" in page
    assert f"<title>P80 {fc.stages['s'].p80}</title>" in page  # the stage's P80 tick
    section = page.split('id="forecast"', 1)[1].split("</section>", 1)[0]
    assert "1. &lt;i&gt;S &amp; T&lt;/i&gt;" in section
    assert "<i>S" not in section


def test_results_do_not_depend_on_the_worker_count(tmp_path: Path) -> None:
    steps = [step(f"s.x{k}", 3 + k, estimate={"low": 1, "high": 9 + k}, roles=["dev"]) for k in range(4)]
    path = make_plan(tmp_path, steps)
    plan, company, library = plan_file(path, library_dir=tmp_path / "lib")
    alone = simulate(plan, company, library, iterations=120, seed=9, workers=0)
    pooled = simulate(plan, company, library, iterations=120, seed=9, workers=2)
    assert alone.model_dump_json() == pooled.model_dump_json()
    assert alone.curve == pooled.curve


def test_started_and_done_steps_keep_their_dates(tmp_path: Path) -> None:
    steps = [step("s.a", 10, estimate=TRI), step("s.b", 5, estimate={"low": 2, "high": 9}, after=["s.a"])]
    risk = {"risk": "R", "probability": 0.5, "impact_days": [2, 4], "steps": ["s.a"]}
    question = {
        "id": "q",
        "text": "Q?",
        "kind": "yes_no",
        "default": True,
        "options": [{"value": "yes", "label": "Yes", "effects": [risk]}],
    }
    path = make_plan(tmp_path, steps, questions=[question])
    data = yaml.safe_load(path.read_text())
    data["progress"] = {"s.a": {"status": "done", "start": "2027-01-04", "finish": "2027-01-15"}}
    path.write_text(yaml.safe_dump(data))
    model, _ = model_of(path)
    assert [u.id for u in model.uncertain] == ["s.b"]
    assert model.risks == []  # its only step is done


def test_plain_plan_has_no_forecast(tmp_path: Path) -> None:
    import cli

    path = make_plan(tmp_path, [step("s.a", 10, estimate=TRI)])
    out = tmp_path / "out"
    args = ["plan", str(path), "--library", str(tmp_path / "lib"), "--format", "json", "--out", str(out)]
    result = CliRunner().invoke(cli.app, args)
    assert result.exit_code == 0, result.output
    assert "forecast" not in json.loads((out / "plan.json").read_text())
    assert "P50" not in result.output


def test_ask_describes_a_widen_effect() -> None:
    from roadmap.ask import effect_texts
    from roadmap.models import Option

    option = Option.model_validate(
        {"value": "yes", "label": "Yes", "effects": [{"widen": {"step": "s.a", "high": 0.3}}]}
    )
    assert effect_texts(option, "en") == ["makes s.a less certain (up to +30% in the forecast)"]


def test_risk_numbers_may_sit_inside_the_risk() -> None:
    from roadmap.models import Effect

    inside = {"risk": {"en": "Late", "fr": "Tard", "probability": 0.3, "impact_days": [5, 15], "steps": ["s.a"]}}
    beside = {"risk": {"en": "Late", "fr": "Tard"}, "probability": 0.3, "impact_days": [5, 15], "steps": ["s.a"]}
    assert Effect.model_validate(inside) == Effect.model_validate(beside)
    assert Effect.model_validate(inside).impact_days == (5, 15)


def test_show_spells_out_quantified_risks_only() -> None:
    from roadmap.describe import question_to_dict
    from roadmap.models import Question

    risk = {"risk": {"en": "Late", "fr": "Tard"}, "probability": 0.3, "impact_days": [5, 15], "steps": ["s.a"]}
    question = Question.model_validate(
        {
            "id": "q",
            "text": "Q?",
            "kind": "single",
            "options": [{"value": "a", "label": "A", "effects": [{"include": ["s.b"]}, risk]}],
        }
    )
    effects = question_to_dict(question, "fr")["options"][0]["effects"]
    assert effects == [
        {"include": ("s.b",)},
        {"risk": "Tard", "probability": 0.3, "impact_days": (5, 15), "steps": ("s.a",)},
    ]


def test_the_forecast_holds_plan_not_before_as_the_plan_does(tmp_path: Path) -> None:
    """The forecast schedules as build_plan does, plan.not_before included (with or without sites)."""
    source = ROOT / "examples" / "services-180.yaml"
    data = yaml.safe_load(source.read_text(encoding="utf-8"))
    late = "2027-09-01"
    data["plan"]["not_before"] = {"setup.kickoff": late}
    path = tmp_path / "late.yaml"
    path.write_text(yaml.safe_dump(data, sort_keys=False, allow_unicode=True), encoding="utf-8")
    plan, company, library = plan_file(path)
    assert str(next(t for t in plan.tasks if t.id == "setup.kickoff").start) >= late
    fc = simulate(plan, company, library, iterations=200, seed=1)
    assert str(fc.finish.p50) > late and fc.plan_finish_percentile < 100


def test_the_french_summary_writes_decimal_commas() -> None:
    """The plan date's share and the drivers' rho read as French numbers (``0,5 %``, ``+0,36``)."""
    from roadmap.forecast import summary_lines
    from roadmap.i18n import decimal

    assert (decimal(0.5, "fr"), decimal(0.5, "en"), decimal(0.364, "fr", 2, sign=True)) == ("0,5", "0.5", "+0,36")
    source = ROOT / "examples" / "services-180.yaml"
    plan, company, library = plan_file(source, lang="fr")
    fc = simulate(plan, company, library, iterations=60, seed=3)
    french = summary_lines(fc, plan.finish, "fr")
    english = summary_lines(fc, plan.finish, "en")
    assert f"{decimal(fc.plan_finish_percentile, 'fr')} %" in french[2]
    assert f"{fc.plan_finish_percentile:.1f}%" in english[2]
    drivers = [line for line in french if line.startswith("  ") and ("(tâche)" in line or "(risque)" in line)]
    assert drivers and all("," in line.split()[0] and "." not in line.split()[0] for line in drivers)
