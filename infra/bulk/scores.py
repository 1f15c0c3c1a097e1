"""Snapshots of every period of a tenant's history, then their scores, in bounded memory.

1. metric values: the tenant's samples are exported once into a columnar engine
   (infra.bulk.columnar: the roll-up's statistics, computed by DuckDB), and for each grain
   the whole-history summaries arrive period by period; each period's subjects are measured by
   `PeriodScorer.measure` (the roll-up's own rule: metric values and guardrail counts) and
   their rows go to score_snapshot by COPY, a few thousand at a time;
2. scores: the re-score's fast path over the rows just written (`rescore_from`: numbers
   streamed in batches, `ColumnScorer`, one COPY of scores per batch) — the same code a
   model change runs, tested equal to `score` per snapshot.

Neither step holds more than a period's summaries or a batch of rows in Python (DuckDB
holds the samples in its own file, within its memory limit).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import date
from typing import TYPE_CHECKING, Any

import orjson
from sqlalchemy import text
from sqlalchemy.orm import Session

from domain.casemix.apply import Strata
from domain.metrics import Level
from domain.periods import GRAINS, Grain, Period
from domain.policy import case_mix_policy
from domain.ports import TenantId, UnitOfWork
from domain.services.models import rescore_from
from domain.services.rescoring import PeriodScorer, Streams
from domain.values import has_data
from infra.bulk.columnar import History, history
from infra.db.copy import copy_in
from infra.db.repositories.rescoring import copy_text, seldom_collected
from infra.db.repositories.snapshots import stored_metrics
from infra.db.types import utcnow

if TYPE_CHECKING:  # the container builds the bulk strategy
    from infra.bootstrap import Container

Progress = Callable[[str, int, int], None]
FLUSH = 5_000  # snapshot rows per COPY
_COLUMNS = (
    "tenant_id",
    "subject_type",
    "subject_id",
    "grain",
    "period_start",
    "metrics",
    "signals",
    "computed_at",
)


def score_history(c: Container, tenant_id: TenantId, *, progress: Progress | None = None) -> int:
    """Write the snapshots (and scores) of every period with samples; returns how many.
    The caller cleared the tenant's snapshots and holds its lock."""
    written = 0
    with c.uow(tenant_id) as uow:
        uow.session.execute(text("SET LOCAL jit = off"))  # compiling costs more than it saves
        case_mix = case_mix_policy(uow.tenant).enabled
        users = uow.figures.active_users_of(None)  # every period: one statement
        # Collected seldom: each period allocates ~10 objects per subject (and with case mix
        # ~2x that: adjustments, strata), nearly all gone before a young collection at 50k;
        # at the default 700 the collector's walks were ~15% of the stage's process CPU
        # with case mix, ~11% without (10k-ticket bench tenant: 4.2 s and 2.1 s).
        with history(uow.session, tenant_id) as samples, seldom_collected():
            for step, grain in enumerate(GRAINS, start=1):
                written += _grain(uow, uow.session, samples, grain, users, case_mix=case_mix)
                if progress:
                    progress("score", step, len(GRAINS) + 1)
        rescore_from(uow, since=None)
        if progress:
            progress("score", len(GRAINS) + 1, len(GRAINS) + 1)
        uow.commit()
    return written


def _grain(
    uow: UnitOfWork,
    session: Session,
    samples: History,
    grain: Grain,
    users: dict[Period, int],
    *,
    case_mix: bool,
) -> int:
    written = 0
    lines: list[str] = []
    moments = _Moments(samples.strata(grain)) if case_mix else None
    for start, by_level in samples.periods(grain):
        cells = moments.of(start) if moments is not None else None
        period = Period(grain, start)
        lines += _lines(uow, period, by_level, cells, users.get(period))
        if len(lines) >= FLUSH:
            written += _copy(session, lines)
            lines = []
    return written + _copy(session, lines)


class _Moments:
    """The case-mix moments' stream (infra.bulk.columnar.History.strata), read along the
    summaries' periods: both come in date order, and a period without adjusted samples has none."""

    def __init__(self, stream: Iterator[tuple[date, dict[Level, Strata]]]) -> None:
        self.stream = stream
        self.ahead = next(stream, None)

    def of(self, start: date) -> dict[Level, Strata]:
        while self.ahead is not None and self.ahead[0] < start:
            self.ahead = next(self.stream, None)
        if self.ahead is None or self.ahead[0] != start:
            return {}
        found, self.ahead = self.ahead[1], next(self.stream, None)
        return found


def _lines(
    uow: UnitOfWork,
    period: Period,
    by_level: dict[Level, Streams],
    strata: dict[Level, Strata] | None,
    active_users: int | None,
) -> Iterator[str]:
    """score_snapshot rows (COPY text) of the period's subjects that have data."""
    scorer = PeriodScorer(uow, period, preloaded=by_level, strata=strata, active_users=active_users)
    tenant = copy_text(uow.tenant.id)
    tail = f"\t{period.grain.value}\t{period.start.isoformat()}\t"
    now = utcnow().isoformat()
    for level in Level:
        wanted = [uow.tenant.id] if level is Level.TENANT else None
        for subject, measured in scorer.measure(level, wanted).items():
            if not has_data(measured.metrics):
                continue
            metrics = _json(stored_metrics(measured.metrics))
            key = f"{tenant}\t{level.value}\t{copy_text(subject)}{tail}"
            yield f"{key}{metrics}\t{_json(measured.signals)}\t{now}\n"


def _json(value: dict[str, Any]) -> str:
    # orjson: the same numbers (shortest round-trip floats) several times faster than json,
    # which counted for ~8% of the stage's Python once case mix added its strata to metrics
    return copy_text(orjson.dumps(value).decode())


def _copy(session: Session, lines: list[str]) -> int:
    if not lines:
        return 0
    with copy_in(session, "score_snapshot", _COLUMNS) as cp:
        cp.write("".join(lines))
    return len(lines)
