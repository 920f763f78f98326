"""roadmap: plan the rollout of a corporate intranet portal.

Load → resolve → schedule → render. This package never prints, prompts or exits; ``cli.py``
does that. A script uses the same functions the command line does::

    from pathlib import Path

    import roadmap

    run = roadmap.plan_company(Path("company.yaml"), out_dir=Path("out"), formats=["json"])
    finish, written = run.plan.finish, list(run.written)  # data: the caller shows it

Importing this package is cheap: the pipeline (pydantic, networkx, plotly...) is loaded by the
functions when they run, and :class:`Plan` on first use.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
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


_ERRORS = frozenset({"Diagnostic", "EnvironmentProblem", "InputError", "OutputError", "RoadmapError", "Terminated"})


def __getattr__(name: str) -> Any:
    """The public names are loaded on first use: importing ``roadmap.plan`` does not load the
    application layer, and ``import roadmap`` loads nothing (pydantic comes with :class:`Plan`)."""
    import importlib

    if name == "Plan":
        home = "roadmap.plan"
    elif name in _ERRORS:
        home = "roadmap.errors"
    elif name in __all__:
        home = "roadmap.app"
    else:
        raise AttributeError(f"module 'roadmap' has no attribute {name!r}")
    return getattr(importlib.import_module(home), name)
