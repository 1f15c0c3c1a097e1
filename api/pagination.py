"""Relay connection plumbing every paged list shares: `first`'s bounds, opaque cursors,
PageInfo. A cursor names its list, so one list's cursor is refused by another."""

from __future__ import annotations

import base64
import binascii
import json

import strawberry
from graphql import GraphQLError

MAX_FIRST = 500


@strawberry.type
class PageInfo:
    has_next_page: bool
    end_cursor: str | None


def bad_input(message: str, field: str) -> GraphQLError:
    """A read query's invalid argument (error unions are for mutations)."""
    return GraphQLError(message, extensions={"code": "BAD_USER_INPUT", "field": field})


def page_size(first: int | None, default: int) -> int:
    """`first`, defaulted and checked against 1..MAX_FIRST."""
    size = default if first is None else first
    if not 1 <= size <= MAX_FIRST:
        raise bad_input(f"first must be between 1 and {MAX_FIRST}, got {size}", "first")
    return size


def encode_cursor(list_name: str, *position: str) -> str:
    raw = json.dumps([list_name, *position], separators=(",", ":")).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def decode_cursor(cursor: str, list_name: str, size: int) -> list[str]:
    """The `size` position parts of a cursor `encode_cursor(list_name, ...)` made; a
    BAD_USER_INPUT error on `after` for anything else."""
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4))
        parts = json.loads(raw.decode())
    except (binascii.Error, UnicodeDecodeError, ValueError):
        parts = None
    valid = (
        isinstance(parts, list)
        and len(parts) == size + 1
        and parts[0] == list_name
        and all(isinstance(p, str) for p in parts)
    )
    if not valid:
        raise bad_input(f"not a cursor from {list_name}", "after")
    return list(parts[1:])
