"""Resource-constrained scheduling on working-day indices.

Index ``i`` is the ``i``-th working day (see :mod:`roadmap.calendar`). A task of ``N > 0``
days occupies ``[s, s + N - 1]``; a milestone (``N == 0``) sits on one index and holds no
resource. A successor of ``p`` with lag ``L`` starts on or after ``finish(p) + 1 + L``; a
milestone sits on ``max(finish(p) + L)``, the finish day of its last predecessor.

:func:`schedule_tasks` runs a serial schedule-generation scheme (one task at a time, in
priority order, each at its earliest precedence- and resource-feasible index), then computes
slack with resource links: each task holding a role is given a concrete unit (slot) of that
role — a fresh one while the role has one and nothing held the task back — consecutive tasks
of one unit are linked, and a backward pass over precedence and resource links from the
project finish gives every task's latest start. With a team large enough that no role ever
binds, there are no links and slack is plain critical-path slack.

Tasks may need a share of a role (``demand``, people per role, e.g. 0.25): usage and capacities
are counted in hundredths of a person (integers, no float drift) and a task fits on a day when
the role's usage plus its demand stays within the capacity. On a role where some task needs a
share, the slots are units of a share of a person (the greatest common divisor of the
capacity and the needs) and a task holds as many units as its need.
"""

from __future__ import annotations

import heapq
from bisect import bisect_left, insort
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from math import gcd

from roadmap.daymask import ALWAYS, DayMask
from roadmap.demand import HUNDRED
from roadmap.improve import IMPROVEMENT_RULE, earliest_finishes, improve

PRIORITY_RULE = (
    "serial schedule generation: among tasks whose predecessors are all scheduled, the one with"
    " the least latest start (unconstrained critical-path backward pass), then the longest"
    " remaining path, then the smallest id; each is placed at its earliest precedence-feasible"
    " working day where every role it holds has a free slot for all its days"
    + IMPROVEMENT_RULE  # issue 14: roadmap.improve
)
"""The priority rule, as reported in :attr:`SchedResult.rule`."""


class ScheduleError(ValueError):
    """The tasks cannot be scheduled: unknown predecessor, cycle, or a bad value."""


@dataclass(frozen=True)
class SchedTask:
    """One task to schedule, in working-day indices."""

    id: str
    """Unique id; every ordering tie is broken by it."""
    duration: int
    """Working days; 0 makes a milestone. For an in-progress task: the remaining span from
    :attr:`fixed_start`. Ignored for a done task (both fixed ends given)."""
    preds: tuple[tuple[str, int], ...] = ()
    """(predecessor id, lag in working days >= 0)."""
    roles: tuple[str, ...] = ()
    """Roles of which the task holds one slot each for its whole duration."""
    not_before: int = 0
    """Earliest start index (the plan start, or the as-of day)."""
    fixed_start: int | None = None
    """The task already started (or is done): its start is fixed."""
    fixed_finish: int | None = None
    """The task is done: its finish is fixed too."""
    demand: tuple[float, ...] = ()
    """People of each of :attr:`roles` (same order) the task needs, multiples of 0.01 above 0;
    empty: one person of each role."""
    calendar: DayMask | None = None
    """Issue 17: the task's own working days. When any task has one, every index is a calendar
    day (not a working day) and each task occupies only the working days of its calendar
    (:data:`~roadmap.daymask.ALWAYS` for a task without one); durations and lags count the
    task's own working days. The improvement stage is skipped then."""


@dataclass(frozen=True)
class SchedResult:
    """The schedule: inclusive indices, slack and the critical path."""

    start: Mapping[str, int]
    """Start index per task id."""
    finish: Mapping[str, int]
    """Inclusive finish index per task id; a milestone's finish equals its start."""
    slack: Mapping[str, int]
    """Working days a task can slip (its successors and unit-followers absorbing the slip
    within their own slack) without moving the project finish or exceeding a capacity."""
    critical: Mapping[str, bool]
    """Whether the slack is 0."""
    critical_path: tuple[str, ...]
    """A tight chain of critical tasks, first to last, ending at the project finish."""
    rule: str
    """The priority rule used (:data:`PRIORITY_RULE`)."""
    resource_links: tuple[tuple[str, str], ...] = ()
    """(earlier, later) pairs of tasks that follow each other on one slot of a role, sorted;
    the backward pass treats them like finish-to-start dependencies."""
    first_pass: _FirstPass | None = field(default=None, repr=False, compare=False)
    """The tasks as read and the first pass's project finish, for :func:`project_finishes`
    to reuse (issue 14: staffing re-plans the same tasks); not part of the schedule."""


@dataclass(frozen=True)
class _FirstPass:
    """What :func:`schedule_tasks` read and found before its improvement stage."""

    tasks: tuple[SchedTask, ...]
    graph: _Graph
    caps: tuple[int, ...]
    finish: int


class _Graph:
    """Tasks as parallel arrays indexed by rank (the id order)."""

    def __init__(self, tasks: Sequence[SchedTask]) -> None:
        ordered = sorted(tasks, key=lambda t: t.id)
        self.ids = [t.id for t in ordered]
        rank: dict[str, int] = {}
        for k, task in enumerate(ordered):
            if task.id in rank:
                msg = f"duplicate task id {task.id!r}"
                raise ScheduleError(msg)
            rank[task.id] = k
        n = len(ordered)
        self.n = n
        self.milestone = [t.duration == 0 for t in ordered]
        self.fixed = [t.fixed_start is not None for t in ordered]
        self.not_before = [t.not_before for t in ordered]
        self.preds: list[list[tuple[int, int]]] = [[] for _ in range(n)]
        self.succs: list[list[tuple[int, int]]] = [[] for _ in range(n)]
        self.role_names: list[str] = sorted({r for t in ordered for r in t.roles})
        role_rank = {name: j for j, name in enumerate(self.role_names)}
        self.roles: list[list[int]] = []
        self.need: list[list[int]] = []  # hundredths of a person, parallel to roles
        self.span: list[int] = []
        for k, task in enumerate(ordered):
            _check_task(task)
            for pred_id, lag in task.preds:
                p = rank.get(pred_id)
                if p is None:
                    msg = f"task {task.id!r} depends on unknown task {pred_id!r}"
                    raise ScheduleError(msg)
                self.preds[k].append((p, lag))
                self.succs[p].append((k, lag))
            needs = _needs(task)
            self.roles.append([] if task.duration == 0 else sorted(role_rank[r] for r in needs))
            self.need.append([needs[self.role_names[r]] for r in self.roles[k]])
            if task.fixed_start is not None and task.fixed_finish is not None:
                self.span.append(task.fixed_finish - task.fixed_start)
            else:
                self.span.append(max(task.duration - 1, 0))
        for lst in self.preds:
            lst.sort()
        for lst in self.succs:
            lst.sort()
        self.order = self._topological_order()
        self.topo_rank = [0] * n
        for position, k in enumerate(self.order):
            self.topo_rank[k] = position
        self.fixed_start = [t.fixed_start for t in ordered]
        self.masks: list[DayMask] | None = None
        """Issue 17: each task's calendar on calendar-day indices (None: one calendar, working-day indices)."""
        self.days: list[int] = [t.duration for t in ordered]
        if any(t.calendar is not None for t in ordered):
            self._use_calendars(ordered)

    def _use_calendars(self, ordered: list[SchedTask]) -> None:
        """Calendar-day indices: spans become the nominal ones at the earliest start (priorities)."""
        self.masks = masks = [t.calendar or ALWAYS for t in ordered]
        self.fixed_finish = [t.fixed_finish for t in ordered]
        for k, task in enumerate(ordered):
            if task.fixed_start is not None and task.fixed_finish is not None:
                continue
            if task.duration > 0:
                first = masks[k].next(task.fixed_start if task.fixed_start is not None else task.not_before)
                self.span[k] = masks[k].end(first, task.duration) - first

    def gap(self, succ: int, lag: int) -> int:
        """Days from a predecessor's finish to the earliest start of ``succ``."""
        return lag if self.milestone[succ] else lag + 1

    def _topological_order(self) -> list[int]:
        indegree = [len(p) for p in self.preds]
        ready = [k for k in range(self.n) if indegree[k] == 0]
        heapq.heapify(ready)
        order: list[int] = []
        while ready:
            k = heapq.heappop(ready)
            order.append(k)
            for s, _ in self.succs[k]:
                indegree[s] -= 1
                if indegree[s] == 0:
                    heapq.heappush(ready, s)
        if len(order) < self.n:
            raise ScheduleError(self._describe_cycle(indegree))
        return order

    def _describe_cycle(self, indegree: list[int]) -> str:
        left = {k for k in range(self.n) if indegree[k] > 0}
        k = min(left)
        seen: dict[int, int] = {}
        walk: list[int] = []
        while k not in seen:
            seen[k] = len(walk)
            walk.append(k)
            k = min(p for p, _ in self.preds[k] if p in left)
        cycle = walk[seen[k] :]
        cycle.reverse()  # walked against the arrows: turn into dependency order
        first = cycle.index(min(cycle))
        names = [self.ids[j] for j in cycle[first:] + cycle[:first]]
        return "dependency cycle: " + " -> ".join([*names, names[0]])


def _needs(task: SchedTask) -> dict[str, int]:
    """Role → hundredths of a person the task needs (a role named twice counts once)."""
    if not task.demand:
        return dict.fromkeys(task.roles, HUNDRED)
    if len(task.demand) != len(task.roles):
        msg = f"task {task.id!r}: {len(task.demand)} demands for {len(task.roles)} roles"
        raise ScheduleError(msg)
    needs: dict[str, int] = {}
    for role, people in zip(task.roles, task.demand, strict=True):
        need = round(people * HUNDRED)
        if need <= 0 or abs(people * HUNDRED - need) > 1e-6:
            msg = f"task {task.id!r}: demand {people} of role {role!r} is not a positive multiple of 0.01"
            raise ScheduleError(msg)
        needs[role] = need
    return needs


def _check_task(task: SchedTask) -> None:
    where = f"task {task.id!r}"
    if task.duration < 0:
        msg = f"{where}: negative duration {task.duration}"
        raise ScheduleError(msg)
    for pred_id, lag in task.preds:
        if lag < 0:
            msg = f"{where}: negative lag {lag} after {pred_id!r}"
            raise ScheduleError(msg)
    if task.fixed_finish is not None:
        if task.fixed_start is None:
            msg = f"{where}: a fixed finish needs a fixed start"
            raise ScheduleError(msg)
        if task.fixed_finish < task.fixed_start:
            msg = f"{where}: fixed finish {task.fixed_finish} is before fixed start {task.fixed_start}"
            raise ScheduleError(msg)
        if task.duration == 0 and task.fixed_finish != task.fixed_start:
            msg = f"{where}: a milestone's fixed finish must equal its fixed start"
            raise ScheduleError(msg)


def _critical_path_priorities(g: _Graph) -> tuple[list[int], list[int]]:
    """Latest starts and remaining-path lengths of an unconstrained CPM pass."""
    n = g.n
    project_finish = max(earliest_finishes(g), default=0)
    latest = [0] * n
    tail = [0] * n
    for k in reversed(g.order):
        lf = project_finish
        rest = 0
        for s, lag in g.succs[k]:
            if g.fixed[s]:
                continue  # placed regardless of its predecessors
            gap = g.gap(s, lag)
            lf = min(lf, latest[s] - gap)
            rest = max(rest, gap + tail[s])
        latest[k] = lf - g.span[k]
        tail[k] = g.span[k] + rest
    return latest, tail


class _Usage:
    """Per-role day usage, in hundredths of a person, with a byte per day and demand level
    marking the days where that demand no longer fits (C-speed searches)."""

    def __init__(self, capacities: list[int], levels: list[list[int]], base: int) -> None:
        self.cap = capacities
        self.base = base
        self.size = 256
        self.use = [[0] * self.size for _ in capacities]
        # blocked[r][need][d] == 1: a task needing ``need`` of role r cannot run on day d
        self.blocked = [{need: bytearray(self.size) for need in lv} for lv in levels]
        self.high = 0  # one past the last position ever occupied
        self.zeros: dict[int, bytes] = {}

    def _ensure(self, size: int) -> None:
        if size <= self.size:
            return
        grow = max(size, 2 * self.size) - self.size
        for use in self.use:
            use.extend([0] * grow)
        for levels in self.blocked:
            for full in levels.values():
                full.extend(bytes(grow))
        self.size += grow

    def earliest(self, roles: list[int], needs: list[int], start: int, days: int) -> int:
        """Earliest index >= start where every role has room for its need on ``days`` days."""
        pattern = self.zeros.get(days)
        if pattern is None:
            pattern = self.zeros[days] = bytes(days)
        pos = start - self.base
        stable = 0
        j = 0
        while stable < len(roles):
            # A run of free days always exists at max(pos, high): find never fails.
            self._ensure(max(pos, self.high) + days)
            found = self.blocked[roles[j]][needs[j]].find(pattern, pos)
            if found == pos:
                stable += 1
            else:
                pos = found
                stable = 1
            j = (j + 1) % len(roles)
        return pos + self.base

    def occupy(self, roles: list[int], needs: list[int], start: int, days: int) -> None:
        """Hold ``needs`` of each role on ``days`` days from ``start``."""
        lo = start - self.base
        hi = lo + days
        self._ensure(hi)
        self.high = max(self.high, hi)
        for r, need in zip(roles, needs, strict=True):
            use, cap = self.use[r], self.cap[r]
            segment = [x + need for x in use[lo:hi]]
            use[lo:hi] = segment
            top = max(segment)
            for level, full in self.blocked[r].items():
                if need + level > cap:
                    full[lo:hi] = b"\x01" * days
                elif top + level > cap:
                    for d, x in enumerate(segment, lo):
                        if x + level > cap:
                            full[d] = 1


def _capacities(g: _Graph, capacity: Mapping[str, float], default_capacity: float) -> list[int]:
    """Capacities in hundredths of a person, per role rank."""
    if default_capacity < 0:
        msg = f"negative default capacity {default_capacity}"
        raise ScheduleError(msg)
    caps: list[int] = []
    for name in g.role_names:
        cap = capacity.get(name, default_capacity)
        if cap < 0:
            msg = f"role {name!r}: negative capacity {cap}"
            raise ScheduleError(msg)
        caps.append(round(cap * HUNDRED))
    for k in range(g.n):
        if not g.fixed[k]:
            for r, need in zip(g.roles[k], g.need[k], strict=True):
                if need > caps[r]:
                    cap = capacity.get(g.role_names[r], default_capacity)
                    what = "role" if need == HUNDRED else f"{need / HUNDRED:g} people of role"
                    msg = f"task {g.ids[k]!r} needs {what} {g.role_names[r]!r}, whose capacity is {cap:g}"
                    raise ScheduleError(msg)
    return caps


def _levels(g: _Graph, n_roles: int) -> list[list[int]]:
    """The distinct needs of each role (computed once per task graph: every pass asks)."""
    memo: dict[int, list[list[int]]] = g.__dict__.setdefault("_levels_memo", {})
    found = memo.get(n_roles)
    if found is None:
        found = memo[n_roles] = _distinct_needs(g, n_roles)
    return found


def _distinct_needs(g: _Graph, n_roles: int) -> list[list[int]]:
    levels: list[set[int]] = [set() for _ in range(n_roles)]
    for roles, needs in zip(g.roles, g.need, strict=True):
        for r, need in zip(roles, needs, strict=True):
            levels[r].add(need)
    return [sorted(lv) for lv in levels]


def _fresh(g: _Graph, caps: list[int]) -> tuple[list[int], list[int], _Usage, list[int]]:
    """Empty start and finish lists, the team's bookings from the earliest day any task may take,
    and each task's count of predecessors still to place."""
    firsts = [fs for fs in g.fixed_start if fs is not None]
    firsts.extend(nb for k, nb in enumerate(g.not_before) if not g.fixed[k])
    usage = _Usage(caps, _levels(g, len(caps)), min(firsts, default=0))
    return [0] * g.n, [0] * g.n, usage, [len(p) for p in g.preds]


def _ready_heap(
    g: _Graph, priority: Sequence[int] | None, waiting: list[int]
) -> tuple[list[tuple[int, int, int]], list[int], list[int]]:
    """The tasks free to place as a heap, and the priorities that order it (smaller first): the
    given ones, else each task's latest start on the critical path, then the longer tail first;
    ties by position."""
    n = len(waiting)
    if priority is None:
        latest, tail = _critical_path_priorities(g)
    else:
        latest, tail = list(priority), [0] * n
    ready = [(latest[k], -tail[k], k) for k in range(n) if not g.fixed[k] and waiting[k] == 0]
    heapq.heapify(ready)
    return ready, latest, tail


def _place(g: _Graph, caps: list[int], priority: Sequence[int] | None = None) -> tuple[list[int], list[int]]:
    """The serial schedule-generation scheme: start and finish of every task.

    ``priority`` (lower first, ties by id) replaces the latest-start rule: roadmap.improve.
    """
    if g.masks is not None:
        return _place_calendars(g, caps, priority)
    n = g.n
    start, finish, usage, waiting = _fresh(g, caps)
    for k in range(n):
        fs = g.fixed_start[k]
        if fs is not None:
            start[k] = fs
            finish[k] = fs + g.span[k]
            if g.roles[k]:
                usage.occupy(g.roles[k], g.need[k], fs, g.span[k] + 1)
            for s, _ in g.succs[k]:
                waiting[s] -= 1
    ready, latest, tail = _ready_heap(g, priority, waiting)
    while ready:
        _, _, k = heapq.heappop(ready)
        es = g.not_before[k]
        for p, lag in g.preds[k]:
            es = max(es, finish[p] + g.gap(k, lag))
        roles = g.roles[k]
        if roles:
            days = g.span[k] + 1
            es = usage.earliest(roles, g.need[k], es, days)
            usage.occupy(roles, g.need[k], es, days)
        start[k] = es
        finish[k] = es + g.span[k]
        for s, _ in g.succs[k]:
            waiting[s] -= 1
            if waiting[s] == 0 and not g.fixed[s]:
                heapq.heappush(ready, (latest[s], -tail[s], s))
    return start, finish


def _link_units(g: _Graph, caps: list[int], start: list[int], finish: list[int]) -> list[list[int]]:
    """Give each role-holding task a slot of each role; return resource predecessors.

    Tasks are taken by start (then id). A task that a full role held back goes to the free slot
    whose previous task finished last, so on that role it follows a task finishing the day
    before it starts (the link the critical path walks through). A task that nothing held back
    takes an unused slot while the role has one, else the slot freed earliest: links are only
    made where the role's size forces an order, so with a large team slack is plain CPM slack.
    """
    earliest = _precedence_starts(g, finish)
    holders: list[list[int]] = [[] for _ in g.role_names]
    for k in range(g.n):
        for r in g.roles[k]:
            holders[r].append(k)
    rpreds: list[set[int]] = [set() for _ in range(g.n)]
    whole = [True] * len(g.role_names)
    for roles, needs in zip(g.roles, g.need, strict=True):
        for r, need in zip(roles, needs, strict=True):
            whole[r] = whole[r] and need == HUNDRED
    for r, tasks in enumerate(holders):
        tasks.sort(key=lambda k: (start[k], k))
        if not whole[r]:
            _link_shares(g, r, caps[r], tasks, earliest, start, finish, rpreds)
            continue
        units = caps[r] // HUNDRED
        slots: list[tuple[int, int]] = []  # (finish of its last task, slot), sorted
        last_task: list[int] = []
        for k in tasks:
            held_back = not g.fixed[k] and start[k] > earliest[k]
            free = bisect_left(slots, (start[k], -1))  # slots[:free] finished before the start
            if (not held_back and len(last_task) < units) or free == 0:
                slot = len(last_task)
                last_task.append(k)
            else:
                _, slot = slots.pop(free - 1 if held_back else 0)
                rpreds[k].add(last_task[slot])
                last_task[slot] = k
            insort(slots, (finish[k], slot))
    return [sorted(p) for p in rpreds]


def _link_shares(
    g: _Graph,
    r: int,
    cap: int,
    tasks: list[int],
    earliest: list[int],
    start: list[int],
    finish: list[int],
    rpreds: list[set[int]],
) -> None:
    """Resource links on a role some task needs a share of: the slots are shares of a person.

    The role's capacity is cut into units of the greatest common divisor of the capacity and
    every need (0.05 of a person at worst), and each task takes as many units as its need, by
    the rule of :func:`_link_units` applied unit by unit. On each unit tasks follow each other,
    so pushing a task pushes the tasks that follow it on its units and never puts more people
    on a day than the role has.
    """
    needs = {k: g.need[k][g.roles[k].index(r)] for k in tasks}
    unit = gcd(cap, *needs.values()) or 1
    total = cap // unit
    slots: list[tuple[int, int]] = []  # (finish of its last task, unit), sorted by finish
    last_task: list[int] = []
    for k in tasks:
        held_back = not g.fixed[k] and start[k] > earliest[k]
        want = needs[k] // unit
        free = bisect_left(slots, (start[k], -1))  # slots[:free] finished before the start
        fresh = 0 if held_back else min(want, max(total - len(last_task), 0))
        reuse = min(want - fresh, free)
        if held_back:  # the units freed last: the tasks whose end let this one start
            taken = slots[free - reuse : free]
            del slots[free - reuse : free]
        else:
            taken = slots[:reuse]
            del slots[:reuse]
        fresh = want - reuse  # what is left comes from unused units (past the capacity: fixed tasks only)
        units = [u for _, u in taken]
        rpreds[k].update(last_task[u] for u in units)
        for u in units:
            last_task[u] = k
        units.extend(range(len(last_task), len(last_task) + fresh))
        last_task.extend([k] * fresh)
        at = bisect_left(slots, (finish[k] + 1, -1))
        slots[at:at] = [(finish[k], u) for u in sorted(units)]


def _precedence_starts(g: _Graph, finish: list[int]) -> list[int]:
    """Each task's earliest start from its predecessors' actual finishes alone."""
    if g.masks is not None:
        return _precedence_starts_calendars(g, g.masks, finish)
    earliest = list(g.not_before)
    for k in range(g.n):
        for p, lag in g.preds[k]:
            earliest[k] = max(earliest[k], finish[p] + g.gap(k, lag))
    return earliest


def _latest_starts(g: _Graph, start: list[int], rpreds: list[list[int]], project_finish: int) -> list[int]:
    """Backward pass over precedence (into non-fixed tasks) and resource links."""
    rsuccs: list[list[int]] = [[] for _ in range(g.n)]
    for k, ps in enumerate(rpreds):
        for p in ps:
            rsuccs[p].append(k)
    # Both kinds of links point to a later (or, between milestones, equal) start.
    order = sorted(range(g.n), key=lambda k: (start[k], g.topo_rank[k]), reverse=True)
    if g.masks is not None:
        return _latest_starts_calendars(g, g.masks, order, rsuccs, start, project_finish)
    latest = [0] * g.n
    for k in order:
        lf = project_finish
        for s, lag in g.succs[k]:
            if not g.fixed[s]:
                lf = min(lf, latest[s] - g.gap(s, lag))
        for s in rsuccs[k]:
            lf = min(lf, latest[s] - 1)
        latest[k] = lf - g.span[k]
    return latest


def _walk_critical_path(
    g: _Graph,
    start: list[int],
    finish: list[int],
    critical: list[bool],
    rpreds: list[list[int]],
    project_finish: int,
) -> tuple[str, ...]:
    masks = g.masks

    def tight_preds(k: int) -> tuple[list[int], list[int]]:
        if masks is not None:
            mk, ms = masks[k], g.milestone[k]
            prec = [p for p, lag in g.preds[k] if critical[p] and mk.after(finish[p], lag, milestone=ms) == start[k]]
            res = [p for p in rpreds[k] if critical[p] and mk.after(finish[p], 0, milestone=False) == start[k]]
            return sorted(set(prec)), res
        prec = [p for p, lag in g.preds[k] if critical[p] and finish[p] + g.gap(k, lag) == start[k]]
        res = [p for p in rpreds[k] if critical[p] and finish[p] + 1 == start[k]]
        return sorted(set(prec)), res

    ends = [k for k in range(g.n) if critical[k] and finish[k] == project_finish]
    if not ends:
        return ()
    ending = set(ends)
    # Prefer the last task of a chain ending at the finish (e.g. the closing milestone).
    last = [k for k in ends if not any(s in ending and k in tight_preds(s)[0] for s, _ in g.succs[k])]
    k = min(last or ends)
    path = [k]
    while True:
        prec, res = tight_preds(k)
        nxt = prec or res
        if not nxt:
            break
        k = nxt[0]
        path.append(k)
    path.reverse()
    return tuple(g.ids[j] for j in path)


def schedule_tasks(
    tasks: Sequence[SchedTask],
    capacity: Mapping[str, float],
    default_capacity: float = 1,
    *,
    improvement: bool = True,
    order: Sequence[str] | None = None,
) -> SchedResult:
    """Schedule ``tasks`` under role capacities and return dates, slack and critical path.

    ``capacity`` gives the people per role (two decimals at most); a role missing from it has
    ``default_capacity``. On every day the demands of the running tasks on a role add up to at
    most its capacity (counted in hundredths of a person, exactly).
    Fixed (started or done) tasks are placed first, wherever they are, and count against the
    capacities even when they exceed them. The result does not depend on the order of
    ``tasks``. ``improvement=False`` keeps the first pass (no :mod:`roadmap.improve` stage).
    ``order`` (task ids, e.g. a plan's own start order) adds a second pass that takes the tasks
    free to start in that order (tasks not named last); it is kept unless the first pass
    finishes strictly earlier. The forecast re-plans each iteration so, without the
    improvement: with the planned durations it finishes no later than the plan.
    Raises :class:`ScheduleError` on a duplicate id, an unknown predecessor, a
    dependency cycle (named in the message) or a bad value.
    """
    g = _Graph(tasks)
    caps = _capacities(g, capacity, default_capacity)
    start, finish = _place(g, caps)
    first = _FirstPass(tuple(tasks), g, tuple(caps), max(finish, default=0))
    if order:
        rank = {tid: k for k, tid in enumerate(order)}
        in_order = _place(g, caps, [rank.get(tid, len(rank)) for tid in g.ids])
        if max(in_order[1], default=0) <= first.finish:
            start, finish = in_order
    improvement = improvement and g.masks is None  # issue 17: not with a calendar per task
    if improvement:  # issue 14: never longer than the first pass
        start, finish = improve(g, caps, start, finish, _place)
    project_finish = max(finish, default=0)
    rpreds = _link_units(g, caps, start, finish)
    latest = _latest_starts(g, start, rpreds, project_finish)
    if g.masks is None:
        slack = [max(0, latest[k] - start[k]) for k in range(g.n)]
    else:  # in the task's own working days
        slack = [g.masks[k].count(start[k], latest[k]) for k in range(g.n)]
    critical = [s == 0 for s in slack]
    path = _walk_critical_path(g, start, finish, critical, rpreds, project_finish)
    ids = g.ids
    return SchedResult(
        start={ids[k]: start[k] for k in range(g.n)},
        finish={ids[k]: finish[k] for k in range(g.n)},
        slack={ids[k]: slack[k] for k in range(g.n)},
        critical={ids[k]: critical[k] for k in range(g.n)},
        critical_path=path,
        rule=PRIORITY_RULE if improvement else PRIORITY_RULE.removesuffix(IMPROVEMENT_RULE),
        resource_links=tuple(sorted((ids[p], ids[k]) for k in range(g.n) for p in rpreds[k])),
        first_pass=first,
    )


def _place_calendars(g: _Graph, caps: list[int], priority: Sequence[int] | None = None) -> tuple[list[int], list[int]]:
    """:func:`_place` on calendar-day indices, each task on the working days of its calendar."""
    masks = g.masks
    assert masks is not None  # called only then
    n = g.n
    start, finish, usage, waiting = _fresh(g, caps)
    for k in range(n):
        fs = g.fixed_start[k]
        if fs is None:
            continue
        mk = masks[k]
        start[k] = finish[k] = fs
        if not g.milestone[k]:
            done = g.fixed_finish[k]
            finish[k] = done if done is not None else mk.end(mk.next(fs), g.days[k])
            worked = mk.count(fs, finish[k] + 1)
            if g.roles[k] and worked:
                for a, b in mk.runs(mk.next(fs), worked):
                    usage.occupy(g.roles[k], g.need[k], a, b - a)
        for s, _ in g.succs[k]:
            waiting[s] -= 1
    ready, latest, tail = _ready_heap(g, priority, waiting)
    while ready:
        _, _, k = heapq.heappop(ready)
        mk = masks[k]
        ms = g.milestone[k]
        es = g.not_before[k]
        for p, lag in g.preds[k]:
            es = max(es, mk.after(finish[p], lag, milestone=ms))
        if ms:
            start[k] = finish[k] = es
        else:
            es = mk.next(es)
            roles = g.roles[k]
            if roles:
                es = _earliest_on(usage, roles, g.need[k], mk, es, g.days[k])
                for a, b in mk.runs(es, g.days[k]):
                    usage.occupy(roles, g.need[k], a, b - a)
            start[k] = es
            finish[k] = mk.end(es, g.days[k])
        for s, _ in g.succs[k]:
            waiting[s] -= 1
            if waiting[s] == 0 and not g.fixed[s]:
                heapq.heappush(ready, (latest[s], -tail[s], s))
    return start, finish


def _earliest_on(usage: _Usage, roles: list[int], needs: list[int], mask: DayMask, start: int, days: int) -> int:
    """Earliest working day >= ``start`` of ``mask`` from which ``days`` working days have room."""
    base = usage.base
    blocked = [usage.blocked[r][need] for r, need in zip(roles, needs, strict=True)]
    s = start
    while True:
        clash = -1
        free = -1  # the first day after the clash where every role that clashed has room again
        for a, b in mask.runs(s, days):
            for full in blocked:
                x = full.find(1, a - base, b - base)
                if x >= 0:
                    clash = x
                    again = full.find(0, x)
                    free = max(free, again if again >= 0 else len(full))
            if clash >= 0:
                break
        if clash < 0:
            return s
        s = mask.next(free + base)


def _precedence_starts_calendars(g: _Graph, masks: list[DayMask], finish: list[int]) -> list[int]:
    """:func:`_precedence_starts` on calendar-day indices: on a working day of the task's calendar."""
    earliest = list(g.not_before)
    for k in range(g.n):
        mk, ms = masks[k], g.milestone[k]
        for p, lag in g.preds[k]:
            earliest[k] = max(earliest[k], mk.after(finish[p], lag, milestone=ms))
        if not ms:
            earliest[k] = mk.next(earliest[k])
    return earliest


def _latest_starts_calendars(
    g: _Graph, masks: list[DayMask], order: list[int], rsuccs: list[list[int]], start: list[int], project_finish: int
) -> list[int]:
    """:func:`_latest_starts` on calendar-day indices."""
    latest = [0] * g.n
    for k in order:
        lf = project_finish
        for s, lag in g.succs[k]:
            if not g.fixed[s]:
                lf = min(lf, masks[s].before(latest[s], lag, milestone=g.milestone[s]))
        for s in rsuccs[k]:
            lf = min(lf, masks[s].before(latest[s], 0, milestone=False))
        if g.milestone[k]:
            latest[k] = lf
        elif g.fixed[k]:
            latest[k] = lf - g.span[k]
        else:
            latest[k] = masks[k].latest_start(lf, g.days[k])
    return latest


def project_finishes(
    tasks: Sequence[SchedTask],
    capacities: Sequence[Mapping[str, float]],
    default_capacity: float = 1,
    *,
    scheduled: SchedResult | None = None,
) -> list[int]:
    """The project finish under each of ``capacities`` (issue 9: what one more person gains).

    The tasks are read once and only the placement is redone per capacity mapping: no slack
    pass, no critical path. Compare finishes of this function with each other. ``scheduled``:
    the result of :func:`schedule_tasks` on these very tasks (the same objects, in the same
    order); its reading of them is reused, and so is its first pass for equal capacities.
    """
    first = scheduled.first_pass if scheduled is not None else None
    if first is not None and _same_tasks(first.tasks, tasks):
        g = first.graph
    else:
        g, first = _Graph(tasks), None
    finishes: list[int] = []
    for capacity in capacities:
        caps = _capacities(g, capacity, default_capacity)
        if first is not None and tuple(caps) == first.caps:
            finishes.append(first.finish)
        else:
            finishes.append(max(_place(g, caps)[1], default=0))
    return finishes


def _same_tasks(read: Sequence[SchedTask], tasks: Sequence[SchedTask]) -> bool:
    """Whether ``tasks`` are the very objects ``read``, in the same order."""
    return len(read) == len(tasks) and all(a is b for a, b in zip(read, tasks, strict=True))


__all__ = ["PRIORITY_RULE", "SchedResult", "SchedTask", "ScheduleError", "project_finishes", "schedule_tasks"]
