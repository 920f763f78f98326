"""An improvement stage after the serial schedule-generation scheme (the first pass).

:func:`improve` takes the first pass's starts and finishes and looks for a shorter schedule
within a budget of scheduler passes that depends on the number of tasks only (never on the
clock, so the same input always gives the same plan):

* other priority rules for the same serial scheme: latest finish, longest remaining path,
  greatest rank positional weight (own length plus the successors'), most role-days held;
* forward–backward improvement (justification): a backward pass on the mirrored problem
  places every task as late as it can go without moving the finish, in the order of the
  current finishes; a forward pass then places every task as early as it can go, in the order
  of those late starts. Neither pass can lengthen the schedule (a serial pass over a list
  sorted by the starts of a feasible schedule starts every task no later than there), so each
  round keeps or shortens the makespan;
* seeded random perturbations of the latest-start rule, each followed by forward–backward
  rounds, until :data:`POPULATION` ÷ 2 distinct schedules are known;
* with the budget left, a seeded genetic search (Hartmann's activity-list crossover): two
  parents drawn by binary tournament among the :data:`POPULATION` shortest distinct schedules
  found, a two-point crossover of their activity lists (tasks in order of their starts), a few
  adjacent swaps and one task moved elsewhere in the list, then a forward pass over the child's
  list and forward–backward rounds.

The budget is counted in passes, never in seconds: :func:`pass_budget` gives up to
:data:`MAX_PASSES` to a small plan and shrinks with size; the search also stops after
:data:`MIN_PATIENCE` forward passes (or a quarter of the budget, :data:`PATIENCE_SHARE`, the
more of the two) without a shorter schedule (backward passes spend budget, not patience).

Every candidate is produced by the scheduler's own serial pass (``place``, priorities in,
starts out): the improvement never places a task itself, so it keeps every dependency and
capacity rule the scheduler has, whatever they become. The best schedule (shortest, then the
earliest pass found) replaces the first pass only when it finishes strictly earlier. The search
stops early when the makespan reaches a lower bound (critical path, role work ÷ capacity).
"""

from __future__ import annotations

import bisect
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any, Protocol

if TYPE_CHECKING:
    from random import Random

__all__ = ["IMPROVEMENT_RULE", "earliest_finishes", "improve", "pass_budget"]

IMPROVEMENT_RULE = (
    "; then, within a budget of passes that depends on the plan's size only, other priority rules"
    " (latest finish, longest remaining path, rank positional weight, role-days), seeded random"
    " ones and a seeded genetic search over activity lists, each refined by forward-backward"
    " improvement; the shortest schedule is kept, the first one on a tie"
)
"""Appended to the priority rule reported with the schedule."""

PASS_WORK = 120_000
"""Task placements the improvement may spend (passes × tasks) on a plan of up to
:data:`FULL_WORK_TASKS` tasks; above it the work shrinks in proportion (a plan ten times as
large gets a tenth of it), so the stage costs less and less of a large plan's run."""
FULL_WORK_TASKS = 1_000
"""Plans up to this many tasks get all of :data:`PASS_WORK`."""
MAX_PASSES = 2_000
"""Most passes on a small plan."""
MIN_PASSES = 2
"""Passes even a very large plan gets (one forward-backward round)."""
FB_ROUNDS = 4
"""Most forward-backward rounds from one starting schedule (it stops earlier when one does not help)."""
SEED = 14
"""Seed of the random priority perturbations and of the genetic search."""
POPULATION = 50
"""Distinct schedules the genetic phase keeps and breeds from."""
MIN_PATIENCE = 100
"""Forward passes without a shorter schedule after which the search stops, at least."""
PATIENCE_SHARE = 4
"""... or the budget divided by this (a quarter of it), whichever is more."""
MUTATION = 0.05
"""Chance that a child's activity list swaps a task with the next one."""


class _Graph(Protocol):
    """What the improvement reads of the scheduler's task graph (rank-indexed arrays)."""

    n: int
    ids: list[str]
    milestone: list[bool]
    fixed: list[bool]
    fixed_start: list[int | None]
    not_before: list[int]
    preds: list[list[tuple[int, int]]]
    succs: list[list[tuple[int, int]]]
    span: list[int]
    roles: Any
    need: list[list[int]]
    """Hundredths of a person per role of each task, parallel to ``roles``."""
    order: list[int]

    def gap(self, succ: int, lag: int) -> int: ...


Place = Callable[[Any, list[int], Sequence[int] | None], tuple[list[int], list[int]]]
"""The scheduler's serial pass: ``place(graph, capacities, priority)`` → (starts, finishes)."""


def pass_budget(n: int) -> int:
    """Scheduler passes the improvement may run on a plan of ``n`` tasks."""
    if n <= 0:
        return 0
    work = PASS_WORK if n <= FULL_WORK_TASKS else PASS_WORK * FULL_WORK_TASKS // n
    return max(MIN_PASSES, min(MAX_PASSES, work // n))


class _Mirror:
    """The same tasks on reversed time: a task ending on day ``f`` starts on ``horizon - f``.

    Every link turns round with its gap as it was (a milestone sits on its predecessor's last
    day, so gaps are taken from the forward problem, not recomputed). Links into tasks whose
    start is fixed are dropped, as the forward pass ignores them; release days are dropped
    (a backward pass over the current finishes only moves tasks later).
    """

    def __init__(self, g: _Graph, horizon: int, links: _Links | None = None) -> None:
        n = g.n
        self.__dict__.update(g.__dict__)  # any per-task array of the scheduler's, as is
        self.preds, self.succs = links if links is not None else mirrored_links(g)
        self.not_before = [0] * n
        self.fixed_start = [None if fs is None else horizon - (fs + g.span[k]) for k, fs in enumerate(g.fixed_start)]
        self.fixed = list(g.fixed)

    def gap(self, succ: int, lag: int) -> int:
        """Mirrored links carry their gap already."""
        return lag


_Links = tuple[list[list[tuple[int, int]]], list[list[tuple[int, int]]]]
"""Predecessors and successors of each task, with gaps."""


def mirrored_links(g: _Graph) -> _Links:
    """The links of the mirrored problem (the same for every horizon)."""
    n = g.n
    preds: list[list[tuple[int, int]]] = [[] for _ in range(n)]
    succs: list[list[tuple[int, int]]] = [[] for _ in range(n)]
    for s in range(n):
        if g.fixed[s]:
            continue
        for p, lag in g.preds[s]:
            gap = g.gap(s, lag)
            preds[p].append((s, gap))
            succs[s].append((p, gap))
    return preds, succs


def _makespan(finish: Sequence[int]) -> int:
    return max(finish, default=0)


def earliest_finishes(g: _Graph) -> list[int]:
    """Each task's finish in an unconstrained forward pass (no capacities): the critical path."""
    finish = [0] * g.n
    for k in g.order:
        fs = g.fixed_start[k]
        if fs is None:
            es = g.not_before[k]
            for p, lag in g.preds[k]:
                es = max(es, finish[p] + g.gap(k, lag))
        else:
            es = fs
        finish[k] = es + g.span[k]
    return finish


def _lower_bound(g: _Graph, caps: list[int]) -> int:
    """A finish index no schedule can beat: the critical path, and each role's work ÷ capacity
    (work and capacity both in hundredths of a person, as the scheduler counts them)."""
    n = g.n
    bound = max(earliest_finishes(g), default=0)
    if any(g.fixed) or not n:
        return bound
    work: dict[int, int] = {}  # role rank -> hundredths of a person × working days
    for k in range(n):
        roles, needs = g.roles[k], g.need[k]
        if not all(isinstance(r, int) for r in roles):
            return bound  # another demand model: keep the critical path alone
        for r, need in zip(roles, needs, strict=True):
            work[r] = work.get(r, 0) + (g.span[k] + 1) * need
    first = min(g.not_before)
    for r, days in work.items():
        if 0 < r + 1 <= len(caps) and caps[r] > 0:
            bound = max(bound, first + -(-days // caps[r]) - 1)
    return bound


def _rules(g: _Graph) -> list[list[int]]:
    """Priority keys (lower first) of the other rules, integers, ties broken by the scheduler."""
    n = g.n
    span = g.span
    tail = [0] * n  # longest path from a task's start to the end, through its successors
    for k in reversed(g.order):
        rest = 0
        for s, lag in g.succs[k]:
            rest = max(rest, g.gap(s, lag) + tail[s])
        tail[k] = span[k] + rest
    horizon = max(tail, default=0)
    latest_finish = [horizon - tail[k] + span[k] for k in range(n)]
    grpw = [span[k] + 1 + sum(span[s] + 1 for s, _ in g.succs[k]) for k in range(n)]
    role_days = [(span[k] + 1) * len(g.roles[k]) if not g.milestone[k] else 0 for k in range(n)]
    return [
        latest_finish,
        [-x for x in tail],
        [-x for x in grpw],
        [horizon - tail[k] - 4 * role_days[k] for k in range(n)],
    ]


def _order_key(values: Sequence[int], secondary: Sequence[int]) -> list[int]:
    """Dense integer ranks of (value, secondary) pairs: a priority for the scheduler."""
    return _list_key(sorted(range(len(values)), key=lambda k: (values[k], secondary[k], k)))


class _Search:
    """The best schedule found so far, and the passes left."""

    def __init__(self, g: _Graph, caps: list[int], place: Place, start: list[int], finish: list[int]) -> None:
        self.g = g
        self.caps = caps
        self.place = place
        self.best = (start, finish)
        self.best_span = _makespan(finish)
        self.budget = pass_budget(g.n)
        self.bound = _lower_bound(g, caps)
        self.links: _Links | None = None
        """The mirrored problem's links, made on the first backward pass."""
        self.untopo: list[int] = []
        """Minus each task's position in the forward topological order."""
        self.patience = max(MIN_PATIENCE, self.budget // PATIENCE_SHARE)
        """Forward passes the search may run without finding a shorter schedule before it stops."""
        self.stale = 0

    @property
    def done(self) -> bool:
        return self.budget <= 0 or self.best_span <= self.bound or self.stale >= self.patience

    def forward(self, priority: Sequence[int]) -> tuple[list[int], list[int]]:
        """One forward pass; remembered when it is the shortest yet."""
        self.budget -= 1
        start, finish = self.place(self.g, self.caps, priority)
        span = _makespan(finish)
        if span < self.best_span:
            self.best, self.best_span = (start, finish), span
            self.stale = 0
        else:
            self.stale += 1
        return start, finish

    def backward(self, finish: list[int]) -> list[int]:
        """One backward pass over the current finishes: each task's late start (forward time)."""
        self.budget -= 1
        g = self.g
        horizon = _makespan(finish)
        if self.links is None:
            self.links = mirrored_links(g)
            self.untopo = [-x for x in _list_key(g.order)]
        mirror = _Mirror(g, horizon, self.links)
        # In mirrored time the latest-finishing task comes first; ties by the forward topological rank.
        priority = _order_key([horizon - f for f in finish], self.untopo)
        _, mirror_finish = self.place(mirror, self.caps, priority)
        return [horizon - f for f in mirror_finish]

    def justify(self, start: list[int], finish: list[int]) -> tuple[list[int], list[int]]:
        """Forward-backward rounds from one schedule, while they shorten it; the last schedule."""
        span = _makespan(finish)
        for _ in range(FB_ROUNDS):
            if self.done:
                break
            late = self.backward(finish)
            new_start, new_finish = self.forward(_order_key(late, start))
            new_span = _makespan(new_finish)
            if new_span >= span:
                break
            start, finish, span = new_start, new_finish, new_span
        return start, finish


class _Population:
    """The best distinct schedules found, as activity lists (tasks in order of their starts)."""

    def __init__(self, size: int) -> None:
        self.size = size
        self.members: list[tuple[int, list[int]]] = []
        """(makespan, activity list), shortest first; on a tie the earlier found first."""
        self.seen: set[tuple[int, ...]] = set()

    def add(self, start: list[int], finish: list[int]) -> None:
        order = sorted(range(len(start)), key=lambda k: (start[k], finish[k], k))
        key = tuple(order)
        if key in self.seen:
            return
        self.seen.add(key)
        bisect.insort_right(self.members, (_makespan(finish), order), key=lambda member: member[0])
        del self.members[self.size :]

    def parent(self, rng: Random) -> list[int]:
        """The shorter of two members drawn at random (a binary tournament)."""
        a, b = rng.randrange(len(self.members)), rng.randrange(len(self.members))
        return self.members[min(a, b)][1]


def _crossover(mother: list[int], father: list[int], rng: Random) -> list[int]:
    """Hartmann's two-point crossover of activity lists, then mutation (a few adjacent swaps and
    one task moved elsewhere): the child keeps the mother's head and tail and takes its middle
    in the father's order."""
    n = len(mother)
    q1 = rng.randrange(n + 1)
    q2 = rng.randrange(q1, n + 1)
    taken = set(mother[:q1])
    middle: list[int] = []
    for k in father:
        if len(middle) == q2 - q1:
            break
        if k not in taken:
            middle.append(k)
            taken.add(k)
    child = mother[:q1] + middle + [k for k in mother if k not in taken]
    for i in range(n - 1):
        if rng.random() < MUTATION:
            child[i], child[i + 1] = child[i + 1], child[i]
    moved = child.pop(rng.randrange(n))  # and one task moved to another place in the list
    child.insert(rng.randrange(n), moved)
    return child


def _list_key(order: list[int]) -> list[int]:
    """An activity list as the scheduler's priorities (its position, lower first)."""
    key = [0] * len(order)
    for position, k in enumerate(order):
        key[k] = position
    return key


def improve(
    g: _Graph, caps: list[int], start: list[int], finish: list[int], place: Place
) -> tuple[list[int], list[int]]:
    """The shortest schedule found from the first pass's ``start``/``finish`` (returned when nothing is shorter)."""
    n = g.n
    if n < 2:
        return start, finish
    search = _Search(g, caps, place, start, finish)
    if search.done:
        return start, finish
    population = _Population(POPULATION)
    population.add(*search.justify(start, finish))
    rules = _rules(g)
    for key in rules:
        if search.done:
            break
        population.add(*search.justify(*search.forward(key)))
    import random  # only when the search goes this far

    rng = random.Random(SEED)  # noqa: S311 (a seeded search, not a secret)
    base = rules[0]
    scale = max(1, max(g.span, default=0) + 1)
    while not search.done and len(population.members) < POPULATION // 2:
        noise = [base[k] + rng.randrange(3 * scale) for k in range(n)]
        population.add(*search.justify(*search.forward(noise)))
    while not search.done:
        child = _crossover(population.parent(rng), population.parent(rng), rng)
        population.add(*search.justify(*search.forward(_list_key(child))))
    return search.best
