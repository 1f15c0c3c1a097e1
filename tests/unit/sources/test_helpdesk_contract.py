"""The three helpdesk adapters fulfil the SourceAdapter contract under their URL names."""

from __future__ import annotations

from infra.sources.base import SourceAdapter
from infra.sources.freshdesk import FreshdeskAdapter
from infra.sources.helpscout import HelpScoutAdapter
from infra.sources.zendesk import ZendeskAdapter


def test_source_names_match_the_webhook_urls() -> None:
    adapters: list[SourceAdapter] = [ZendeskAdapter(), FreshdeskAdapter(), HelpScoutAdapter()]
    assert [a.source for a in adapters] == ["zendesk", "freshdesk", "helpscout"]
