"""Snapshots of every period of a tenant's history, then their scores, in bounded memory.

1. metric values: the tenant's samples are exported once into a columnar engine
   (infra.bulk.columnar: the roll-up's statistics, computed by DuckDB), and for each grain
   the whole-history summaries arrive a batch of subject-periods at a time, by column;
   each metric's rule runs over its column (`metric_columns`: the numbers `metric_values`
   gives, the roll-up's own rule), case mix adjusts each adjusted stream's column of a
   period's subjects (`adjusted_column`, the rule `with_case_mix` applies per subject),
   and the rows go to score_snapshot by COPY;
2. scores: the re-score's fast path over the rows just written (`rescore_from`: numbers
   streamed in batches, `ColumnScorer`, one COPY of scores per batch) — the same code a
   model change runs, tested equal to `score` per snapshot.

Neither step holds more than a batch of summaries or rows in Python (DuckDB holds the
samples in its own file, within its memory limit).
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Iterator
from datetime import date
from typing import TYPE_CHECKING, Any

import orjson
from sqlalchemy import text
from sqlalchemy.orm import Session

from domain.casemix import comparison_of
from domain.casemix.apply import Strata, adjusted_column
from domain.metrics import Level
from domain.periods import GRAINS, Grain, Period
from domain.policy import case_mix_policy, has_business_hours
from domain.ports import TenantId, UnitOfWork
from domain.services.models import rescore_from
from domain.services.rescoring import PeriodScorer
from domain.values import Numbers, StreamKey
from domain.values_columns import metric_columns, signal_columns
from infra.bulk.columnar import History, history
from infra.bulk.pivot import SummaryBatch
from infra.db.codec import metric_key, numbers_to_json
from infra.db.copy import copy_in
from infra.db.repositories.rescoring import copy_text, seldom_collected
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
    """Replace the tenant's snapshots (and scores) by those of every period with samples,
    in one transaction: readers see the old ones until it commits. Returns how many. The
    caller holds the tenant's claim."""
    written = 0
    with c.uow(tenant_id) as uow:
        uow.session.execute(text("SET LOCAL jit = off"))  # compiling costs more than it saves
        uow.snapshots.delete_since(None)
        users = uow.figures.active_users_of(None)  # every period: one statement
        # Collected seldom: a batch allocates a few objects per subject-period and stream,
        # nearly all gone before a young collection at 50k (at the default 700 the
        # collector's walks were 11-15% of the stage's process CPU).
        with history(uow.session, tenant_id) as samples, seldom_collected():
            for step, grain in enumerate(GRAINS, start=1):
                written += _Grain(uow, uow.session, grain, users).write(samples)
                if progress:
                    progress("score", step, len(GRAINS) + 1)
        rescore_from(uow, since=None)
        if progress:
            progress("score", len(GRAINS) + 1, len(GRAINS) + 1)
        uow.commit()
    return written


class _Grain:
    """The snapshot rows of one grain's periods."""

    def __init__(
        self, uow: UnitOfWork, session: Session, grain: Grain, users: dict[Period, int]
    ) -> None:
        self.uow = uow
        self.session = session
        self.grain = grain
        self.users = users
        self.business = has_business_hours(uow.tenant)
        self.case_mix = case_mix_policy(uow.tenant).enabled
        self.tenant = copy_text(uow.tenant.id)

    def write(self, samples: History) -> int:
        written = 0
        lines: list[str] = []
        moments = _Moments(samples.strata(self.grain), self._scorer) if self.case_mix else None
        for fetched in samples.subject_periods(self.grain):
            if moments is not None:
                moments.forget(min(batch.starts[0] for batch in fetched))
            for batch in fetched:
                lines += self._lines(batch, moments)
            if len(lines) >= FLUSH:
                written += _copy(self.session, lines)
                lines = []
        return written + _copy(self.session, lines)

    def _lines(self, batch: SummaryBatch, moments: _Moments | None) -> Iterator[str]:
        """score_snapshot rows (COPY text) of the batch's subject-periods that have data."""
        level, n = batch.level, len(batch.subjects)
        users = None
        if level is Level.TENANT:
            users = [self.users.get(Period(self.grain, start)) for start in batch.starts]
        measured = metric_columns(
            batch.streams, n, level=level, business=self.business, users=users
        )
        if not measured:  # streams no metric of the level reads: no data (`has_data`)
            return
        names = [metric_key(*key) for key, _ in measured]
        adjusting = moments is not None and level is not Level.TENANT
        stored: list[list[list[Any] | None]] = [
            [numbers_to_json(x) if x else None for x in column]
            if not adjusting or comparison_of(key[0]) is None
            else [None] * n  # `_adjust` stores these, with their adjustments
            for key, column in measured
        ]
        if moments is not None and adjusting:
            self._adjust(batch, measured, stored, moments)
        signals = signal_columns(batch.streams, n)
        keys = [key for key, _ in signals]
        head = f"{self.tenant}\t{level.value}\t"
        tail = f"\t{self.grain.value}\t"
        now = utcnow().isoformat()
        for subject, start, row, counts in zip(
            batch.subjects,
            batch.starts,
            zip(*stored, strict=True),
            zip(*(column for _, column in signals), strict=True),
            strict=True,
        ):
            metrics = {name: x for name, x in zip(names, row, strict=True) if x is not None}
            if not metrics:  # counts of 0 alone are not data (`has_data`)
                continue
            key = f"{head}{copy_text(subject)}{tail}{start.isoformat()}"
            signal = _json(dict(zip(keys, counts, strict=True)))
            yield f"{key}\t{_json(metrics)}\t{signal}\t{now}\n"

    def _adjust(
        self,
        batch: SummaryBatch,
        measured: list[tuple[StreamKey, list[Numbers | None]]],
        stored: list[list[list[Any] | None]],
        moments: _Moments,
    ) -> None:
        """Case mix (SPEC §8) on the adjusted metrics of the batch: per period, each
        adjusted stream's column of subjects by the roll-up's own rule (`adjusted_column`,
        with `PeriodScorer`'s moments and references); their stored rows, adjusted or not."""
        adjusted = [
            (j, key, comparison)
            for j, (key, _) in enumerate(measured)
            if (comparison := comparison_of(key[0])) is not None
        ]
        if not adjusted:
            return
        runs = itertools.groupby(range(len(batch.subjects)), key=batch.starts.__getitem__)
        for start, run in runs:
            rows = list(run)
            subjects = [batch.subjects[i] for i in rows]
            scorer = moments.scorer(start)
            strata, by_team, tenant = scorer.case_mix_inputs(batch.level, subjects)
            cells = [strata.get(subject, {}) for subject in subjects]
            refs = [by_team.get(subject, tenant) for subject in subjects]
            for j, key, comparison in adjusted:
                numbers = [measured[j][1][i] for i in rows]
                found = adjusted_column(
                    comparison,
                    [x[1] if x else None for x in numbers],
                    [mine.get(key) for mine in cells],
                    [ref.get(key) for ref in refs],
                )
                column = stored[j]
                for i, x, adjustment in zip(rows, numbers, found, strict=True):
                    if x is not None:
                        column[i] = numbers_to_json(x, adjustment)

    def _scorer(self, start: date, strata: dict[Level, Strata]) -> PeriodScorer:
        return PeriodScorer(self.uow, Period(self.grain, start), preloaded={}, strata=strata)


class _Moments:
    """The case-mix moments' stream (infra.bulk.columnar.History.strata), read along the
    summaries' periods: both come in date order (a fetch of summaries revisits its
    periods once per level, so the moments of the periods it spans are held, and the
    period's scorer with them: its references, and what they remember, serve every
    level), and a period without adjusted samples has none."""

    def __init__(
        self,
        stream: Iterator[tuple[date, dict[Level, Strata]]],
        scorer: Callable[[date, dict[Level, Strata]], PeriodScorer],
    ) -> None:
        self.stream = stream
        self.ahead = next(stream, None)
        self.held: dict[date, dict[Level, Strata]] = {}
        self.make = scorer
        self.scorers: dict[date, PeriodScorer] = {}

    def forget(self, before: date) -> None:
        """Drops the moments of periods before `before` (no later summary reads them)."""
        self.held = {start: cells for start, cells in self.held.items() if start >= before}
        self.scorers = {start: s for start, s in self.scorers.items() if start >= before}

    def scorer(self, start: date) -> PeriodScorer:
        """The period's scorer, with its moments (`of`)."""
        found = self.scorers.get(start)
        if found is None:
            found = self.scorers[start] = self.make(start, self.of(start))
        return found

    def of(self, start: date) -> dict[Level, Strata]:
        while self.ahead is not None and self.ahead[0] <= start:
            self.held[self.ahead[0]] = self.ahead[1]
            self.ahead = next(self.stream, None)
        return self.held.get(start, {})


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
