"""Completing plain objects without graphql-core's per-field execution (issue 12).

agentScores for 1,000 agents answers ~25,000 metric and component objects of ~10 scalar
fields each, and graphql-core executes every one of those fields on its own (a resolve
info, the resolver, awaitable checks, leaf completion): ~70% of the request's time in
the profile, more than reading and decoding the snapshots. When every field a selection
set asks of an object can be read directly (api/graphql_plans.py: an attribute, or a
resolver marked `plain_resolver`, of a scalar, enum, plain object or lists of them), the
result is the same when each field is read and serialised here, which is what
`PlainObjectsExecutionContext` does — for a whole list at once: agentScores' 1,000
AgentScore objects, their agent, metrics and components, in one loop. The type's other
fields do not matter unless they are selected.

Anything it does not expect (a null in a non-null field, a value its scalar refuses or
serialises to null, a resolver that raises, @defer or @stream, resolver middleware,
exception handlers) hands the object back to graphql-core, which completes it from the
start, so errors are reported exactly as before.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from functools import partial
from typing import Any, TypeVar

from graphql import (
    GraphQLEnumType,
    GraphQLList,
    GraphQLNonNull,
    GraphQLObjectType,
    GraphQLOutputType,
    GraphQLResolveInfo,
    GraphQLScalarType,
)
from graphql.execution.collect_fields import FieldDetailsList
from graphql.execution.values import get_argument_values
from graphql.pyutils import Path, Undefined
from strawberry.schema.schema import StrawberryGraphQLCoreExecutionContext
from strawberry.schema.schema_converter import GraphQLCoreConverter
from strawberry.types.arguments import convert_arguments
from typing_extensions import override

from api.graphql_plans import Field, Plan, plan_of, serializer

__all__ = ["PlainObjectsExecutionContext", "plan_of", "shared"]

# How one selected field is read and completed: (read, attribute, complete, non-null?);
# `complete(value)` answers a non-null value, or None/Undefined to leave it to graphql-core.
Reader = tuple[Any, str, Callable[[Any], Any], bool]
Signature = tuple[Any, ...]  # what a selection reads, structurally (see `_interned`)


class PlainObjectsExecutionContext(StrawberryGraphQLCoreExecutionContext):
    @override
    def execute_field(
        self,
        parent_type: GraphQLObjectType,
        source: Any,
        field_details_list: FieldDetailsList,
        path: Path,
        position_context: Any,
    ) -> Any:
        """A field read straight off an object whose other fields need graphql-core
        (a connection's edges, say): no resolve info, resolver wrapper or completion of
        its own. Anything unexpected goes to graphql-core."""
        plan = plan_of(parent_type)
        entry = plan.get(field_details_list[0].node.name.value) if plan else None
        if entry is not None and not _has_middleware(self):
            found = self._reader(entry, field_details_list)
            if found is not None:
                value = self._direct(found[0], source)
                if value is not Undefined:
                    return value
        return super().execute_field(
            parent_type, source, field_details_list, path, position_context
        )

    def _direct(self, reader: Reader, source: Any) -> Any:
        """The field's answer, or Undefined to leave it to graphql-core."""
        read, attribute, complete, non_null = reader
        try:
            value = read(source, attribute)
            if value is None:
                return Undefined if non_null else None
            answer = complete(value)
        except Exception:  # graphql-core reports it, as it always did
            return Undefined
        return Undefined if answer is None else answer

    @override
    def complete_object_value(
        self,
        return_type: GraphQLObjectType,
        field_details_list: FieldDetailsList,
        info: GraphQLResolveInfo[Any],
        path: Path,
        result: Any,
        position_context: Any,
    ) -> Any:
        found = self._object_selection(return_type, field_details_list)
        if found is not None:
            completed = _answer_as(return_type, found[0], result)
            if completed is not None:
                return completed
        return super().complete_object_value(
            return_type, field_details_list, info, path, result, position_context
        )

    @override
    def complete_iterable_value(
        self,
        item_type: GraphQLOutputType,
        field_details_list: FieldDetailsList,
        info: GraphQLResolveInfo[Any],
        path: Path,
        items: Iterable[Any],
        position_context: Any,
    ) -> Any:
        """A list of plain objects in one loop, without graphql-core's per-item
        completion; any item it cannot complete leaves the whole list to graphql-core."""
        non_null = isinstance(item_type, GraphQLNonNull)
        object_type = item_type.of_type if isinstance(item_type, GraphQLNonNull) else item_type
        if isinstance(items, list | tuple) and isinstance(object_type, GraphQLObjectType):
            found = self._object_selection(object_type, field_details_list)
            if found is not None and self.get_stream_usage(field_details_list, path) is None:
                completed = _list_of(partial(_answer_as, object_type, found[0]), non_null)(items)
                if completed is not None:
                    return completed
        return super().complete_iterable_value(
            item_type, field_details_list, info, path, items, position_context
        )

    # what a selection reads, once per selection set and request --------------------------
    def _object_selection(
        self, object_type: GraphQLObjectType, field_details_list: FieldDetailsList
    ) -> tuple[list[Selected], Signature] | None:
        """How to complete an object of `object_type` for this field's selection set."""
        plan = plan_of(object_type)
        if plan is None or _has_middleware(self):
            return None
        grouped, new_defer_usages, _ = self.collect_subfields(object_type, field_details_list)
        return None if new_defer_usages else self._selection(object_type, plan, grouped)

    def _selection(
        self, object_type: GraphQLObjectType, plan: Plan, grouped: dict[str, FieldDetailsList]
    ) -> tuple[list[Selected], Signature] | None:
        """What to read for each response key, None if a selected field needs graphql-core
        (collect_subfields hands the same grouped fields for every item of a list)."""
        selections = self._cache("_plain_selections")
        found = selections.get(id(grouped))
        if found is not None and found[0] is grouped:
            return found[1]  # type: ignore[no-any-return]
        selected: list[Selected] = []
        signature: list[Signature] = []
        for response_key, details in grouped.items():
            name = details[0].node.name.value
            if name == "__typename":
                selected.append((response_key, _typename(object_type.name), "", None, False))
                signature.append((response_key, name))
                continue
            entry = plan[name]
            reader = self._reader(entry, details) if entry is not None else None
            if reader is None:
                break
            selected.append((response_key, *reader[0]))
            signature.append((response_key, name, reader[1]))
        answer = None
        if len(selected) == len(grouped):
            whole = (object_type, tuple(signature))
            answer = (_interned(whole, selected), whole)
        selections[id(grouped)] = (grouped, answer)  # `grouped` kept: its id stays its own
        return answer

    def _reader(self, entry: Field, details: FieldDetailsList) -> tuple[Reader, Signature] | None:
        """How to read and complete the field `details` select; None for graphql-core."""
        readers = self._cache("_plain_readers")
        key = (id(details), id(entry))  # plans live as long as their types
        found = readers.get(key)
        if found is not None and found[0] is details:
            return found[1]  # type: ignore[no-any-return]
        answer = None
        if not any(d.name.value == "stream" for f in details for d in f.node.directives or ()):
            of_type = entry.type
            non_null = isinstance(of_type, GraphQLNonNull)
            nullable = of_type.of_type if isinstance(of_type, GraphQLNonNull) else of_type
            completer = self._completer(nullable, details)
            read = self._read(entry, details)
            if completer is not None and read is not None:
                answer = (
                    (read[0], entry.attribute, completer[0], non_null),
                    (read[1], completer[1]),
                )
        readers[key] = (details, answer)
        return answer

    def _read(self, entry: Field, details: FieldDetailsList) -> tuple[Any, Signature] | None:
        """`read(source, attribute)` and the arguments it reads with."""
        if entry.resolver is None:
            return entry.read, ()
        strawberry_schema = self.schema.extensions.get(GraphQLCoreConverter.DEFINITION_BACKREF)
        if strawberry_schema is None or strawberry_schema.exception_handlers:
            return None  # a handler may answer for an exception: strawberry's resolver
        try:
            first = details[0]
            raw = get_argument_values(
                entry.definition,
                first.node,
                self.variable_values,
                first.fragment_variable_values,
                self.hide_suggestions,
            )
            kwargs = convert_arguments(
                raw,
                entry.resolver.arguments,
                scalar_registry=strawberry_schema.schema_converter.scalar_registry,
                config=strawberry_schema.config,
            )
            arguments = tuple(sorted(raw.items()))
            hash(arguments)  # leaves: part of the selection's signature
        except Exception:  # a bad argument: graphql-core reports it
            return None
        get_result = entry.resolver.get_result
        resolver = entry.resolver.base_resolver
        takes_self = resolver is not None and resolver.self_parameter is not None

        # As strawberry calls it (schema_converter.get_arguments): the object as `self`.
        def read(source: Any, _attribute: str) -> Any:
            return get_result(source, None, [source] if takes_self else [], kwargs)

        return read, arguments

    def _completer(
        self, of_type: GraphQLOutputType, details: FieldDetailsList
    ) -> tuple[Callable[[Any], Any], Signature] | None:
        """`complete(value)` for a non-null value of `of_type` (nullability stripped)."""
        if isinstance(of_type, GraphQLScalarType | GraphQLEnumType):
            return serializer(of_type), (of_type.name,)
        if isinstance(of_type, GraphQLList):
            item = of_type.of_type
            item_non_null = isinstance(item, GraphQLNonNull)
            found = self._completer(item.of_type if item_non_null else item, details)
            if found is None:
                return None
            return _list_of(found[0], item_non_null), ("[]", item_non_null, found[1])
        if isinstance(of_type, GraphQLObjectType):
            selection = self._object_selection(of_type, details)
            if selection is None:
                return None
            return partial(_answer_as, of_type, selection[0]), selection[1]
        return None

    def _cache(self, name: str) -> dict[Any, Any]:
        """A per-request cache on this context (one context per operation)."""
        return self.__dict__.setdefault(name, {})  # type: ignore[no-any-return]


# (response key, read, attribute, complete or None for __typename, non-null?)
Selected = tuple[str, Any, str, Any, bool]


def _list_of(complete_item: Callable[[Any], Any], item_non_null: bool) -> Callable[[Any], Any]:
    """Complete a list (graphql-core's complete_list_value, for lists and tuples)."""

    def complete(values: Any) -> list[Any] | None:
        if not isinstance(values, list | tuple):
            return None  # another iterable: graphql-core
        out: list[Any] = []
        for value in values:
            if value is None:
                if item_non_null:
                    return None
                out.append(None)
                continue
            completed = complete_item(value)
            if completed is None or completed is Undefined:
                return None
            out.append(completed)
        return out

    return complete


# Objects of these types are immutable and handed to many requests (see `shared`).
_SHARED: set[type] = set()
_MEMO = "_fairscore_completed"  # on such an object: (its selection, its answer)
# One list per selection set, whichever request asks it, so that a shared object's
# answer is found by the identity of its selection (bounded: any document can add one).
# The signature is structural — response keys, fields, arguments, nested selections —
# so two selection sets share a list only if they read the same things the same way.
_INTERNED: dict[Signature, list[Selected]] = {}
_MAX_INTERNED = 1024
T = TypeVar("T", bound=type)


def shared(cls: T) -> T:
    """Mark a type whose objects are never changed once built and are reused across
    requests (api/identity_memo.py): the answer of such an object to a selection set is
    completed once and kept on the object; later requests answer it as it is."""
    _SHARED.add(cls)
    return cls


def _interned(signature: Signature, selected: list[Selected]) -> list[Selected]:
    """The selection's one list: the same response keys and fields read the same way."""
    found = _INTERNED.get(signature)
    if found is not None:
        return found
    if len(_INTERNED) >= _MAX_INTERNED:
        _INTERNED.clear()  # answers kept on objects then miss: each holds its own list
    _INTERNED[signature] = selected
    return selected


def _answer_as(
    object_type: GraphQLObjectType, selected: list[Selected], source: Any
) -> dict[str, Any] | None:
    """`_answer` for an object graphql-core would accept as `object_type`: strawberry's
    `is_type_of` (a type that implements an interface has one) reads the object, not the
    resolve info; one that needs the info, raises or says no leaves it to graphql-core."""
    is_type_of = object_type.is_type_of
    if is_type_of is not None:
        try:
            if is_type_of(source, None) is not True:  # type: ignore[arg-type]
                return None
        except Exception:
            return None
    return _answer(selected, source)


def _answer(selected: list[Selected], source: Any) -> dict[str, Any] | None:
    """`_completed`, kept on a shared object for the selection that asked it. The entry
    holds the selection list itself, so its identity cannot pass to another one."""
    if type(source) not in _SHARED:
        return _completed(selected, source)
    memo = source.__dict__.get(_MEMO)
    if memo is not None and memo[0] is selected:
        return memo[1]  # type: ignore[no-any-return]
    completed = _completed(selected, source)
    if completed is not None:
        source.__dict__[_MEMO] = (selected, completed)
    return completed


def _typename(name: str) -> Any:
    return lambda _source, _attribute: name


def _has_middleware(context: StrawberryGraphQLCoreExecutionContext) -> bool:
    """Whether a schema extension resolves fields (strawberry passes a manager always,
    empty unless one does): such an extension must see every field."""
    manager = context.middleware_manager
    return manager is not None and bool(manager.middlewares)


def _completed(selected: list[Selected], source: Any) -> dict[str, Any] | None:
    """The object's response, or None to leave it to graphql-core."""
    out: dict[str, Any] = {}
    try:
        for response_key, read, attribute, complete, non_null in selected:
            value = read(source, attribute)
            if complete is None:  # __typename
                out[response_key] = value
                continue
            if value is None:
                if non_null:
                    return None
                out[response_key] = None
                continue
            completed = complete(value)
            if completed is None or completed is Undefined:
                return None
            out[response_key] = completed
    except Exception:  # graphql-core reports it, as it always did
        return None
    return out
