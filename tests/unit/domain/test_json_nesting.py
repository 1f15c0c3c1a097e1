"""The nesting measure: exact for any JSON text, without recursion, strings ignored."""

from __future__ import annotations

import json
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from domain.json_nesting import (
    JsonInputError,
    JsonNestingError,
    check_nesting,
    loads,
    nesting_depth,
)

# Strings full of what the scan must look past: brackets, quotes, backslashes, non-ASCII.
TEXT = st.text(alphabet='[]{}"\\ aé€\U0001f600\n', max_size=6)
VALUES = st.recursive(
    st.none() | st.booleans() | st.integers() | TEXT,
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(TEXT, inner, max_size=3),
    max_leaves=30,
)


def depth(value: Any) -> int:
    if isinstance(value, dict):
        return 1 + max(map(depth, value.values()), default=0)
    if isinstance(value, list):
        return 1 + max(map(depth, value), default=0)
    return 0


@given(VALUES, st.booleans(), st.sampled_from(["utf-8", "utf-16", "utf-32"]))
def test_the_measure_is_the_depth_of_the_decoded_value(
    value: Any, ascii_only: bool, encoding: str
) -> None:
    text = json.dumps(value, ensure_ascii=ascii_only, indent=1 if ascii_only else None)
    assert nesting_depth(text) == depth(value)
    assert nesting_depth(text.encode(encoding)) == depth(value)


@given(VALUES)
def test_loads_decodes_what_is_within_the_limit_and_refuses_the_rest(value: Any) -> None:
    text = json.dumps(value)
    limit = depth(value)
    assert loads(text, max_depth=limit) == value
    if limit:
        with pytest.raises(JsonNestingError, match=f"deeper than {limit - 1} levels"):
            loads(text, max_depth=limit - 1)


@pytest.mark.parametrize(
    "text",
    [b"[" * 100_000, b"[" * 100_000 + b"]" * 100_000, b'{"a":' * 100_000, b"]" * 9 + b"[" * 99],
    ids=["unclosed", "closed", "objects", "closers first"],
)
def test_a_hundred_thousand_levels_are_refused_without_recursing(text: bytes) -> None:
    with pytest.raises(JsonNestingError):
        loads(text, max_depth=64)


def test_malformed_json_keeps_json_own_error() -> None:
    with pytest.raises(json.JSONDecodeError):
        loads(b'{"a": [1, 2', max_depth=64)
    check_nesting(b'"[[[[[[[[', max_depth=2)  # inside an (unterminated) string: no nesting


HUGE_INT = b'{"events": [' + b"9" * 5000 + b"]}"  # past Python's int-digits limit


@pytest.mark.parametrize(
    ("document", "words"),
    [
        (b'{"a": [1, 2', "malformed JSON"),
        (HUGE_INT, "integer with more than 4300 digits"),
        (b'["-' + b"1" * 4400 + b'"]', None),  # the same digits inside a string are fine
        (b'{"a": "\xff"}', "not UTF-8"),
        (b"\xff\xfe\x00", "not UTF-8"),  # looks like UTF-16, is not
        (b"[" * 65 + b"]" * 65, "nesting deeper than 64 levels"),
    ],
    ids=["malformed", "huge int", "digits in a string", "bad byte", "bad UTF-16", "too deep"],
)
def test_every_refusal_is_one_error_type_with_a_clear_message(
    document: bytes, words: str | None
) -> None:
    if words is None:
        assert loads(document, max_depth=64) == ["-" + "1" * 4400]
        return
    with pytest.raises(JsonInputError, match=words) as refused:
        loads(document, max_depth=64)
    # A JSONDecodeError too, so callers that handle json's own error (strawberry) handle it.
    assert isinstance(refused.value, json.JSONDecodeError)
