"""Input models: the stage library and the company file.

Every model is frozen and forbids unknown keys; cross-references (ids, roles, conditions) are
checked by :mod:`roadmap.library` and :mod:`roadmap.company`, which know the whole picture.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable
from decimal import Decimal
from typing import Annotated, Any, Literal

from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    ValidationInfo,
    WithJsonSchema,
    field_validator,
    model_validator,
)

from roadmap.demand import Capacity, RoleDemands

LANGS = ("en", "fr")
Lang = Literal["en", "fr"]

STAGE_ID = r"^[a-z][a-z0-9-]*$"
STEP_ID = r"^[a-z][a-z0-9-]*\.[a-z0-9]+(-[a-z0-9]+)*$"
NAME_ID = r"^[a-z][a-z0-9_]*$"
WEEKDAYS: tuple[str, ...] = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
"""Weekday names of ``plan.weekend`` and the plan's calendar, Monday first."""
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

MAX_DAYS = 2_000
"""Longest duration, lag or added days, in working days (about eight years): issue 10."""

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
    add_days: Whole = Field(gt=0, le=MAX_DAYS)
    """Working days added per increment."""
    above: Whole = Field(default=0, ge=0)
    """Only the part of the value above this counts."""
    max_days: Annotated[int, Field(gt=0, le=MAX_DAYS), BeforeValidator(_not_yes_no)] | None = None
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
    lag_days: Whole = Field(default=0, ge=0, le=MAX_DAYS)
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
    days: Whole = Field(gt=0, le=MAX_DAYS)
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
        set_keys = [k for k in ("include", "exclude", "add_days", "risk", "widen") if getattr(self, k) is not None]
        if len(set_keys) != 1:
            raise ValueError("an effect has exactly one of include, exclude, add_days, risk, widen")
        return self

    # --- issue 16: forecast ---
    widen: Widen | None = None
    """Widens a step's range for the forecast (``--simulate``)."""
    probability: Real | None = Field(default=None, gt=0, le=1)
    """A quantified risk: the chance it happens (0 < p <= 1)."""
    impact_days: tuple[Whole, Whole] | None = None
    """A quantified risk: working days it adds when it happens, ``[min, max]`` (drawn uniformly)."""
    steps: tuple[str, ...] | None = None
    """A quantified risk: the steps it delays (each by the drawn days)."""

    @model_validator(mode="before")
    @classmethod
    def _risk_numbers_inside(cls, value: Any) -> Any:
        """``risk: {en: ..., probability: ..., impact_days: ..., steps: ...}`` reads as the sibling keys."""
        if isinstance(value, dict) and isinstance(value.get("risk"), dict):
            inner = value["risk"]
            lifted = {k: inner[k] for k in ("probability", "impact_days", "steps") if k in inner}
            if lifted and not any(k in value for k in lifted):
                return {**value, "risk": {k: v for k, v in inner.items() if k not in lifted}, **lifted}
        return value

    @model_validator(mode="after")
    def _quantified_risk(self) -> Effect:
        given = [k for k in ("probability", "impact_days") if getattr(self, k) is not None]
        if self.steps:
            given.append("steps")
        if not given:
            return self
        if self.risk is None:
            raise ValueError("probability, impact_days and steps belong to a risk effect")
        if len(given) != 3:
            raise ValueError("a quantified risk gives probability, impact_days and steps together")
        low, high = self.impact_days or (0, 0)
        if low < 0 or high < low or high < 1:
            raise ValueError("impact_days is [min, max] with 0 <= min <= max and max >= 1")
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
    duration_days: Whole = Field(ge=1, le=MAX_DAYS)
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
    estimate: Estimate | None = None
    """Three-point estimate for the forecast; ``likely`` is ``duration_days`` (issue 16)."""
    per_site: bool = False
    """Planned once per site of the company file's ``sites`` (issue 17), as ``STEP@SITE``, scaled
    by the site's headcount; without ``sites``, planned once as any step."""
    go_live: bool = False
    """A per-site step whose finish is the day its site goes live (issue 17)."""

    @model_validator(mode="after")
    def _estimate_brackets_duration(self) -> Step:
        est = self.estimate
        if est is None:
            return self
        if est.likely is not None and est.likely != self.duration_days:
            raise ValueError(f"estimate.likely is the step's duration_days ({self.duration_days}): leave it out")
        if not est.low <= self.duration_days <= est.high:
            raise ValueError(f"estimate: expected low <= duration_days ({self.duration_days}) <= high")
        return self

    @model_validator(mode="after")
    def _go_live_is_per_site(self) -> Step:
        if self.go_live and not self.per_site:
            raise ValueError("go_live marks a per-site step: add per_site: true")
        return self

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
    ranges: Ranges | None = None
    """Default duration ranges of its steps for the forecast (issue 16)."""
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

    name: str = Field(min_length=1, max_length=1_000)
    """Company name as it appears on reports."""
    industry: Industry = "other"
    """manufacturing, construction, services or other."""
    employees: Whole = Field(gt=0, le=10_000_000)
    """Headcount (the method fits 150–3,000)."""
    hierarchy_levels: Whole = Field(default=3, ge=1, le=20)
    """Levels of management hierarchy."""
    branches: Whole = Field(default=0, ge=0, le=100_000)
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
    not_before: dict[str, dt.date] = {}
    """Step id → the earliest day it may start (a licence delivery, a freeze)."""
    deadlines: dict[str, dt.date] = {}
    """Step or milestone id → the day it must be finished by (reported, never forced)."""
    waves: Waves | None = None
    """Rollout waves of the ``sites`` (issue 17): a pilot, then waves of ``size`` sites."""


class Blackout(Model):
    """Days when nothing of a site is scheduled (a quarter close, a peak season)."""

    model_config = ConfigDict(populate_by_name=False)

    from_: dt.date = Field(alias="from")
    """First day of the window."""
    to: dt.date
    """Last day of the window (included)."""


class Site(Model):
    """One site of the company (issue 17): the per-site steps are planned once for each."""

    name: str = Field(min_length=1, max_length=200, pattern=r"^[^@\s](?:[^@]*[^@\s])?$")
    """Unique name; per-site step ids are ``STEP@NAME`` (no ``@``, no spaces at either end)."""
    employees: Whole = Field(gt=0, le=10_000_000)
    """Headcount of the site: it scales the site's steps."""
    country: str | None = Field(default=None, pattern=r"^[A-Z]{2}$")
    """ISO 3166 alpha-2 code of the site's holidays and weekend (default: the company's)."""
    wave: Annotated[int, Field(ge=1, le=1_000), BeforeValidator(_not_yes_no)] | None = None
    """The site's wave (1 first); give it for every site, or use ``plan.waves`` instead."""
    ready: dt.date | None = None
    """Nothing of the site starts before this day (its network, its premises)."""
    blackout: tuple[Blackout, ...] = ()
    """Windows when nothing of the site is scheduled."""
    head_office: bool = False
    """The head office (at most one site): the pilot when ``plan.waves`` names none."""

    @field_validator("country", mode="before")
    @classmethod
    def _norway(cls, value: Any) -> Any:
        """YAML 1.1 reads a bare ``NO`` (Norway) as false: it can only mean the country here."""
        return "NO" if value is False else value


class Waves(Model):
    """How the sites are grouped into waves (issue 17): a pilot alone, then waves of ``size``."""

    pilot: str | None = None
    """The site of wave 1, alone (default: the head office, else the first site listed)."""
    size: Annotated[int, Field(ge=1, le=100_000), BeforeValidator(_not_yes_no)]
    """Sites per wave after the pilot, in the order ``sites`` lists them."""
    lessons_days: Annotated[int, Field(ge=0, le=MAX_DAYS), BeforeValidator(_not_yes_no)] = 0
    """Working days of a lessons-learned step before each gate (0: none)."""


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
    deliverables_done: tuple[str | int, ...] = ()
    """Deliverables of the step already delivered: their text (any language) or number (1 = first)."""


class Adjust(Model):
    """A PM's change to one step's duration, without forking the library."""

    duration_days: Annotated[int, Field(ge=1), BeforeValidator(_not_yes_no)] | None = None
    """Working days the step takes, instead of what the library and the answers give."""
    add_days: Whole | None = None
    """Working days added (negative: removed; the step never goes below 1 day)."""
    note: str | None = None
    """Why, as the step's reasons show it."""

    @model_validator(mode="after")
    def _one_change(self) -> Adjust:
        if (self.duration_days is None) == (self.add_days is None):
            raise ValueError("an adjustment has exactly one of duration_days, add_days")
        return self


class Report(Model):
    """Branding for the reports a consultant hands over."""

    title: str | None = Field(default=None, max_length=1_000)
    """Report title (default: the company name)."""
    consultant: str | None = Field(default=None, max_length=1_000)
    """Who prepared it."""
    accent: str | None = Field(default=None, pattern=r"^#[0-9a-fA-F]{6}$")
    """Accent colour, ``#rrggbb``."""
    logo: str | None = Field(default=None, max_length=500)
    """Logo image file (PNG, JPEG, SVG), relative to the company file; embedded."""


AnswerValue = bool | int | float | dt.date | str | list[str] | None


# --- issue 12: rates and costs ---


def _money(value: Any) -> Any:
    """An amount as written: a number or a numeric string, read exactly (``0.1`` is ``Decimal('0.1')``)."""
    if isinstance(value, bool):
        raise ValueError("expected an amount, not yes/no")
    if isinstance(value, float):
        return Decimal(repr(value))
    return value


_MONEY_SCHEMA = {
    "anyOf": [
        {"type": "number", "minimum": 0},
        {"type": "string", "pattern": r"^[0-9]+(\.[0-9]{1,2})?$"},
    ]
}
Money = Annotated[
    Decimal,
    BeforeValidator(_money),
    Field(ge=0, decimal_places=2, allow_inf_nan=False),
    WithJsonSchema(_MONEY_SCHEMA),
]
"""An amount of money: 0 or more, at most two decimals (cents)."""


class Rates(Model):
    """What a day (or an hour) of each role costs."""

    currency: str = Field(pattern=r"^[A-Z]{3}$")
    """ISO 4217 code, e.g. EUR, USD, GBP."""
    roles: dict[Annotated[str, Field(pattern=NAME_ID)], Money] = {}
    """Role id → price of one person for one ``unit``; a role left out is *unpriced*, not free."""
    unit: Literal["day", "hour"] = "day"
    """The rates are per person-day, or per person-hour."""
    hours_per_day: Annotated[
        Decimal,
        BeforeValidator(_money),
        Field(gt=0, le=24, decimal_places=2, json_schema_extra={"default": 8}),
        WithJsonSchema({"type": "number", "exclusiveMinimum": 0, "maximum": 24}),
    ] = Decimal(8)
    """Hours in a working day (``unit: hour``)."""


class CostItem(Model):
    """A cost besides people's time: once (``at``) or recurring (``every`` from a milestone)."""

    model_config = ConfigDict(populate_by_name=False)

    name: str = Field(min_length=1)
    """What it is (a licence, hardware, a training course)."""
    amount: Money
    """Its price (each time, for a recurring cost)."""
    at: str | None = Field(default=None, pattern=STEP_ID)
    """A one-off cost: paid when this step starts (or on this milestone's day)."""
    every: Literal["month", "year"] | None = None
    """A recurring cost: paid every month or year..."""
    from_: str | None = Field(default=None, alias="from", pattern=STEP_ID)
    """...from this milestone's day (or this step's start), the first payment on that day..."""
    until: Literal["finish"] | dt.date = "finish"
    """...while the date is on or before this one (``finish``: the plan's finish)."""

    @model_validator(mode="after")
    def _once_or_recurring(self) -> CostItem:
        if self.at is not None:
            if self.every is not None or self.from_ is not None or "until" in self.model_fields_set:
                raise ValueError("a cost is either once (at) or recurring (every, from, until), not both")
        elif self.every is None or self.from_ is None:
            raise ValueError("give 'at: STEP_OR_MILESTONE' (once) or 'every: month|year' with 'from: MILESTONE'")
        return self


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
    adjust: dict[str, Adjust] = {}
    """Step id → a duration set or days added by the PM, with a note."""
    rates: Rates | None = None
    """Prices of the roles' time (issue 12): the plan then has a ``cost``."""
    costs: tuple[CostItem, ...] = ()
    """Costs besides people's time: one-off (``at``) or recurring (``every``)."""
    sites: tuple[Site, ...] = ()
    """The company's sites, head office included (issue 17; when no site is ``head_office`` and the
    sites hold fewer people than the company, a ``Head office`` site with the rest is implied):
    per-site steps are planned once per site, in waves; without sites, every step is planned once."""


# ---------------------------------------------------------------- issue 16: forecast ranges


def _real_not_yes_no(value: Any) -> Any:
    """Refuse true/false where a number is expected (pydantic would read them as 1.0 and 0.0)."""
    if isinstance(value, bool):
        raise ValueError("expected a number, not yes/no")
    return value


Real = Annotated[float, BeforeValidator(_real_not_yes_no)]
"""A number; YAML's true/false are refused."""


class Widen(Model):
    """An answer that makes a step's duration less certain (issue 16: forecast)."""

    step: str = Field(pattern=STEP_ID)
    """The step whose range widens."""
    high: Real = Field(gt=0, le=10)
    """Added to the high end, as a share of the step's planned duration (0.3: +30 %)."""


class Estimate(Model):
    """A three-point estimate of a step, in working days (issue 16: forecast)."""

    low: Real = Field(gt=0)
    """Optimistic duration."""
    likely: Real | None = None
    """Most likely duration: the step's ``duration_days`` (may be left out)."""
    high: Real = Field(gt=0)
    """Pessimistic duration."""


class RangeFactors(Model):
    """A default range as factors of a step's base duration (issue 16: forecast)."""

    low: Real = Field(gt=0, le=1)
    """Optimistic duration = low × duration_days."""
    high: Real = Field(ge=1, le=10)
    """Pessimistic duration = high × duration_days."""


class Ranges(Model):
    """A stage's default duration ranges for the forecast (issue 16)."""

    default: RangeFactors | None = None
    """Range of every step of the stage without an ``estimate`` or an entry in ``steps``."""
    steps: dict[str, RangeFactors] = {}
    """Step id (of this stage) → its range factors."""


for _model in (Effect, Option, Question, Step, Stage, Library):  # they name the forecast models above
    _model.model_rebuild()
