"""Plain objects completed directly (api/graphql_leaves.py) answer exactly what graphql-core's
per-field execution answers: data and errors, with aliases, fragments, directives,
__typename, enums, custom scalars, nulls, and fields it must leave to graphql-core."""

from __future__ import annotations

import enum
from datetime import date
from typing import Any

import pytest
import strawberry

from api import graphql_leaves
from api.graphql_leaves import PlainObjectsExecutionContext, plan_of
from api.graphql_plans import plain_resolver


@strawberry.enum
class Colour(enum.Enum):
    RED = "red"
    BLUE = "blue"


@strawberry.type
class Leaf:
    name: str
    size: float | None
    colour: Colour
    day: date
    count: int


@strawberry.type
class WithResolver:
    name: str
    leaves: list[Leaf]  # a list of plain objects: read directly too

    @strawberry.field
    def shout(self) -> str:
        return self.name.upper()


@strawberry.type
class Counted:
    """A plain resolver with arguments: called directly, once per object."""

    name: str

    @strawberry.field
    @plain_resolver
    def times(self, n: int = 2, colour: Colour = Colour.RED) -> list[str | None]:
        if n < 0:
            raise ValueError("negative")
        return [f"{self.name}-{colour.value}" if i % 2 == 0 else None for i in range(n)]

    @strawberry.field
    @plain_resolver
    def must(self, n: int) -> list[str]:
        return [self.name] * n if n else [None]  # type: ignore[list-item]


@strawberry.type
class Holder:
    """Fields graphql-core resolves beside ones read straight off the object."""

    label: str
    leaf: Leaf
    maybe: Leaf | None

    @strawberry.field
    def loud(self) -> str:
        return self.label.upper()


def _leaves() -> list[Leaf]:
    return [
        Leaf(name="a", size=1.5, colour=Colour.RED, day=date(2025, 1, 31), count=3),
        Leaf(name="b", size=None, colour=Colour.BLUE, day=date(2025, 2, 1), count=0),
    ]


@strawberry.type
class Query:
    @strawberry.field
    def leaves(self) -> list[Leaf]:
        return _leaves()

    @strawberry.field
    def broken(self) -> list[Leaf]:
        # a null where the schema promises a value, and a value the scalar refuses
        return [
            Leaf(name=None, size=1.0, colour=Colour.RED, day=date(2025, 1, 1), count=1),  # type: ignore[arg-type]
            Leaf(name="x", size=1.0, colour=Colour.RED, day=date(2025, 1, 1), count="many"),  # type: ignore[arg-type]
        ]

    @strawberry.field
    def out_of_range(self) -> list[Leaf]:
        # values a built-in scalar refuses although they are of its Python type
        day = date(2025, 1, 1)
        return [
            Leaf(name="n", size=float("nan"), colour=Colour.RED, day=day, count=1),
            Leaf(name="big", size=1.0, colour=Colour.RED, day=day, count=2**40),
            Leaf(name="flag", size=True, colour=Colour.RED, day=day, count=False),  # type: ignore[arg-type]
        ]

    @strawberry.field
    def gaps(self) -> list[Leaf | None]:
        return [_leaves()[0], None, _leaves()[1]]

    @strawberry.field
    def holders(self) -> list[Holder]:
        a, b = _leaves()
        return [Holder(label="h", leaf=a, maybe=None), Holder(label="i", leaf=b, maybe=a)]

    @strawberry.field
    def broken_holders(self) -> list[Holder | None]:
        bad, day = Query.broken(self)[1], date(2025, 1, 1)  # count="many"
        return [
            Holder(label=None, leaf=_leaves()[0], maybe=None),  # type: ignore[arg-type]
            Holder(label="j", leaf=bad, maybe=None),
            Holder(label="k", leaf=None, maybe=None),  # type: ignore[arg-type]
            Holder(
                label="l",
                leaf=Leaf(name="x", size=None, colour=Colour.RED, day=day, count=1),
                maybe=bad,
            ),
        ]

    @strawberry.field
    def others(self) -> list[WithResolver]:
        return [WithResolver(name="c", leaves=_leaves())]

    @strawberry.field
    def counted(self) -> list[Counted]:
        return [Counted(name="p"), Counted(name="q")]


FAST = strawberry.Schema(query=Query, execution_context_class=PlainObjectsExecutionContext)
SLOW = strawberry.Schema(query=Query)


@pytest.mark.parametrize(
    "query",
    [
        "{ leaves { name size colour day count } }",
        "{ leaves { __typename n: name name size s2: size } }",
        "query($on: Boolean!) { leaves { name size @include(if: $on) count @skip(if: $on) } }",
        "{ leaves { ...F colour } } fragment F on Leaf { day name }",
        "{ leaves { ... on Leaf { count } name } }",
        "{ broken { name count } }",
        "{ broken { count } leaves { name } }",
        "{ others { name shout } }",
        "{ others { name } }",
        "{ others { leaves { name } name } }",
        "{ outOfRange { name size } }",
        "{ gaps { name day } one: gaps { __typename } }",
        "{ outOfRange { name count } }",
        "{ a: outOfRange { size } b: leaves { size } }",
        "{ holders { label loud leaf { name count } maybe { name } } }",
        "{ holders { l: label leaf { ... on Leaf { day } } maybe { __typename } } }",
        "{ brokenHolders { label loud } }",
        "{ brokenHolders { leaf { name count } } }",
        "{ brokenHolders { label maybe { count } } }",
        "{ counted { name times } }",
        "query($on: Boolean!) { counted { times(n: 3, colour: BLUE) t: times @include(if: $on) } }",
        "{ counted { name times(n: -1) } }",
        "{ counted { must(n: 0) } }",
        "{ counted { must(n: 2) name } }",
    ],
)
def test_answers_equal_graphql_core(query: str) -> None:
    variables: dict[str, Any] = {"on": True}
    fast, slow = FAST.execute_sync(query, variables), SLOW.execute_sync(query, variables)
    assert fast.data == slow.data
    assert [(e.message, e.path) for e in fast.errors or []] == [
        (e.message, e.path) for e in slow.errors or []
    ]


def test_only_objects_of_plain_fields_take_the_direct_path() -> None:
    types = FAST._schema.type_map
    assert plan_of(types["Leaf"]) is not None  # type: ignore[arg-type]
    mixed = plan_of(types["WithResolver"])  # type: ignore[arg-type]
    assert mixed is not None
    assert mixed["name"] is not None
    assert mixed["shout"] is None  # a resolver not marked `plain_resolver`
    assert mixed["leaves"] is not None
    assert plan_of(types["Counted"])["times"] is not None  # type: ignore[arg-type,index]
    assert plan_of(types["Query"]) is None  # type: ignore[arg-type]


@pytest.fixture
def completed(monkeypatch: pytest.MonkeyPatch) -> list[object]:
    """Every answer the direct path completes, in order (graphql_leaves._completed wrapped)."""
    direct = graphql_leaves._completed
    answers: list[object] = []

    def counting(selected: Any, source: Any) -> dict[str, Any] | None:
        answer = direct(selected, source)
        answers.append(answer)
        return answer

    monkeypatch.setattr(graphql_leaves, "_completed", counting)
    return answers


def test_a_list_of_plain_objects_is_completed_on_the_direct_path(completed: list[object]) -> None:
    """The equality tests above pass even if every object fell back to graphql-core: this
    one fails if the direct path stops being taken (a strawberry change, say)."""
    result = FAST.execute_sync("{ leaves { name count } }")

    assert result.errors is None
    leaves = result.data["leaves"]  # type: ignore[index]
    assert leaves and completed == leaves

    # a type with fields that need graphql-core, none of them selected
    completed.clear()
    result = FAST.execute_sync("{ others { name } }")
    assert result.errors is None
    assert completed == [{"name": "c"}]

    # one of them selected: graphql-core completes the object (its `leaves` come back)
    completed.clear()
    result = FAST.execute_sync("{ others { shout leaves { name } } }")
    assert result.errors is None
    assert completed == [{"name": "a"}, {"name": "b"}]


def test_a_plain_resolver_is_called_on_the_direct_path(completed: list[object]) -> None:
    """Its arguments are read once for the selection; a resolver that raises leaves the
    list to graphql-core, which reports the error (the equality tests above)."""
    result = FAST.execute_sync("{ counted { name times(n: 1, colour: BLUE) } }")

    assert result.errors is None
    assert completed == [{"name": "p", "times": ["p-blue"]}, {"name": "q", "times": ["q-blue"]}]
    completed.clear()
    assert FAST.execute_sync("{ counted { times(n: -1) } }").errors
    # the first object refused it, in the list and then alone: graphql-core did the rest
    assert completed == [None, None]


@graphql_leaves.shared
@strawberry.type
class Frozen:
    name: str
    count: int


FROZEN = [Frozen(name="f", count=1), Frozen(name="g", count=2)]


@strawberry.type
class SharedQuery:
    @strawberry.field
    def frozen(self) -> list[Frozen]:
        return FROZEN

    @strawberry.field
    def one(self) -> Frozen:
        return FROZEN[0]


SHARED = strawberry.Schema(query=SharedQuery, execution_context_class=PlainObjectsExecutionContext)
SHARED_SLOW = strawberry.Schema(query=SharedQuery)


def test_a_shared_object_is_completed_once_per_selection(completed: list[object]) -> None:
    """Objects marked `shared` keep their answer: a second request with the same selection
    set (another document, same fields and aliases) completes nothing; another selection
    set is completed afresh and answers what graphql-core answers."""
    queries = [
        "{ frozen { name count } }",
        "query Again { frozen { name count } }",
        "{ frozen { n: name count } one { name } }",
        "{ frozen { name } }",
        "{ frozen { __typename count } }",
    ]
    answers = [SHARED.execute_sync(q) for q in queries]

    for query, answer in zip(queries, answers, strict=True):
        assert answer.errors is None
        assert answer.data == SHARED_SLOW.execute_sync(query).data
    # the first document completes both objects; the second, the same selection, none
    assert completed[:2] == [{"name": "f", "count": 1}, {"name": "g", "count": 2}]
    # then 2 + 1 (`one` asks `name` of "f"), 1 ("f" kept that answer, "g" did not), 2
    assert len(completed) == 2 + 0 + 3 + 1 + 2


def test_leaves_and_plain_objects_beside_resolved_fields_are_read_directly(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """`execute_field` answers Holder's label, leaf and maybe itself (loud still goes to
    graphql-core): this fails if that path stops being taken."""
    direct = PlainObjectsExecutionContext._direct
    answered: list[object] = []

    def counting(self: PlainObjectsExecutionContext, *args: Any) -> Any:
        answer = direct(self, *args)
        answered.append(answer)
        return answer

    monkeypatch.setattr(PlainObjectsExecutionContext, "_direct", counting)
    result = FAST.execute_sync("{ holders { label loud leaf { name } maybe { name } } }")

    assert result.errors is None
    assert answered == ["h", {"name": "a"}, None, "i", {"name": "b"}, {"name": "a"}]
