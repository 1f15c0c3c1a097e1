"""Reading one raw canonical event object (SPEC §3): the error a rejected event raises,
RFC 3339 timestamps, and typed access to its fields with messages naming the field."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, datetime
from enum import StrEnum
from typing import Any, TypeVar

E = TypeVar("E", bound=StrEnum)


class EventError(ValueError):
    """A canonical event that cannot be accepted; the message says why."""


def parse_time(value: Any, field: str) -> datetime:
    """RFC 3339 text → aware UTC datetime."""
    if not isinstance(value, str):
        raise EventError(f"{field} must be an RFC 3339 timestamp string")
    text = value.strip()
    if text.endswith(("Z", "z")):
        text = text[:-1] + "+00:00"
    try:
        parsed = datetime.fromisoformat(text)
    except ValueError:
        raise EventError(f"{field} is not an RFC 3339 timestamp: {value!r}") from None
    if parsed.tzinfo is None:
        raise EventError(f"{field} needs a UTC offset: {value!r}")
    try:
        return parsed.astimezone(UTC)
    except OverflowError:  # year 1 east of UTC, year 9999 west of it
        raise EventError(f"{field} is out of range in UTC: {value!r}") from None


class EventFields:
    """Typed access to one raw event object, with messages naming the field."""

    def __init__(self, raw: Mapping[str, Any], where: str) -> None:
        self.raw = raw
        self.where = where

    def _fail(self, message: str) -> EventError:
        return EventError(f"{self.where}: {message}")

    def text(self, name: str) -> str:
        value = self.raw.get(name)
        if isinstance(value, int) and not isinstance(value, bool):
            value = str(value)
        if not isinstance(value, str) or not value:
            raise self._fail(f"'{name}' is required (a non-empty string)")
        return value

    def opt_text(self, name: str) -> str | None:
        value = self.raw.get(name)
        if value is None or value == "":
            return None
        if isinstance(value, int) and not isinstance(value, bool):
            return str(value)
        if not isinstance(value, str):
            raise self._fail(f"'{name}' must be a string or null")
        return value

    def time(self, name: str) -> datetime:
        try:
            return parse_time(self.raw.get(name), f"'{name}'")
        except EventError as exc:
            raise self._fail(str(exc)) from None

    def number(self, name: str) -> float:
        value = self.raw.get(name)
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise self._fail(f"'{name}' must be a number")
        try:
            return float(value)
        except OverflowError:  # an integer of hundreds of digits
            raise self._fail(f"'{name}' is too large a number") from None

    def boolean(self, name: str) -> bool:
        value = self.raw.get(name)
        if not isinstance(value, bool):
            raise self._fail(f"'{name}' must be true or false")
        return value

    def choice(self, name: str, enum: type[E]) -> E:
        value = self.raw.get(name)
        try:
            return enum(str(value))
        except ValueError:
            allowed = "|".join(member.value for member in enum)
            raise self._fail(f"'{name}' must be one of {allowed}, got {value!r}") from None

    def opt_choice(self, name: str, enum: type[E]) -> E | None:
        """Like `choice`, but a missing or null field is None."""
        return None if self.raw.get(name) is None else self.choice(name, enum)
