"""Managing KPI models: create, update (= new version), activate, preview, re-score.

A model's versions never change once written. Activating a model puts its latest
version on the scoring timeline of its scope from a date; a later update of the model
that is live in its scope joins the timeline too. Every change to the timeline re-scores
the periods starting on or after the change — from stored metric values, without
re-folding a single ticket.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace
from datetime import date

from domain.metrics import Level
from domain.model import KpiModel, ModelError, default_model, validate
from domain.ports import ModelVersion, Snapshot, UnitOfWork
from domain.scoring import ScoreBreakdown, score


class ModelNotFoundError(LookupError):
    pass


@dataclass(frozen=True, slots=True)
class ModelHistory:
    id: str
    versions: tuple[ModelVersion, ...]
    live: bool  # the model scoring its scope today

    @property
    def latest(self) -> ModelVersion:
        return self.versions[-1]


def list_models(uow: UnitOfWork, *, today: date) -> list[ModelHistory]:
    by_id: dict[str, list[ModelVersion]] = {}
    for version in uow.models.versions():
        by_id.setdefault(version.model.id or "", []).append(version)
    live = {
        _live_id(uow, scope, today) for scope in {v.model.team_id for v in uow.models.timeline()}
    }
    return [
        ModelHistory(model_id, tuple(sorted(vs, key=lambda v: v.model.version)), model_id in live)
        for model_id, vs in by_id.items()
    ]


def create_model(uow: UnitOfWork, draft: KpiModel) -> ModelVersion:
    """A new model (version 1), not yet scoring anything: activate it to use it."""
    validate(draft)
    return uow.models.add(replace(draft, id=None, version=1), active=False)


def update_model(uow: UnitOfWork, *, model_id: str, draft: KpiModel) -> ModelVersion:
    """A new version. If the model is the one on its scope's timeline, the version joins
    it from `draft.effective_from`; otherwise it stays a draft until activated."""
    current = _latest(uow, model_id)
    validate(draft)
    if draft.team_id != current.model.team_id:
        raise ModelError("a model cannot move to another team; create a new one", "teamId")
    on_timeline = _latest_on_timeline(uow, current.model.team_id) == model_id
    version = replace(draft, id=model_id, version=uow.models.next_version(model_id))
    return uow.models.add(version, active=on_timeline)


def activate_model(uow: UnitOfWork, *, model_id: str, effective_from: date) -> ModelVersion:
    """Score the model's scope with its latest version from `effective_from` on."""
    latest = _latest(uow, model_id).model
    version = replace(
        latest, version=uow.models.next_version(model_id), effective_from=effective_from
    )
    return uow.models.add(version, active=True)


def _latest(uow: UnitOfWork, model_id: str) -> ModelVersion:
    versions = uow.models.versions(model_id)
    if not versions:
        raise ModelNotFoundError(f"no KPI model {model_id!r}")
    return max(versions, key=lambda v: v.model.version)


def _latest_on_timeline(uow: UnitOfWork, team_id: str | None) -> str | None:
    scoped = [v for v in uow.models.timeline() if v.model.team_id == team_id]
    return scoped[-1].model.id if scoped else None


def _live_id(uow: UnitOfWork, team_id: str | None, today: date) -> str | None:
    found = uow.models.effective_in_scope(today, team_id)
    return found.model.id if found else None


def preview(
    draft: KpiModel,
    agents: Mapping[str, Snapshot],
    *,
    team_of: Mapping[str, str | None],
    teams: Mapping[str, Snapshot],
) -> dict[str, ScoreBreakdown]:
    """Score stored agent metrics under a draft model, saving nothing."""
    validate(draft)
    out: dict[str, ScoreBreakdown] = {}
    for agent_id, snapshot in agents.items():
        team = team_of.get(agent_id)
        team_values = teams[team].metrics if team and team in teams else None
        out[agent_id] = score(draft, snapshot.metrics, team_metrics=team_values)
    return out


def rescore_from(uow: UnitOfWork, *, since: date | None) -> int:
    """Re-score stored snapshots of periods starting on/after `since` with the models now
    effective. Only the metrics the models use are read back; only scores are written."""
    models = [v.model for v in uow.models.timeline()] + [default_model()]
    keys = {(c.metric, c.basis) for model in models for c in model.components}
    inputs = uow.snapshots.scoring_inputs(since=since, metrics=keys)
    teams = {(s.period, s.subject_id): s.metrics for s in inputs if s.level is Level.TEAM}
    history = uow.directory.team_history({s.subject_id for s in inputs if s.level is Level.AGENT})
    rescored = []
    for s in inputs:  # an agent's team at the period's start, as when it was scored
        agent_team = history.team_on(s.subject_id, s.period.start)
        team = s.subject_id if s.level is Level.TEAM else agent_team
        peer = teams.get((s.period, team)) if team and s.level is Level.AGENT else None
        model = uow.models.effective(s.period.start, s.level, team)
        rescored.append(
            replace(s, breakdown=score(model, s.metrics, team_metrics=peer), model_id=model.id)
        )
    uow.snapshots.update_scores(rescored, since=since)
    return len(rescored)
