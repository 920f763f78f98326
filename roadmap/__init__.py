"""roadmap: plan the rollout of a corporate intranet portal.

Load → resolve → schedule → render. This package never prints, prompts or exits; ``cli.py``
does that. A script uses the same functions the command line does::

    import datetime as dt
    from pathlib import Path

    import roadmap

    run = roadmap.plan_company(Path("company.yaml"), out_dir=Path("out"), formats=["json"])
    print(run.plan.finish, [str(p) for p in run.written])

Importing this package is cheap: the pipeline (pydantic, networkx, plotly...) is loaded by the
functions when they run, and :class:`Plan` on first use.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from roadmap.app import (
    Asker,
    AskEvent,
    AskResult,
    AskStarted,
    AskStopped,
    BaselineSaved,
    Checklist,
    CompanyCheck,
    Fact,
    FactAsker,
    FactsMissing,
    FileWritten,
    InputEnded,
    Interrupted,
    ItemView,
    LibraryView,
    PlanRun,
    Refused,
    SaveDeferred,
    SessionClosed,
    Skipped,
    Validation,
    ask_questions,
    company_file_schema,
    describe_library,
    diff_files,
    explain_task,
    init_company,
    make_checklist,
    plan_company,
    save_baseline,
    show_item,
    validate,
    write_questionnaire,
)
from roadmap.errors import Diagnostic, EnvironmentProblem, InputError, OutputError, RoadmapError, Terminated

if TYPE_CHECKING:
    from roadmap.plan import Plan

__version__ = "0.1.0"

__all__ = [
    "AskEvent",
    "AskResult",
    "AskStarted",
    "AskStopped",
    "Asker",
    "BaselineSaved",
    "Checklist",
    "CompanyCheck",
    "Diagnostic",
    "EnvironmentProblem",
    "Fact",
    "FactAsker",
    "FactsMissing",
    "FileWritten",
    "InputEnded",
    "InputError",
    "Interrupted",
    "ItemView",
    "LibraryView",
    "OutputError",
    "Plan",
    "PlanRun",
    "Refused",
    "RoadmapError",
    "SaveDeferred",
    "SessionClosed",
    "Skipped",
    "Terminated",
    "Validation",
    "__version__",
    "ask_questions",
    "company_file_schema",
    "describe_library",
    "diff_files",
    "explain_task",
    "init_company",
    "make_checklist",
    "plan_company",
    "save_baseline",
    "show_item",
    "validate",
    "write_questionnaire",
]


def __getattr__(name: str) -> Any:
    """:class:`Plan` is loaded on first use (it brings pydantic)."""
    if name == "Plan":
        from roadmap.plan import Plan

        return Plan
    raise AttributeError(f"module 'roadmap' has no attribute {name!r}")
