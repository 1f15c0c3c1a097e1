"""Every webhook source Fairscore accepts, by the name used in the URL."""

from __future__ import annotations

from infra.sources.base import SourceAdapter
from infra.sources.chatwoot import ChatwootAdapter
from infra.sources.freshdesk import FreshdeskAdapter
from infra.sources.generic import GenericAdapter
from infra.sources.helpscout import HelpScoutAdapter
from infra.sources.intercom import IntercomAdapter
from infra.sources.zendesk import ZendeskAdapter


def adapters(*, tolerance_seconds: int = 300) -> dict[str, SourceAdapter]:
    found: list[SourceAdapter] = [
        GenericAdapter(tolerance_seconds),
        ZendeskAdapter(),
        IntercomAdapter(),
        ChatwootAdapter(),
        FreshdeskAdapter(),
        HelpScoutAdapter(),
    ]
    return {adapter.source: adapter for adapter in found}
