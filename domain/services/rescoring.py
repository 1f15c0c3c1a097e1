"""Recompute the metric values and scores of the subjects and periods a change touched."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Collection, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime

from domain.casemix.apply import References, Strata, adjustable, references, with_case_mix
from domain.derivation.outbox import REFERENCES, DirtyEntry
from domain.goals.engine import refresh_touched
from domain.guardrails import signal_counts
from domain.memberships import TeamHistory
from domain.metrics import Basis, Level
from domain.periods import Period, periods_of_day
from domain.policy import case_mix_policy, has_business_hours
from domain.ports import Touch, UnitOfWork
from domain.scoring import score
from domain.snapshots import Snapshot
from domain.values import Aggregate, MetricSet, PeriodContext, StreamKey, metric_values


@dataclass(slots=True)
class Subjects:
    """Agents and teams of one period (None = every one with samples), and the tenant;
    `references`: whether the period's case-mix references may have moved."""

    agents: set[str] | None = field(default_factory=set)
    teams: set[str] | None = field(default_factory=set)
    tenant: bool = True
    references: bool = False


def plan(touches: Iterable[Touch]) -> dict[Period, Subjects]:
    """Which subjects need new snapshots in which periods (all four grains)."""
    out: dict[Period, Subjects] = defaultdict(Subjects)
    for touch in touches:
        for period in periods_of_day(touch.local_day):
            subjects = out[period]
            subjects.references = subjects.references or touch.case_mix
            if touch.agent_id and subjects.agents is not None:
                subjects.agents.add(touch.agent_id)
            if touch.team_id and subjects.teams is not None:
                subjects.teams.add(touch.team_id)
    return out


def invalidate(uow: UnitOfWork, touches: Iterable[Touch]) -> int:
    """Record in the outbox every (subject, period) the touches may have moved: the
    agents and teams touched and the tenant, in all four grains. The reconciler rolls
    them up once per burst — a period's aggregate costs more the more the period holds,
    so doing it per event would make each event dearer as history grows."""
    return uow.outbox.reaggregate(
        [
            e
            for period, touched in plan(touches).items()
            for e in _entries(period, touched, uow.tenant.id)
        ]
    )


def _entries(period: Period, subjects: Subjects, tenant_id: str) -> list[DirtyEntry]:
    agents = [DirtyEntry(period, Level.AGENT, a) for a in subjects.agents or ()]
    teams = [DirtyEntry(period, Level.TEAM, t) for t in subjects.teams or ()]
    mark = [DirtyEntry(period, Level.TENANT, REFERENCES)] if subjects.references else []
    return [*agents, *teams, DirtyEntry(period, Level.TENANT, tenant_id), *mark]


def roll_up(uow: UnitOfWork, *, limit: int = 5000, now: datetime | None = None) -> int:
    """Re-score the snapshots waiting in the outbox, and recompute the goals whose
    subject and days they touched (`now` dates their status); returns how many were
    waiting."""
    entries = uow.outbox.take(limit)
    by_period: dict[Period, Subjects] = defaultdict(
        lambda: Subjects(agents=set(), teams=set(), tenant=False)
    )
    for entry in entries:
        subjects = by_period[entry.period]
        if entry.level is Level.AGENT and subjects.agents is not None:
            subjects.agents.add(entry.subject_id)
        elif entry.level is Level.TEAM and subjects.teams is not None:
            subjects.teams.add(entry.subject_id)
        elif entry.level is Level.TENANT:
            subjects.tenant = True
            subjects.references = subjects.references or entry.references
    # The touched agents' team timelines are read once for every period; the snapshots
    # are saved together (each period reads only its own stored ones): a few statements
    # per roll-up instead of a few per period.
    agents = set().union(*(s.agents or () for s in by_period.values()))
    teams = uow.directory.team_history(agents) if agents else None
    users = uow.figures.active_users_of(by_period.keys())
    scorers = {
        period: PeriodScorer(uow, period, teams=teams, active_users=users.get(period))
        for period in sorted(by_period)
    }
    _preload(uow, scorers, by_period)
    uow.snapshots.save(
        [
            snapshot
            for period, scorer in scorers.items()
            for snapshot in scorer.snapshots(by_period[period])
        ]
    )
    touched = [e for e in entries if not e.references]
    refresh_touched(uow, touched, now=now or datetime.now(UTC))
    return len(entries)


Streams = dict[str, dict[StreamKey, Aggregate]]  # subject → stream → summary
# A period's case-mix moments of some subjects, their own references, the tenant's
CaseMixInputs = tuple[Strata, dict[str, References], References]


def _preload(
    uow: UnitOfWork, scorers: Mapping[Period, PeriodScorer], by_period: Mapping[Period, Subjects]
) -> None:
    """Each level's aggregates of every period in one statement (a roll-up's day, week,
    month and quarter: a statement per level instead of one per level and period)."""
    wanted: dict[Level, dict[Period, set[str]]] = {level: {} for level in Level}
    for period, scorer in scorers.items():
        for level, subjects in scorer.wanted(by_period[period]).items():
            wanted[level][period] = subjects
    read = {level: uow.samples.aggregate_periods(level, w) for level, w in wanted.items()}
    for period, scorer in scorers.items():
        scorer.preloaded = {level: read[level].get(period, {}) for level in Level}


class Unread:
    """A figure not read yet (None is a read figure: there is none)."""


UNREAD = Unread()


class PeriodScorer:
    """Aggregates and scores the subjects of one period.

    `preloaded` aggregates (per level) skip the per-period SQL: a full rebuild summarises
    whole history grain by grain and hands each period its share (infra.bulk.scores), and
    `strata` likewise its case-mix moments (per level; the tenant's are the reference)."""

    def __init__(
        self,
        uow: UnitOfWork,
        period: Period,
        *,
        preloaded: Mapping[Level, Streams] | None = None,
        strata: Mapping[Level, Strata] | None = None,
        teams: TeamHistory | None = None,
        active_users: int | Unread | None = UNREAD,
    ) -> None:
        """`teams`: the timelines of every agent it will score, and `active_users`: the
        period's figure, when read already (a roll-up reads them for all its periods)."""
        self.uow = uow
        self.period = period
        self.teams = teams
        self.active_users = active_users
        self.preloaded = preloaded
        self.preloaded_strata = strata
        self.business = has_business_hours(uow.tenant)
        self.case_mix = case_mix_policy(uow.tenant)
        self._tenant_reference: References | None = None
        # what `_read_strata` reads when a subject first needs adjusting (`snapshots`)
        self._strata_of: tuple[Subjects, Mapping[str, str | None]] | None = None

    def wanted(self, subjects: Subjects) -> dict[Level, set[str]]:
        """The subjects `snapshots(subjects)` measures, per level, when `subjects` names its
        agents and teams (a roll-up's): the agents' teams are their peers."""
        if subjects.agents is None or subjects.teams is None:
            raise ValueError("only named subjects are known before they are measured")
        team_of = self._teams_on_start(subjects.agents)
        return {
            Level.AGENT: set(subjects.agents),
            Level.TEAM: subjects.teams | {t for t in team_of.values() if t},
            Level.TENANT: {self.uow.tenant.id} if subjects.tenant else set(),
        }

    def snapshots(self, subjects: Subjects) -> list[Snapshot]:
        # An agent's peers and per-team model are those of its team at the period's start.
        team_of = {} if subjects.agents is None else self._teams_on_start(subjects.agents)
        self._strata_of = (subjects, team_of)  # read when (if) a subject needs them
        agents = self.measure(Level.AGENT, subjects.agents)
        if subjects.agents is None:
            team_of = self._teams_on_start(agents.keys())
        # Shrinkage leans an agent's rate towards their own team's rate: score teams
        # the agents belong to even when only their agents were touched.
        wanted_teams = (
            None if subjects.teams is None else subjects.teams | {t for t in team_of.values() if t}
        )
        teams = self.measure(Level.TEAM, wanted_teams)
        out = [
            self.snapshot(Level.TEAM, team_id, measured, team=team_id)
            for team_id, measured in teams.items()
            if subjects.teams is None or team_id in subjects.teams
        ]
        for agent_id, measured in agents.items():
            team = team_of.get(agent_id)
            peer = teams[team].metrics if team and team in teams else None
            out.append(self.snapshot(Level.AGENT, agent_id, measured, team=team, team_values=peer))
        if subjects.tenant:
            tenant_id = self.uow.tenant.id
            tenant = self.measure(Level.TENANT, [tenant_id])[tenant_id]
            out.append(self.snapshot(Level.TENANT, tenant_id, tenant))
            if self._moved_references(subjects):
                peers = {team_id: measured.metrics for team_id, measured in teams.items()}
                out += self.readjusted(agents.keys(), peers, scored_teams=subjects.teams or ())
        return out

    def _teams_on_start(self, agents: Collection[str]) -> Mapping[str, str | None]:
        if self.teams is None:
            return self.uow.directory.teams_of_agents(agents, on=self.period.start)
        return {agent: self.teams.team_on(agent, self.period.start) for agent in agents}

    def _read_strata(self) -> dict[Level, Strata]:
        """The case-mix moments this roll-up adjusts with, in one statement: every
        subject's when all are measured or re-adjusted (or outside `snapshots`); else only
        the tenant's and the measured agents' and teams' (the agents' teams: their peers,
        and their references with `by_team`)."""
        if self._strata_of is None:
            return self.uow.samples.strata(self.period)
        subjects, team_of = self._strata_of
        agents, teams = subjects.agents, subjects.teams
        if agents is None or teams is None or self._moved_references(subjects):
            return self.uow.samples.strata(self.period)
        teams = teams | {t for t in team_of.values() if t}
        return self.uow.samples.strata_of(self.period, agents, teams)

    def _moved_references(self, subjects: Subjects) -> bool:
        """Whether the other subjects' stored adjustments may no longer hold: case mix
        on, a case-mix sample of the period changed, and not every subject is measured."""
        partial = subjects.agents is not None and subjects.teams is not None
        return self.case_mix.enabled and subjects.references and partial

    def readjusted(
        self,
        agents: Collection[str],
        teams: dict[str, MetricSet],
        *,
        scored_teams: Collection[str],
    ) -> list[Snapshot]:
        """The tenant's samples moved, and with them every subject's case-mix reference
        (SPEC §8): the period's other stored snapshots — their own samples unchanged —
        get their adjustments again and are re-scored where those moved. Only their
        adjusted metrics are read to find which moved; only those are loaded whole.
        `agents` and `teams` were just measured (teams: their metrics, the agents' peers);
        of the teams only `scored_teams` got snapshots — a team measured only as a peer
        keeps its stored one, which needs re-adjusting like any other."""
        out: list[Snapshot] = []
        for level in (Level.TEAM, Level.AGENT):
            done = scored_teams if level is Level.TEAM else agents
            adjusted = {
                subject: metrics
                for subject, metrics in self.uow.snapshots.adjusted(level, self.period).items()
                if subject not in done
            }
            if not adjusted:
                continue
            adjust = self.adjuster(level, adjusted.keys())
            moved = [s for s, metrics in adjusted.items() if adjust(s, metrics) != metrics]
            if not moved:
                continue
            stored = self.uow.snapshots.for_period(level, self.period, moved)
            team_of: Mapping[str, str | None] = {s: s for s in stored}
            if level is Level.AGENT:
                team_of = self.uow.directory.teams_of_agents(stored.keys(), on=self.period.start)
                self._peers(teams, {t for t in team_of.values() if t})
            for subject, snapshot in stored.items():
                metrics = adjust(subject, snapshot.metrics)
                if level is Level.TEAM:
                    teams[subject] = metrics
                team = team_of.get(subject)
                peer = teams.get(team) if level is Level.AGENT and team else None
                measured = Measured(metrics, dict(snapshot.signals))
                out.append(self.snapshot(level, subject, measured, team=team, team_values=peer))
        return out

    def _peers(self, teams: dict[str, MetricSet], wanted: set[str]) -> None:
        """Adds to `teams` the stored metrics of the `wanted` teams it lacks (unmoved)."""
        missing = wanted - teams.keys()
        if missing:
            stored = self.uow.snapshots.for_period(Level.TEAM, self.period, missing)
            teams.update({team: snapshot.metrics for team, snapshot in stored.items()})

    def measure(self, level: Level, subjects: Collection[str] | None) -> dict[str, Measured]:
        """Metric values and guardrail counts per subject (None: every subject with data)."""
        if subjects is not None and not subjects:
            return {}
        query = None if level is Level.TENANT else subjects
        if self.preloaded is not None:
            aggregates = self.preloaded.get(level, {})
        else:
            aggregates = self.uow.samples.aggregate(self.period, level, query)
        wanted = subjects if subjects is not None else aggregates.keys()
        context = PeriodContext()
        if level is Level.TENANT:
            users = self.active_users
            if isinstance(users, Unread):
                users = self.uow.figures.active_users(self.period)
            context = PeriodContext(active_users=users)
        adjust = self.adjuster(level, wanted)
        out: dict[str, Measured] = {}
        for subject in wanted:
            streams = aggregates.get(subject, {})
            values = adjust(
                subject,
                metric_values(
                    streams, level=level, context=context, has_business_hours=self.business
                ),
            )
            counts = {
                key: agg.count for (key, basis), agg in streams.items() if basis is Basis.CALENDAR
            }
            out[subject] = Measured(values, signal_counts(counts))
        return out

    def adjuster(
        self, level: Level, subjects: Collection[str]
    ) -> Callable[[str, MetricSet], MetricSet]:
        """Adds each subject's case-mix adjustments (SPEC §8) to its metric values. The
        tenant is its own reference: nothing to adjust."""
        if level is Level.TENANT or not subjects or not self.case_mix.enabled:
            return lambda _, values: values
        # Read (a roll-up: one statement) only once a subject has an adjusted metric with
        # data: a new ticket's agent, team and period often have none to adjust.
        prepared: CaseMixInputs | None = None

        def adjust(subject: str, values: MetricSet) -> MetricSet:
            nonlocal prepared
            if prepared is None:
                if self.preloaded_strata is None and not adjustable(values):
                    return values
                prepared = self.case_mix_inputs(level, subjects)
            strata, by_subject, tenant = prepared
            refs = by_subject.get(subject, tenant)
            return with_case_mix(values, strata.get(subject, {}), refs)

        return adjust

    def case_mix_inputs(self, level: Level, subjects: Collection[str]) -> CaseMixInputs:
        """What `subjects` are adjusted with: their moments, and their references — by
        subject where it has its own (its team's), else the tenant's."""
        by_team = self._references_by_team(subjects) if level is Level.AGENT else {}
        return self._strata(level, subjects), by_team, self._tenant_references()

    def _strata(self, level: Level, subjects: Collection[str] | None) -> Strata:
        """Per subject (None: every one), stream and stratum: the period's moments."""
        if self.preloaded_strata is None:  # every level's at once
            self.preloaded_strata = self._read_strata()
        preloaded = self.preloaded_strata.get(level, {})
        if subjects is None:
            return preloaded
        return {s: preloaded[s] for s in subjects if s in preloaded}

    def _tenant_references(self) -> References:
        if self._tenant_reference is None:
            tenant_id = self.uow.tenant.id
            cells = self._strata(Level.TENANT, [tenant_id]).get(tenant_id, {})
            self._tenant_reference = references(cells, self.case_mix)
        return self._tenant_reference

    def _references_by_team(self, agents: Collection[str]) -> dict[str, References]:
        """With the team as the reference: each agent against its team at the period's
        start (an agent without a team: the tenant)."""
        if not self.case_mix.by_team:
            return {}
        team_of = self.uow.directory.teams_of_agents(agents, on=self.period.start)
        teams = {t for t in team_of.values() if t}
        strata = self._strata(Level.TEAM, teams) if teams else {}
        refs = {team: references(cells, self.case_mix) for team, cells in strata.items()}
        return {agent: refs[team] for agent, team in team_of.items() if team in refs}

    def snapshot(
        self,
        level: Level,
        subject: str,
        measured: Measured,
        *,
        team: str | None = None,
        team_values: MetricSet | None = None,
    ) -> Snapshot:
        model = self.uow.models.effective(self.period.start, level, team)
        breakdown = score(model, measured.metrics, team_metrics=team_values)
        return Snapshot(
            level,
            subject,
            self.period,
            measured.metrics,
            breakdown,
            model.id,
            signals=measured.signals,
        )


@dataclass(frozen=True, slots=True)
class Measured:
    metrics: MetricSet
    signals: dict[str, int]
