"""Completing plain objects without graphql-core's per-field execution (issue 12).

agentScores for 1,000 agents answers ~25,000 metric and component objects of ~10 scalar
fields each, and graphql-core executes every one of those fields on its own (a resolve
info, the resolver, awaitable checks, leaf completion): ~70% of the request's time in
the profile, more than reading and decoding the snapshots. When every field a selection
set asks of an object is a scalar or an enum read straight off the object — strawberry's
basic resolver, no arguments, no field extension — the result is the same when each field
is read and serialised directly, which is what `PlainObjectsExecutionContext` does. The
type's other fields do not matter unless they are selected (MetricValue's `strata`, a
list of objects, left every metric to graphql-core while it counted).

Anything it does not expect (a null in a non-null field, a value its scalar refuses or
serialises to null, @defer, resolver middleware) hands the object back to graphql-core,
which completes it from the start, so errors are reported exactly as before.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from typing import Any, TypeVar

from graphql import (
    GraphQLEnumType,
    GraphQLNonNull,
    GraphQLObjectType,
    GraphQLOutputType,
    GraphQLResolveInfo,
    GraphQLScalarType,
)
from graphql.execution.collect_fields import FieldDetailsList
from graphql.pyutils import Path, Undefined
from graphql.type.scalars import serialize_boolean, serialize_float, serialize_int, serialize_string
from strawberry.schema.schema import StrawberryGraphQLCoreExecutionContext
from strawberry.schema.schema_converter import GraphQLCoreConverter
from strawberry.types.field import StrawberryField
from typing_extensions import override

# field name → (strawberry's default resolver, the attribute, its leaf or object type,
# non-null?), or None for a field that needs graphql-core
Leaf = GraphQLScalarType | GraphQLEnumType
Field = tuple[Any, str, Leaf | GraphQLObjectType, bool]
Plan = dict[str, Field | None]
_PLANS: dict[GraphQLObjectType, Plan | None] = {}


def plan_of(object_type: GraphQLObjectType) -> Plan | None:
    """How to read each field of `object_type` directly (None for a field that needs
    graphql-core: a resolver of its own, arguments, or a list); None when no field can be
    read so. A plain object answers only leaves; `execute_field` also reads an object."""
    if object_type in _PLANS:
        return _PLANS[object_type]
    plan: Plan = {}
    for name, field in object_type.fields.items():
        wrapped = field.type
        leaf = wrapped.of_type if isinstance(wrapped, GraphQLNonNull) else wrapped
        definition = field.extensions.get(GraphQLCoreConverter.DEFINITION_BACKREF)
        basic = getattr(field.resolve, "_is_default", False)  # strawberry's basic field
        if (
            not basic
            or not isinstance(definition, StrawberryField)
            or not definition.is_basic_field
            or field.args
            or not isinstance(leaf, GraphQLScalarType | GraphQLEnumType | GraphQLObjectType)
        ):
            plan[name] = None
            continue
        # What its basic resolver returns: default_resolver(source, python_name).
        plan[name] = (
            definition.default_resolver,
            definition.python_name,
            leaf,
            isinstance(wrapped, GraphQLNonNull),
        )
    found = plan if any(entry is not None for entry in plan.values()) else None
    _PLANS[object_type] = found
    return found


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
        """A leaf or a plain object read straight off an object whose other fields need
        graphql-core (agentScores' total, modelName, agent …): no resolve info, resolver
        wrapper or completion of its own. Anything unexpected goes to graphql-core."""
        plan = plan_of(parent_type)
        entry = plan.get(field_details_list[0].node.name.value) if plan else None
        if entry is not None and not _has_middleware(self):
            value = self._direct(entry, field_details_list, source)
            if value is not Undefined:
                return value
        return super().execute_field(
            parent_type, source, field_details_list, path, position_context
        )

    def _direct(self, entry: Field, field_details_list: FieldDetailsList, source: Any) -> Any:
        """The field's answer, or Undefined to leave it to graphql-core."""
        resolve, attribute, of_type, non_null = entry
        try:
            value = resolve(source, attribute)
            if value is None:
                return Undefined if non_null else None
            if isinstance(of_type, GraphQLScalarType | GraphQLEnumType):
                serialised = _serializer(of_type)(value)
                return Undefined if serialised is None else serialised
        except Exception:  # graphql-core reports it, as it always did
            return Undefined
        selected = self._plain_selection(of_type, field_details_list, None)
        answer = _answer(selected, value) if selected is not None else None
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
        selected = self._plain_selection(return_type, field_details_list, None)
        if selected is not None:
            completed = _answer(selected, result)
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
            selected = self._plain_selection(object_type, field_details_list, path)
            if selected is not None:
                completed = [
                    _answer(selected, item) if item is not None else _NULL for item in items
                ]
                if not any(c is None or (c is _NULL and non_null) for c in completed):
                    return [None if c is _NULL else c for c in completed]
        return super().complete_iterable_value(
            item_type, field_details_list, info, path, items, position_context
        )

    def _plain_selection(
        self,
        object_type: GraphQLObjectType,
        field_details_list: FieldDetailsList,
        path: Path | None,  # a list's path (@stream is asked of lists), None for an object
    ) -> list[Selected] | None:
        plan = plan_of(object_type)
        if plan is None or _has_middleware(self) or object_type.is_type_of:
            return None
        if path is not None and self.get_stream_usage(field_details_list, path) is not None:
            return None
        grouped, new_defer_usages, _ = self.collect_subfields(object_type, field_details_list)
        return None if new_defer_usages else self._selection(object_type, plan, grouped)

    def _selection(
        self, object_type: GraphQLObjectType, plan: Plan, grouped: dict[str, FieldDetailsList]
    ) -> list[Selected] | None:
        """What to read for each response key, None if a selected field needs graphql-core:
        once per selection set and request (collect_subfields hands the same grouped
        fields for every item of a list)."""
        selections: dict[int, tuple[object, list[Selected] | None]] = self.__dict__.setdefault(
            "_plain_selections", {}
        )
        found = selections.get(id(grouped))
        if found is not None and found[0] is grouped:
            return found[1]
        selected: list[Selected] = []
        for response_key, details in grouped.items():
            name = details[0].node.name.value
            if name == "__typename":
                selected.append((response_key, _typename(object_type.name), "", None, False))
                continue
            entry = plan[name]
            if entry is None:
                break
            resolve, attribute, leaf, non_null = entry
            if isinstance(leaf, GraphQLObjectType):  # only `execute_field` reads objects
                break
            selected.append((response_key, resolve, attribute, _serializer(leaf), non_null))
        answer = (
            _interned(object_type, grouped, selected) if len(selected) == len(grouped) else None
        )
        selections[id(grouped)] = (grouped, answer)  # `grouped` kept: its id stays its own
        return answer


# (response key, resolver, attribute, serialiser or None for __typename, non-null?)
Selected = tuple[str, Any, str, Any, bool]
_NULL: dict[str, Any] = {}  # a null item of a list (None means "not completed")

# Objects of these types are immutable and handed to many requests (see `shared`).
_SHARED: set[type] = set()
_MEMO = "_fairscore_completed"  # on such an object: (its selection, its answer)
# One list per selection set, whichever request asks it, so that a shared object's
# answer is found by the identity of its selection (bounded: any document can add one).
_INTERNED: dict[tuple[GraphQLObjectType, tuple[tuple[str, str], ...]], list[Selected]] = {}
_MAX_INTERNED = 1024
T = TypeVar("T", bound=type)


def shared(cls: T) -> T:
    """Mark a type whose objects are never changed once built and are reused across
    requests (api/identity_memo.py): the answer of such an object to a selection set is
    completed once and kept on the object; later requests answer it as it is."""
    _SHARED.add(cls)
    return cls


def _interned(
    object_type: GraphQLObjectType, grouped: dict[str, FieldDetailsList], selected: list[Selected]
) -> list[Selected]:
    """The selection's one list: the same response keys and fields read the same way."""
    signature = (
        object_type,
        tuple((key, details[0].node.name.value) for key, details in grouped.items()),
    )
    found = _INTERNED.get(signature)
    if found is not None:
        return found
    if len(_INTERNED) >= _MAX_INTERNED:
        _INTERNED.clear()  # answers kept on objects then miss: each holds its own list
    _INTERNED[signature] = selected
    return selected


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


def _serializer(leaf: Leaf) -> Any:
    """The leaf type's serialise, with the common case of the built-in scalars first (a
    value already of the output type); anything else goes to the scalar itself."""
    found = _SERIALIZERS.get(leaf)
    if found is not None:
        return found
    exact = _EXACT.get(leaf.serialize)
    if exact is None:
        _SERIALIZERS[leaf] = leaf.serialize
        return leaf.serialize
    kind, check = exact
    serialize = leaf.serialize

    def fast(value: Any) -> Any:
        if type(value) is kind and check(value):
            return value
        return serialize(value)

    _SERIALIZERS[leaf] = fast
    return fast


_SERIALIZERS: dict[Leaf, Any] = {}


_INT32 = 2**31
_EXACT: dict[Any, tuple[type, Any]] = {
    serialize_float: (float, math.isfinite),
    serialize_int: (int, lambda v: -_INT32 <= v < _INT32),
    serialize_string: (str, lambda _v: True),
    serialize_boolean: (bool, lambda _v: True),
}


def _has_middleware(context: StrawberryGraphQLCoreExecutionContext) -> bool:
    """Whether a schema extension resolves fields (strawberry passes a manager always,
    empty unless one does): such an extension must see every field."""
    manager = context.middleware_manager
    return manager is not None and bool(manager.middlewares)


def _completed(selected: list[Selected], source: Any) -> dict[str, Any] | None:
    """The object's response, or None to leave it to graphql-core."""
    out: dict[str, Any] = {}
    try:
        for response_key, resolve, attribute, serialize, non_null in selected:
            value = resolve(source, attribute)
            if serialize is None:  # __typename
                out[response_key] = value
                continue
            if value is None:
                if non_null:
                    return None
                out[response_key] = None
                continue
            serialised = serialize(value)
            if serialised is None or serialised is Undefined:
                return None
            out[response_key] = serialised
    except Exception:  # graphql-core reports it, as it always did
        return None
    return out
