"""Input models: the stage library and the company file.

Every model is frozen and forbids unknown keys; cross-references (ids, roles, conditions) are
checked by :mod:`roadmap.library` and :mod:`roadmap.company`, which know the whole picture.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable
from typing import Annotated, Any, Literal

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, ValidationInfo, field_validator, model_validator

from roadmap.demand import Capacity, RoleDemands

LANGS = ("en", "fr")
Lang = Literal["en", "fr"]

STAGE_ID = r"^[a-z][a-z0-9-]*$"
STEP_ID = r"^[a-z][a-z0-9-]*\.[a-z0-9]+(-[a-z0-9]+)*$"
NAME_ID = r"^[a-z][a-z0-9_]*$"
OPTION_VALUE = r"^[a-z0-9][a-z0-9_-]*$"

WeekdayName = Literal["mon", "tue", "wed", "thu", "fri", "sat", "sun"]
Industry = Literal["manufacturing", "construction", "services", "other"]
QuestionKind = Literal["single", "multiple", "yes_no", "number", "text", "date"]
Status = Literal["planned", "in_progress", "done"]
ScaleBy = Literal["employees", "branches", "hierarchy_levels"]

YES_WORDS = ("yes", "y", "true", "on", "oui")
"""Strings read as *yes* in a yes/no answer (any case)."""
NO_WORDS = ("no", "n", "false", "off", "non")
"""Strings read as *no* in a yes/no answer (any case)."""


def _not_yes_no(value: Any) -> Any:
    """Refuse true/false where a number is expected (pydantic would read them as 1 and 0)."""
    if isinstance(value, bool):
        raise ValueError("expected a whole number, not yes/no")
    return value


Whole = Annotated[int, BeforeValidator(_not_yes_no)]
"""A whole number; YAML's true/false (``yes``, ``no``...) are refused, not read as 1 and 0."""

_NUMBER = re.compile(r"^-?[0-9]+(\.[0-9]+)?$")
_ISO_DATE = re.compile(r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$")


class Model(BaseModel):
    """Base of every input model: immutable, strict about unknown keys.

    An optional key given with an empty value (``answers:`` with nothing after it is ``null``
    in YAML) is the same as a key left out: it takes its default.
    """

    model_config = ConfigDict(frozen=True, extra="forbid", populate_by_name=False, use_attribute_docstrings=True)

    @model_validator(mode="before")
    @classmethod
    def _null_is_absent(cls, value: Any) -> Any:
        if isinstance(value, dict) and None in value.values():
            fields = cls.model_fields
            return {k: v for k, v in value.items() if not (v is None and k in fields and not fields[k].is_required())}
        return value


class LocalText(Model):
    """A user-facing string in English and French; a plain string means the same in both."""

    en: str = Field(min_length=1)
    """English text (required)."""
    fr: str | None = None
    """French text; falls back to English."""

    @model_validator(mode="before")
    @classmethod
    def _from_plain_string(cls, value: Any) -> Any:
        if isinstance(value, str):
            return {"en": value}
        if isinstance(value, bool):
            raise ValueError("expected text (YAML reads a bare Yes, No, On or Off as true/false: put it in quotes)")
        if isinstance(value, int | float | dt.date):
            raise ValueError("expected text (put it in quotes)")
        return value

    def get(self, lang: str) -> str:
        """The text in ``lang``, English when that translation is missing."""
        if lang == "fr" and self.fr:
            return self.fr
        return self.en


def _option_value(option: Any) -> Any:
    """The value of a raw (dict) or validated option, as an answer names it."""
    raw = option.get("value") if isinstance(option, dict) else getattr(option, "value", None)
    if isinstance(raw, bool):
        return "yes" if raw else "no"
    return str(raw) if isinstance(raw, int) else raw


def coerce_answer(kind: str, option_values: Iterable[Any], value: Any) -> Any:
    """An answer as written in YAML, read the way the question means it.

    yes_no: ``yes``/``no``/``oui``/``non``/``true``/``false``/``on``/``off`` (any case) as
    ``true``/``false``. single: a bare ``yes``/``no`` (YAML's booleans) or a number naming an
    option. multiple: one option alone, without a list. number: a quoted number. date: a quoted
    ``YYYY-MM-DD``. Anything else is returned unchanged, for the checks to report.
    """
    values = [v for v in option_values if isinstance(v, str)]
    if kind == "yes_no" and isinstance(value, str):
        word = value.strip().lower()
        if word in YES_WORDS:
            return True
        if word in NO_WORDS:
            return False
    elif kind in ("single", "multiple"):
        if kind == "multiple" and not isinstance(value, list):
            return [coerce_answer("single", values, value)] if value is not None else value
        if kind == "multiple":
            return [coerce_answer("single", values, item) for item in value]
        if isinstance(value, bool) and ("yes" if value else "no") in values:
            return "yes" if value else "no"
        if isinstance(value, int | float) and not isinstance(value, bool) and str(value) in values:
            return str(value)
    elif kind == "number" and isinstance(value, str) and _NUMBER.match(value.strip()):
        number = float(value)
        return int(number) if number.is_integer() and "." not in value else number
    elif kind == "date" and isinstance(value, str) and _ISO_DATE.match(value.strip()):
        try:
            return dt.date.fromisoformat(value.strip())
        except ValueError:
            return value
    return value


# ---------------------------------------------------------------- the stage library


class Role(Model):
    """A role the plan needs people for (an entry of ``roles.yaml``)."""

    title: LocalText
    """What the role is called."""


class RoleFile(Model):
    """The ``roles.yaml`` file of a library."""

    roles: dict[Annotated[str, Field(pattern=NAME_ID)], Role]
    """Role id → role."""


class Scaling(Model):
    """Declarative size scaling: ``add_days`` for every full ``per`` of ``by`` above ``above``."""

    by: ScaleBy
    """The company fact that drives the rule."""
    per: Whole = Field(gt=0)
    """Size of one increment."""
    add_days: Whole = Field(gt=0)
    """Working days added per increment."""
    above: Whole = Field(default=0, ge=0)
    """Only the part of the value above this counts."""
    max_days: Annotated[int, Field(gt=0), BeforeValidator(_not_yes_no)] | None = None
    """Cap on the days this rule adds."""

    def days_for(self, value: int) -> int:
        """Working days this rule adds for a company fact of ``value``."""
        if value <= self.above:
            return 0
        days = (value - self.above) // self.per * self.add_days
        return days if self.max_days is None else min(days, self.max_days)


class Link(Model):
    """An ordering link to another block, with a lag in working days."""

    id: str = Field(pattern=STEP_ID)
    """The step or milestone (``<stage>.done``) this one follows."""
    lag_days: Whole = Field(default=0, ge=0)
    """Working days to wait after it finishes."""
    when: str | None = None
    """Only wait for it when this condition holds (e.g. a KPI measured in the CRM)."""

    @model_validator(mode="before")
    @classmethod
    def _from_plain_id(cls, value: Any) -> Any:
        if isinstance(value, str):
            return {"id": value}
        return value


class AddDays(Model):
    """Working days an answer adds to a step."""

    step: str = Field(pattern=STEP_ID)
    """The step that gets longer."""
    days: Whole = Field(gt=0)
    """How many working days."""


class Effect(Model):
    """One effect of choosing an option; exactly one key is set."""

    include: tuple[str, ...] | None = None
    """Optional steps this answer brings into the plan."""
    exclude: tuple[str, ...] | None = None
    """Steps or stages this answer drops."""
    add_days: AddDays | None = None
    """Days added to a step."""
    risk: LocalText | None = None
    """A risk this answer raises."""

    @model_validator(mode="after")
    def _exactly_one(self) -> Effect:
        set_keys = [k for k in ("include", "exclude", "add_days", "risk") if getattr(self, k) is not None]
        if len(set_keys) != 1:
            raise ValueError("an effect has exactly one of include, exclude, add_days, risk")
        return self


class Option(Model):
    """One possible answer of a question."""

    value: str = Field(pattern=OPTION_VALUE)
    """What is stored in the company file's ``answers``."""
    label: LocalText
    """What the user reads."""
    effects: tuple[Effect, ...] = ()
    """What choosing it does to the plan."""
    exclusive: bool = False
    """A multiple-choice option that cannot be combined with another (e.g. "none")."""

    @field_validator("value", mode="before")
    @classmethod
    def _bare_yes_no(cls, value: Any) -> Any:
        """A bare ``yes``/``no`` (YAML's true/false) is the option ``yes``/``no``; ``3`` is ``'3'``."""
        if isinstance(value, bool):
            return "yes" if value else "no"
        if isinstance(value, int):
            return str(value)
        return value


class Question(Model):
    """A question a team answers before its stage."""

    id: str = Field(pattern=NAME_ID)
    """Key in the company file's ``answers`` (unique in the library)."""
    text: LocalText
    """The question."""
    help: LocalText | None = None
    """Why it matters, what to consider."""
    kind: QuestionKind
    """single, multiple, yes_no, number, text or date."""
    options: tuple[Option, ...] = ()
    """Choices (single and multiple; yes_no may give ``yes``/``no`` options for effects)."""
    default: Any = None
    """Answer assumed until one is given."""
    when: str | None = None
    """Only asked (and its effects only apply) when this condition holds."""
    min: Annotated[int, Field(ge=0), BeforeValidator(_not_yes_no)] | None = None
    """Fewest options a ``multiple`` answer may choose."""
    max: Annotated[int, Field(ge=1), BeforeValidator(_not_yes_no)] | None = None
    """Most options a ``multiple`` answer may choose."""
    default_by_country: dict[str, Any] | None = None
    """Default by ISO country code, ``default`` for any other (overrides ``default``)."""

    @field_validator("default_by_country", mode="before")
    @classmethod
    def _read_country_defaults(cls, value: Any, info: ValidationInfo) -> Any:
        """Read each country's default the way an answer is read (``no`` for false...)."""
        if not isinstance(value, dict):
            return value
        kind = str(info.data.get("kind"))
        values = [o.value for o in info.data.get("options", ())]
        return {k: coerce_answer(kind, values, v) for k, v in value.items()}

    def default_for(self, country: str | None) -> Any:
        """The answer assumed for a company of ``country`` until one is given."""
        if self.default_by_country is None:
            return self.default
        if country is not None and country in self.default_by_country:
            return self.default_by_country[country]
        return self.default_by_country.get("default", self.default)

    @model_validator(mode="before")
    @classmethod
    def _read_default(cls, value: Any) -> Any:
        """Read the default the way an answer is read (``no`` for a yes/no-valued single...)."""
        if not isinstance(value, dict) or value.get("default") is None:
            return value
        options = value.get("options")
        values = [_option_value(o) for o in options] if isinstance(options, list | tuple) else []
        default = coerce_answer(str(value.get("kind")), values, value["default"])
        return {**value, "default": default}


class Step(Model):
    """One block of work: a step of a stage."""

    id: str = Field(pattern=STEP_ID)
    """``<stage>.<step>``: lowercase, dashes."""
    title: LocalText
    """Short name."""
    description: LocalText | None = None
    """What is done."""
    duration_days: Whole = Field(ge=1)
    """Base duration in working days (an assumption to adjust)."""
    scaling: tuple[Scaling, ...] = ()
    """Days added with company size and shape."""
    after: tuple[Link, ...] = ()
    """Ordering: starts after these finish; bridged when they are dropped."""
    requires: tuple[str, ...] = ()
    """Hard dependencies: dropped with them (also ordering, lag 0)."""
    roles: RoleDemands = RoleDemands({})
    """Roles that work on it for its whole duration: a list (one person each) or a mapping
    ``{role: people}`` (multiples of 0.05, e.g. ``hr: 0.25``)."""
    deliverables: tuple[LocalText, ...] = ()
    """Checklist items."""
    optional: bool = False
    """Only planned when an answer's ``include`` effect selects it."""
    when: str | None = None
    """Applicability condition on answers and company facts."""

    @property
    def demands(self) -> dict[str, float]:
        """Role id → people the step needs (1.0 for each role of a plain list)."""
        return dict(self.roles.demands)


class Resource(Model):
    """A role to involve in a stage, and what for."""

    role: str = Field(pattern=NAME_ID)
    """Role id from ``roles.yaml``."""
    why: LocalText
    """What they bring."""


class Stage(Model):
    """One of the method's stages: a block of steps with its questions."""

    id: str = Field(pattern=STAGE_ID)
    """Short id; steps are ``<id>.<step>``; its milestone is ``<id>.done``."""
    order: Whole
    """Position in the roadmap."""
    title: LocalText
    """Name of the stage."""
    goal: LocalText
    """What the stage is for."""
    when: str | None = None
    """The whole stage is dropped when this condition is false."""
    resources: tuple[Resource, ...] = ()
    """Roles to involve and what for."""
    results: tuple[LocalText, ...] = ()
    """Expected results (acceptance checks)."""
    reading: tuple[LocalText, ...] = ()
    """Related reading, by title."""
    steps: tuple[Step, ...] = Field(min_length=1)
    """The stage's steps."""
    questions: tuple[Question, ...] = ()
    """Questions to answer before the stage."""
    risks: tuple[LocalText, ...] = ()
    """Baseline risks of the stage, whatever the answers."""

    @property
    def milestone_id(self) -> str:
        """Id of the milestone closing the stage."""
        return f"{self.id}.done"


class Library(Model):
    """A validated stage library: stages in order, roles, and lookups."""

    stages: tuple[Stage, ...]
    """Stages sorted by ``order``."""
    roles: dict[str, Role]
    """Role id → role."""
    source: str
    """Folder the library was read from."""

    def steps(self) -> list[Step]:
        """Every step, in stage order then file order."""
        return [step for stage in self.stages for step in stage.steps]

    def questions(self) -> list[tuple[Stage, Question]]:
        """Every question with its stage, in stage order."""
        return [(stage, q) for stage in self.stages for q in stage.questions]

    def question(self, qid: str) -> Question | None:
        """The question with this id."""
        return next((q for _, q in self.questions() if q.id == qid), None)

    def stage_of(self, block_id: str) -> Stage | None:
        """The stage a step or milestone id belongs to (or the stage with that id)."""
        prefix = block_id.split(".", 1)[0]
        return next((s for s in self.stages if s.id == prefix), None)


# ---------------------------------------------------------------- the company file


class Company(Model):
    """Facts about the company that scale and shape the plan."""

    name: str = Field(min_length=1)
    """Company name as it appears on reports."""
    industry: Industry = "other"
    """manufacturing, construction, services or other."""
    employees: Whole = Field(gt=0)
    """Headcount (the method fits 150–3,000)."""
    hierarchy_levels: Whole = Field(default=3, ge=1, le=20)
    """Levels of management hierarchy."""
    branches: Whole = Field(default=0, ge=0)
    """Branch offices besides the head office."""
    country: str | None = Field(default=None, pattern=r"^[A-Z]{2}$")
    """ISO 3166 alpha-2 code: public holidays and the default weekend."""

    @field_validator("country", mode="before")
    @classmethod
    def _norway(cls, value: Any) -> Any:
        """YAML 1.1 reads a bare ``NO`` (Norway) as false: it can only mean the country here."""
        return "NO" if value is False else value


class PlanSettings(Model):
    """When and how to plan."""

    start: dt.date
    """First possible day of work."""
    weekend: tuple[WeekdayName, ...] | None = None
    """Non-working weekdays (default: the country's, else sat and sun)."""
    holidays: tuple[dt.date, ...] = ()
    """Extra non-working dates (company days off)."""
    exclude: tuple[str, ...] = ()
    """Stage or step ids dropped by choice."""


class Progress(Model):
    """What has happened to a step so far."""

    status: Status = "planned"
    """planned, in_progress or done."""
    start: dt.date | None = None
    """Actual start (required for in_progress and done)."""
    finish: dt.date | None = None
    """Actual finish (required for done)."""
    percent: Annotated[int, Field(ge=0, le=100), BeforeValidator(_not_yes_no)] | None = None
    """Share complete (in_progress)."""


class Report(Model):
    """Branding for the reports a consultant hands over."""

    title: str | None = None
    """Report title (default: the company name)."""
    consultant: str | None = None
    """Who prepared it."""
    accent: str | None = Field(default=None, pattern=r"^#[0-9a-fA-F]{6}$")
    """Accent colour, ``#rrggbb``."""
    logo: str | None = None
    """Logo image file (PNG, JPEG, SVG), relative to the company file; embedded."""


AnswerValue = bool | int | float | dt.date | str | list[str] | None


class CompanyFile(Model):
    """The whole company file."""

    company: Company
    """Company facts."""
    plan: PlanSettings
    """Start date, calendar, exclusions."""
    team: dict[Annotated[str, Field(pattern=NAME_ID)], Capacity] = {}
    """Role id → people of that role (default 1; decimals allowed, e.g. 1.5): on every working day
    the people the running steps need of a role add up to at most this."""
    answers: dict[str, AnswerValue] = {}
    """Question id → answer."""
    progress: dict[str, Progress] = {}
    """Step id → progress."""
    report: Report | None = None
    """Optional report branding."""
