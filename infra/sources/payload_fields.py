"""Path-aware reading of vendor JSON, shared by every helpdesk adapter.

Vendor payloads are loosely typed: ids arrive as numbers or strings, empty strings stand
for "none", times come as unix seconds, ISO 8601, Ruby `Time#to_s` or RFC 2822 text.
`Fields` reads them with one rule per kind of value and raises `PayloadError` naming the
full path of what is missing, so a failed delivery tells the admin exactly which field
their helpdesk did not send.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from typing import Any

from infra.sources.base import PayloadError


@dataclass(frozen=True, slots=True)
class Fields:
    raw: Mapping[str, Any]
    path: str = ""

    @staticmethod
    def of(payload: Any, what: str) -> Fields:
        if not isinstance(payload, Mapping):
            raise PayloadError(f"{what} payload must be a JSON object")
        return Fields(payload)

    def where(self, key: str) -> str:
        return f"{self.path}.{key}" if self.path else key

    def missing(self, key: str) -> PayloadError:
        return PayloadError(f"'{self.where(key)}' is missing")

    def has(self, key: str) -> bool:
        return key in self.raw

    def child(self, key: str) -> Fields:
        found = self.opt_child(key)
        if found is None:
            raise self.missing(key)
        return found

    def opt_child(self, key: str) -> Fields | None:
        value = self.raw.get(key)
        if value is None:
            return None
        if not isinstance(value, Mapping):
            raise PayloadError(f"'{self.where(key)}' must be an object")
        return Fields(value, self.where(key))

    def text(self, key: str) -> str:
        found = self.opt_text(key)
        if found is None:
            raise self.missing(key)
        return found

    def opt_text(self, key: str) -> str | None:
        """Ids, names, codes: numbers become text; '' and whitespace mean absent."""
        value = self.raw.get(key)
        if value is None or isinstance(value, bool):
            return None
        if isinstance(value, int):
            return str(value)
        if isinstance(value, str):
            return value.strip() or None
        raise PayloadError(f"'{self.where(key)}' must be a string or a number")

    def opt_bool(self, key: str) -> bool | None:
        value = self.raw.get(key)
        if value is None:
            return None
        if isinstance(value, bool):
            return value
        raise PayloadError(f"'{self.where(key)}' must be true or false")

    def time(self, key: str) -> datetime:
        found = self.opt_time(key)
        if found is None:
            raise self.missing(key)
        return found

    def opt_time(self, key: str) -> datetime | None:
        value = self.raw.get(key)
        if value is None or (isinstance(value, str) and not value.strip()):
            return None
        try:
            return to_utc(value)
        except (TypeError, ValueError):
            raise PayloadError(f"'{self.where(key)}' is not a timestamp: {value!r}") from None

    def children(self, key: str) -> list[Fields]:
        """A list of objects; a missing list is empty and non-objects are skipped."""
        value = self.raw.get(key)
        if value is None:
            return []
        if not isinstance(value, list):
            raise PayloadError(f"'{self.where(key)}' must be a list")
        where = self.where(key)
        return [Fields(v, f"{where}[{i}]") for i, v in enumerate(value) if isinstance(v, Mapping)]


def to_utc(value: Any) -> datetime:
    """Every vendor time: unix seconds (a number, or all digits as text, as Intercom's own
    SDK fixtures send them), ISO 8601 (any fraction length), Ruby `... UTC` or RFC 2822.
    TypeError for what is not a time value, ValueError for every text or number that is
    not a time this can represent (including ones out of range, whatever raised)."""
    try:
        return _to_utc(value)
    except (OverflowError, OSError) as exc:  # fromtimestamp, astimezone, email.utils
        raise ValueError("time out of range") from exc


def _to_utc(value: Any) -> datetime:
    if isinstance(value, bool):
        raise TypeError("a boolean is not a time")
    if isinstance(value, int | float):
        return datetime.fromtimestamp(value, UTC)
    if not isinstance(value, str):
        raise TypeError("unsupported time value")
    text = value.strip()
    if text.isascii() and text.isdigit():
        return datetime.fromtimestamp(int(text), UTC)
    if text.endswith(" UTC"):  # Ruby `Time#to_s`: Freshdesk placeholders, older Chatwoot
        text = text[:-4] + "+00:00"
    elif text.endswith(("Z", "z")):
        text = text[:-1] + "+00:00"
    try:
        parsed = datetime.fromisoformat(text)
    except ValueError:
        parsed = parsedate_to_datetime(text)  # raises ValueError when it is not RFC 2822 either
    if parsed.tzinfo is None:
        raise ValueError("a timestamp needs a UTC offset")
    return parsed.astimezone(UTC)


def aware_utc(value: datetime) -> datetime:
    """A request's receive time in UTC; a naive one is taken as UTC, not local time."""
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def second_stamp(value: datetime) -> str:
    """Second-precision UTC text for event ids: vendors disagree on sub-second digits."""
    return value.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def minute_stamp(value: datetime) -> str:
    """Minute-precision UTC text, for sources (Zendesk placeholders) that drop seconds."""
    return value.astimezone(UTC).strftime("%Y-%m-%dT%H:%MZ")


def digest(*parts: object) -> str:
    """A short stable fingerprint of several values, for ids without a vendor id."""
    joined = "\x1f".join("" if part is None else str(part) for part in parts)
    return hashlib.sha256(joined.encode()).hexdigest()[:24]


def body_digest(body: bytes) -> str:
    return "sha256:" + hashlib.sha256(body).hexdigest()
