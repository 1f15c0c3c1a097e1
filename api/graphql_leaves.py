"""Completing plain objects without graphql-core's per-field execution (issue 12).

agentScores for 1,000 agents answers ~25,000 metric and component objects of ~10 scalar
fields each, and graphql-core executes every one of those fields on its own (a resolve
info, the resolver, awaitable checks, leaf completion): ~70% of the request's time in
the profile, more than reading and decoding the snapshots. For an object type whose every
field is a scalar or an enum read straight off the object — strawberry's basic resolver,
no arguments, no field extension — the result is the same when each field is read and
serialised directly, which is what `PlainObjectsExecutionContext` does.

Anything it does not expect (a null in a non-null field, a value its scalar refuses or
serialises to null, @defer, resolver middleware) hands the object back to graphql-core,
which completes it from the start, so errors are reported exactly as before.
"""

from __future__ import annotations

from typing import Any

from graphql import (
    GraphQLEnumType,
    GraphQLNonNull,
    GraphQLObjectType,
    GraphQLResolveInfo,
    GraphQLScalarType,
)
from graphql.execution.collect_fields import FieldDetailsList
from graphql.pyutils import Path, Undefined
from strawberry.schema.schema import StrawberryGraphQLCoreExecutionContext
from strawberry.schema.schema_converter import GraphQLCoreConverter
from strawberry.types.field import StrawberryField
from typing_extensions import override

# field name → (strawberry's default resolver, the attribute, its leaf type, non-null?)
Plan = dict[str, tuple[Any, str, GraphQLScalarType | GraphQLEnumType, bool]]
_PLANS: dict[GraphQLObjectType, Plan | None] = {}


def plan_of(object_type: GraphQLObjectType) -> Plan | None:
    """How to read each field of `object_type` directly; None when one of its fields
    needs graphql-core (a resolver of its own, arguments, or a non-leaf type)."""
    if object_type in _PLANS:
        return _PLANS[object_type]
    plan: Plan | None = {}
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
            or not isinstance(leaf, GraphQLScalarType | GraphQLEnumType)
        ):
            plan = None
            break
        # What its basic resolver returns: default_resolver(source, python_name).
        plan[name] = (  # type: ignore[index]
            definition.default_resolver,
            definition.python_name,
            leaf,
            isinstance(wrapped, GraphQLNonNull),
        )
    _PLANS[object_type] = plan
    return plan


class PlainObjectsExecutionContext(StrawberryGraphQLCoreExecutionContext):
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
        plan = plan_of(return_type)
        if plan is not None and not _has_middleware(self) and not return_type.is_type_of:
            grouped, new_defer_usages, _ = self.collect_subfields(return_type, field_details_list)
            if not new_defer_usages:
                completed = _completed(return_type, plan, grouped, result)
                if completed is not None:
                    return completed
        return super().complete_object_value(
            return_type, field_details_list, info, path, result, position_context
        )


def _has_middleware(context: StrawberryGraphQLCoreExecutionContext) -> bool:
    """Whether a schema extension resolves fields (strawberry passes a manager always,
    empty unless one does): such an extension must see every field."""
    manager = context.middleware_manager
    return manager is not None and bool(manager.middlewares)


def _completed(
    object_type: GraphQLObjectType,
    plan: Plan,
    grouped: dict[str, FieldDetailsList],
    source: Any,
) -> dict[str, Any] | None:
    """The object's response, or None to leave it to graphql-core."""
    out: dict[str, Any] = {}
    try:
        for response_key, details in grouped.items():
            name = details[0].node.name.value
            if name == "__typename":
                out[response_key] = object_type.name
                continue
            resolve, attribute, leaf, non_null = plan[name]
            value = resolve(source, attribute)
            if value is None:
                if non_null:
                    return None
                out[response_key] = None
                continue
            serialised = leaf.serialize(value)
            if serialised is None or serialised is Undefined:
                return None
            out[response_key] = serialised
    except Exception:  # graphql-core reports it, as it always did
        return None
    return out
