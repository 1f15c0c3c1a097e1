"""A linear pass over a parsed GraphQL document that refuses, before validation runs,
the shapes validation is slow on.

Validation is not linear in the document. graphql-core's OverlappingFieldsCanBeMerged
compares every pair of fields that share a response path (`agents.id` in
`{ agents { id id … } }`, in `agents { id }` repeated, or reached through many
fragments) and every pair of fragments spread in one selection set; and strawberry's
QueryDepthLimiter and MaxAliasesLimiter walk the document with each fragment spread
expanded in place, so fragments that each spread the next one ten times cost them
10^depth steps (5 levels, 144 tokens: 0.24 s; 6 levels: 2.4 s). So, with fragments
expanded (each fragment's size summed once), a document is refused when it has
- more than GRAPHQL_MAX_SELECTIONS selections (fields, inline fragments, spreads);
- more than GRAPHQL_MAX_ALIASES aliases (counted as MaxAliasesLimiter does, which this
  replaces: its walk is the exponential one);
- more than GRAPHQL_MAX_PAIRS pairs of fields with one response path or of fragments
  spread in one selection set — what OverlappingFieldsCanBeMerged compares (a path
  selected n times is n(n-1)/2 pairs);
- more than MAX_OPERATIONS operations (250 of them, 2,000 tokens, took 47 ms);
- fragment spreads nested deeper than MAX_NESTING, an unknown fragment, a cycle of
  fragments or an unused fragment: validation refuses these too, but only after the
  walks above.
The refusal is a GraphQL error like a validation error's, and validation does not run.
Measured on this machine: validating 300 tokens of `id` took 22 ms, 300 of `agents { id }`
15 ms; at the default limits the costliest documents that pass validate in 22 ms
(`agentScores`, `teamScores` and `tenantMetrics` with every field, 6 times each: the
whole request 42 ms, next to 6 ms for `{ agents { id } }`) and 12 ms (59 fragments
spread side by side); the pass itself takes ~1 µs a selection.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from typing import NamedTuple

from graphql import (
    DocumentNode,
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    GraphQLError,
    InlineFragmentNode,
    OperationDefinitionNode,
    SelectionSetNode,
)
from strawberry.extensions import SchemaExtension

# Brackets or expanded fragment spreads, one inside the other: far past any real document
# (QueryDepthLimiter allows 10 levels of fields), far below the interpreter's recursion limit.
MAX_NESTING = 64
# One request runs one operation; validation checks each one's variables apart (~0.15 ms).
MAX_OPERATIONS = 20


@dataclass(frozen=True, slots=True)
class ShapeLimits:
    max_selections: int
    max_pairs: int
    max_aliases: int


class DocumentShapeLimiter(SchemaExtension):
    """Refuses a document over the ShapeLimits before strawberry validates it."""

    def __init__(self, *, limits: ShapeLimits) -> None:
        self.limits = limits

    def on_validate(self) -> Iterator[None]:
        context = self.execution_context
        document = context.graphql_document
        if document is not None and context.pre_execution_errors is None:
            try:
                check_shape(document, self.limits)
            except GraphQLError as error:
                context.pre_execution_errors = [error]  # strawberry then skips validation
        yield


def check_shape(document: DocumentNode, limits: ShapeLimits) -> None:
    """Raise a GraphQLError if the document is over the limits (see the module's doc)."""
    operations = [d for d in document.definitions if isinstance(d, OperationDefinitionNode)]
    if len(operations) > MAX_OPERATIONS:
        raise GraphQLError(
            f"GraphQL document has more than {MAX_OPERATIONS} operations; a request runs one"
        )
    sizes = _ExpandedSizes(document)
    size = [sizes.of(operation.selection_set, depth=0) for operation in operations]
    sizes.refuse_unused()
    selections = sum(s.selections for s in size)
    if selections > limits.max_selections:
        raise GraphQLError(
            f"GraphQL document has {selections} selections once its fragments are"
            f" expanded; at most {limits.max_selections} (GRAPHQL_MAX_SELECTIONS)"
        )
    aliases = sum(s.aliases for s in size)
    if aliases > limits.max_aliases:
        # As strawberry's MaxAliasesLimiter counts them, but before validation.
        raise GraphQLError(
            f"GraphQL document has {aliases} aliases once its fragments are expanded;"
            f" at most {limits.max_aliases} (GRAPHQL_MAX_ALIASES)"
        )
    pairs = _Pairs(sizes.fragments, limit=limits.max_pairs)
    for operation in operations:
        pairs.operation(operation)


class _Size(NamedTuple):
    selections: int  # fields, inline fragments and spreads, fragments expanded in place
    aliases: int  # aliased fields, fragments expanded in place
    height: int  # selection sets, one inside the other, fragments expanded


class _ExpandedSizes:
    """Sizes of selection sets with fragment spreads expanded, each fragment's computed once."""

    def __init__(self, document: DocumentNode) -> None:
        self.fragments = {
            d.name.value: d for d in document.definitions if isinstance(d, FragmentDefinitionNode)
        }
        self.done: dict[str, _Size] = {}
        self.entered: set[str] = set()  # being summed: spreading one again is a cycle

    def of(self, selections: SelectionSetNode | None, *, depth: int) -> _Size:
        if selections is None:
            return _Size(0, 0, 0)
        _refuse_nesting(depth + 1)
        count = aliases = height = 0
        for selection in selections.selections:
            if isinstance(selection, FieldNode | InlineFragmentNode):
                size = self.of(selection.selection_set, depth=depth + 1)
                aliases += isinstance(selection, FieldNode) and selection.alias is not None
            elif isinstance(selection, FragmentSpreadNode):
                size = self.spread(selection, depth=depth + 1)
            count += 1 + size.selections
            aliases += size.aliases
            height = max(height, size.height)
        return _Size(count, aliases, height + 1)

    def spread(self, node: FragmentSpreadNode, *, depth: int) -> _Size:
        name = node.name.value
        if name not in self.done:
            fragment = self.fragments.get(name)
            if fragment is None:
                raise GraphQLError(f"Unknown fragment '{name}'.", node)
            if name in self.entered:
                raise GraphQLError(f"Cannot spread fragment '{name}' within itself.", node)
            self.entered.add(name)
            self.done[name] = self.of(fragment.selection_set, depth=depth)
        size = self.done[name]
        _refuse_nesting(depth + size.height)  # where this spread puts it
        return size

    def refuse_unused(self) -> None:
        for name, fragment in self.fragments.items():
            if name not in self.done:
                raise GraphQLError(f"Fragment '{name}' is never used.", fragment)


def _refuse_nesting(depth: int) -> None:
    if depth > MAX_NESTING:
        raise GraphQLError(
            f"GraphQL document nests selections deeper than {MAX_NESTING} levels"
            " once its fragments are expanded"
        )


class _Pairs:
    """Walks the operation with fragments expanded in place (as many steps as selections,
    which GRAPHQL_MAX_SELECTIONS bounds; _ExpandedSizes has refused cycles), counting the
    pairs validation compares: fields of one response path, fragments spread in one
    selection set (keyed `path...`)."""

    def __init__(self, fragments: dict[str, FragmentDefinitionNode], *, limit: int) -> None:
        self.fragments = fragments
        self.limit = limit
        self.counts: Counter[str] = Counter()
        self.pairs = 0

    def operation(self, operation: OperationDefinitionNode) -> None:
        self.counts.clear()  # operations are validated apart, their pairs summed
        self.count(operation.selection_set, prefix="")

    def count(self, selections: SelectionSetNode | None, *, prefix: str) -> None:
        if selections is None:
            return
        for selection in selections.selections:
            if isinstance(selection, FieldNode):
                path = prefix + (selection.alias or selection.name).value
                self.add(path, selection)
                self.count(selection.selection_set, prefix=path + ".")
            elif isinstance(selection, InlineFragmentNode):
                self.count(selection.selection_set, prefix=prefix)
            elif isinstance(selection, FragmentSpreadNode):
                self.add(prefix + "...", selection)
                fragment = self.fragments[selection.name.value]
                self.count(fragment.selection_set, prefix=prefix)

    def add(self, key: str, node: FieldNode | FragmentSpreadNode) -> None:
        self.pairs += self.counts[key]  # one pair with each seen before
        self.counts[key] += 1
        if self.pairs > self.limit:
            raise GraphQLError(
                f"GraphQL document repeats too much: validation would compare over"
                f" {self.limit} pairs (GRAPHQL_MAX_PAIRS) of fields with one response path"
                f" or of fragments spread in one selection set; the most repeated is"
                f" {self.most_repeated()}",
                node,
            )

    def most_repeated(self) -> str:
        key, count = self.counts.most_common(1)[0]
        if key.endswith("..."):
            where = f"in '{key[:-4]}'" if key != "..." else "at the top level"
            return f"fragments spread {where}, {count} times"
        return f"'{key}', {count} times"
