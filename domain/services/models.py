"""Managing KPI models: create, update (= new version), activate, preview, re-score.

A model's versions never change once written. Activating a model puts its latest
version on the scoring timeline of its scope from a date; a later update of the model
that is live in its scope joins the timeline too. Every change to the timeline re-scores
the periods starting on or after the change — from stored metric values, without
re-folding a single ticket.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import date

from domain.derivation.outbox import Redo
from domain.memberships import TeamHistory
from domain.metrics import Level
from domain.model import KpiModel, ModelError, default_model, validate
from domain.periods import Period
from domain.ports import ModelVersion, UnitOfWork
from domain.scoring import Row, ScoreBreakdown, fields_for, score
from domain.scoring_columns import ColumnScorer
from domain.snapshots import ScoredGroup, ScoringRow, Snapshot

# Snapshots scored and handed to storage at a time: a COPY chunk the server parses while
# the next slice is scored.
SLICE = 2_000


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
    if draft.team_id is not None and not uow.directory.team_exists(draft.team_id):
        raise ModelNotFoundError(f"no team {draft.team_id!r}")  # another tenant's, or none
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
    return _rescored(uow, uow.models.add(version, active=on_timeline))


def activate_model(uow: UnitOfWork, *, model_id: str, effective_from: date) -> ModelVersion:
    """Score the model's scope with its latest version from `effective_from` on."""
    latest = _latest(uow, model_id).model
    version = replace(
        latest, version=uow.models.next_version(model_id), effective_from=effective_from
    )
    return _rescored(uow, uow.models.add(version, active=True))


def _rescored(uow: UnitOfWork, version: ModelVersion) -> ModelVersion:
    """A version that scores something: the periods it covers are re-scored."""
    if version.active:
        uow.outbox.request(Redo.RESCORE, since=version.model.effective_from)
    return version


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
    effective; returns how many. Only the numbers the models read leave storage, in
    batches; only scores are written. Gives exactly `rescore_each_from`'s rows (tested)."""
    models = [v.model for v in uow.models.timeline()] + [default_model()]
    rescorer = _Rescorer(uow, models)
    if rescorer.uses_teams:
        rescorer.read_teams(since)
    batches = uow.snapshots.scoring_rows(since=since, fields=rescorer.fields)
    return uow.snapshots.replace_scores(map(rescorer.batch, batches), since=since)


class _Rescorer:
    """Scores batches of ScoringRows column by column: a batch's rows are grouped by the
    scorer of their (period start, level, team) — looked up once and cached — and each
    group is scored by `ColumnScorer` a slice at a time."""

    def __init__(self, uow: UnitOfWork, models: list[KpiModel]) -> None:
        self.uow = uow
        self.fields = fields_for(models)
        # a model that shrinks towards the team's rate reads the teams' snapshots too
        self.uses_teams = any(c.prior_weight for model in models for c in model.components)
        self.history = TeamHistory({})
        self.known: set[str] = set()  # agents whose history is read
        self.teams: dict[tuple[Period, str], Row] = {}  # only read when a model shrinks
        self.scorers: dict[tuple[date, Level, str | None], ColumnScorer] = {}
        self.compiled: dict[tuple[str | None, int, Level], ColumnScorer] = {}

    def read_teams(self, since: date | None) -> None:
        for batch in self.uow.snapshots.scoring_rows(
            since=since, fields=self.fields, level=Level.TEAM
        ):
            self.teams.update(((r.period, r.subject_id), r.numbers) for r in batch)

    def batch(self, rows: Sequence[ScoringRow]) -> Iterator[ScoredGroup]:
        """Reads what the batch needs from storage now; scores its groups lazily, a slice
        at a time while the one before is written (the models' timeline is already read:
        `effective` reads no more)."""
        agents = {r.subject_id for r in rows if r.level is Level.AGENT}
        if missing := agents - self.known:
            self.history.timelines.update(self.uow.directory.team_history(missing).timelines)
            self.known |= missing
        groups: dict[ColumnScorer, list[ScoringRow]] = {}
        peers: dict[ColumnScorer, list[Row | None]] = {}
        team_on, scorer_of, teams = self.history.team_on, self._scorer, self.teams
        for row in rows:
            level, start = row.level, row.period.start
            if level is Level.AGENT:  # the agent's team at the period's start, as when scored
                team = team_on(row.subject_id, start)
            else:
                team = row.subject_id if level is Level.TEAM else None
            scorer = scorer_of(start, level, team)
            found = groups.get(scorer)
            if found is None:
                found = groups[scorer] = []
                peers[scorer] = []
            found.append(row)
            if scorer.uses_team:
                peer = teams.get((row.period, team)) if team and level is Level.AGENT else None
                peers[scorer].append(peer)
        return self._scored(groups, peers)

    @staticmethod
    def _scored(
        groups: dict[ColumnScorer, list[ScoringRow]], peers: dict[ColumnScorer, list[Row | None]]
    ) -> Iterator[ScoredGroup]:
        for scorer, members in groups.items():
            model, team_rows = scorer.model, peers[scorer]
            for at in range(0, len(members), SLICE):
                part = members[at : at + SLICE]
                numbers = [r.numbers for r in part]
                peer = team_rows[at : at + SLICE] if scorer.uses_team else None
                yield ScoredGroup(part, model.id, model.version, scorer(numbers, peer))

    def _scorer(self, start: date, level: Level, team: str | None) -> ColumnScorer:
        """The scorer of the model effective for (start, level, team)."""
        key = (start, level, team)
        found = self.scorers.get(key)
        if found is None:
            model = self.uow.models.effective(start, level, team)
            version = (model.id, model.version, level)  # a stored version never changes
            found = self.compiled.get(version)
            if found is None:
                found = self.compiled[version] = ColumnScorer(model, level, self.fields)
            self.scorers[key] = found
        return found


def rescore_each_from(uow: UnitOfWork, *, since: date | None) -> int:
    """The reference re-score, one `score` per snapshot: `rescore_from` is tested to give
    exactly its rows (and the bench times both)."""
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
