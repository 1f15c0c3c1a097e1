"""A document that passed validation is not validated again (per schema, last 256 texts).

Clients send the same few documents over and over, and validating one is not free in a way
that shows in the tail: graphql-core builds a visitor per rule and node kind, ~1,500 objects
in reference cycles for agentScores' document, that only the garbage collector frees. At
~1,800 such objects a request the young generation filled every ~19 requests, and its
collection (~35k objects, 60-80 ms of CPU) ran inside whichever request was current: ~5% of
requests, right where p95 sits (bench/RESULTS.txt, 2026-12-05, "RLS p95 tail").

Validation depends on the schema and the document's text alone (its rules, the depth limit
among them, are fixed when the schema is built; variables and the caller play no part), so
a text that passed once passes again. Only passes are remembered: a refused document is
validated, and refused, every time. DocumentShapeLimiter still checks every document first.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Iterator

from strawberry.extensions import SchemaExtension

REMEMBERED = 256  # distinct valid documents per schema: a frontend has a few dozen


class ValidatedDocuments:
    """The texts of the last `size` documents that passed one schema's validation."""

    def __init__(self, size: int = REMEMBERED) -> None:
        self.size = size
        self._texts: OrderedDict[str, None] = OrderedDict()

    def __contains__(self, text: str) -> bool:
        if text not in self._texts:
            return False
        self._texts.move_to_end(text)
        return True

    def add(self, text: str) -> None:
        self._texts[text] = None
        self._texts.move_to_end(text)
        if len(self._texts) > self.size:
            self._texts.popitem(last=False)


class SkipRevalidation(SchemaExtension):
    """Marks a document `validated` has seen pass as valid (strawberry then skips its
    validation); remembers a document that passes."""

    def __init__(self, *, validated: ValidatedDocuments) -> None:
        self.validated = validated

    def on_validate(self) -> Iterator[None]:
        context = self.execution_context
        text = context.query
        if text is None or context.pre_execution_errors is not None:
            yield  # refused before validation (DocumentShapeLimiter), or no text
            return
        if text in self.validated:
            context.pre_execution_errors = []  # valid: strawberry then skips validation
            yield
            return
        yield
        if context.pre_execution_errors == []:
            self.validated.add(text)
