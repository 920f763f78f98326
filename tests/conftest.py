"""Shared fixtures: small YAML trees built by a helper, the bundled library, a CLI runner."""

from __future__ import annotations

import os
import sys
import textwrap
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, settings

# pytest rewrites the asserts of every test module when it imports it (about 3 s of each xdist
# worker's start here) and keeps the result as bytecode next to the tests, unless bytecode is
# not written at all: this machine sets PYTHONDONTWRITEBYTECODE=1. Bytecode is written anyway
# from here on (the tests' rewritten modules, and the library's, all git-ignored), so only the
# first run pays.
sys.dont_write_bytecode = False

# Property tests check behaviour, not speed: a loaded CI machine must not turn slow input
# generation or a slow example into a failure. A full run (`.ci/run`: every test) tries 40
# examples a property unless the test asks for more; the quick run that leaves out the external
# tests (`pytest -m "not external"`, the edit-test loop, under 30 s on two cores) tries
# QUICK_SHARE of each count (see `examples`).
settings.register_profile("roadmap", max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
settings.register_profile("roadmap-quick", max_examples=16, deadline=None, suppress_health_check=[HealthCheck.too_slow])
settings.load_profile("roadmap-quick" if os.environ.get("ROADMAP_QUICK_PROPERTIES") == "1" else "roadmap")
QUICK_SHARE = 0.4
_QUICK_ENV = "ROADMAP_QUICK_PROPERTIES"
"""Set by :func:`pytest_configure` (pytest loads this file as ``conftest`` and the tests import
it again as ``tests.conftest``: the environment is the one state both copies share)."""


def pytest_configure(config: pytest.Config) -> None:
    """The quick run: a mark expression that leaves out the external tests."""
    if "not external" in (config.option.markexpr or ""):
        os.environ[_QUICK_ENV] = "1"
        settings.load_profile("roadmap-quick")
    else:
        os.environ.pop(_QUICK_ENV, None)


def examples(n: int) -> int:
    """A property's number of examples: ``n`` in a full run, QUICK_SHARE of it (at least 5) in the quick one."""
    return max(5, round(n * QUICK_SHARE)) if os.environ.get(_QUICK_ENV) == "1" else n


# The parse cache of large libraries (roadmap.yamlcache) stays out of the user's cache folder:
# off for every test and CLI subprocess, on only where a test points it at its own folder.
os.environ["ROADMAP_CACHE"] = "off"


def _remember_improvements() -> Callable[..., Any]:
    """Give the scheduler an improvement stage that remembers its answers; return the real one.

    The improvement is a pure function of its input (a budget of passes, never the clock), and
    it is most of the time of planning an example, which the suite does hundreds of times with
    the same input. The first call for an input runs it; the same input later gets the same
    answer. ``real_improvement`` (used by the tests of the scheduler, the improvement and
    staffing) runs it every time.
    """
    from roadmap import schedule

    real = schedule.improve
    memo: dict[tuple[Any, ...], tuple[tuple[int, ...], tuple[int, ...]]] = {}

    def improve(
        g: Any, caps: list[int], start: list[int], finish: list[int], place: Any
    ) -> tuple[list[int], list[int]]:
        key = (
            tuple(g.ids),
            tuple(map(tuple, g.preds)),
            tuple(g.span),
            tuple(g.milestone),
            tuple(map(tuple, g.roles)),
            tuple(map(tuple, g.need)),
            tuple(g.fixed_start),
            tuple(g.not_before),
            tuple(caps),
            tuple(start),
            tuple(finish),
            place,
        )
        found = memo.get(key)
        if found is None:
            best = real(g, caps, start, finish, place)
            found = memo[key] = (tuple(best[0]), tuple(best[1]))
        return list(found[0]), list(found[1])

    schedule.improve = improve
    return real


REAL_IMPROVE = _remember_improvements()


@pytest.fixture
def real_improvement(monkeypatch: pytest.MonkeyPatch) -> None:
    """The scheduler's own improvement stage, run on every call (not remembered)."""
    from roadmap import schedule

    monkeypatch.setattr(schedule, "improve", REAL_IMPROVE)


ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = sorted((ROOT / "examples").glob("*.yaml"))

MINI_ROLES = """
roles:
  pm: {title: {en: Project lead, fr: Chef de projet}}
  dev: {title: {en: Developer, fr: Développeur}}
"""

MINI_ALPHA = """
id: alpha
order: 1
title: {en: Alpha, fr: Alpha FR}
goal: Get going
resources:
  - {role: pm, why: Leads}
results: [Alpha works]
reading: [Some article]
steps:
  - id: alpha.one
    title: {en: One, fr: Un}
    duration_days: 3
    roles: [pm]
    deliverables: [Thing one]
    scaling:
      - {by: employees, above: 200, per: 100, add_days: 1, max_days: 3}
  - id: alpha.two
    title: Two
    duration_days: 2
    after: [alpha.one]
    roles: [dev]
  - id: alpha.opt
    title: Optional
    duration_days: 4
    optional: true
    after: [{id: alpha.one, lag_days: 1}]
    roles: [dev]
questions:
  - id: q1
    text: Which way?
    kind: single
    default: x
    options:
      - value: x
        label: X way
        effects:
          - include: [alpha.opt]
          - add_days: {step: alpha.one, days: 2}
          - risk: {en: X is risky, fr: X est risqué}
      - value: y
        label: Y way
        effects:
          - exclude: [alpha.two]
  - id: q2
    text: Big?
    kind: yes_no
    when: "q1 == 'x'"
"""

MINI_BETA = """
id: beta
order: 2
title: Beta
goal: Go on
steps:
  - id: beta.one
    title: B one
    duration_days: 5
    after: [alpha.done]
    requires: [alpha.two]
    roles: [pm]
  - id: beta.two
    title: B two
    duration_days: 1
    after: [alpha.done]
    when: "employees > 100"
"""

MINI_COMPANY = """
company:
  name: Mini Co
  employees: 300
  country: FR
plan:
  start: 2027-01-04
"""


def write_tree(root: Path, files: dict[str, str]) -> Path:
    """Write ``{relative path: text}`` under ``root`` (text dedented), return ``root``."""
    for rel, text in files.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text).lstrip("\n"), encoding="utf-8")
    return root


@pytest.fixture
def mini_library(tmp_path: Path) -> Path:
    """A two-stage library folder covering optional steps, effects, requires and conditions."""
    return write_tree(
        tmp_path / "lib", {"roles.yaml": MINI_ROLES, "1-alpha.yaml": MINI_ALPHA, "2-beta.yaml": MINI_BETA}
    )


@pytest.fixture
def make_company(tmp_path: Path) -> Callable[..., Path]:
    """Write a company file (default: a small valid one) and return its path."""

    def make(text: str = MINI_COMPANY, name: str = "company.yaml") -> Path:
        return write_tree(tmp_path, {name: text}) / name

    return make


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Tests that start a JVM for MPXJ need Java: mark them ``external`` with the others."""
    for item in items:
        if "mpxj" in getattr(item, "fixturenames", ()):
            item.add_marker(pytest.mark.external)
