"""Parser for Freshdesk's `{{triggered_event}}` placeholder.

Freshdesk renders the event that fired an automation rule as unquoted, JSON-like text:
`{ticket_action:created}`, `{note_type:public}`, `{status:{from:4,to:6}}`. It is not
JSON, so it is split by hand, respecting braces; when several changes are listed the
first one names the event.
"""

from __future__ import annotations

from dataclasses import dataclass

from infra.sources.base import PayloadError

EMPTY_VALUES = ("", "null", "nil", "none")


@dataclass(frozen=True, slots=True)
class TriggeredEvent:
    name: str
    value: str | None = None  # `{note_type:public}` → "public"
    from_: str | None = None  # `{status:{from:4,to:6}}` → "4"
    to: str | None = None  # ... → "6"; None when the field was cleared


def parse_triggered_event(text: str, *, field: str) -> TriggeredEvent:
    body = text.strip()
    if not (body.startswith("{") and body.endswith("}")):
        raise PayloadError(f"'{field}' is not Freshdesk event notation: {text!r}")
    pairs = _pairs(body[1:-1])
    if not pairs:
        raise PayloadError(f"'{field}' names no event: {text!r}")
    name, value = pairs[0]
    if value.startswith("{") and value.endswith("}"):
        change = dict(_pairs(value[1:-1]))
        return TriggeredEvent(name, from_=_opt(change.get("from")), to=_opt(change.get("to")))
    return TriggeredEvent(name, value=_opt(value))


def _pairs(inner: str) -> list[tuple[str, str]]:
    """`a:1,b:{c:2,d:3}` → [("a", "1"), ("b", "{c:2,d:3}")]."""
    pairs = []
    for part in _split_top_level(inner):
        name, sep, value = part.partition(":")
        if sep and name.strip():
            pairs.append((name.strip(), value.strip()))
    return pairs


def _split_top_level(inner: str) -> list[str]:
    parts, depth, start = [], 0, 0
    for index, char in enumerate(inner):
        if char == "{":
            depth += 1
        elif char == "}":
            depth -= 1
        elif char == "," and depth == 0:
            parts.append(inner[start:index])
            start = index + 1
    parts.append(inner[start:])
    return [p for p in parts if p.strip()]


def _opt(value: str | None) -> str | None:
    if value is None or value.strip().lower() in EMPTY_VALUES:
        return None
    return value.strip()
