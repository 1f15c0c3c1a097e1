"""Every webhook source Fairscore accepts, by the name used in the URL."""

from __future__ import annotations

from infra.sources.base import SourceAdapter
from infra.sources.generic import GenericAdapter


def adapters() -> dict[str, SourceAdapter]:
    found: list[SourceAdapter] = [GenericAdapter()]
    return {adapter.source: adapter for adapter in found}
