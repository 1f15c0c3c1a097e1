"""The audit log: who changed what, when, with what outcome (issue 11 item 5).

Pure rules only: what an event holds, how arguments are made safe to keep (secrets never
are), and the port the unit of work provides.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Protocol

OK = "ok"
CLI_ACTOR = "cli"
MAX_ACTOR = 200
MAX_DETAILS_CHARS = 16_000
REDACTED = "[redacted]"
PEOPLE_DATA = "[people data]"
# Argument names whose values are never kept, at any depth.
_SECRET_NAME = re.compile(r"secret|password|passwd|token|credential|private", re.IGNORECASE)
# Argument names whose values name records (ids), kept in a §7 mutation's record.
_ID_NAME = re.compile(r"(^|_)ids?$")


@dataclass(frozen=True, slots=True)
class AuditEntry:
    id: str
    at: datetime
    client_id: str
    actor: str
    action: str
    outcome: str
    details: Mapping[str, Any]


class AuditLog(Protocol):
    def record(
        self, *, client_id: str, actor: str, action: str, outcome: str, details: Mapping[str, Any]
    ) -> str: ...

    def set_outcome(self, event_id: str, outcome: str) -> None: ...

    def page(self, *, first: int, after: tuple[datetime, str] | None) -> Sequence[AuditEntry]: ...


def redact(value: Any) -> Any:
    """`value` with every secret-named field replaced by a marker (recursively)."""
    if isinstance(value, Mapping):
        return {
            str(k): REDACTED if _SECRET_NAME.search(str(k)) and v is not None else redact(v)
            for k, v in value.items()
        }
    if isinstance(value, list | tuple):
        return [redact(v) for v in value]
    return value


def people_data_redacted(value: Any, name: str = "") -> Any:
    """A §7 (people data) mutation's arguments as the log keeps them: which records, by
    id, never what they say — the log is read with `admin`, which sees nothing of §7, and
    an erased agent's reviews and notes must not live on in it."""
    if isinstance(value, Mapping):
        return {str(k): people_data_redacted(v, str(k)) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [people_data_redacted(v, name) for v in value]
    if value is None or _ID_NAME.search(name):
        return value
    return PEOPLE_DATA


def bounded_actor(actor: str | None) -> str:
    """The caller-supplied actor label, single-line and at most MAX_ACTOR characters."""
    return " ".join((actor or "").split())[:MAX_ACTOR]


def bounded_details(details: Mapping[str, Any]) -> dict[str, Any]:
    """Details small enough to keep: oversized ones keep only their top-level keys."""
    text = json.dumps(details, default=str)
    if len(text) <= MAX_DETAILS_CHARS:
        return dict(json.loads(text))
    return {"truncated": True, "keys": sorted(str(k) for k in details)}


def settings_change(
    before: Mapping[str, Any], after: Mapping[str, Any]
) -> dict[str, dict[str, Any]] | None:
    """The top-level settings keys that changed, before and after (None: no change)."""
    keys = sorted(k for k in set(before) | set(after) if before.get(k) != after.get(k))
    if not keys:
        return None
    return {
        "before": {k: before.get(k) for k in keys},
        "after": {k: after.get(k) for k in keys},
    }
