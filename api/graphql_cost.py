"""The estimated cost of a GraphQL operation: over GRAPHQL_MAX_COST it is refused after
validation, before anything executes.

Depth, aliases and size (api/graphql_shape.py) bound the document, not what it asks of the
database: `tickets(first: 500) { edges { node { … } } }` is a short document with 500 times
its node's fields to resolve. So each selected field costs one for every time it would be
resolved: the product of the lengths of the lists it sits in, a list being as long as the
page asked for — a `first` or `limit` argument on the list's field, or on the connection
whose `edges`/`nodes` it is (its literal, its variable's value or default, else the
schema's default). A list with no page (agents, a score's metrics) counts as one item: its
length is the tenant's data, not the caller's choice (API_STATEMENT_TIMEOUT bounds that).
`__typename` is free. Fragments are expanded in place; api/graphql_shape.py has already
bounded that walk (GRAPHQL_MAX_SELECTIONS, fragments expanded).
"""

from __future__ import annotations

import math
from collections.abc import Iterator, Mapping

from graphql import (
    DocumentNode,
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    GraphQLArgument,
    GraphQLError,
    GraphQLField,
    GraphQLInterfaceType,
    GraphQLList,
    GraphQLNamedType,
    GraphQLObjectType,
    GraphQLSchema,
    InlineFragmentNode,
    IntValueNode,
    SelectionSetNode,
    VariableDefinitionNode,
    VariableNode,
    get_named_type,
    get_nullable_type,
    is_input_type,
    type_from_ast,
    value_from_ast,
)
from graphql.pyutils import Undefined
from graphql.utilities import get_operation_ast
from strawberry.extensions import SchemaExtension

PAGE_ARGUMENTS = ("first", "limit")


def operation_cost(
    schema: GraphQLSchema,
    document: DocumentNode,
    operation_name: str | None = None,
    variables: Mapping[str, object] | None = None,
) -> int:
    """The estimate above for the operation a request runs (0 if there is none to run)."""
    operation = get_operation_ast(document, operation_name)
    if operation is None:
        return 0
    root = schema.get_root_type(operation.operation)
    if root is None:
        return 0
    given = variables or {}
    values = {
        d.variable.name.value: given.get(d.variable.name.value, _default(schema, d))
        for d in operation.variable_definitions or ()
    }
    return _CostWalk(schema, document, values).selections(operation.selection_set, root, 1)


def _default(schema: GraphQLSchema, definition: VariableDefinitionNode) -> object:
    """A variable's default in the operation (`$first: Int = 100`), if it has one."""
    variable_type = type_from_ast(schema, definition.type)
    if definition.default_value is None or not is_input_type(variable_type):
        return None
    return value_from_ast(definition.default_value, variable_type)


class _CostWalk:
    def __init__(
        self, schema: GraphQLSchema, document: DocumentNode, variables: Mapping[str, object]
    ) -> None:
        self.schema = schema
        self.variables = variables
        self.fragments = {
            d.name.value: d for d in document.definitions if isinstance(d, FragmentDefinitionNode)
        }

    def selections(
        self,
        selection_set: SelectionSetNode | None,
        parent: GraphQLNamedType,
        times: int,
        page: int = 1,
    ) -> int:
        """The cost of a selection set resolved `times` times; `page`: the page size its
        parent asked for (a connection's), which its list fields (edges, nodes) hold."""
        cost = 0
        for field, owner in self._fields(selection_set, parent):
            definition = _field(owner, field.name.value)
            if definition is None:  # __typename, or a field validation let through
                continue
            asked = self._page_size(field, definition)
            child = get_named_type(definition.type)
            if isinstance(get_nullable_type(definition.type), GraphQLList):
                items = times * (asked or page)  # each item's fields resolve once
                cost += times + self.selections(field.selection_set, child, items)
            else:  # a connection passes its page size to its lists
                cost += times + self.selections(field.selection_set, child, times, asked or 1)
        return cost

    def _fields(
        self, selection_set: SelectionSetNode | None, parent: GraphQLNamedType
    ) -> Iterator[tuple[FieldNode, GraphQLNamedType]]:
        """The fields selected, with the type each is selected on, fragments expanded."""
        if selection_set is None:
            return
        for selection in selection_set.selections:
            if isinstance(selection, FieldNode):
                yield selection, parent
            elif isinstance(selection, InlineFragmentNode):
                on = selection.type_condition
                yield from self._fields(selection.selection_set, self._type(on, parent))
            elif isinstance(selection, FragmentSpreadNode):
                fragment = self.fragments.get(selection.name.value)
                if fragment is not None:
                    on_type = self._type(fragment.type_condition, parent)
                    yield from self._fields(fragment.selection_set, on_type)

    def _type(self, condition: object, parent: GraphQLNamedType) -> GraphQLNamedType:
        name = getattr(getattr(condition, "name", None), "value", None)
        found = self.schema.get_type(name) if isinstance(name, str) else None
        return found or parent

    def _page_size(self, field: FieldNode, definition: GraphQLField) -> int | None:
        given = {a.name.value: a.value for a in field.arguments or ()}
        for name in PAGE_ARGUMENTS:
            if name not in definition.args:
                continue
            value = _argument_default(definition.args[name])
            node = given.get(name)
            if isinstance(node, IntValueNode):
                value = int(node.value)
            elif isinstance(node, VariableNode):
                given_value = self.variables.get(node.name.value)
                value = given_value if isinstance(given_value, int) else value
            if isinstance(value, int):
                return max(1, value)
        return None


def _argument_default(argument: GraphQLArgument) -> object:
    """The schema's default (strawberry sets it; a schema built from SDL keeps it in the AST)."""
    if argument.default_value is not Undefined:
        return argument.default_value
    node = argument.ast_node
    if node is None or node.default_value is None:
        return None
    return value_from_ast(node.default_value, argument.type)


def _field(owner: GraphQLNamedType, name: str) -> GraphQLField | None:
    if isinstance(owner, GraphQLObjectType | GraphQLInterfaceType):
        found: GraphQLField | None = owner.fields.get(name)
        return found
    return None


class QueryCostLimiter(SchemaExtension):
    """Refuses an operation whose estimated cost is over `max_cost`, before it executes."""

    def __init__(self, *, max_cost: int) -> None:
        self.max_cost = max_cost

    def on_execute(self) -> Iterator[None]:
        context = self.execution_context
        document = context.graphql_document
        if document is not None:
            cost = operation_cost(
                context.schema._schema, document, context.operation_name, context.variables
            )
            if cost > self.max_cost:
                raise GraphQLError(
                    f"query too costly: about {_rounded(cost)} fields to resolve (each field"
                    f" times the page sizes, first/limit, of the lists it is in); at most"
                    f" {self.max_cost} (GRAPHQL_MAX_COST): ask for smaller pages or fewer"
                    f" fields",
                    extensions={"code": "QUERY_TOO_COSTLY", "cost": cost, "maxCost": self.max_cost},
                )
        yield


def _rounded(cost: int) -> str:
    """A huge estimate (pages in pages in pages) reads as its order of magnitude."""
    return str(cost) if cost < 10**9 else f"10^{math.floor(math.log10(cost))}"
