"""One process of a bulk rebuild: fold a range of streams, COPY out the results.

Reads its range of the event log in stream order with one query fetched in chunks, folds
each ticket and each agent's activity stream with the same domain code as the incremental
path, and streams ticket rows and metric samples back with COPY. Streams naming an agent
or team the directory does not know yet are handed back to the caller, which folds them on
the ordinary path (where they are created).
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any, cast

import orjson
import psycopg

from domain.events import CanonicalEvent, TicketEvent
from domain.fold import TicketFacts, fold
from domain.periods import LocalDays
from domain.policy import sample_policy
from domain.ports import TenantProfile
from domain.samples import Sample, SamplePolicy
from domain.services.processing import agent_activity, agent_keys, samples_of, team_keys
from domain.stored_events import from_stored

# (column, PostgreSQL type): rows go out in COPY's binary format, which spares both
# sides formatting and parsing text (a third of a fold process's time went to it).
SAMPLE_COLUMNS = (
    ("tenant_id", "varchar"),
    ("source", "varchar"),
    ("origin", "varchar"),
    ("seq", "int4"),
    ("metric", "varchar"),
    ("agent_id", "varchar"),
    ("team_id", "varchar"),
    ("at", "timestamptz"),
    ("local_day", "date"),
    ("value", "float8"),
    ("value_business", "float8"),
    ("channel", "varchar"),
    ("priority", "varchar"),
)
TICKET_COLUMNS = (
    ("tenant_id", "varchar"),
    ("source", "varchar"),
    ("external_id", "varchar"),
    ("channel", "varchar"),
    ("priority", "varchar"),
    ("requester_id", "varchar"),
    ("team_id", "varchar"),
    ("assignee_id", "varchar"),
    ("status", "varchar"),
    ("created_at", "timestamptz"),
    ("first_reply_at", "timestamptz"),
    ("first_solved_at", "timestamptz"),
    ("reopen_count", "int4"),
    ("public_agent_reply_count", "int4"),
    ("updated_at", "timestamptz"),
)
ACTIVITY = "activity:"  # an agent's activity stream (domain.events.stream_of)
_RowsOf = tuple[tuple[Any, ...] | None, list[tuple[Any, ...]]]  # a stream's ticket, samples
# In binary: the payloads' JSON arrives as it is, without text escaping (which both
# sides paid for) and is decoded by orjson (twice the standard library's speed). Rows
# come in chunks parsed by psycopg's C loaders: COPY handed them over one Python call
# per row (its read took 1.9 s of process CPU for a 1M-event log, chunks 1.2 s). The
# payload comes as text, which psycopg hands over from C, not through its jsonb loader
# in Python (0.3-0.5 µs an event); for the server it is the same work (jsonb's binary
# form is that text after a version byte).
_READ = """SELECT source, stream, payload::text FROM ticket_event
    WHERE tenant_id = %(tenant)s AND (source, stream) >= (%(lo_source)s, %(lo_stream)s)
      {upper} AND stream NOT LIKE 'agent:%%'
    ORDER BY source, stream"""
_CHUNK = 2000  # rows a fetch (libpq's chunked rows mode)


@dataclass(frozen=True, slots=True)
class Job:
    dsn: str  # the system login's (SYSTEM_DATABASE_URL): COPY FROM is refused under RLS
    tenant: TenantProfile
    lower: tuple[str, str]
    upper: tuple[str, str] | None
    agents: dict[tuple[str, str], str]  # (source, external id) → agent id
    teams: dict[tuple[str, str], str]


@dataclass(slots=True)
class Outcome:
    events: int = 0
    tickets: int = 0
    samples: int = 0
    deferred: list[tuple[str, str]] = field(default_factory=list)  # (source, stream)


def run(job: Job) -> Outcome:
    """Process entry point (picklable arguments, its own connections)."""
    outcome = Outcome()
    now = datetime.now(UTC)
    days = LocalDays(job.tenant.timezone)
    policies = _Policies(job.tenant)
    # One connection per COPY: a connection carries one COPY at a time.
    with (
        _connect(job) as read,
        _connect(job) as sample_conn,
        _connect(job) as ticket_conn,
    ):
        with (
            _copy_in(sample_conn, "metric_sample", SAMPLE_COLUMNS) as samples,
            _copy_in(ticket_conn, "ticket", TICKET_COLUMNS) as tickets,
        ):
            for source, stream, events in _streams(read, job):
                outcome.events += len(events)
                if stream.startswith(ACTIVITY):
                    rows = _activity(job, source, stream, events, days=days)
                else:
                    tickets_only = cast(list[TicketEvent], events)  # stream_of: a ticket's
                    rows = _fold(job, source, stream, tickets_only, policies, days=days, now=now)
                if rows is None:
                    outcome.deferred.append((source, stream))
                    continue
                ticket_row, sample_rows = rows
                if ticket_row is not None:
                    tickets.write_row(ticket_row)
                    outcome.tickets += 1
                for row in sample_rows:
                    samples.write_row(row)
                outcome.samples += len(sample_rows)
        sample_conn.commit()
        ticket_conn.commit()
    return outcome


def _connect(job: Job) -> psycopg.Connection[Any]:
    return psycopg.connect(job.dsn)


@contextmanager
def _copy_in(
    conn: psycopg.Connection[Any], table: str, columns: tuple[tuple[str, str], ...]
) -> Iterator[psycopg.Copy]:
    names = ", ".join(name for name, _ in columns)
    sql = f"COPY {table} ({names}) FROM STDIN (FORMAT BINARY)"
    with conn.cursor() as cur, cur.copy(sql) as copy:
        copy.set_types([pg_type for _, pg_type in columns])
        yield copy


def _streams(
    conn: psycopg.Connection[Any], job: Job
) -> Iterator[tuple[str, str, list[CanonicalEvent]]]:
    upper = "AND (source, stream) < (%(hi_source)s, %(hi_stream)s)" if job.upper else ""
    params = {"tenant": job.tenant.id, "lo_source": job.lower[0], "lo_stream": job.lower[1]}
    if job.upper:
        params |= {"hi_source": job.upper[0], "hi_stream": job.upper[1]}
    key: tuple[str, str] | None = None
    events: list[CanonicalEvent] = []
    # The stream index gives the order and the range, so no sort: with the log's statistics
    # stale (never analysed) the planner sorted each half on disk, the lower half after
    # scanning the primary key for all the tenant's events (100k tickets: 3.2 / 4.2 s a
    # half with their external merges of 110 MB, 1.0 s each along the stream index).
    conn.execute("SET enable_sort = off")
    conn.execute("SET enable_incremental_sort = off")
    loads = orjson.loads
    with conn.cursor(binary=True) as cur:
        for source, stream, payload in cur.stream(_READ.format(upper=upper), params, size=_CHUNK):
            if (source, stream) != key:
                if key is not None:
                    yield key[0], key[1], events
                key, events = (source, stream), []
            events.append(from_stored(loads(payload)))
    if key is not None:
        yield key[0], key[1], events


def _fold(
    job: Job,
    source: str,
    stream: str,
    events: list[TicketEvent],
    policies: _Policies,
    *,
    days: LocalDays,
    now: datetime,
) -> _RowsOf | None:
    """The ticket's COPY rows, or None when it names an agent or team not yet known."""
    facts = fold(stream, events)
    teams = _known(job.teams, source, team_keys(facts))
    if teams is None:
        return None
    samples = samples_of(facts, policies.of(teams))
    agents = _known(job.agents, source, agent_keys(facts, samples))
    if agents is None:
        return None
    rows = _Rows(job.tenant.id, source, agents, teams)
    return rows.ticket(facts, now), rows.samples(stream, samples, days)


def _known(ids: dict[tuple[str, str], str], source: str, keys: set[str]) -> dict[str, str] | None:
    """External keys → internal ids, or None when one of them is not known yet."""
    known = {}
    for key in keys:
        found = ids.get((source, key))
        if found is None:
            return None
        known[key] = found
    return known


class _Policies:
    """The tenant's sample policy per set of teams a ticket names: built once per set, not
    per ticket (building one reads the tenant's business-hours calendars from its
    settings: ~40 µs with tenant and team hours, a sixth of a ticket's fold)."""

    def __init__(self, tenant: TenantProfile) -> None:
        self.tenant = tenant
        self.built: dict[tuple[tuple[str, str], ...], SamplePolicy] = {}

    def of(self, teams: dict[str, str]) -> SamplePolicy:
        key = tuple(sorted(teams.items()))
        policy = self.built.get(key)
        if policy is None:
            policy = self.built[key] = sample_policy(self.tenant, teams=teams)
        return policy


def _activity(
    job: Job, source: str, stream: str, events: list[CanonicalEvent], *, days: LocalDays
) -> _RowsOf | None:
    """An agent's activity samples as COPY rows, or None when the agent is not yet known."""
    agent_id = job.agents.get((source, stream.removeprefix(ACTIVITY)))
    if agent_id is None:
        return None
    pieces = agent_activity(agent_id, events, timezone=job.tenant.timezone)
    rows = _Rows(job.tenant.id, source, {agent_id: agent_id}, {})
    return None, rows.samples(stream, pieces, days)


@dataclass(frozen=True, slots=True)
class _Rows:
    """COPY rows of one stream, with external agent/team keys mapped to internal ids (the
    maps hold non-empty keys only, so a None or "" key finds None)."""

    tenant: str
    source: str
    agents: dict[str, str]
    teams: dict[str, str]

    def samples(self, origin: str, samples: list[Sample], days: LocalDays) -> list[tuple[Any, ...]]:
        tenant, source, day = self.tenant, self.source, days.of
        agent_id, team_id = self.agents.get, self.teams.get
        return [  # one comprehension a stream: a method call a sample cost 0.2 µs
            (
                tenant,
                source,
                origin,
                seq,
                metric,
                agent_id(agent),  # type: ignore[arg-type]
                team_id(team),  # type: ignore[arg-type]
                at,
                day(at),
                value,
                business,
                channel,
                priority,
            )
            for seq, (metric, at, agent, team, value, business, channel, priority) in enumerate(
                samples
            )
        ]

    def ticket(self, f: TicketFacts, now: datetime) -> tuple[Any, ...]:
        return (
            self.tenant,
            self.source,
            f.ticket_id,
            f.channel,
            f.priority,
            f.requester_id,
            self.teams.get(f.team) if f.team else None,
            self.agents.get(f.assignee) if f.assignee else None,
            f.status.value,
            f.created_at,
            f.first_reply.at if f.first_reply else None,
            f.first_solve.at if f.first_solve else None,
            f.reopen_count,
            f.public_agent_replies,
            now,
        )
