"""SPEC §4 support metrics computed by DuckDB, independently of the project's own code.

The benchmark reports the project's computation (a Python fold per ticket plus SQL) side by side
with this one over the same events. Nothing here imports the project: the input is a flat file of
canonical events (SPEC §3) and every metric is a set-based SQL query.

File format (``write_events_csv``): a header line, then one CSV row per event with the columns in
``COLUMNS``. Strings are always quoted (so ``""`` is an empty string) and a missing field is an
unquoted empty value (read back as NULL). Times are normalised to naive UTC
``YYYY-MM-DD HH:MM:SS[.ffffff]``. Writing streams: constant memory, no de-duplication.

Approach (``compute``), one in-memory DuckDB database per call, ``SET threads``:

1. ``raw``: the file, read with explicit column types; ``CREATE TABLE AS`` keeps the file order,
   so ``rowid`` is the delivery order. ``tev`` (a view): ticket events, one per event id (an anti
   join drops the later deliveries of a repeated id: the first one wins), each with the SPEC's
   same-instant ``rnk`` (created, assigned, customer message, other message, handled, status
   change, rating; remaining ties by id in plain string order).
2. ``walk``: one window pass per ticket in (time, rnk, id) order gives each event its position
   ``seq``, the running count of public agent replies, the current assignment and the last
   public replier (wrapped in a struct, so that "assigned to nobody" is not skipped as a NULL by
   ``IGNORE NULLS``), the previous status and the ticket's creation time. ``ev`` (a view) adds
   solve / reopen as plain row predicates on (previous, new) status; the initial status is open.
3. Observations ``obs(metric, ts, agent, value)``: replies are joined to the earliest customer
   message of their "segment" (the customer messages since the previous public agent reply):
   reply #1 gives ``first_response_time`` (none when its segment has no customer message, i.e. an
   outbound ticket), replies #2.. give ``reply_time``; the first solve gives ``tickets_solved``,
   ``resolution_time``, ``one_touch_rate``, ``reopen_rate`` and ``replies_per_ticket``; the latest
   csat rating gives ``csat`` (owner: assignee at rating time, else the assignee at the latest
   solve before it, else the last public replier).
4. One ``GROUP BY GROUPING SETS ((agent, period), (period))`` turns observations into values per
   agent and for the tenant: medians with ``quantile_cont(value, 0.5)`` (the mean of the two middle
   values for an even count), rates and means with ``avg``; ``csat_response_rate`` = csat ratings /
   solves of the same subject and period, null when nothing was solved.

Periods are calendar periods (``date_trunc``; ISO weeks start on Monday) of the attributing event's
time in the tenant's timezone. Durations are calendar seconds.

Readings of SPEC §4 that it leaves open (the same as the oracle in tests/oracle/):

* a solve is a change into solved/closed from any other status (solved -> closed is not a second
  one); a reopen is solved/closed -> open/pending; a status change without a status changes nothing;
* a ticket without ``ticket.created`` has no creation time (no ``tickets_created``,
  ``first_response_time`` or ``resolution_time``); of several, the earliest counts;
* outbound = the first message among public agent replies and customer messages is the agent's;
  private notes and bot/system messages neither answer a customer nor make a ticket outbound;
  status changes do not answer a customer either;
* a duration that would be negative (clock skew) is 0;
* only each ticket's latest csat rating counts; if it has no score or no usable ``scale_max``
  (missing or 0) the ticket has no csat at all; "the latest solve before it" is that one solve only
  (if it had no assignee, the last public replier is asked, not an earlier solve);
* an agent is any non-NULL id (an empty string included); observations without one count for the
  tenant only.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import duckdb

COLUMNS: dict[str, str] = {
    "id": "VARCHAR",
    "type": "VARCHAR",
    "occurred_at": "TIMESTAMP",
    "ticket_id": "VARCHAR",
    "channel": "VARCHAR",
    "requester_id": "VARCHAR",
    "team_id": "VARCHAR",
    "assignee_id": "VARCHAR",
    "message_id": "VARCHAR",
    "author_type": "VARCHAR",
    "author_id": "VARCHAR",
    "public": "BOOLEAN",
    "status": "VARCHAR",
    "kind": "VARCHAR",
    "score": "DOUBLE",
    "scale_max": "DOUBLE",
    "comment": "VARCHAR",
    "agent_id": "VARCHAR",
    "seconds": "DOUBLE",
    "name": "VARCHAR",
    "email": "VARCHAR",
    "started_at": "TIMESTAMP",
    "ended_at": "TIMESTAMP",
}

GRAINS = {"DAY": "day", "WEEK": "week", "MONTH": "month", "QUARTER": "quarter"}

# metric -> how its observations are aggregated ("count", "median" or "mean").
METRICS: dict[str, str] = {
    "tickets_created": "count",
    "tickets_solved": "count",
    "first_response_time": "median",
    "reply_time": "median",
    "resolution_time": "median",
    "one_touch_rate": "mean",
    "reopen_rate": "mean",
    "replies_per_ticket": "mean",
    "csat": "mean",
    "csat_rated": "count",  # numerator of csat_response_rate, not reported by itself
}

Result = dict[str, dict[str, dict[str, dict[str, dict[str, Any]]]]]

# --------------------------------------------------------------------------- writing


def _utc_text(value: Any) -> str | None:
    """An RFC 3339 time (or datetime) as naive UTC text; no offset means UTC."""
    if value is None:
        return None
    if isinstance(value, dt.datetime):
        parsed = value
    else:
        text = str(value).strip()
        if len(text) == 20 and text[10] == "T" and text[19] in "Zz":  # fast path: ...T..:..:..Z
            return f"{text[:10]} {text[11:19]}"
        if text[-1:] in ("Z", "z"):
            text = text[:-1] + "+00:00"
        parsed = dt.datetime.fromisoformat(text)
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=dt.UTC)
    return parsed.astimezone(dt.UTC).replace(tzinfo=None).isoformat(sep=" ")


def _quote(text: str) -> str:
    return '"' + text.replace('"', '""') + '"'


def _field(column: str, value: Any) -> str:
    """One CSV field: NULL is an unquoted empty value, strings are always quoted."""
    if value is None:
        return ""
    kind = COLUMNS[column]
    if kind == "TIMESTAMP":
        return _utc_text(value) or ""
    if kind == "BOOLEAN":
        return "true" if value is True else "false"
    if kind == "DOUBLE":
        return repr(float(value))
    return _quote(str(value))


def write_events_csv(events: Iterable[dict[str, Any]], path: str | Path) -> int:
    """Write canonical event dicts (SPEC §3) as the CSV ``compute`` reads; returns the row count."""
    names = list(COLUMNS)
    rows = 0
    with open(path, "w", encoding="utf-8", newline="") as out:
        out.write(",".join(names) + "\n")
        for event in events:
            out.write(",".join(_field(name, event.get(name)) for name in names) + "\n")
            rows += 1
    return rows


def write_events_parquet(events: Iterable[dict[str, Any]], path: str | Path) -> int:
    """Same events as Parquet (via a temporary CSV next to it); ``compute`` reads either."""
    target = Path(path)
    staging = target.with_name(target.name + ".csv")
    rows = write_events_csv(events, staging)
    with duckdb.connect() as con:
        con.execute(
            f"COPY (SELECT * FROM {_reader(staging)}) TO {_literal(str(target))} (FORMAT parquet)"
        )
    staging.unlink()
    return rows


# --------------------------------------------------------------------------- reading


def _literal(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def _reader(path: str | Path) -> str:
    """The table function that reads an events file with explicit column types."""
    if str(path).endswith(".parquet"):
        return f"read_parquet({_literal(str(path))})"
    columns = ", ".join(f"{_literal(name)}: {_literal(kind)}" for name, kind in COLUMNS.items())
    return (
        f"read_csv({_literal(str(path))}, header = true, auto_detect = false, delim = ',', "
        f"quote = '\"', escape = '\"', allow_quoted_nulls = false, columns = {{{columns}}})"
    )


LOAD_SQL = """
CREATE TEMP TABLE raw AS
SELECT id, type, occurred_at AS ts, ticket_id, assignee_id, author_type, author_id, public,
       status, kind, score, scale_max
FROM {reader};

CREATE TEMP VIEW tev AS
SELECT id, ticket_id, ts, rnk, is_reply,
       CASE WHEN rnk <= 1 THEN {{'a': assignee_id}} END AS assignment,
       CASE WHEN is_reply THEN {{'a': author_id}} END AS reply,
       CASE WHEN rnk = 5 THEN status END AS status,
       rnk = 6 AND kind = 'csat' AS is_csat, score, scale_max
FROM (
    SELECT *,
           type = 'ticket.message' AND author_type = 'agent' AND public IS TRUE AS is_reply,
           CASE type
               WHEN 'ticket.created' THEN 0
               WHEN 'ticket.assigned' THEN 1
               WHEN 'ticket.message' THEN CASE WHEN author_type = 'customer' THEN 2 ELSE 3 END
               WHEN 'ticket.status_changed' THEN 5
               WHEN 'ticket.rated' THEN 6
               ELSE 4
           END AS rnk
    FROM (SELECT *, rowid AS delivery FROM raw) r
    ANTI JOIN (  -- later deliveries of an id: the first one wins
        SELECT id, min(rowid) AS first FROM raw GROUP BY id HAVING count(*) > 1
    ) d ON r.id = d.id AND r.delivery <> d.first
    WHERE starts_with(type, 'ticket.') AND ticket_id IS NOT NULL
);
"""

ORDER_SQL = """
CREATE TEMP TABLE walk AS
SELECT ticket_id, ts, rnk, is_reply, status, is_csat, score, scale_max,
       row_number() OVER ticket AS seq,
       sum(is_reply::INTEGER) OVER run AS reply_ord,
       last_value(assignment IGNORE NULLS) OVER run AS asg,
       last_value(reply IGNORE NULLS) OVER run AS replier,
       last_value(status IGNORE NULLS)
           OVER (ticket ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING) AS prev_status,
       min(CASE WHEN rnk = 0 THEN ts END)
           OVER (ticket ROWS BETWEEN UNBOUNDED PRECEDING AND UNBOUNDED FOLLOWING) AS created_at
FROM tev
WINDOW ticket AS (PARTITION BY ticket_id ORDER BY ts, rnk, id),
       run AS (ticket ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW);

CREATE TEMP VIEW ev AS
SELECT *,
       status IN ('solved', 'closed')
           AND coalesce(prev_status, 'open') NOT IN ('solved', 'closed') AS is_solve,
       status IN ('open', 'pending')
           AND coalesce(prev_status, 'open') IN ('solved', 'closed') AS is_reopen
FROM walk;
"""

SECONDS = "greatest(0, date_diff('microsecond', {start}, {end}) / 1e6)"

OBS_SQL = f"""
CREATE TEMP TABLE solves AS
SELECT ticket_id, seq, ts, asg.a AS solver, reply_ord AS replies_before, created_at
FROM ev WHERE is_solve;

CREATE TEMP TABLE first_solves AS
SELECT s.*, r.ticket_id IS NOT NULL AS reopened
FROM (SELECT * FROM solves QUALIFY row_number() OVER (PARTITION BY ticket_id ORDER BY seq) = 1) s
LEFT JOIN (SELECT DISTINCT ticket_id FROM ev WHERE is_reopen) r USING (ticket_id);

CREATE TEMP TABLE segments AS  -- earliest customer message since the previous public reply
SELECT ticket_id, reply_ord AS seg, min(ts) AS waiting_since
FROM ev WHERE rnk = 2 GROUP BY ALL;

CREATE TEMP TABLE replies AS
SELECT e.ts, e.replier.a AS author_id, e.reply_ord, e.created_at, s.waiting_since
FROM ev e JOIN segments s ON s.ticket_id = e.ticket_id AND s.seg = e.reply_ord - 1
WHERE e.is_reply;

CREATE TEMP TABLE csat AS  -- latest csat rating per ticket, with its owner
SELECT r.ticket_id, r.ts, 5 * r.score >= 4 * r.scale_max AS positive,
       coalesce(r.asg.a, arg_max({{'a': s.solver}}, s.seq).a, r.replier.a) AS owner
FROM (
    SELECT * FROM ev WHERE is_csat
    QUALIFY row_number() OVER (PARTITION BY ticket_id ORDER BY seq DESC) = 1
) r
LEFT JOIN solves s ON s.ticket_id = r.ticket_id AND s.seq < r.seq
WHERE r.score IS NOT NULL AND r.scale_max IS NOT NULL AND r.scale_max <> 0
GROUP BY r.ticket_id, r.ts, r.score, r.scale_max, r.asg, r.replier;

CREATE TEMP TABLE obs AS
SELECT 'tickets_created' AS metric, ts, NULL::VARCHAR AS agent, NULL::DOUBLE AS value
FROM walk WHERE rnk = 0 AND ts = created_at
QUALIFY row_number() OVER (PARTITION BY ticket_id ORDER BY seq) = 1
UNION ALL
SELECT 'first_response_time', ts, author_id, {SECONDS.format(start="created_at", end="ts")}
FROM replies WHERE reply_ord = 1 AND created_at IS NOT NULL
UNION ALL
SELECT 'reply_time', ts, author_id, {SECONDS.format(start="waiting_since", end="ts")}
FROM replies WHERE reply_ord > 1
UNION ALL
SELECT 'tickets_solved', ts, solver, NULL FROM first_solves
UNION ALL
SELECT 'resolution_time', ts, solver, {SECONDS.format(start="created_at", end="ts")}
FROM first_solves WHERE created_at IS NOT NULL
UNION ALL
SELECT 'one_touch_rate', ts, solver, (replies_before = 1)::DOUBLE FROM first_solves
UNION ALL
SELECT 'reopen_rate', ts, solver, reopened::DOUBLE FROM first_solves
UNION ALL
SELECT 'replies_per_ticket', ts, solver, replies_before::DOUBLE FROM first_solves
UNION ALL
SELECT 'csat', ts, owner, positive::DOUBLE FROM csat
UNION ALL
SELECT 'csat_rated', ts, owner, NULL FROM csat;
"""


def _aggregates() -> str:
    parts = []
    for metric, how in METRICS.items():
        where = f"FILTER (WHERE metric = '{metric}')"
        value = {"count": "count(*)", "median": "quantile_cont(value, 0.5)", "mean": "avg(value)"}
        parts.append(f'{value[how]} {where} AS "{metric}", count(*) {where} AS "{metric}#n"')
    return ",\n       ".join(parts)


def _aggregate_sql(unit: str) -> str:
    return f"""
SELECT grouping(agent) = 1 AS is_tenant, agent,
       strftime(period, '%Y-%m-%d') AS period,
       {_aggregates()}
FROM (
    SELECT metric, agent, value,
           CAST(date_trunc('{unit}', timezone($tz, CAST(ts AS TIMESTAMPTZ))) AS DATE) AS period
    FROM obs
)
GROUP BY GROUPING SETS ((agent, period), (period))
HAVING grouping(agent) = 1 OR agent IS NOT NULL
"""


# --------------------------------------------------------------------------- results


def _metrics_of(row: dict[str, Any]) -> dict[str, dict[str, Any]]:
    metrics: dict[str, dict[str, Any]] = {}
    for metric in METRICS:
        sample = row[f"{metric}#n"]
        if sample and metric != "csat_rated":
            metrics[metric] = {"value": float(row[metric]), "sample": int(sample)}
    solved = row["tickets_solved#n"]
    if solved:
        rated = row["csat_rated#n"]
        metrics["csat_response_rate"] = {"value": rated / solved, "sample": int(solved)}
    return metrics


def _build_result(names: list[str], rows: list[tuple[Any, ...]]) -> Result:
    result: Result = {"agent": {}, "tenant": {}}
    for values in rows:
        row = dict(zip(names, values, strict=True))
        metrics = _metrics_of(row)
        if not metrics:
            continue
        if row["is_tenant"]:
            level, subject = "tenant", "tenant"
        else:
            metrics.pop("tickets_created", None)  # tenant level only
            level, subject = "agent", row["agent"]
        result[level].setdefault(subject, {})[row["period"]] = metrics
    return result


def compute(path: str | Path, *, timezone: str, grain: str = "MONTH", threads: int = 2) -> Result:
    """SPEC §4 metrics (calendar basis) per agent and for the tenant, per period.

    ``result["agent"][agent_id][period_start_iso][metric] = {"value": float, "sample": int}``,
    and ``result["tenant"]["tenant"][...]`` alike. A metric without data is absent.
    """
    if grain not in GRAINS:
        raise ValueError(f"grain must be one of {sorted(GRAINS)}, got {grain!r}")
    ZoneInfo(timezone)  # fail early on an unknown zone
    with duckdb.connect() as con:
        con.execute(f"SET threads = {int(threads)}")
        con.execute("SET TimeZone = 'UTC'")
        con.execute(LOAD_SQL.format(reader=_reader(path)))
        con.execute(ORDER_SQL)
        con.execute(OBS_SQL)
        cursor = con.execute(_aggregate_sql(GRAINS[grain]), {"tz": timezone})
        names = [column[0] for column in cursor.description]
        return _build_result(names, cursor.fetchall())
