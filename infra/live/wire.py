"""The Redis side of live score updates: one channel per tenant, JSON messages.

A message is a JSON list of `[level, subject id, grain, period start]`; a commit that wrote
more scores than it keeps apart (domain.ports.WrittenScores) sends EVERYTHING instead.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Sequence
from datetime import date

from redis import Redis

from domain.metrics import Level
from domain.periods import Grain, Period
from domain.ports import TenantId
from domain.snapshots import ScoreKey
from infra.db.sql import chunks

PREFIX = "fairscore:scores:"
PATTERN = PREFIX + "*"  # what each API process listens to
CHUNK = 500
EVERYTHING = "*"  # more scores changed than are listed: subscribers should re-read all


def channel(tenant_id: str) -> str:
    return PREFIX + tenant_id


def tenant_of(channel_name: str) -> TenantId | None:
    if not channel_name.startswith(PREFIX):
        return None
    return TenantId(channel_name.removeprefix(PREFIX))


def encode(keys: Sequence[ScoreKey]) -> Iterator[str]:
    rows = [
        (k.level.value, k.subject_id, k.period.grain.value, k.period.start.isoformat())
        for k in keys
    ]
    for part in chunks(rows, CHUNK):
        yield json.dumps(list(part), separators=(",", ":"))


def decode(message: str | bytes) -> list[ScoreKey]:
    """The keys of one message; ValueError (or a subclass) if it is not one of ours."""
    rows = json.loads(message)
    if not isinstance(rows, list):
        raise ValueError("a live message is a JSON list")
    out = []
    for level, subject_id, grain, start in rows:
        period = Period(Grain(grain), date.fromisoformat(start))
        out.append(ScoreKey(Level(level), str(subject_id), period))
    return out


def publish(redis: Redis, tenant_id: TenantId, keys: Sequence[ScoreKey] | None) -> None:
    """PUBLISH the keys (None: EVERYTHING) on the tenant's channel (raises RedisError when
    Redis is down)."""
    name = channel(tenant_id)
    for message in [EVERYTHING] if keys is None else encode(keys):
        redis.publish(name, message)
