"""agentScoresConnection's cursors: an agent's `rank` (api/scores/reads.py), so a page is
the rows of agentScores past it and both fields keep one order."""

from __future__ import annotations

import math
from collections.abc import Sequence

from api import pagination
from api.scores.reads import AgentRow, Rank, rank

LIST_NAME = "agentScores"


def encode_cursor(row: AgentRow) -> str:
    missing, total, name, agent_id = rank(row)
    return pagination.encode_cursor(LIST_NAME, "1" if missing else "0", repr(total), name, agent_id)


def decode_cursor(cursor: str) -> Rank:
    """Raises a BAD_USER_INPUT error for anything encode_cursor did not make."""
    missing, total, name, agent_id = pagination.decode_cursor(cursor, LIST_NAME, 4)
    try:
        value = float(total)
    except ValueError:
        value = math.nan
    if missing not in ("0", "1") or not math.isfinite(value) or not agent_id:
        raise pagination.bad_input(f"not a cursor from {LIST_NAME}", "after")
    return missing == "1", value, name, agent_id


def past(rows: Sequence[AgentRow], after: Rank | None, limit: int) -> list[AgentRow]:
    """At most `limit` of `rows` (in rank order) that come after `after`."""
    found = rows if after is None else [row for row in rows if rank(row) > after]
    return list(found[:limit])
