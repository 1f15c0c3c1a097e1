"""Typed, path-aware access to vendor JSON, shared by the Intercom and Chatwoot adapters.

Vendor payloads are loosely typed (ids arrive as numbers or strings, times as unix
seconds or ISO text). `Node` reads them with one rule per kind of value and raises
`PayloadError` naming the full path of whatever is missing, so a 422 says exactly
which field a vendor did not send.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from infra.sources.base import PayloadError


@dataclass(frozen=True, slots=True)
class Node:
    raw: Mapping[str, Any]
    path: str = ""

    @staticmethod
    def root(payload: Any, what: str) -> Node:
        if not isinstance(payload, Mapping):
            raise PayloadError(f"{what} payload must be a JSON object")
        return Node(payload)

    def where(self, key: str) -> str:
        return f"{self.path}.{key}" if self.path else key

    def missing(self, key: str) -> PayloadError:
        return PayloadError(f"'{self.where(key)}' is missing")

    def child(self, key: str) -> Node:
        found = self.opt_child(key)
        if found is None:
            raise self.missing(key)
        return found

    def opt_child(self, key: str) -> Node | None:
        value = self.raw.get(key)
        if value is None:
            return None
        if not isinstance(value, Mapping):
            raise PayloadError(f"'{self.where(key)}' must be an object")
        return Node(value, self.where(key))

    def text(self, key: str) -> str:
        found = self.opt_text(key)
        if found is None:
            raise self.missing(key)
        return found

    def opt_text(self, key: str) -> str | None:
        """Ids and names: vendors send both numbers and strings; '' means absent."""
        value = self.raw.get(key)
        if value is None or isinstance(value, bool):
            return None
        if isinstance(value, int):
            return str(value)
        if isinstance(value, str):
            return value.strip() or None
        raise PayloadError(f"'{self.where(key)}' must be a string or a number")

    def time(self, key: str) -> datetime:
        found = self.opt_time(key)
        if found is None:
            raise self.missing(key)
        return found

    def opt_time(self, key: str) -> datetime | None:
        """Unix seconds (int or float) or ISO 8601 text, always returned in UTC."""
        value = self.raw.get(key)
        if value is None or value == "":
            return None
        try:
            return to_utc(value)
        except (TypeError, ValueError, OverflowError):
            raise PayloadError(f"'{self.where(key)}' is not a timestamp: {value!r}") from None

    def nodes(self, key: str) -> list[Node]:
        """A list of objects; a missing list is empty, non-objects are skipped."""
        value = self.raw.get(key)
        if value is None:
            return []
        if not isinstance(value, list):
            raise PayloadError(f"'{self.where(key)}' must be a list")
        where = self.where(key)
        return [Node(v, f"{where}[{i}]") for i, v in enumerate(value) if isinstance(v, Mapping)]


def to_utc(value: Any) -> datetime:
    if isinstance(value, bool):
        raise TypeError("a boolean is not a time")
    if isinstance(value, int | float):
        return datetime.fromtimestamp(value, UTC)
    if not isinstance(value, str):
        raise TypeError("unsupported time value")
    text = value.strip()
    if text.endswith(" UTC"):  # Chatwoot's older docs show "2020-03-03 13:05:57 UTC"
        text = text[:-4] + "+00:00"
    elif text.endswith(("Z", "z")):
        text = text[:-1] + "+00:00"
    parsed = datetime.fromisoformat(text)
    if parsed.tzinfo is None:
        raise ValueError("a timestamp needs a UTC offset")
    return parsed.astimezone(UTC)


def digest(*parts: object) -> str:
    """A short stable fingerprint for event ids built from several values."""
    joined = "\x1f".join("" if p is None else str(p) for p in parts)
    return hashlib.sha256(joined.encode()).hexdigest()[:16]


def body_digest(body: bytes) -> str:
    return "sha256:" + hashlib.sha256(body).hexdigest()
