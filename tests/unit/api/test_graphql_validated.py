"""A document that passed validation is not validated again (api/graphql_validated.py): the
same text passes at once, a refused one is refused every time, each schema remembers its
own passes, and only the last few texts are kept. A counting validation rule sees how often
graphql-core validated."""

from __future__ import annotations

from functools import partial
from typing import Any

import pytest
import strawberry
from graphql import ValidationRule
from strawberry.extensions import AddValidationRules, QueryDepthLimiter

from api.graphql_validated import SkipRevalidation, ValidatedDocuments


@strawberry.type
class Node:
    @strawberry.field
    def child(self) -> Node:
        return Node()

    @strawberry.field
    def name(self) -> str:
        return "node"


@strawberry.type
class Query:
    @strawberry.field
    def root(self) -> Node:
        return Node()


SHALLOW = "{ root { name } }"
DEEP = "{ root { child { child { child { name } } } } }"  # depth 4


class Validations:
    """How many times graphql-core validated a document with this rule among its rules."""

    def __init__(self) -> None:
        self.count = 0
        validations = self

        class Counted(ValidationRule):
            def __init__(self, context: Any) -> None:
                super().__init__(context)
                validations.count += 1

        self.rule = Counted


def schema(validations: Validations, *, max_depth: int) -> strawberry.Schema:
    return strawberry.Schema(
        query=Query,
        extensions=[
            partial(AddValidationRules, [validations.rule]),
            partial(QueryDepthLimiter, max_depth=max_depth),
            partial(SkipRevalidation, validated=ValidatedDocuments()),
        ],
    )


def test_a_document_that_passed_is_not_validated_again() -> None:
    validations = Validations()
    api = schema(validations, max_depth=3)
    answers = [api.execute_sync(SHALLOW) for _ in range(3)]
    assert [a.errors for a in answers] == [None, None, None]
    assert [a.data for a in answers] == [{"root": {"name": "node"}}] * 3
    assert validations.count == 1


@pytest.mark.parametrize(
    "document", [DEEP, "{ root { nope } }"], ids=["over the depth limit", "unknown field"]
)
def test_a_refused_document_is_validated_and_refused_every_time(document: str) -> None:
    validations = Validations()
    api = schema(validations, max_depth=3)
    answers = [api.execute_sync(document) for _ in range(3)]
    assert all(a.errors and a.data is None for a in answers)
    assert validations.count == 3


def test_each_schema_remembers_its_own_passes() -> None:
    validations = Validations()
    loose, strict = schema(validations, max_depth=5), schema(validations, max_depth=3)
    assert loose.execute_sync(DEEP).errors is None
    refused = strict.execute_sync(DEEP).errors
    assert refused is not None
    assert "exceeds maximum operation depth" in refused[0].message


def test_only_the_last_texts_are_kept_the_oldest_used_goes_first() -> None:
    validated = ValidatedDocuments(size=2)
    validated.add("a")
    validated.add("b")
    assert "a" in validated  # used: "b" is now the oldest
    validated.add("c")
    assert ("a" in validated, "b" in validated, "c" in validated) == (True, False, True)
