"""Calibration sessions: a scorecard version and the tickets every reviewer scores.

Reviewers submit ordinary reviews naming the session; the report is computed from them
on demand (`calibration.calibrate`: Krippendorff's alpha per category, ordinal level by
default, and each reviewer's deviation from the others' mean).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from domain import limits
from domain.limits import check_length
from domain.quality.calibration import CalibrationReport, Level, calibrate
from domain.quality.lookups import latest_scorecard, new_id, resolve_ticket
from domain.quality.ports import (
    CalibrationSession,
    QualityError,
    QualityUnitOfWork,
    StoredReview,
)
from domain.quality.scorecards import Scorecard


def create_session(
    uow: QualityUnitOfWork,
    *,
    name: str,
    scorecard_id: str,
    tickets: Sequence[tuple[str, str | None]],
    now: datetime,
) -> CalibrationSession:
    """`tickets` are (external id, source or None); the scorecard's latest version is pinned."""
    if not name.strip():
        raise QualityError("a calibration session needs a name", "name")
    check_length(name.strip(), limit=limits.NAME, field="name", error=QualityError)
    scorecard = latest_scorecard(uow, scorecard_id, field="scorecardId")
    if not tickets:
        raise QualityError("a calibration session needs at least one ticket", "tickets")
    refs = [
        resolve_ticket(uow, external_id, source, field=f"tickets[{index}]")
        for index, (external_id, source) in enumerate(tickets)
    ]
    session = CalibrationSession(
        id=new_id(),
        name=name.strip(),
        scorecard_id=scorecard.id,
        scorecard_version=scorecard.version,
        tickets=tuple(sorted(set(refs))),
        created_at=now,
    )
    uow.calibrations.add(session)
    return session


def session_report(
    scorecard: Scorecard, reviews: Sequence[StoredReview], *, level: Level = Level.ORDINAL
) -> CalibrationReport:
    return calibrate(scorecard, [stored.review for stored in reviews], level=level)
