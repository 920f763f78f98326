"""RCPSP instances for the leveling benchmark: PSPLIB's ``.sm`` format, and a ProGen-like generator.

PSPLIB (Kolisch & Sprecher, 1996) is the published benchmark of the resource-constrained
project scheduling problem: j30 holds 480 instances of 30 jobs on 4 renewable resources, each
with a proven optimum (``j30opt.sm``). It is not reachable from this machine, so
:func:`progen` draws instances the way ProGen drew j30's, from the same parameters:

* 30 jobs, durations 1–10, each job 1–3 successors among later jobs (network complexity
  1.5/1.8/2.1), each job with at least one predecessor and one successor through the dummies;
* resource factor RF ∈ {0.25, 0.5, 0.75, 1}: the share of the 4 resources a job uses, demands
  1–10;
* resource strength RS ∈ {0.2, 0.5, 0.7, 1}: capacity = Kmin + RS × (Kmax − Kmin), Kmin the
  largest single demand and Kmax the peak of the earliest-start schedule (RS 0.2 is the hard
  end, as in j30).

Their optima come from ``benchmarks/rcpsp_optima.py`` (CP-SAT, run once; the results are
stored in ``benchmarks/data/rcpsp_optima.json`` with the proof status). Real PSPLIB files can be
given too (``bench_leveling.py --psplib DIR --optima j30opt.sm``).

An instance maps onto the scheduler one to one: a job is a task, a resource is a role whose
capacity is the availability, a job's requests are its people per role, a precedence is a
finish-to-start link with no lag. The dummy source and sink are left out.
"""

from __future__ import annotations

import random
import re
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from roadmap.schedule import SchedTask

RESOURCES = 4
JOBS = 30


@dataclass(frozen=True)
class Instance:
    """A single-mode RCPSP instance (jobs numbered 1..n, without the dummies)."""

    name: str
    durations: tuple[int, ...]
    successors: tuple[tuple[int, ...], ...]
    """Successors of each job (0-based indices among the real jobs)."""
    demands: tuple[tuple[int, ...], ...]
    """Units of each resource each job needs."""
    capacities: tuple[int, ...]

    def predecessors(self) -> list[list[int]]:
        """Predecessors of each job, in increasing order."""
        return _predecessors(self.successors)

    def lower_bound(self) -> int:
        """max(critical path, ⌈work ÷ capacity⌉ per resource)."""
        starts = _earliest_starts(self.durations, self.successors)
        bound = max(start + days for start, days in zip(starts, self.durations, strict=True))
        for r, cap in enumerate(self.capacities):
            work = sum(d * dem[r] for d, dem in zip(self.durations, self.demands, strict=True))
            bound = max(bound, -(-work // cap))
        return bound


def _predecessors(successors: tuple[tuple[int, ...], ...]) -> list[list[int]]:
    preds: list[list[int]] = [[] for _ in successors]
    for j, succs in enumerate(successors):
        for s in succs:
            preds[s].append(j)
    return preds


def _earliest_starts(durations: tuple[int, ...], successors: tuple[tuple[int, ...], ...]) -> list[int]:
    """Each job's start in the earliest-start schedule (no resources)."""
    preds = _predecessors(successors)
    start = [0] * len(durations)
    for j in _topo(len(durations), successors):
        start[j] = max((start[p] + durations[p] for p in preds[j]), default=0)
    return start


def _topo(n: int, successors: tuple[tuple[int, ...], ...]) -> list[int]:
    indeg = [0] * n
    for succs in successors:
        for s in succs:
            indeg[s] += 1
    ready = [j for j in range(n) if not indeg[j]]
    order = []
    while ready:
        j = ready.pop()
        order.append(j)
        for s in successors[j]:
            indeg[s] -= 1
            if not indeg[s]:
                ready.append(s)
    return order


def proved_optima(jobs: int = JOBS) -> dict[str, int]:
    """Instance name → optimum, for the generated instances whose optimum CP-SAT proved
    (``benchmarks/data/rcpsp_optima.json``; ``_j60`` for 60 jobs)."""
    import json

    name = "rcpsp_optima.json" if jobs == JOBS else f"rcpsp_optima_j{jobs}.json"
    stored = json.loads((Path(__file__).parent / "data" / name).read_text(encoding="utf-8"))
    return {key: entry["optimum"] for key, entry in stored.items() if entry["proved"]}


def progen(seed: int, jobs: int = JOBS) -> Instance:
    """A j30-like instance (``jobs`` jobs: j60, j90, j120 are drawn the same way); the parameters
    cycle over ProGen's grid with the seed."""
    rng = random.Random(seed if jobs == JOBS else f"{jobs}:{seed}")
    nc = (1.5, 1.8, 2.1)[seed % 3]
    rf = (0.25, 0.5, 0.75, 1.0)[(seed // 3) % 4]
    rs = (0.2, 0.5, 0.7, 1.0)[(seed // 12) % 4]
    n = jobs
    durations = tuple(rng.randint(1, 10) for _ in range(n))
    succ: list[set[int]] = [set() for _ in range(n)]
    # Start and end jobs: the first 3 have no predecessor, the last 3 no successor (as j30).
    for j in range(n - 3):
        succ[j].add(rng.randint(max(j + 1, 3), n - 1))
    has_pred = {s for ss in succ for s in ss}
    for s in range(3, n):
        if s not in has_pred:
            succ[rng.randint(0, min(s - 1, n - 4))].add(s)
    target = round(nc * (n + 2)) - 6  # arcs among real jobs, the dummies' arcs aside
    tries = 0
    while sum(map(len, succ)) < target and tries < 10_000:
        tries += 1
        j = rng.randint(0, n - 4)
        if len(succ[j]) >= 3:
            continue
        s = rng.randint(max(j + 1, 3), n - 1)
        succ[j].add(s)
    uses = max(1, round(rf * RESOURCES))
    demands = []
    for _ in range(n):
        chosen = set(rng.sample(range(RESOURCES), uses))
        demands.append(tuple(rng.randint(1, 10) if r in chosen else 0 for r in range(RESOURCES)))
    successors = tuple(tuple(sorted(s)) for s in succ)
    start = _earliest_starts(durations, successors)  # Kmax: the peak of the earliest-start schedule
    horizon = max(start[j] + durations[j] for j in range(n))
    caps = []
    for r in range(RESOURCES):
        kmin = max(d[r] for d in demands)
        kmax = max(
            sum(demands[j][r] for j in range(n) if start[j] <= t < start[j] + durations[j]) for t in range(horizon)
        )
        caps.append(max(1, kmin + round(rs * (kmax - kmin))))
    name = f"progen{seed:03d}" if jobs == JOBS else f"progen{jobs}j{seed:03d}"
    return Instance(name, durations, successors, tuple(demands), tuple(caps))


def read_sm(text: str, name: str) -> Instance:
    """A PSPLIB single-mode ``.sm`` file."""
    lines = text.splitlines()

    def section(title: str) -> int:
        for k, line in enumerate(lines):
            if line.strip().startswith(title):
                return k
        raise ValueError(f"{name}: no {title!r} section")

    total = int(re.search(r"jobs \(incl\. supersource/sink \):\s*(\d+)", text).group(1))  # type: ignore[union-attr]
    n = total - 2
    k = section("PRECEDENCE RELATIONS") + 2
    successors: list[tuple[int, ...]] = [()] * n
    for line in lines[k : k + total]:
        cols = [int(c) for c in line.split()]
        job, succs = cols[0], cols[3:]
        if 1 < job < total:
            successors[job - 2] = tuple(sorted(s - 2 for s in succs if s < total))
    k = section("REQUESTS/DURATIONS") + 3
    durations = [0] * n
    demands: list[tuple[int, ...]] = [()] * n
    for line in lines[k : k + total]:
        cols = [int(c) for c in line.split()]
        job = cols[0]
        if 1 < job < total:
            durations[job - 2] = cols[2]
            demands[job - 2] = tuple(cols[3:])
    k = section("RESOURCEAVAILABILITIES") + 2
    capacities = tuple(int(c) for c in lines[k].split())
    return Instance(name, tuple(durations), tuple(successors), tuple(demands), capacities)


def read_optima(path: Path) -> dict[str, int]:
    """PSPLIB's ``j30opt.sm`` table (parameter, instance, makespan, …) → ``{"j301_1": 43, …}``."""
    prefix = path.name.removesuffix("opt.sm").removesuffix("hrs.sm")
    optima = {}
    for line in path.read_text(encoding="utf-8", errors="replace").splitlines():
        cols = line.split()
        if len(cols) >= 3 and cols[0].isdigit() and cols[1].isdigit() and cols[2].isdigit():
            optima[f"{prefix}{cols[0]}_{cols[1]}"] = int(cols[2])
    return optima


def write_library(inst: Instance, folder: Path) -> dict[str, int]:
    """``inst`` as a roadmap library in ``folder`` (one stage, a step per job, a role per
    resource, a job's requests as ``{role: people}``); return the team to plan it with.

    With a company file whose ``team`` is that and no holidays, the plan's span in working days
    is the schedule's makespan (the stage's own milestone closes on the last job's finish)."""
    import yaml

    folder.mkdir(parents=True, exist_ok=True)
    roles = {f"r{r + 1}": {"title": {"en": f"R{r + 1}", "fr": f"R{r + 1}"}} for r in range(len(inst.capacities))}
    (folder / "roles.yaml").write_text(yaml.safe_dump({"roles": roles}), encoding="utf-8")
    preds = inst.predecessors()
    steps = []
    for j, (days, need) in enumerate(zip(inst.durations, inst.demands, strict=True)):
        step: dict[str, object] = {
            "id": f"rcpsp.job-{j + 1}",
            "title": {"en": f"Job {j + 1}", "fr": f"Tâche {j + 1}"},
            "duration_days": days,
            "roles": {f"r{r + 1}": units for r, units in enumerate(need) if units},
        }
        if preds[j]:
            step["after"] = [f"rcpsp.job-{p + 1}" for p in sorted(preds[j])]
        steps.append(step)
    stage = {
        "id": "rcpsp",
        "order": 1,
        "title": {"en": inst.name, "fr": inst.name},
        "goal": {"en": "RCPSP instance", "fr": "Instance RCPSP"},
        "steps": steps,
        "questions": [],
    }
    (folder / "rcpsp.yaml").write_text(yaml.safe_dump(stage, allow_unicode=True), encoding="utf-8")
    return {f"r{r + 1}": cap for r, cap in enumerate(inst.capacities)}


def rcpsp_tasks(inst: Instance) -> tuple[list[SchedTask], dict[str, int]]:
    """An RCPSP instance as the scheduler's tasks: resources are roles, requests are people."""
    from roadmap.schedule import SchedTask

    preds = inst.predecessors()
    tasks = []
    for j, (days, need) in enumerate(zip(inst.durations, inst.demands, strict=True)):
        used = [(f"R{r + 1}", float(units)) for r, units in enumerate(need) if units]
        tasks.append(
            SchedTask(
                id=f"j{j:02d}",
                duration=days,
                preds=tuple((f"j{p:02d}", 0) for p in preds[j]),
                roles=tuple(r for r, _ in used),
                demand=tuple(u for _, u in used),
            )
        )
    return tasks, {f"R{r + 1}": cap for r, cap in enumerate(inst.capacities)}
