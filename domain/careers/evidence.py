"""Reading the evidence an expectation links to: stored values only, nothing recomputed.

A metric is read from the agent's stored score snapshot of the window (what agentScores
shows for that period); the QA score is the mean of the regular reviews of the agent
given in the window (`domain.quality.qa`, as the qa_score metric counts them); a support
value's rating is the mean over ratings of periods overlapping the window (as
agentProfile lists them); goals completed are counted by the goals engine's read port.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date

from domain.careers.readiness import Found
from domain.careers.tracks import (
    Evidence,
    GoalsCompletedEvidence,
    MetricEvidence,
    QaScoreEvidence,
    SupportValueEvidence,
    window_of,
)
from domain.metrics import Level
from domain.periods import Period, local_midnight
from domain.quality.ports import ReviewQuery, StoredValueRating
from domain.quality.qa import qa_score
from domain.snapshots import Snapshot
from domain.stats import mean
from domain.values import with_counts
from domain.views import TenantReads


@dataclass(frozen=True, slots=True)
class GoalTally:
    completed: int
    total: int  # the agent's goals, completed or not


# An agent id → how many of their goals the goals engine holds as completed.
GoalCounter = Callable[[str], GoalTally]


class EvidenceReader:
    """The evidence of one agent as of one local day; each window (and the goals) is read
    once, however many expectations and tracks ask for it."""

    def __init__(
        self,
        reads: TenantReads,
        *,
        agent_id: str,
        timezone: str,
        as_of: date,
        goals: GoalCounter | None,
    ) -> None:
        self._reads = reads
        self._agent_id = agent_id
        self._timezone = timezone
        self._as_of = as_of
        self._goals = goals
        self._snapshots: dict[Period, Snapshot | None] = {}
        self._qa: dict[Period, Found] = {}
        self._ratings: dict[Period, list[StoredValueRating]] = {}
        self._tally: GoalTally | None = None

    def prefetch(self, evidence: Iterable[Evidence]) -> None:
        """Read the snapshots of every metric's window not read yet, in one go."""
        periods = {
            window_of(e.window, self._as_of) for e in evidence if isinstance(e, MetricEvidence)
        } - self._snapshots.keys()
        if periods:
            found = self._reads.subject_snapshots(Level.AGENT, self._agent_id, periods)
            self._snapshots.update({p: found.get(p) for p in periods})

    def find(self, evidence: Evidence) -> Found:
        if isinstance(evidence, GoalsCompletedEvidence):
            return self._goals_completed()
        window = window_of(evidence.window, self._as_of)
        if isinstance(evidence, MetricEvidence):
            return self._metric(evidence, window)
        if isinstance(evidence, QaScoreEvidence):
            return self._qa_score(window)
        return self._value_rating(evidence, window)

    def _metric(self, evidence: MetricEvidence, window: Period) -> Found:
        self.prefetch([evidence])
        snapshot = self._snapshots[window]
        stored = with_counts(snapshot.metrics if snapshot else {}, level=Level.AGENT)
        value = stored.get((evidence.metric, evidence.basis))
        if value is None:
            return Found(None, 0, window)
        return Found(value.statistic(evidence.statistic), value.sample_size, window)

    def _qa_score(self, window: Period) -> Found:
        if window not in self._qa:
            self._qa[window] = self._read_qa_score(window)
        return self._qa[window]

    def _read_qa_score(self, window: Period) -> Found:
        query = ReviewQuery(
            reviewee_id=self._agent_id,
            since=local_midnight(window.start, self._timezone),
            until=local_midnight(window.end, self._timezone),
            limit=None,
        )
        score = qa_score(stored.review for stored in self._reads.quality.reviews(query))
        return Found(score.value, score.sample_size, window)

    def _value_rating(self, evidence: SupportValueEvidence, window: Period) -> Found:
        if window not in self._ratings:
            self._ratings[window] = self._reads.quality.value_ratings(self._agent_id, window)
        ratings = [
            float(stored.rating.rating)
            for stored in self._ratings[window]
            if stored.rating.value_key == evidence.value_key
        ]
        return Found(mean(ratings), len(ratings), window)

    def _goals_completed(self) -> Found:
        if self._goals is None:
            return Found(None, 0, None)
        if self._tally is None:
            self._tally = self._goals(self._agent_id)
        return Found(float(self._tally.completed), self._tally.total, None)
