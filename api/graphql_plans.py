"""Which fields of an object type can be read without graphql-core (api/graphql_leaves.py).

A field is read directly when what strawberry would do for it is known in advance: its
basic resolver (the attribute), or a resolver marked `plain_resolver` — synchronous, no
`info`, no field extension, arguments that are scalars or enums only — called the way
strawberry calls it (`StrawberryField.get_result` with the arguments `convert_arguments`
made), once per object. Its type is a scalar, an enum, an object, or lists of them.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any, NamedTuple, TypeVar

from graphql import (
    GraphQLEnumType,
    GraphQLField,
    GraphQLList,
    GraphQLNonNull,
    GraphQLObjectType,
    GraphQLOutputType,
    GraphQLScalarType,
)
from graphql.type.scalars import serialize_boolean, serialize_float, serialize_int, serialize_string
from strawberry.schema.schema_converter import GraphQLCoreConverter
from strawberry.types.field import StrawberryField

Leaf = GraphQLScalarType | GraphQLEnumType


class Field(NamedTuple):
    """How to read one field: `read(source, attribute)` for a basic field (strawberry's
    default resolver); for a plain resolver, `resolver` is its field and `read` is None
    (its arguments are read once per selection, api/graphql_leaves.py)."""

    read: Any
    attribute: str
    type: GraphQLOutputType  # as declared: NonNull and List wrappers included
    resolver: StrawberryField | None
    definition: GraphQLField  # its arguments


Plan = dict[str, Field | None]  # field name → how to read it, None: graphql-core's
_PLANS: dict[GraphQLObjectType, Plan | None] = {}
_PLAIN = "_fairscore_plain_resolver"
F = TypeVar("F", bound=Callable[..., Any])


def plain_resolver(resolver: F) -> F:
    """Mark a resolver (under `@strawberry.field`) as a pure function of its object and
    arguments: it may then be called without graphql-core's per-field execution, and
    again by graphql-core if anything in its object's answer needs graphql-core."""
    setattr(resolver, _PLAIN, True)
    return resolver


def plan_of(object_type: GraphQLObjectType) -> Plan | None:
    """How to read each field of `object_type` directly; None when no field can be."""
    if object_type in _PLANS:
        return _PLANS[object_type]
    plan: Plan = {name: _field(field) for name, field in object_type.fields.items()}
    found = plan if any(entry is not None for entry in plan.values()) else None
    _PLANS[object_type] = found
    return found


def _field(field: GraphQLField) -> Field | None:
    definition = field.extensions.get(GraphQLCoreConverter.DEFINITION_BACKREF)
    if not isinstance(definition, StrawberryField) or not _readable(field.type):
        return None
    if getattr(field.resolve, "_is_default", False) and definition.is_basic_field:
        if field.args:
            return None
        # What its basic resolver returns: default_resolver(source, python_name).
        return Field(definition.default_resolver, definition.python_name, field.type, None, field)
    resolver = definition.base_resolver
    if (
        resolver is None
        or not getattr(resolver.wrapped_func, _PLAIN, False)
        or definition.is_async
        or definition.extensions
        or resolver.info_parameter
        or resolver.root_parameter
        or resolver.parent_parameter
        or not all(isinstance(_unwrapped(a.type), Leaf) for a in field.args.values())
    ):
        return None
    return Field(None, definition.python_name, field.type, definition, field)


def _unwrapped(of_type: Any) -> Any:
    return of_type.of_type if isinstance(of_type, GraphQLNonNull) else of_type


def _readable(of_type: Any) -> bool:
    """Scalars, enums, objects, and lists of them (not interfaces or unions)."""
    inner = _unwrapped(of_type)
    if isinstance(inner, GraphQLList):
        return _readable(inner.of_type)
    return isinstance(inner, GraphQLScalarType | GraphQLEnumType | GraphQLObjectType)


def serializer(leaf: Leaf) -> Any:
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
