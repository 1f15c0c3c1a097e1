"""The one recording point of the audit log: every top-level mutation guarded by an
audited scope (`requires(...)` adds this extension) is recorded, whatever its resolver does.

The event is written inside the mutation's own unit of work (Context.write), so a change
never commits without its record; the outcome is settled once the resolver has answered
(a typed error updates it; a mutation that failed before committing is recorded then, in
its own transaction).
"""

from __future__ import annotations

import dataclasses
import enum
from collections.abc import Awaitable, Callable
from datetime import date, datetime, time
from typing import Any

from graphql import GraphQLError, OperationType
from strawberry.extensions import FieldExtension
from strawberry.types.unset import UNSET

from api.errors import UserError
from domain.audit import OK, people_data_redacted, redact

# Mutations needing one of these scopes are recorded; `people:write` is listed ahead of
# the scope itself so its mutations are covered the day it exists.
AUDITED_SCOPES = frozenset({"admin", "people:write"})


@dataclasses.dataclass
class AuditDraft:
    """What a running mutation will record; `event_id` once its row is written."""

    action: str
    arguments: dict[str, Any]
    event_id: str | None = None


class AuditExtension(FieldExtension):
    def __init__(self, *, people_data: bool = False) -> None:
        # A people:write mutation's arguments are HR data: only their ids are kept.
        self.people_data = people_data

    async def resolve_async(
        self, next_: Callable[..., Awaitable[Any]], source: Any, info: Any, **kwargs: Any
    ) -> Any:
        if not _is_root_mutation(info):
            return await next_(source, info, **kwargs)
        context = info.context
        arguments = redact(_plain(kwargs))
        if self.people_data:
            arguments = people_data_redacted(arguments)
        draft = AuditDraft(action=info.field_name, arguments=arguments)
        context.audit = draft
        try:
            result = await next_(source, info, **kwargs)
        except Exception as exc:
            context.audit = None
            await context.finish_audit(draft, outcome=_error_outcome(exc))
            raise
        context.audit = None
        await context.finish_audit(draft, outcome=_outcome(result))
        return result


def _is_root_mutation(info: Any) -> bool:
    return info.path.prev is None and info.operation.operation == OperationType.MUTATION


def _outcome(result: Any) -> str:
    if not isinstance(result, UserError):
        return OK
    definition = getattr(type(result), "__strawberry_definition__", None)
    return str(definition.name) if definition else type(result).__name__


def _error_outcome(exc: Exception) -> str:
    code = exc.extensions.get("code") if isinstance(exc, GraphQLError) and exc.extensions else None
    return f"error:{code}" if code else "error"


def _plain(value: Any) -> Any:
    """Arguments (input objects, enums, dates) as JSON values."""
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        fields = ((f.name, getattr(value, f.name)) for f in dataclasses.fields(value))
        return {name: _plain(v) for name, v in fields if v is not UNSET}
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items() if v is not UNSET}
    if isinstance(value, list | tuple | set | frozenset):
        return [_plain(v) for v in value]
    if isinstance(value, enum.Enum):
        return _plain(value.value)
    if isinstance(value, datetime | date | time):
        return value.isoformat()
    if value is None or isinstance(value, str | int | float | bool):
        return value
    return str(value)
