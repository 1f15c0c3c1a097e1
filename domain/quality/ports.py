"""What the quality services need from storage (Protocols), and the records they keep.

A ticket is named by its source and external id (`TicketRef`); the pure quality
modules take plain string ids, so a ticket's `key` ("source/external id") stands in
for it there. Sources are fixed names without "/", so the key splits back uniquely.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Protocol

from domain.periods import Period
from domain.ports import UnitOfWork
from domain.quality.assignments import Assignment
from domain.quality.engagement import EnpsAnswer, PulseAnswer, PulseQuestion
from domain.quality.reviews import Review
from domain.quality.sampling import Csat, SamplingRule
from domain.quality.scorecards import Scorecard
from domain.quality.support_values import SupportValue, ValueRating


class QualityError(ValueError):
    """An expected failure the caller can fix; `field` names the input at fault."""

    def __init__(self, message: str, field: str | None = None) -> None:
        super().__init__(message)
        self.field = field


class NotFoundError(QualityError):
    """A named thing (scorecard, review, agent, ticket, …) does not exist in the tenant."""


@dataclass(frozen=True, slots=True, order=True)
class TicketRef:
    source: str
    external_id: str

    @property
    def key(self) -> str:
        return f"{self.source}/{self.external_id}"

    @staticmethod
    def of_key(key: str) -> TicketRef:
        source, _, external_id = key.partition("/")
        return TicketRef(source, external_id)


@dataclass(frozen=True, slots=True)
class StoredReview:
    id: str
    ticket: TicketRef
    review: Review  # ticket_id is `ticket.key`
    reviewed_at: datetime
    calibration_session_id: str | None = None


@dataclass(frozen=True, slots=True)
class RuleSettings:
    """A tenant's sampling rule and who reviews."""

    rule: SamplingRule
    reviewers: tuple[str, ...]
    active: bool = True


@dataclass(frozen=True, slots=True)
class StoredAssignment:
    id: str
    assignment: Assignment  # ticket_id is the ticket's key
    review_id: str | None = None

    @property
    def ticket(self) -> TicketRef:
        return TicketRef.of_key(self.assignment.ticket_id)


@dataclass(frozen=True, slots=True)
class CandidateTicket:
    """A ticket first solved in the week being drawn, before its reviewee is known."""

    ticket: TicketRef
    channel: str
    csat: Csat | None = None


@dataclass(frozen=True, slots=True)
class CalibrationSession:
    id: str
    name: str
    scorecard_id: str
    scorecard_version: int
    tickets: tuple[TicketRef, ...]
    created_at: datetime


@dataclass(frozen=True, slots=True)
class StoredValueRating:
    rating: ValueRating
    rated_at: datetime


@dataclass(frozen=True, slots=True)
class Survey:
    """A pulse survey: up to 10 questions, and/or the eNPS question."""

    id: str
    title: str
    questions: tuple[PulseQuestion, ...]
    enps: bool
    min_group_size: int
    created_at: datetime


@dataclass(frozen=True, slots=True)
class SurveyResponse:
    respondent_id: str
    team_id: str | None
    answers: tuple[PulseAnswer, ...] = ()
    enps: EnpsAnswer | None = None


class Scorecards(Protocol):
    def add(self, scorecard: Scorecard) -> None: ...

    def latest(self, scorecard_id: str) -> Scorecard | None: ...

    def version(self, scorecard_id: str, version: int) -> Scorecard | None: ...


class Reviews(Protocol):
    def add(self, review: StoredReview) -> None: ...

    def get(self, review_id: str) -> StoredReview | None: ...

    def delete(self, review_id: str) -> None: ...

    def tickets(self, external_id: str, source: str | None) -> list[TicketRef]:
        """The tenant's tickets with this external id (in any source unless given)."""
        ...

    def given(
        self,
        *,
        ticket: TicketRef,
        reviewer_id: str,
        session_id: str | None,
        reviewee_id: str | None = None,
    ) -> bool:
        """Whether the reviewer already reviewed the ticket (in that session, or regularly;
        of that reviewee, when one is named)."""
        ...

    def ticket_team(self, ticket: TicketRef) -> str | None:
        """The ticket's team now (its latest assignment's), if any."""
        ...

    def reviewed_among(self, tickets: Collection[TicketRef]) -> set[TicketRef]:
        """Those of `tickets` that have a regular review."""
        ...


class ReviewAssignments(Protocol):
    def rule(self) -> RuleSettings | None: ...

    def save_rule(self, settings: RuleSettings) -> None: ...

    def candidate_tickets(self, *, start: datetime, end: datetime) -> list[CandidateTicket]:
        """Tickets first solved in [start, end) with a public agent reply."""
        ...

    def active_agents(self, agent_ids: Collection[str]) -> set[str]:
        """Those of `agent_ids` that are active (not merged away or switched off)."""
        ...

    def assigned_among(self, tickets: Collection[TicketRef]) -> set[TicketRef]:
        """Those of `tickets` that were ever assigned for review."""
        ...

    def of_week(self, week_start: date) -> list[StoredAssignment]: ...

    def add(self, assignments: Sequence[StoredAssignment]) -> None: ...

    def get(self, assignment_id: str) -> StoredAssignment | None: ...

    def save(self, assignment: StoredAssignment) -> None:
        """Store a changed status, skip reason and review."""
        ...

    def open_for(self, *, ticket: TicketRef, reviewer_id: str) -> list[StoredAssignment]:
        """Not-done assignments of the ticket to the reviewer."""
        ...

    def of_review(self, review_id: str) -> list[StoredAssignment]: ...


class Calibrations(Protocol):
    def add(self, session: CalibrationSession) -> None: ...

    def get(self, session_id: str) -> CalibrationSession | None: ...


class SupportValues(Protocol):
    def all(self, *, active_only: bool = True) -> list[SupportValue]: ...

    def replace(self, values: Sequence[SupportValue]) -> None:
        """Make `values` the active set, in order; others are kept, inactive."""
        ...

    def rate(self, rating: ValueRating, *, at: datetime) -> None:
        """Store a rating; the same rater rating the same thing again replaces it."""
        ...

    def ratings_of(
        self, agent_ids: Collection[str], period: Period
    ) -> dict[str, list[StoredValueRating]]:
        """Each agent's ratings for periods that overlap `period` (agents without any are
        absent)."""
        ...


class Surveys(Protocol):
    def add(self, survey: Survey) -> None: ...

    def get(self, survey_id: str) -> Survey | None: ...

    def responded(self, survey_id: str, respondent_id: str) -> bool: ...

    def add_response(self, survey_id: str, response: SurveyResponse) -> None: ...

    def pulse_answers(self, survey_id: str) -> list[PulseAnswer]: ...

    def enps_answers(self, survey_id: str) -> list[EnpsAnswer]: ...


class QualityUnitOfWork(UnitOfWork, Protocol):
    """The unit of work with the quality repositories."""

    @property
    def scorecards(self) -> Scorecards: ...

    @property
    def reviews(self) -> Reviews: ...

    @property
    def review_assignments(self) -> ReviewAssignments: ...

    @property
    def calibrations(self) -> Calibrations: ...

    @property
    def support_values(self) -> SupportValues: ...

    @property
    def surveys(self) -> Surveys: ...


@dataclass(frozen=True, slots=True)
class ScorecardSummary:
    """A scorecard's latest version and how many versions it has."""

    scorecard: Scorecard
    versions: int
    created_at: datetime | None = None


@dataclass(frozen=True, slots=True)
class ReviewQuery:
    """Filters for listing reviews (all optional)."""

    reviewee_id: str | None = None
    reviewer_id: str | None = None
    ticket_external_id: str | None = None
    ticket_source: str | None = None
    since: datetime | None = None
    until: datetime | None = None
    include_calibration: bool = False
    limit: int | None = 50
    after: tuple[datetime, str] | None = None  # the (created_at, id) of the last review seen


class QualityReads(Protocol):
    """The quality read model of one tenant, for the API."""

    def timezone(self) -> str:
        """The tenant's IANA timezone (periods are tenant-local)."""
        ...

    def scorecards(self) -> list[ScorecardSummary]: ...

    def scorecard_versions(
        self, keys: Collection[tuple[str, int]]
    ) -> dict[tuple[str, int], Scorecard]: ...

    def latest_scorecard(self, scorecard_id: str) -> Scorecard | None: ...

    def reviews(self, query: ReviewQuery) -> list[StoredReview]: ...

    def review_count(self, query: ReviewQuery) -> int:
        """How many reviews `query` matches, on every page."""
        ...

    def review(self, review_id: str) -> StoredReview | None: ...

    def rule(self) -> RuleSettings | None: ...

    def assignments(
        self, week_start: date, *, reviewer_id: str | None = None, status: str | None = None
    ) -> list[StoredAssignment]: ...

    def calibration_session(self, session_id: str) -> CalibrationSession | None: ...

    def calibration_sessions(self) -> list[CalibrationSession]: ...

    def session_reviews(self, session_ids: Collection[str]) -> dict[str, list[StoredReview]]:
        """The reviews of each session, oldest first (sessions without any are absent)."""
        ...

    def support_values(self, *, active_only: bool = True) -> list[SupportValue]: ...

    def value_ratings(self, agent_id: str, period: Period) -> list[StoredValueRating]:
        """The agent's ratings of periods overlapping `period`, by rated period, value and
        rater."""
        ...

    def value_ratings_of(
        self, agent_ids: Collection[str], period: Period
    ) -> dict[str, list[StoredValueRating]]:
        """`value_ratings` of several agents in one read (agents without any are absent)."""
        ...

    def surveys(self) -> list[Survey]: ...

    def survey(self, survey_id: str) -> Survey | None: ...

    def survey_answers(self, survey_id: str) -> tuple[list[PulseAnswer], list[EnpsAnswer]]: ...
