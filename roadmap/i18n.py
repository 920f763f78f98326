"""The tool's own words in English and French (the library's words live in its YAML)."""

from __future__ import annotations

from typing import Any

MESSAGES: dict[str, tuple[str, str]] = {
    # why a block was dropped
    "drop_stage_excluded": ("stage {stage} excluded in {file}", "étape {stage} exclue dans {file}"),
    "drop_stage_by_answer": ("stage {stage} dropped by {cause}", "étape {stage} retirée par {cause}"),
    "drop_stage_condition": ("stage {stage} applies only when {cond}", "l'étape {stage} ne s'applique que si {cond}"),
    "drop_excluded": ("excluded in {file}", "exclue dans {file}"),
    "drop_condition": ("applies only when {cond}", "ne s'applique que si {cond}"),
    "drop_optional_by": ("optional, not selected (planned with {answers})", "optionnelle, non retenue (planifiée avec {answers})"),
    "drop_optional": ("optional, no answer selects it", "optionnelle, aucune réponse ne la retient"),
    "drop_requires": ("requires {req}, which was dropped", "requiert {req}, qui a été retirée"),
    "drop_empty_stage": ("no step of stage {stage} is left in the plan", "plus aucune tâche de l'étape {stage} dans le plan"),
    "cause_answer": ("answer {question} = {value}", "réponse {question} = {value}"),
    # why a block takes that long
    "why_base": ("base {days} working days (library assumption)", "base {days} jours ouvrés (hypothèse de la bibliothèque)"),
    "why_scaling": (
        "+{days} for {value} {by} (+{add} per {per} above {above}{cap})",
        "+{days} pour {value} {by} (+{add} par {per} au-delà de {above}{cap})",
    ),
    "why_cap": (", at most +{cap}", ", au plus +{cap}"),
    "why_answer": ("+{days} from {cause}", "+{days} du fait de {cause}"),
    "why_milestone": ("end of stage: {stage}", "fin de l'étape : {stage}"),
    "why_done": ("done: actual dates {start} – {finish}", "terminée : dates réelles {start} – {finish}"),
    "why_in_progress": (
        "in progress since {start}, {percent}% done: {remaining} working days remain",
        "en cours depuis le {start}, {percent} % fait : reste {remaining} jours ouvrés",
    ),
    "why_capacity": (
        "waits {days} working days for {roles} (team limit)",
        "attend {days} jours ouvrés la disponibilité de {roles} (limite d'équipe)",
    ),
    "fact_employees": ("employees", "employés"),
    "fact_branches": ("branches", "filiales"),
    "fact_hierarchy_levels": ("hierarchy levels", "niveaux hiérarchiques"),
    "milestone_title": ("Stage complete: {stage}", "Étape terminée : {stage}"),
    "fit_low": (
        "{n} employees is below the 150–3,000 the method is built for: the plan may be heavier than needed",
        "{n} employés : en dessous des 150 à 3 000 pour lesquels la méthode est conçue, le plan peut être trop lourd",
    ),
    "fit_high": (
        "{n} employees is above the 150–3,000 the method is built for: expect more work than planned",
        "{n} employés : au-dessus des 150 à 3 000 pour lesquels la méthode est conçue, prévoir plus de travail",
    ),
}


def t(lang: str, key: str, **values: Any) -> str:
    """The message ``key`` in ``lang`` (English when unknown), formatted with ``values``."""
    en, fr = MESSAGES[key]
    return (fr if lang == "fr" else en).format(**values)
