"""The §7 repositories the right to erasure goes through (domain/erasure.py), and the
tables that name an agent but are kept on purpose.

A new table that names an agent must land in one of the two: a §7 repository's `ERASES`
(and its `erase_agent`), or `KEPT_AGENT_TABLES` with the reason it is not HR data
(tests/unit/test_people_data_coverage.py fails otherwise)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import ClassVar, Protocol

from sqlalchemy.orm import Session

from domain.erasure import AgentPeopleData
from domain.ports import TenantId
from infra.db.repositories.careers import SqlCareers
from infra.db.repositories.goals import SqlGoals
from infra.db.repositories.one_on_ones import SqlOneOnOnes
from infra.db.repositories.performance_reviews import SqlPerformanceReviews


class PeopleDataStore(AgentPeopleData, Protocol):
    ERASES: ClassVar[tuple[str, ...]]  # the tables its erase_agent deletes from or edits

    def __init__(self, session: Session, tenant_id: TenantId) -> None: ...


PEOPLE_DATA_STORES: tuple[type[PeopleDataStore], ...] = (
    SqlCareers,
    SqlOneOnOnes,
    SqlGoals,
    SqlPerformanceReviews,
)

_DIRECTORY = "the directory: who the agent is (the agent stays; only their §7 data goes)"
_KPI = "KPI data (not §7): events, metrics and scores stay, the team's numbers use them"
_QA = "QA evidence behind the scores (not §7)"
_ENGAGEMENT = "engagement surveys (not §7)"
KEPT_AGENT_TABLES: Mapping[str, str] = {
    "agent_identity": _DIRECTORY,
    "agent_team": _DIRECTORY,
    "agent_merge": _DIRECTORY,
    "ticket": _KPI,
    "metric_sample": _KPI,
    "score_snapshot": _KPI,
    "snapshot_score": _KPI,
    "dirty_period": _KPI,
    "review": _QA,
    "review_assignment": _QA,
    "value_rating": _QA,
    "sampling_rule": _QA,
    "enps_answer": _ENGAGEMENT,
    "pulse_answer": _ENGAGEMENT,
}


def people_data_stores(session: Session, tenant_id: TenantId) -> tuple[AgentPeopleData, ...]:
    return tuple(store(session, tenant_id) for store in PEOPLE_DATA_STORES)
