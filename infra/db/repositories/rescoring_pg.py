"""A re-score's writes on PostgreSQL (rescoring.replace) when the range has scores already:
updated in place, written on another thread while Python scores the next batch.

Deleting a tenant's scores and COPYing new ones made the server do every row twice over:
mark the old row deleted, then insert a new one, its primary-key entry and its foreign-key
check (≈ 4-5 s of backend CPU for 210k scores, bench/RESULTS.txt). An update that changes
no key column needs neither the index entry nor the check, and where the row's page has
room (snapshot_score's fillfactor 50, migration h0scorefill0023) it is a HOT update: the
new version stays on the old one's page. A batch is COPYed into a temporary table, and
`INSERT … ON CONFLICT DO UPDATE` from there updates the rows that are there and inserts
the rest (a snapshot not scored before); scores of the range whose snapshot is gone are
deleted, so the result is what DELETE + INSERT gave (tested). Over many
scores (a whole history) the read also says where each score is (its ctid), and a batch
whose every snapshot has one is updated there (BY_TID) without a probe of the key per row.

Overlap: the server writes batch k, then reads batch k+2, while Python scores batch k+1.
The connection is the transaction's one, used by one thread at a time (psycopg's lock):
before batch k is sent, batch k+1 is fetched (rescoring.read's `Inputs`; by the writer's
job of batch k-1 but for the first), so scoring k+1 needs nothing from the server (a new
agent's team history waits for the write, rarely).
"""

from __future__ import annotations

import sys
import threading
from collections import deque
from collections.abc import Iterable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from contextlib import AbstractContextManager, contextmanager
from datetime import date, datetime
from typing import Any, NamedTuple

from sqlalchemy import text
from sqlalchemy.orm import Session

from domain.ports import TenantId
from domain.snapshots import ScoredGroup
from infra.db.repositories.score_text import staged_lines

# Each batch's scores go to a temporary table by COPY (one text line a row, written by
# score_text.staged_lines), and from there into snapshot_score. Binding them as nine
# arrays instead cost psycopg ~15 µs of Python a row to dump (3.5 s of CPU for a whole
# history's 232k scores, on the thread that shares the GIL with the scoring: py-spy);
# COPY's text is a string Python builds in one pass and psycopg only encodes.
# (the table's name is written out in each statement: they are constants, never formatted)
STAGED = """CREATE TEMP TABLE IF NOT EXISTS rescore_staged (
    tid tid, st text, sid text, gr text, ps date, mid text, mv int, tot float8, bd text
) ON COMMIT DROP"""
COPY_STAGED = "COPY rescore_staged FROM STDIN"
EMPTY_STAGED = "TRUNCATE rescore_staged"
# One row per snapshot: its key, its model and score (the breakdown as JSON text); answers
# how many rows were new (xmax is 0 in a version no update or lock has touched).
UPSERT = """
WITH written AS (
INSERT INTO snapshot_score (tenant_id, subject_type, subject_id, grain, period_start,
                            model_id, model_version, total, breakdown, scored_at)
SELECT %(tenant)s, r.st, r.sid, r.gr, r.ps, r.mid, r.mv, r.tot, r.bd::json, %(at)s
FROM rescore_staged r
ON CONFLICT (tenant_id, subject_type, subject_id, grain, period_start) DO UPDATE
SET model_id = EXCLUDED.model_id, model_version = EXCLUDED.model_version,
    total = EXCLUDED.total, breakdown = EXCLUDED.breakdown, scored_at = EXCLUDED.scored_at
RETURNING xmax = 0 AS inserted)
SELECT count(*) FILTER (WHERE inserted) FROM written
"""
# Where each snapshot's score is, for rescoring.read's join (by hash: a cursor's planner
# would probe the primary key per row, as the UPSERT does; HASHED); BY_TID updates there,
# without a probe of the primary key per row (comparing its text columns was ~30% of the
# UPSERT's CPU). The key is checked too: a row another transaction moved since it was read
# is not updated, the count tells, and the batch is UPSERTed instead.
LOCATIONS = """SELECT subject_type, subject_id, grain, period_start, ctid::text AS tid
FROM snapshot_score WHERE tenant_id = %s AND period_start >= %s"""
SAME_KEY = " AND ".join(f"s.{c} = t.{c}" for c in ("subject_type", "subject_id", "grain"))
SAME_KEY += " AND s.period_start = t.period_start"
HASHED = {"enable_nestloop": "off", "work_mem": "64MB"}
BY_TID = """
UPDATE snapshot_score s
SET model_id = r.mid, model_version = r.mv, total = r.tot, breakdown = r.bd::json,
    scored_at = %(at)s
FROM rescore_staged r
WHERE s.ctid = r.tid AND s.tenant_id = %(tenant)s AND s.subject_type = r.st
  AND s.subject_id = r.sid AND s.grain = r.gr AND s.period_start = r.ps
"""
BY_TID_ONLY = {"enable_hashjoin": "off", "enable_mergejoin": "off"}  # a seq scan per batch
# Scores of the range whose snapshot is gone (DELETE + INSERT did not keep them either):
# none, as long as every path that deletes a snapshot deletes its score (they do), so
# looked for only when the counts say there are some (it scans and sorts both ranges).
ORPHANS = """
DELETE FROM snapshot_score s
WHERE s.tenant_id = %(tenant)s AND s.period_start >= %(since)s
  AND NOT EXISTS (SELECT FROM score_snapshot t
                  WHERE t.tenant_id = s.tenant_id AND t.subject_type = s.subject_type
                    AND t.subject_id = s.subject_id AND t.grain = s.grain
                    AND t.period_start = s.period_start)
"""
_ANY = text(
    "SELECT EXISTS (SELECT FROM snapshot_score WHERE tenant_id = :tenant"
    " AND period_start >= :since OFFSET :more)"
)
# Scores a range holds before the read looks for where they are: the join scans the score
# table (all of it without an index on the range), which a few probes beat (a re-score
# from this quarter: ~4k scores).
LOCATE_FROM = 20_000
_COUNT = "SELECT count(*) FROM snapshot_score WHERE tenant_id = %s AND period_start >= %s"
EVER = date(1, 1, 1)


def has_scores(session: Session, tenant_id: TenantId, since: date | None, more: int = 0) -> bool:
    """Whether the range holds scores already (a bulk rebuild's re-score finds none), more
    than `more` of them."""
    found = session.execute(_ANY, {"tenant": tenant_id, "since": since or EVER, "more": more})
    return bool(found.scalar_one())


def upsert(
    session: Session,
    tenant_id: TenantId,
    batches: Iterable[Iterable[ScoredGroup]],
    *,
    since: date | None,
    scored_at: datetime,
) -> int:
    """Write the batches' scores over the range's; returns how many."""
    raw: Any = session.connection().connection.driver_connection
    mine = (tenant_id, since or EVER)
    stored = raw.execute(_COUNT, mine).fetchone()[0]
    raw.execute(STAGED)
    common = {"tenant": tenant_id, "at": scored_at}
    count = inserted = 0
    with (
        prompt_handoffs(),
        ThreadPoolExecutor(max_workers=1, thread_name_prefix="rescore-writes") as writer,
    ):
        sent: Future[int] | None = None
        for groups in batches:
            batch = Staged.of(groups)
            count += len(batch.keys)
            if sent is not None:
                inserted += sent.result()  # the batch before is written (or raises here)
            inputs: Inputs | None = session.info.get(INPUTS)
            if inputs is not None:
                inputs.ahead()  # the next batch is there (fetched here only for the first)
            sent = writer.submit(_write, raw, batch, common, inputs)
            if inputs is not None:
                inputs.pending = sent
        if sent is not None:
            inserted += sent.result()
    if stored - (count - inserted) > 0:  # stored scores that no snapshot updated
        raw.execute(ORPHANS, {"tenant": tenant_id, "since": since or EVER})
    return count


HANDOFF_SECONDS = 0.0005  # Python's default is 0.005


class _SwitchInterval:
    """The process's thread switch interval, lowered while any re-score writes: the last
    one to end restores what was there before the first."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.users = 0
        self.before = sys.getswitchinterval()

    @contextmanager
    def lowered(self, seconds: float) -> Iterator[None]:
        with self.lock:
            if not self.users:
                self.before = sys.getswitchinterval()
                sys.setswitchinterval(min(self.before, seconds))
            self.users += 1
        try:
            yield
        finally:
            with self.lock:
                self.users -= 1
                if not self.users:
                    sys.setswitchinterval(self.before)


_SWITCHING = _SwitchInterval()


def prompt_handoffs() -> AbstractContextManager[None]:
    """The writer thread needs the GIL for a moment after each wait on the server (a
    batch's COPY goes out in ~20 chunks), while the main thread scores in long
    comprehensions: at Python's default it waited up to 5 ms each time. A whole history's
    re-score at 1.15M tickets, interleaved x5: median 5.98 s -> 5.35 s (4 of 5 pairs).
    The interval is the process's: every thread switches more often meanwhile (the dev
    server's too, whose jobs run on a thread)."""
    return _SWITCHING.lowered(HANDOFF_SECONDS)


class Staged(NamedTuple):
    """A batch's scores: their keys (rescoring.read's: subject type, subject id, grain,
    period start, the score's ctid) and their rows as COPY text in STAGED's columns."""

    keys: list[tuple[str, str, str, date, str | None]]
    lines: str

    @classmethod
    def of(cls, groups: Iterable[ScoredGroup]) -> Staged:
        keys: list[Any] = []
        lines: list[str] = []
        for group in groups:
            keys += [row.key for row in group.rows]
            lines.append(staged_lines(group))
        return cls(keys, "".join(lines))


def _write(raw: Any, batch: Staged, common: dict[str, Any], inputs: Inputs | None) -> int:
    """One batch's write, then the FETCH of the batch after the next one, so that it
    too is read while Python scores; how many of its rows were new."""
    with raw.cursor() as cur, cur.copy(COPY_STAGED) as cp:
        cp.write(batch.lines)
    if any(key[4] is None for key in batch.keys):
        updated = 0
    else:
        with planner(raw, BY_TID_ONLY):
            updated = raw.execute(BY_TID, common).rowcount
    inserted = 0 if updated == len(batch.keys) else int(raw.execute(UPSERT, common).fetchone()[0])
    raw.execute(EMPTY_STAGED)
    if inputs is not None:
        inputs.fetch_one()
    return inserted


INPUTS = "fairscore_rescore_inputs"  # rescoring.read's Inputs, in the session's `info`


class Inputs:
    """A cursor's rows, `size` a FETCH, read ahead: `ahead` makes sure the next batch is
    there, and the writer's job (`pending`) fetches one more after its write. Only one
    thread fetches at a time: the main thread only when no job is pending."""

    def __init__(self, raw: Any, name: str, size: int) -> None:
        self.raw, self.fetch = raw, f"FETCH FORWARD {size} FROM {name}"
        self.ready: deque[list[Any]] = deque()
        self.done = False
        self.pending: Future[int] | None = None

    def fetch_one(self) -> None:
        if not self.done:
            batch = self.raw.execute(self.fetch, binary=True).fetchall()
            if batch:
                self.ready.append(batch)
            else:
                self.done = True

    def ahead(self) -> None:
        if not self.ready:
            self.fetch_one()

    def take(self) -> list[Any]:
        if not self.ready and self.pending is not None:
            self.pending.result()  # it may be fetching the batch asked for
        self.ahead()
        return self.ready.popleft() if self.ready else []


@contextmanager
def planner(raw: Any, settings: dict[str, str]) -> Iterator[None]:
    """The transaction's planner settings changed for the statements inside, then back."""
    if not settings:
        yield
        return
    names = list(settings)
    shown = ", ".join("current_setting(%s)" for _ in names)
    before = dict(zip(names, raw.execute(f"SELECT {shown}", names).fetchone(), strict=True))
    _set(raw, settings)
    try:
        yield
    finally:
        _set(raw, before)


def _set(raw: Any, settings: dict[str, str]) -> None:
    calls = ", ".join("set_config(%s, %s, true)" for _ in settings)
    raw.execute(f"SELECT {calls}", [x for item in settings.items() for x in item])
