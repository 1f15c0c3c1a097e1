"""Bodies past the request limits, and how a refusal reads: shared by the request-limit tests."""

from __future__ import annotations

from typing import Any

DEEP = 100_000  # far past the interpreter's recursion limit
HUGE_INT = b"9" * 5000  # past Python's int-digits limit: int() raises ValueError


def deep_array(depth: int) -> bytes:
    return b"[" * depth + b"]" * depth


def deep_object(depth: int) -> bytes:
    return b'{"a":' * depth + b"1" + b"}" * depth


def assert_refused(response: Any, status: int, words: str) -> str:
    assert response.status_code == status, response.text[:500]
    body = response.json()
    message = str(body["error"] if "error" in body else body["errors"][0]["message"])
    assert words in message, message
    return message
