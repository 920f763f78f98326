"""The application layer: one function per command, plain values in, a frozen result out.

``cli.py`` parses the command line, calls one of these and presents the result; a script can
call them the same way. ``ask`` and ``init`` put their questions to an :class:`Asker` /
:class:`FactAsker` (a terminal, piped lines, a test's script). Importing this package is cheap:
each name is loaded on first use, and each function imports the pipeline when it runs. It
never prints, prompts or exits, and never imports typer, rich or questionary.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .asking import (
        Asker,
        AskEvent,
        AskResult,
        AskStarted,
        AskStopped,
        Fact,
        FactAsker,
        InputEnded,
        Interrupted,
        Refused,
        SaveDeferred,
        SessionClosed,
        Skipped,
        ask_company_facts,
        ask_questions,
        company_facts,
        plain_value,
    )
    from .commands import (
        BaselineSaved,
        Checklist,
        CompanyCheck,
        Compared,
        Explained,
        FactsMissing,
        FileWritten,
        ItemView,
        LibraryView,
        PlanRun,
        Progress,
        Validation,
        company_file_schema,
        describe_library,
        diff_files,
        explain_task,
        init_company,
        make_checklist,
        plan_company,
        refuse_unanswered,
        save_baseline,
        show_item,
        validate,
        with_forecast,
        write_questionnaire,
    )
    from .views import diff_sections, explanation_sections

_HOME = {
    "Asker": "asking",
    "AskEvent": "asking",
    "AskResult": "asking",
    "AskStarted": "asking",
    "AskStopped": "asking",
    "Fact": "asking",
    "FactAsker": "asking",
    "InputEnded": "asking",
    "Interrupted": "asking",
    "Refused": "asking",
    "SaveDeferred": "asking",
    "SessionClosed": "asking",
    "Skipped": "asking",
    "ask_company_facts": "asking",
    "ask_questions": "asking",
    "company_facts": "asking",
    "plain_value": "asking",
    "BaselineSaved": "commands",
    "Checklist": "commands",
    "Compared": "commands",
    "Explained": "commands",
    "CompanyCheck": "commands",
    "FactsMissing": "commands",
    "FileWritten": "commands",
    "ItemView": "commands",
    "LibraryView": "commands",
    "PlanRun": "commands",
    "Progress": "commands",
    "Validation": "commands",
    "company_file_schema": "commands",
    "describe_library": "commands",
    "diff_sections": "views",
    "explanation_sections": "views",
    "diff_files": "commands",
    "explain_task": "commands",
    "init_company": "commands",
    "make_checklist": "commands",
    "plan_company": "commands",
    "refuse_unanswered": "commands",
    "save_baseline": "commands",
    "show_item": "commands",
    "validate": "commands",
    "with_forecast": "commands",
    "write_questionnaire": "commands",
}
"""Public name → the module of this package that defines it (loaded on first use)."""

__all__ = [
    "AskEvent",
    "AskResult",
    "AskStarted",
    "AskStopped",
    "Asker",
    "BaselineSaved",
    "Checklist",
    "CompanyCheck",
    "Compared",
    "Explained",
    "Fact",
    "FactAsker",
    "FactsMissing",
    "FileWritten",
    "InputEnded",
    "Interrupted",
    "ItemView",
    "LibraryView",
    "PlanRun",
    "Progress",
    "Refused",
    "SaveDeferred",
    "SessionClosed",
    "Skipped",
    "Validation",
    "ask_company_facts",
    "ask_questions",
    "company_facts",
    "company_file_schema",
    "describe_library",
    "diff_files",
    "diff_sections",
    "explain_task",
    "explanation_sections",
    "init_company",
    "make_checklist",
    "plain_value",
    "plan_company",
    "refuse_unanswered",
    "save_baseline",
    "show_item",
    "validate",
    "with_forecast",
    "write_questionnaire",
]


def __getattr__(name: str) -> Any:
    home = _HOME.get(name)
    if home is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(f"{__name__}.{home}"), name)
    globals()[name] = value
    return value
