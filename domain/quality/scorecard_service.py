"""Scorecards as use cases: create one, or revise it into a new version."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from domain import limits
from domain.limits import check_length
from domain.quality.lookups import latest_scorecard, new_id
from domain.quality.ports import QualityError, QualityUnitOfWork
from domain.quality.scorecards import Category, Scale, ScaleKind, Scorecard, revise


@dataclass(frozen=True, slots=True)
class CategorySpec:
    """A category as an admin describes it, before validation."""

    key: str
    label: str
    weight: float
    scale: ScaleKind
    allow_na: bool = False
    critical: bool = False
    group: str | None = None


def build_categories(specs: Sequence[CategorySpec]) -> tuple[Category, ...]:
    out: list[Category] = []
    for index, spec in enumerate(specs):
        _check_lengths(spec, f"categories[{index}]")
        try:
            out.append(
                Category(
                    key=spec.key.strip(),
                    label=spec.label.strip(),
                    weight=spec.weight,
                    scale=Scale(spec.scale, allow_na=spec.allow_na),
                    critical=spec.critical,
                    group=spec.group,
                )
            )
        except ValueError as exc:
            raise QualityError(str(exc), f"categories[{index}]") from None
    return tuple(out)


def _check_lengths(spec: CategorySpec, where: str) -> None:
    for value, limit, name in (
        (spec.key.strip(), limits.KEY, "key"),
        (spec.label.strip(), limits.NAME, "label"),
        (spec.group, limits.KEY, "group"),
    ):
        check_length(value, limit=limit, field=f"{where}.{name}", error=QualityError)


def _check_name(name: str | None) -> None:
    check_length(name, limit=limits.NAME, field="name", error=QualityError)


def create_scorecard(
    uow: QualityUnitOfWork, *, name: str, categories: Sequence[CategorySpec]
) -> Scorecard:
    _check_name(name.strip())
    built = build_categories(categories)
    try:
        scorecard = Scorecard(id=new_id(), version=1, name=name.strip(), categories=built)
    except ValueError as exc:
        raise QualityError(str(exc), _field_of(exc)) from None
    uow.scorecards.add(scorecard)
    return scorecard


def revise_scorecard(
    uow: QualityUnitOfWork,
    *,
    scorecard_id: str,
    name: str | None,
    categories: Sequence[CategorySpec] | None,
) -> Scorecard:
    """The next version; reviews made on earlier versions keep pointing at theirs."""
    current = latest_scorecard(uow, scorecard_id, field="id")
    _check_name(name.strip() if name else None)
    built = build_categories(categories) if categories is not None else None
    try:
        revised = revise(current, name=name.strip() if name else None, categories=built)
    except ValueError as exc:
        raise QualityError(str(exc), _field_of(exc)) from None
    uow.scorecards.add(revised)
    return revised


def _field_of(exc: ValueError) -> str:
    return "name" if "name" in str(exc) else "categories"
