"""Results in plain words for a reader: sections of lines with style names (``roadmap.summary``).

The command line prints them with colours on a terminal and plainly elsewhere; any other front
end can print them as they are. Nothing here knows about a terminal.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from roadmap.app.commands import LibraryView
    from roadmap.diff import PlanDiff
    from roadmap.explain import Explanation
    from roadmap.summary_parts import Line, Section


def explanation_sections(why: Explanation, lang: str) -> tuple[Section, ...]:
    """Why a step is when it is: its dates and slack, what it waits for, its duration in parts."""
    from roadmap.i18n import t
    from roadmap.summary_parts import Line, Section

    task = why.task
    when = (
        t(lang, "explain_milestone", day=task.finish)
        if task.milestone
        else t(lang, "explain_dates", start=task.start, finish=task.finish, days=task.duration_days)
    )
    slack = t(lang, "explain_critical") if task.critical else t(lang, "explain_slack", days=task.slack_days)
    waits: list[Line] = []
    if not why.predecessors and not why.role_waits:
        waits.append(Line(t(lang, "explain_no_preds", day=why.earliest)))
    for c in why.predecessors:
        pred = t(lang, "explain_pred", id=c.id, title=c.title, finish=c.finish, lag=c.lag_days, allows=c.allows)
        waits.append(Line(f"{'▶' if c.binding else '·'} {pred}"))
    for c in why.role_waits:
        roles = ", ".join(c.roles)
        wait = t(lang, "explain_wait", id=c.id, title=c.title, finish=c.finish, roles=roles, allows=c.allows)
        waits.append(Line(f"{'▶' if c.binding else '·'} {wait}"))
    if why.earliest_binds:
        waits.append(Line("▶ " + t(lang, "explain_earliest", day=why.earliest)))
    sections = [
        Section(
            "explain_task",
            f"{task.id} — {task.title}",
            (Line(f"{why.stage_title} · {when}"), Line(slack, "crit" if task.critical else "")),
        ),
        Section("explain_waits", t(lang, "explain_starts_when"), tuple(waits)),
        Section("explain_duration", t(lang, "explain_duration"), tuple(Line(f"- {part}") for part in task.why)),
    ]
    if why.successors:
        successors = (Line(", ".join(why.successors)),)
        sections.append(Section("explain_successors", t(lang, "explain_successors"), successors))
    return tuple(sections)


def diff_sections(result: PlanDiff) -> tuple[Section, ...]:
    """What moved between two plans, one line per change (never wrapped: grep-able)."""
    from roadmap.summary_parts import Line, Section, signed

    lines: list[Line] = []

    def say(text: str, style: Any = "", mark: str = "") -> None:
        lines.append(Line(text, style, mark=mark, whole=True))

    unit = result.unit
    finish = result.finish
    say(f"{finish.old} → {finish.new} ({signed(finish.shift)} {unit})", "bold", "Finish:")
    if result.start.shift:
        say(f"{result.start.old} → {result.start.new} ({signed(result.start.shift)} {unit})", "bold", "Start:")
    if result.p80 is not None:  # issue 16
        say(f"{result.p80.old} → {result.p80.new} ({signed(result.p80.shift)} {unit})", "bold", "Forecast P80:")
    if result.unchanged:
        say("No differences.")
        return (Section("diff", None, tuple(lines)),)
    from .asking import plain_value as value

    for heading, changes in (("Answers", result.answers), ("Company", result.company), ("Team", result.team)):
        if changes:
            say(f"{heading} changed:", "bold")
        for fact in changes:
            say(f"  {fact.key}: {value(fact.old)} → {value(fact.new)}")
    if result.cost:
        say("Cost changed:", "bold")
        for moved in result.cost:
            say(f"  {moved.stage}: {moved.old} → {moved.new} ({moved.delta} {moved.currency})")
    if result.added or result.dropped:
        say("Scope:", "bold")
        for item in result.added:
            say(f"{item.id} {item.title}", "early", "  +")
        for item in result.dropped:
            reason = f": {item.reason}" if item.reason else ""
            say(f"{item.id} {item.title}{reason}", "crit", "  -")
    if result.sites:  # issue 17: a site added, removed, or whose wave or dates moved
        say("Sites:", "bold")
        for site in result.sites:
            style = {"added": "early", "removed": "crit"}.get(site.change, "")
            say(f"  {site.line()}", style)
    if result.durations:
        say("Durations (working days):", "bold")
        for change in result.durations:
            say(f"  {change.id} {change.title}: {change.old_days} → {change.new_days}")
            for line in change.why_removed:
                say(line, "crit", "    -")
            for line in change.why_added:
                say(line, "early", "    +")
    if result.moves:
        say(f"Dates moved ({unit}):", "bold")
        for move in result.moves:
            say(
                f"  {move.id}: start {move.old_start} → {move.new_start} ({signed(move.start_shift)}), "
                f"finish {move.old_finish} → {move.new_finish} ({signed(move.finish_shift)})"
                f" — {'; '.join(move.because)}"
            )
    return (Section("diff", None, tuple(lines)),)


@dataclass(frozen=True)
class Node:
    """One line of a tree for a reader (``roadmap stages``): its text, a style name (``bold``,
    ``stage`` or none), a quieter ``note`` after it, and the lines under it."""

    text: str
    style: str = ""
    note: str = ""
    children: tuple[Node, ...] = ()


def library_tree(view: LibraryView, lang: str) -> Node:
    """The stage library as a tree: each stage, its steps (duration, roles, optional, condition)
    and its questions (id, kind, text)."""
    from roadmap.i18n import t

    def step_node(step: dict[str, Any]) -> Node:
        roles = ", ".join(step["roles"]) or t(lang, "tree_no_role")
        notes = [f"({t(lang, 'tree_optional')})"] if step["optional"] else []
        if step["when"]:
            notes.append(t(lang, "tree_when", cond=step["when"]))
        days = t(lang, "tree_days", n=step["duration_days"])
        return Node(f"{step['id']}  {step['title']} — {days}, {roles}", note=" ".join(notes))

    stages = tuple(
        Node(
            f"{stage['order']}. {stage['title']}",
            "stage",
            stage["id"],
            (
                Node(t(lang, "tree_steps"), children=tuple(step_node(step) for step in stage["steps"])),
                Node(
                    t(lang, "tree_questions"),
                    children=tuple(Node(f"{q['id']}  {q['text']}", note=f"({q['kind']})") for q in stage["questions"]),
                ),
            ),
        )
        for stage in view.data["stages"]
    )
    return Node(t(lang, "tree_library"), "bold", f"({view.source})", stages)
