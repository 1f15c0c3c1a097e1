"""One rule for the arguments that narrow a list (teamId, agentId, channel …), in GraphQL
and in the CSV exports alike: absent means every one; present but empty is a mistake, not
"every" nor "none"."""

from __future__ import annotations


class EmptyNarrowingError(ValueError):
    def __init__(self, name: str, every: str) -> None:
        super().__init__(f"{name} must not be empty; leave it out for every {every}")
        self.name = name


def narrowing(value: str | None, name: str, every: str) -> str | None:
    if value == "":
        raise EmptyNarrowingError(name, every)
    return value
