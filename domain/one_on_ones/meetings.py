"""A one-on-one and what is checked before it is stored.

The manager is an agent of the tenant too (a team lead in the directory), never the agent
themself: both are named by agent id, so a merge or deactivation leaves the meeting where
it was and a name change shows everywhere.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, datetime

from domain import limits
from domain.limits import check_length

TEXT = 20_000  # agenda and notes (house limit)
ITEM_TEXT = 500  # one action item
MAX_ITEMS = 50  # action items of one meeting
MAX_LINKS = 50  # linked reviews, linked goals


class OneOnOneError(ValueError):
    """An expected failure the caller can fix; `field` names the input at fault."""

    def __init__(self, message: str, field: str | None = None) -> None:
        super().__init__(message)
        self.field = field


class OneOnOneNotFoundError(OneOnOneError):
    """A named thing (meeting, agent, action item) does not exist in the tenant."""


@dataclass(frozen=True, slots=True)
class ActionItem:
    id: str
    text: str
    done: bool = False
    goal_id: str | None = None  # the goal it was turned into


@dataclass(frozen=True, slots=True)
class OneOnOne:
    id: str
    agent_id: str
    manager_id: str
    held_on: date  # the meeting's local day, planned or past
    agenda: str
    notes: str
    action_items: tuple[ActionItem, ...]
    review_ids: tuple[str, ...]  # the agent's performance reviews it discusses
    goal_ids: tuple[str, ...]  # the agent's goals it discusses
    created_at: datetime
    updated_at: datetime


@dataclass(frozen=True, slots=True)
class ItemSpec:
    """An action item as the caller gives it: an `id` keeps an existing item (and its goal)."""

    text: str
    done: bool = False
    id: str | None = None


def check_texts(*, agenda: str | None, notes: str | None) -> None:
    check_length(agenda, limit=TEXT, field="agenda", error=OneOnOneError)
    check_length(notes, limit=TEXT, field="notes", error=OneOnOneError)


def check_items(items: Sequence[ItemSpec]) -> None:
    if len(items) > MAX_ITEMS:
        raise OneOnOneError(f"a one-on-one has at most {MAX_ITEMS} action items", "actionItems")
    for index, item in enumerate(items):
        where = f"actionItems[{index}]"
        if not item.text.strip():
            raise OneOnOneError("an action item needs a text", f"{where}.text")
        check_length(item.text, limit=ITEM_TEXT, field=f"{where}.text", error=OneOnOneError)
        check_length(item.id, limit=limits.ID, field=f"{where}.id", error=OneOnOneError)


def check_links(ids: Sequence[str], field: str) -> tuple[str, ...]:
    """The ids in their order, each once."""
    if len(ids) > MAX_LINKS:
        raise OneOnOneError(f"at most {MAX_LINKS} links", field)
    for index, link in enumerate(ids):
        check_length(link, limit=limits.ID, field=f"{field}[{index}]", error=OneOnOneError)
    return tuple(dict.fromkeys(ids))


def merge_items(
    existing: Sequence[ActionItem], wanted: Sequence[ItemSpec], make_id: Callable[[], str]
) -> tuple[ActionItem, ...]:
    """The meeting's new list of action items, in the caller's order: an item named by id
    keeps its id and the goal it became; one without an id is new; one left out is gone."""
    known = {item.id: item for item in existing}
    seen: set[str] = set()
    out = []
    for index, spec in enumerate(wanted):
        if spec.id is None:
            out.append(ActionItem(make_id(), spec.text.strip(), spec.done))
            continue
        where = f"actionItems[{index}].id"
        kept = known.get(spec.id)
        if kept is None:
            raise OneOnOneNotFoundError(f"no action item {spec.id!r} in this one-on-one", where)
        if spec.id in seen:
            raise OneOnOneError(f"action item {spec.id!r} appears twice", where)
        seen.add(spec.id)
        out.append(ActionItem(kept.id, spec.text.strip(), spec.done, kept.goal_id))
    return tuple(out)
