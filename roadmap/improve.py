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
* with the budget left, seeded random perturbations of the latest-start rule, each followed
  by forward–backward rounds.

Every candidate is produced by the scheduler's own serial pass (``place``, priorities in,
starts out): the improvement never places a task itself, so it keeps every dependency and
capacity rule the scheduler has, whatever they become. The best schedule (shortest, then the
earliest pass found) replaces the first pass only when it finishes strictly earlier. The search
stops early when the makespan reaches a lower bound (critical path, role work ÷ capacity).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any, Protocol

__all__ = ["IMPROVEMENT_RULE", "earliest_finishes", "improve", "pass_budget"]

IMPROVEMENT_RULE = (
    "; then, within a budget of passes that depends on the plan's size only, other priority rules"
    " (latest finish, longest remaining path, rank positional weight, role-days) and seeded random"
    " ones, each refined by forward-backward improvement; the shortest schedule is kept, the first"
    " one on a tie"
)
"""Appended to the priority rule reported with the schedule."""

PASS_WORK = 60_000
"""Task placements the improvement may spend (passes × tasks), before the limits below."""
MAX_PASSES = 240
"""Most passes on a small plan."""
MIN_PASSES = 4
"""Passes even a very large plan gets (two forward-backward rounds)."""
FB_ROUNDS = 4
"""Most forward-backward rounds from one starting schedule (it stops earlier when one does not help)."""
SEED = 14
"""Seed of the random priority perturbations."""


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
    return max(MIN_PASSES, min(MAX_PASSES, PASS_WORK // n))


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
    ranked = sorted(range(len(values)), key=lambda k: (values[k], secondary[k], k))
    key = [0] * len(values)
    for position, k in enumerate(ranked):
        key[k] = position
    return key


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

    @property
    def done(self) -> bool:
        return self.budget <= 0 or self.best_span <= self.bound

    def forward(self, priority: Sequence[int]) -> tuple[list[int], list[int]]:
        """One forward pass; remembered when it is the shortest yet."""
        self.budget -= 1
        start, finish = self.place(self.g, self.caps, priority)
        span = _makespan(finish)
        if span < self.best_span:
            self.best, self.best_span = (start, finish), span
        return start, finish

    def backward(self, finish: list[int]) -> list[int]:
        """One backward pass over the current finishes: each task's late start (forward time)."""
        self.budget -= 1
        g = self.g
        horizon = _makespan(finish)
        if self.links is None:
            self.links = mirrored_links(g)
            topo = [0] * g.n
            for position, k in enumerate(g.order):
                topo[k] = position
            self.untopo = [-x for x in topo]
        mirror = _Mirror(g, horizon, self.links)
        # In mirrored time the latest-finishing task comes first; ties by the forward topological rank.
        priority = _order_key([horizon - f for f in finish], self.untopo)
        _, mirror_finish = self.place(mirror, self.caps, priority)
        return [horizon - f for f in mirror_finish]

    def justify(self, start: list[int], finish: list[int]) -> None:
        """Forward-backward rounds from one schedule, while they shorten it."""
        span = _makespan(finish)
        for _ in range(FB_ROUNDS):
            if self.done:
                return
            late = self.backward(finish)
            start, finish = self.forward(_order_key(late, start))
            new_span = _makespan(finish)
            if new_span >= span:
                return
            span = new_span


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
    search.justify(start, finish)
    rules = _rules(g)
    for key in rules:
        if search.done:
            break
        search.justify(*search.forward(key))
    import random  # only when the search goes this far

    rng = random.Random(SEED)  # noqa: S311 (a seeded search, not a secret)
    base = rules[0]
    scale = max(1, max(g.span, default=0) + 1)
    while not search.done:
        noise = [base[k] + rng.randrange(3 * scale) for k in range(n)]
        search.justify(*search.forward(noise))
    return search.best
