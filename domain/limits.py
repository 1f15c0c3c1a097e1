"""How long admins' and reviewers' free text may be, checked before anything is stored.

Most limits are the database's own (its VARCHAR columns): SQLite would store a longer
value, PostgreSQL would refuse it mid-transaction, so the domain checks them on every
database and answers with a validation error that names the field. The rest (text kept
inside JSON documents) are house limits that keep one input from growing without bound.
"""

from __future__ import annotations

from collections.abc import Callable

NAME = 200  # scorecard, calibration session, survey and KPI model names; labels
KEY = 64  # support value keys, pulse question keys, category keys and groups, channels
DESCRIPTION = 1000  # support value descriptions
COMMENT = 2000  # value-rating comments, review comments (per category)
REASON = 500  # review-assignment skip reasons
TEXT = 500  # pulse question texts (house limit)
ID = 32  # internal ids an admin names (a KPI model's team)

ErrorFactory = Callable[[str, str], Exception]  # (message, field) → the caller's error


def check_length(
    value: str | None, *, limit: int, field: str, error: ErrorFactory, what: str | None = None
) -> None:
    """Raise `error(message, field)` when `value` is longer than `limit` characters;
    the message names `what` (default: the field)."""
    if value is not None and len(value) > limit:
        raise error(f"{what or field} is longer than {limit} characters ({len(value)})", field)
