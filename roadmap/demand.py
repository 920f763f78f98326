"""How many people of each role a step needs, and how many a team has.

A step's ``roles`` is either a list of role ids (one full person each, for the whole step) or a
mapping ``{role: people}`` where people is a multiple of 0.05 greater than 0 (``hr: 0.25`` is a
quarter of one person's time). Both load as :class:`RoleDemands`: a tuple of the role ids (what
code that only needs *which* roles reads) that also carries the people per role
(:attr:`RoleDemands.demands`).

Arithmetic on people is exact: the scheduler and the effort totals work in hundredths of a
person (:func:`hundredths`), never in floats.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

from pydantic import AfterValidator, BeforeValidator, Field, GetCoreSchemaHandler
from pydantic_core import core_schema

if TYPE_CHECKING:
    from roadmap.errors import Diagnostic
    from roadmap.models import Step
    from roadmap.yamlio import LoadedYaml

STEP = 0.05
"""Demands are multiples of this many people."""
HUNDRED = 100
"""People are counted in hundredths internally."""


def hundredths(people: float) -> int:
    """``people`` as a whole number of hundredths of a person (exact for two decimals)."""
    return round(people * HUNDRED)


def people(value: int) -> float | int:
    """Hundredths back to people: a whole number when it is one (``200`` → ``2``, ``25`` → ``0.25``)."""
    return value // HUNDRED if value % HUNDRED == 0 else value / HUNDRED


def _number(value: Any) -> Any:
    if isinstance(value, bool):
        raise ValueError("expected a number of people, not yes/no")
    return value


def _multiple_of_step(value: float) -> float:
    twentieths = value / STEP
    if abs(twentieths - round(twentieths)) > 1e-6:
        raise ValueError(f"people are counted in steps of {STEP} (e.g. 0.25, 0.5, 1, 1.5)")
    return round(value, 2)


def _two_decimals(value: float) -> float:
    if abs(value * HUNDRED - round(value * HUNDRED)) > 1e-6:
        raise ValueError("at most two decimals (e.g. 1.5, 0.25)")
    return people(hundredths(value))


Demand = Annotated[float, BeforeValidator(_number), Field(gt=0), AfterValidator(_multiple_of_step)]
"""People of one role a step needs: a multiple of 0.05, above 0."""

Capacity = Annotated[int | float, BeforeValidator(_number), Field(gt=0), AfterValidator(_two_decimals)]
"""People of one role in the team: above 0, at most two decimals (a whole number stays an ``int``)."""


class RoleDemands(tuple[str, ...]):
    """The roles of a step (a tuple of ids, in the order written) with the people each needs."""

    demands: dict[str, float]
    """Role id → people (1.0 for each role of a plain list)."""

    def __new__(cls, demands: Mapping[str, float]) -> RoleDemands:
        out = super().__new__(cls, tuple(demands))
        out.demands = {role: float(n) for role, n in demands.items()}
        return out

    @property
    def whole(self) -> bool:
        """Whether every role is needed as one full person (the list form)."""
        return all(n == 1.0 for n in self.demands.values())

    def __eq__(self, other: object) -> bool:
        if isinstance(other, RoleDemands):
            return self.demands == other.demands and tuple(self) == tuple(other)
        return tuple.__eq__(self, other)

    def __ne__(self, other: object) -> bool:
        return not self == other

    def __hash__(self) -> int:
        return hash((tuple(self), tuple(self.demands.values())))

    def __repr__(self) -> str:
        return f"RoleDemands({self.demands!r})"

    @classmethod
    def __get_pydantic_core_schema__(cls, source: Any, handler: GetCoreSchemaHandler) -> core_schema.CoreSchema:
        as_list = core_schema.no_info_after_validator_function(
            lambda ids: cls(dict.fromkeys(ids, 1.0)), handler.generate_schema(tuple[str, ...])
        )
        as_mapping = core_schema.no_info_after_validator_function(cls, handler.generate_schema(dict[str, Demand]))
        return core_schema.union_schema(
            [as_list, as_mapping],
            serialization=core_schema.plain_serializer_function_ser_schema(
                lambda value: dict(value.demands) if not value.whole else list(value)
            ),
        )


def demands_of(roles: tuple[str, ...]) -> dict[str, float]:
    """People per role of a step's ``roles`` (a plain tuple: one each)."""
    if isinstance(roles, RoleDemands):
        return dict(roles.demands)
    return dict.fromkeys(roles, 1.0)


def over_capacity(
    steps: Iterable[Step], team: Mapping[str, float], company: LoadedYaml, library_dir: str
) -> list[Diagnostic]:
    """A diagnostic per demand above its role's capacity (such a step could never run).

    Points at the team entry when the company file gives that role a size, else at the demand
    in the library's stage file (the team then has the default, one person).
    """
    out: list[Diagnostic] = []
    for step in steps:
        for role, need in step.roles.demands.items():
            cap = team.get(role, 1)
            if hundredths(need) <= hundredths(cap):
                continue
            what = f"{_num(need)} {'person' if need == 1 else 'people'} of '{role}'"
            if role in team:
                message = f"team.{role}: {_num(cap)}, but step '{step.id}' needs {what}"
                out.append(company.diagnostic(("team", role), message))
            else:
                message = (
                    f"step '{step.id}' needs {what}, more than the team's default of 1:"
                    f" give '{role}' a size under team in {company.file}"
                )
                out.append(_at_demand(library_dir, step.id, role, message) or company.diagnostic(("team",), message))
    return out


def _num(value: float) -> str:
    return f"{value:g}"


def _at_demand(library_dir: str, step_id: str, role: str, message: str) -> Diagnostic | None:
    """The diagnostic at a step's demand of ``role`` in its stage file (read again: errors only)."""
    from roadmap.errors import InputError
    from roadmap.yamlio import load_yaml

    folder = Path(library_dir)
    for path in sorted([*folder.glob("*.yaml"), *folder.glob("*.yml")]):
        try:
            loaded = load_yaml(path, defer=True)
        except InputError:
            continue
        steps = loaded.data.get("steps") if isinstance(loaded.data, dict) else None
        for i, raw in enumerate(steps if isinstance(steps, list) else []):
            if not isinstance(raw, dict) or raw.get("id") != step_id:
                continue
            roles = raw.get("roles")
            if isinstance(roles, dict):
                return loaded.diagnostic(("steps", i, "roles", role), message)
            if isinstance(roles, list) and role in roles:
                return loaded.diagnostic(("steps", i, "roles", roles.index(role)), message)
    return None


__all__ = [
    "HUNDRED",
    "STEP",
    "Capacity",
    "Demand",
    "RoleDemands",
    "demands_of",
    "hundredths",
    "over_capacity",
    "people",
]
