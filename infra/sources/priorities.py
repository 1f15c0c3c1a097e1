"""Vendor priorities → SPEC §8's four (`domain.events.Priority`: low, normal, high, urgent).

Each helpdesk has its own scale; `priority_of` reads one value of it, case-insensitively.
A value a map does not hold — none, a cleared field, an account's custom level — is no
priority: the event leaves the ticket's priority as it was (docs/integrations/*).
"""

from __future__ import annotations

from collections.abc import Mapping

ZENDESK: Mapping[str, str] = {"low": "low", "normal": "normal", "high": "high", "urgent": "urgent"}
# Freshdesk's numbers 1–4 in {{ticket.priority}} renders, its names in the UI's.
FRESHDESK: Mapping[str, str] = {
    "1": "low",
    "2": "normal",
    "3": "high",
    "4": "urgent",
    "low": "low",
    "medium": "normal",
    "high": "high",
    "urgent": "urgent",
}
# Chatwoot: none (null) | low | medium | high | urgent.
CHATWOOT: Mapping[str, str] = {"low": "low", "medium": "normal", "high": "high", "urgent": "urgent"}
# Intercom flags a conversation "priority" or "not_priority": a flagged one is high, the
# others the normal run of work.
INTERCOM: Mapping[str, str] = {"priority": "high", "not_priority": "normal"}


def priority_of(raw: object, scale: Mapping[str, str]) -> str | None:
    """One vendor value (text or number) → low|normal|high|urgent, or None."""
    if raw is None or isinstance(raw, bool):
        return None
    return scale.get(str(raw).strip().lower())
