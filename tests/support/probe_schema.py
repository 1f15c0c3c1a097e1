"""Calls built from the schema's introspection: every root field that takes an id — an `ID`
argument, or an input object (a filter) holding one at any depth — and a document that
calls it with a minimal selection set, so a field added tomorrow is probed without a test
naming it.

An id "slot" is where an id goes: an `ID` argument or input field, or a `String` one named
like an id (`externalId`, a helpdesk's ticket or agent id). A call fills one slot with the
probe value and the others with the caller's own ids (or leaves an optional one out), so
the call gets as far as the probed id before anything else can refuse it.
"""

from __future__ import annotations

import random
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

from graphql import (
    GraphQLArgument,
    GraphQLEnumType,
    GraphQLField,
    GraphQLInputField,
    GraphQLInputObjectType,
    GraphQLInterfaceType,
    GraphQLList,
    GraphQLNonNull,
    GraphQLObjectType,
    GraphQLScalarType,
    GraphQLSchema,
    GraphQLUnionType,
    get_named_type,
    is_leaf_type,
    is_required_argument,
    is_required_input_field,
)

Path = tuple[str, ...]
SELECTION_DEPTH = 2

# Which of the tenant's ids a slot takes, from its name (or, for a bare `id`, from the field's
# name): the longest keyword found wins; none found, any id of the tenant.
KIND_KEYWORDS = {
    "agent": "agent",
    "reviewer": "agent",
    "reviewee": "agent",
    "rater": "agent",
    "respondent": "agent",
    "team": "team",
    "review": "review",
    "reviewassignment": "review_assignment",
    "calibrationsession": "calibration_session",
    "scorecard": "scorecard",
    "kpimodel": "kpi_model",
    "integration": "integration",
    "apiclient": "api_client",
    "delivery": "webhook_delivery",
    "survey": "pulse_survey",
    "merge": "agent_merge",
    "track": "career_track",
    "level": "career_level",
    "oneonone": "one_on_one",
    "goal": "goal",
    "parent": "goal",  # a goal's parentId
    "cycle": "review_cycle",
    "performancereview": "performance_review",
}
# A helpdesk's external id names a ticket, an agent or a team: which, from where it sits.
EXTERNAL_KINDS = {"ticket": "ticket", "agent": "agent_identity", "team": "team_identity"}

# Plain values for what is not an id, by scalar and name (a value the app accepts, so the
# call gets as far as its ids), else by scalar.
DAY = "2026-03-02"
BY_NAME: dict[str, Callable[[random.Random], Any]] = {
    "String.source": lambda _: "generic",
    "String.metric": lambda r: r.choice(["tickets_solved", "csat", "first_response_time"]),
    "String.start": lambda _: "09:00",
    "String.end": lambda _: "17:00",
    "Int.limit": lambda r: r.choice([1, 50, 500]),
    "Int.first": lambda r: r.choice([1, 50, 500]),
    "Int.version": lambda _: 1,
    "Int.graceSeconds": lambda _: 0,
}
BY_SCALAR: dict[str, Callable[[random.Random], Any]] = {
    "String": lambda r: f"probe {r.randrange(10**6)}",
    "Int": lambda r: r.choice([1, 3, 5]),
    "Float": lambda r: r.choice([1.0, 0.5]),
    "Boolean": lambda r: r.random() < 0.5,
    "Date": lambda _: DAY,
    "DateTime": lambda _: f"{DAY}T09:00:00+00:00",
    "JSON": lambda _: {},
}
# An optional id beside the probed one is left out this often: ids that exclude each other
# (an assignment and a calibration session) must not always refuse the call first.
LEAVE_OUT = 0.5


class UncallableError(Exception):
    """The generator cannot make a value or a selection for this field."""


@dataclass(frozen=True)
class Slot:
    path: Path  # the argument, then input field names (a list holds one item)
    kind: str

    def __str__(self) -> str:
        return ".".join(self.path)


@dataclass(frozen=True)
class Target:
    """A root field that takes an id somewhere in its arguments."""

    operation: str  # "query" | "mutation" | "subscription"
    field_name: str
    field: GraphQLField
    slots: tuple[Slot, ...]

    def __str__(self) -> str:
        return f"{self.operation} {self.field_name}"


def kind_of(name: str, keywords: dict[str, str] = KIND_KEYWORDS) -> str:
    lowered = name.lower()
    found = [k for k in keywords if k in lowered]
    return keywords[max(found, key=len)] if found else "any"


def slot_kind(context: str, name: str) -> str:
    """`context` is the field an argument belongs to, or the input type a field is in."""
    if name == "externalId":
        return f"{kind_of(context, EXTERNAL_KINDS)}.external_id"
    return kind_of(context if name == "id" else name)


def is_slot(name: str, scalar: GraphQLScalarType) -> bool:
    """An `ID`, or a `String` named as an id (a helpdesk's `externalId`; an id argument whose
    type became String would otherwise drop out of the probe unnoticed)."""
    named_id = name == "id" or name.endswith(("Id", "Ids"))
    return scalar.name == "ID" or (scalar.name == "String" and named_id)


def slots_in(
    context: str, name: str, type_: Any, path: Path, seen: frozenset[str]
) -> Iterator[Slot]:
    named = get_named_type(type_)
    if isinstance(named, GraphQLScalarType) and is_slot(name, named):
        yield Slot(path, slot_kind(context, name))
    elif isinstance(named, GraphQLInputObjectType) and named.name not in seen:
        for sub, spec in named.fields.items():
            yield from slots_in(named.name, sub, spec.type, (*path, sub), seen | {named.name})


def targets(schema: GraphQLSchema) -> list[Target]:
    """Every root field with an id slot, queries, mutations and subscriptions."""
    found = []
    for operation, root in (
        ("query", schema.query_type),
        ("mutation", schema.mutation_type),
        ("subscription", schema.subscription_type),
    ):
        for name, field in (root.fields if root else {}).items():
            slots = tuple(
                s
                for arg_name, arg in field.args.items()
                for s in slots_in(name, arg_name, arg.type, (arg_name,), frozenset())
            )
            if slots:
                found.append(Target(operation, name, field, slots))
    return found


def plain_root_fields(schema: GraphQLSchema) -> list[tuple[str, GraphQLField]]:
    """Query fields without an id slot whose arguments all have defaults: lists and
    settings a token reads as a whole."""
    assert schema.query_type
    slotted = {t.field_name for t in targets(schema)}
    return [
        (name, field)
        for name, field in schema.query_type.fields.items()
        if name not in slotted and not any(map(is_required_argument, field.args.values()))
    ]


# --- the selection set ---------------------------------------------------------------------


def selection(type_: Any, depth: int = 1) -> str:
    """Scalars to SELECTION_DEPTH levels, `__typename` everywhere, union and interface members
    through inline fragments (a field whose type differs between members is left out, as
    validation would refuse it)."""
    named = get_named_type(type_)
    if is_leaf_type(named):
        return ""
    if isinstance(named, GraphQLUnionType | GraphQLInterfaceType):
        members = named.types if isinstance(named, GraphQLUnionType) else []
        clashing = _clashing_fields(members)
        parts = [f"... on {m.name} {{ {_fields(m, depth, clashing)} }}" for m in members]
        return " ".join(["__typename", *parts])
    assert isinstance(named, GraphQLObjectType)
    return _fields(named, depth, frozenset())


def _fields(type_: GraphQLObjectType, depth: int, skip: frozenset[str]) -> str:
    parts = ["__typename"]
    for name, field in type_.fields.items():
        if name in skip or any(map(is_required_argument, field.args.values())):
            continue
        if is_leaf_type(get_named_type(field.type)):
            parts.append(name)
        elif depth < SELECTION_DEPTH or is_paging(field.type):
            deeper = depth if is_paging(field.type) else depth + 1
            parts.append(f"{name} {{ {selection(field.type, deeper)} }}")
    return " ".join(parts)


def is_paging(type_: Any) -> bool:
    """A Relay connection's or edge's wrapper, which does not count as a level: its nodes
    are what a list field's items would be."""
    return get_named_type(type_).name.endswith(("Connection", "Edge"))


def _clashing_fields(members: Any) -> frozenset[str]:
    types: dict[str, set[str]] = {}
    for member in members:
        for name, field in member.fields.items():
            types.setdefault(name, set()).add(str(field.type))
    return frozenset(name for name, kinds in types.items() if len(kinds) > 1)


# --- the arguments -------------------------------------------------------------------------


@dataclass
class Filler:
    """Values for one call: `probe` in the probed slot, the caller's own ids elsewhere."""

    rng: random.Random
    probe_path: Path
    probe: str
    own_id: Callable[[Path], str]

    def arguments(self, field: GraphQLField) -> dict[str, Any]:
        values = {}
        for name, arg in field.args.items():
            value = self.value(name, arg, (name,))
            if value is not _OMIT:
                values[name] = value
        return values

    def value(self, name: str, spec: GraphQLArgument | GraphQLInputField, path: Path) -> Any:
        required = (
            is_required_argument(spec)
            if isinstance(spec, GraphQLArgument)
            else is_required_input_field(spec)
        )
        holds_probe = path == self.probe_path[: len(path)]
        if not (required or holds_probe or self._has_slot(name, spec.type)):
            return _OMIT
        if not (required or holds_probe) and self.rng.random() < LEAVE_OUT:
            return _OMIT
        return self._typed(name, spec.type, path)

    def _has_slot(self, name: str, type_: Any) -> bool:
        return any(True for _ in slots_in("", name, type_, (), frozenset()))

    def _typed(self, name: str, type_: Any, path: Path) -> Any:
        if isinstance(type_, GraphQLNonNull):
            return self._typed(name, type_.of_type, path)
        if isinstance(type_, GraphQLList):
            return [self._typed(name, type_.of_type, path)]
        if isinstance(type_, GraphQLEnumType):
            return self.rng.choice(list(type_.values))
        if isinstance(type_, GraphQLInputObjectType):
            made = {}
            for sub, spec in type_.fields.items():
                value = self.value(sub, spec, (*path, sub))
                if value is not _OMIT:
                    made[sub] = value
            return made
        assert isinstance(type_, GraphQLScalarType)
        if is_slot(name, type_):
            return self.probe if path == self.probe_path else self.own_id(path)
        if by_name := BY_NAME.get(f"{type_.name}.{name}"):
            return by_name(self.rng)
        if type_.name not in BY_SCALAR:
            raise UncallableError(f"no value for scalar {type_.name} ({'.'.join(path)})")
        return BY_SCALAR[type_.name](self.rng)


_OMIT = object()


def document(target: Target, arguments: dict[str, Any]) -> str:
    """The call as a document with one variable per argument given."""
    declared = ", ".join(f"${n}: {target.field.args[n].type}" for n in arguments)
    passed = ", ".join(f"{n}: ${n}" for n in arguments)
    fields = selection(target.field.type)
    call = target.field_name + (f"({passed})" if passed else "")
    head = f"{target.operation}({declared})" if declared else target.operation
    return f"{head} {{ {call}{f' {{ {fields} }}' if fields else ''} }}"


def same_form(value: str, rng: random.Random) -> str:
    """A random string shaped like `value`: hex stays hex, letters letters, digits digits."""

    def swap(match: re.Match[str]) -> str:
        c = match.group()
        if c in "0123456789abcdef":
            return rng.choice("0123456789abcdef")
        return rng.choice("ghijklmnopqrstuvwxyz" if c.islower() else "ABCDEFGHIJKLMNOPQRSTUVWXYZ")

    return re.sub(r"[0-9a-zA-Z]", swap, value)
