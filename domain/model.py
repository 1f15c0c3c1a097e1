"""KPI model definitions (SPEC §5) and their validation."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import date

from domain import limits
from domain import metrics as m
from domain.casemix import ADJUSTED_METRICS
from domain.limits import check_length
from domain.metrics import Basis, Direction, Level, Statistic

DEFAULT_CAP = 1.2
DEFAULT_MIN_SAMPLE = 5
DEFAULT_GATE_CAP = 80.0
EPOCH = date(1970, 1, 1)


class ModelError(ValueError):
    """A model that cannot be saved; `field` points at the offending input."""

    def __init__(self, message: str, field: str) -> None:
        super().__init__(message)
        self.field = field


@dataclass(frozen=True, slots=True)
class Component:
    metric: str
    weight: float
    target: float
    direction: Direction
    statistic: Statistic = Statistic.VALUE
    basis: Basis = Basis.CALENDAR
    cap: float = DEFAULT_CAP
    min_sample: int = DEFAULT_MIN_SAMPLE
    gate_min: float | None = None
    prior_weight: float | None = None  # small-sample shrinkage towards the team rate
    # SPEC §8: score the observed mean against the expected one for the subject's case
    # mix (domain.casemix) instead of `target`.
    adjusted: bool = False

    @property
    def label(self) -> str:
        if self.statistic is Statistic.VALUE:
            return self.metric
        return f"{self.metric}.{self.statistic.value}"


@dataclass(frozen=True, slots=True)
class KpiModel:
    name: str
    components: tuple[Component, ...]
    level: Level = Level.AGENT
    gate_cap: float = DEFAULT_GATE_CAP
    version: int = 1
    effective_from: date = EPOCH
    team_id: str | None = None
    id: str | None = field(default=None, compare=False)


def unadjusted(model: KpiModel) -> KpiModel:
    """The same model with fixed targets everywhere (no case mix): what a preview sets
    beside the model's own scores."""
    return replace(model, components=tuple(replace(c, adjusted=False) for c in model.components))


def validate(model: KpiModel) -> KpiModel:
    """Return the model unchanged or raise `ModelError` naming the bad field."""
    if not model.name.strip():
        raise ModelError("a model needs a name", "name")
    check_length(model.name, limit=limits.NAME, field="name", error=ModelError)
    check_length(model.team_id, limit=limits.ID, field="teamId", error=ModelError)
    if not model.components:
        raise ModelError("a model needs at least one component", "components")
    if not 0 < model.gate_cap <= 100 * DEFAULT_CAP * 10:
        raise ModelError("gate_cap must be positive", "gateCap")
    seen: set[tuple[str, Statistic, Basis]] = set()
    for index, component in enumerate(model.components):
        validate_component(component, model.level, f"components[{index}]")
        # VALUE is the default statistic (a duration's median): the same number twice.
        statistic = component.statistic
        if statistic is Statistic.VALUE:
            statistic = m.get(component.metric).default_statistic
        identity = (component.metric, statistic, component.basis)
        if identity in seen:
            raise ModelError(f"{component.label} appears twice", f"components[{index}]")
        seen.add(identity)
    return model


def validate_component(c: Component, level: Level, where: str) -> None:
    definition = m.BY_KEY.get(c.metric)
    if definition is None:
        raise ModelError(f"unknown metric {c.metric!r}", f"{where}.metric")
    if level not in definition.levels:
        allowed = ", ".join(lv.value for lv in definition.levels)
        raise ModelError(
            f"{c.metric} is not measured at the {level.value} level (only {allowed})",
            f"{where}.metric",
        )
    if c.statistic not in definition.statistics():
        allowed = ", ".join(s.value for s in definition.statistics())
        raise ModelError(
            f"{c.metric} has no statistic {c.statistic.value} ({allowed})", f"{where}.statistic"
        )
    if c.basis is Basis.BUSINESS and not definition.is_duration:
        raise ModelError(f"{c.metric} is not a duration: basis must be CALENDAR", f"{where}.basis")
    _positive(c.weight, f"{where}.weight")
    _positive(c.target, f"{where}.target")
    _positive(c.cap, f"{where}.cap")
    if c.min_sample < 0:
        raise ModelError("min_sample must not be negative", f"{where}.minSample")
    if c.gate_min is not None and c.gate_min < 0:
        raise ModelError("gate_min must not be negative", f"{where}.gateMin")
    if c.prior_weight is not None and (c.prior_weight <= 0 or not definition.is_rate):
        raise ModelError(
            "prior_weight must be positive and on a rate metric", f"{where}.priorWeight"
        )
    _validate_adjusted(c, where)


def _validate_adjusted(c: Component, where: str) -> None:
    if not c.adjusted:
        return
    if c.metric not in ADJUSTED_METRICS:
        allowed = ", ".join(ADJUSTED_METRICS)
        raise ModelError(f"{c.metric} has no case-mix adjustment ({allowed})", f"{where}.adjusted")
    if c.prior_weight is not None:
        raise ModelError(
            "an adjusted component compares with its expected value: no prior_weight",
            f"{where}.priorWeight",
        )


def _positive(value: float, where: str) -> None:
    if not value > 0:
        raise ModelError(f"{where.rsplit('.', 1)[-1]} must be positive, got {value}", where)


def default_model() -> KpiModel:
    """The model every new tenant starts with: balanced speed, quality, satisfaction."""
    higher, lower = Direction.HIGHER_IS_BETTER, Direction.LOWER_IS_BETTER
    median = Statistic.MEDIAN
    return KpiModel(
        name="Balanced support score",
        components=(
            Component("csat", weight=3, target=0.9, direction=higher),
            Component(
                "first_response_time", weight=2, target=3600, direction=lower, statistic=median
            ),
            Component("resolution_time", weight=1, target=86400, direction=lower, statistic=median),
            Component("one_touch_rate", weight=1, target=0.5, direction=higher),
            Component("reopen_rate", weight=1, target=0.1, direction=lower),
        ),
    )
