"""Local wall-clock time in an IANA timezone, turned into instants one consistent way.

Wall times that occur twice (clocks fall back) mean their first occurrence (fold=0). Wall times
that never occur (clocks spring forward) mean the instant the clock jumps, so a local span that
starts or ends inside the gap is cut to what really elapsed. Unlike plain fold=0, which moves a
skipped time forward by the gap, this keeps the mapping monotonic: a later wall time is never
an earlier instant.
"""

from __future__ import annotations

import math
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError


def load_zone(key: str) -> ZoneInfo:
    """The IANA timezone `key`; raises ValueError for anything else."""
    try:
        return ZoneInfo(key)
    except (ZoneInfoNotFoundError, ValueError, TypeError):
        raise ValueError(f"unknown timezone {key!r}; expected an IANA name") from None


def wall_to_utc(wall: datetime, zone: ZoneInfo) -> float:
    """A naive local wall time in `zone` as POSIX seconds (see module doc)."""
    first = wall.replace(tzinfo=zone).timestamp()
    second = wall.replace(tzinfo=zone, fold=1).timestamp()
    if second >= first:  # unique or repeated: fold=0 is the earlier instant
        return first
    return _jump_instant(zone, second, first)


def _jump_instant(zone: ZoneInfo, before: float, after: float) -> float:
    """The instant the UTC offset changes between `before` and `after` (whole seconds)."""
    target = _offset(zone, after)
    low, high = math.floor(before), math.ceil(after)
    while high - low > 1:
        middle = (low + high) // 2
        if _offset(zone, middle) == target:
            high = middle
        else:
            low = middle
    return float(high)


def _offset(zone: ZoneInfo, moment: float) -> timedelta | None:
    return datetime.fromtimestamp(moment, zone).utcoffset()
