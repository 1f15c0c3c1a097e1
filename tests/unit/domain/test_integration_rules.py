"""What an admin may set on an integration, per source, and what replaying means."""

from __future__ import annotations

import base64
from collections.abc import Mapping, Sequence
from dataclasses import replace
from datetime import UTC, datetime
from typing import Any

import pytest

from domain.integrations import (
    FAILED,
    IGNORED,
    PENDING,
    PROCESSED,
    DeliveryView,
    IntegrationChange,
    IntegrationError,
    IntegrationView,
    clean_options,
    clean_secret,
    new_secret,
)
from domain.services.integrations import (
    create_integration,
    replay_deliveries,
    update_integration,
)

NOW = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


class Integrations:
    def __init__(self) -> None:
        self.rows: dict[str, tuple[IntegrationView, str]] = {}

    def listing(self) -> Sequence[IntegrationView]:
        return [view for view, _ in self.rows.values()]

    def get(self, integration_id: str) -> IntegrationView | None:
        found = self.rows.get(integration_id)
        return found[0] if found else None

    def add(self, *, source: str, secret: str, options: Mapping[str, Any]) -> IntegrationView:
        view = IntegrationView(f"i{len(self.rows) + 1}", source, True, dict(options), NOW)
        self.rows[view.id] = (view, secret)
        return view

    def update(
        self,
        integration_id: str,
        *,
        secret: str | None = None,
        options: Mapping[str, Any] | None = None,
        active: bool | None = None,
    ) -> IntegrationView | None:
        view, stored = self.rows[integration_id]
        view = replace(
            view,
            options=dict(options) if options is not None else view.options,
            active=view.active if active is None else active,
        )
        self.rows[integration_id] = (view, secret or stored)
        return view


class Deliveries:
    def __init__(self, statuses: dict[str, str]) -> None:
        self.statuses = statuses

    def reset(self, delivery_id: str) -> bool:
        if delivery_id not in self.statuses:
            return False
        self.statuses[delivery_id] = PENDING
        return True

    def reset_status(self, status: str) -> int:
        matching = [d for d, s in self.statuses.items() if s == status]
        for delivery_id in matching:
            self.statuses[delivery_id] = PENDING
        return len(matching)

    def listing(self, status: str | None, limit: int) -> Sequence[DeliveryView]:
        return []

    def get(self, delivery_id: str) -> DeliveryView | None:
        return None


class Uow:
    def __init__(self, statuses: dict[str, str] | None = None) -> None:
        self.integrations = Integrations()
        self.deliveries = Deliveries(statuses or {})


def test_a_generic_secret_must_be_standard_webhooks_key_bytes() -> None:
    key = "whsec_" + base64.b64encode(b"0123456789abcdef").decode()
    assert clean_secret("generic", f"  {key}\n") == key
    for bad in ("whsec_not base64!", "plain-text", "whsec_"):
        with pytest.raises(IntegrationError) as caught:
            clean_secret("generic", bad)
        assert caught.value.field == "secret"


def test_vendor_secrets_are_any_text_but_not_blank_or_huge() -> None:
    assert clean_secret("intercom", " client-secret ") == "client-secret"
    for bad in ("", "   ", "x" * 501):
        with pytest.raises(IntegrationError):
            clean_secret("zendesk", bad)


@pytest.mark.parametrize("source", ["generic", "zendesk", "chatwoot"])
def test_a_generated_secret_fits_the_sources_scheme(source: str) -> None:
    secret = new_secret(source)
    assert clean_secret(source, secret) == secret
    assert new_secret(source) != secret


@pytest.mark.parametrize(
    ("source", "options", "field"),
    [
        ("intercom", {"allow_unsigned": True}, "options"),
        ("chatwoot", {"allow_unsigned": "yes"}, "options.allow_unsigned"),
        ("freshdesk", {"auth": "digest"}, "options.auth"),
        ("zendesk", {"additional_secrets": [1, 2]}, "options.additional_secrets"),
        ("generic", {"header": "X-Token"}, "options"),
    ],
)
def test_options_a_source_does_not_read_or_cannot_use_are_refused(
    source: str, options: dict[str, Any], field: str
) -> None:
    with pytest.raises(IntegrationError) as caught:
        clean_options(source, options)
    assert caught.value.field == field


def test_options_each_adapter_reads_are_kept() -> None:
    assert clean_options("freshdesk", {"auth": "basic", "header": "X-T"}) == {
        "auth": "basic",
        "header": "X-T",
    }
    assert clean_options("chatwoot", {"allow_unsigned": True}) == {"allow_unsigned": True}


def test_creating_without_a_secret_generates_one_and_hides_secret_options() -> None:
    uow = Uow()
    created = create_integration(
        uow,  # type: ignore[arg-type]
        source="zendesk",
        options={"additional_secrets": ["trigger-webhook-secret"]},
    )
    assert len(created.secret) >= 32
    assert created.integration.public_options == {}
    assert created.integration.webhook_path == "/webhooks/zendesk/i1"


def test_unsigned_mode_can_be_switched_for_chatwoot_only() -> None:
    uow = Uow()
    chatwoot = create_integration(uow, source="chatwoot").integration  # type: ignore[arg-type]
    intercom = create_integration(uow, source="intercom", secret="s").integration  # type: ignore[arg-type]

    updated = update_integration(
        uow, integration_id=chatwoot.id, change=IntegrationChange(allow_unsigned=True)
    )  # type: ignore[arg-type]

    assert updated is not None and updated.allow_unsigned
    with pytest.raises(IntegrationError) as caught:
        update_integration(
            uow, integration_id=intercom.id, change=IntegrationChange(allow_unsigned=True)
        )  # type: ignore[arg-type]
    assert caught.value.field == "allowUnsigned"
    assert (
        update_integration(uow, integration_id="nope", change=IntegrationChange(active=False))
        is None
    )  # type: ignore[arg-type]


def test_a_new_chatwoot_secret_ends_unsigned_mode_unless_the_same_change_keeps_it() -> None:
    uow = Uow()
    chatwoot = create_integration(  # type: ignore[arg-type]
        uow, source="chatwoot", options={"allow_unsigned": True}
    ).integration

    def change(**fields: Any) -> IntegrationView:
        view = update_integration(  # type: ignore[arg-type]
            uow, integration_id=chatwoot.id, change=IntegrationChange(**fields)
        )
        assert view is not None
        return view

    assert change(active=True).allow_unsigned  # other changes leave it alone
    assert not change(secret="chatwoot-made-this").allow_unsigned
    assert change(secret="and-this", allow_unsigned=True).allow_unsigned
    assert not change(allow_unsigned=False).options  # off is the default: no option left


def test_updates_take_their_integration_and_change_by_keyword() -> None:
    with pytest.raises(TypeError):
        update_integration(Uow(), "i1", IntegrationChange())  # type: ignore[arg-type, misc]


def test_replay_resets_one_delivery_or_every_one_in_a_status() -> None:
    uow = Uow({"d1": FAILED, "d2": FAILED, "d3": IGNORED, "d4": PROCESSED})

    assert replay_deliveries(uow, status=FAILED) == 2  # type: ignore[arg-type]
    assert replay_deliveries(uow, delivery_id="d4") == 1  # type: ignore[arg-type]
    assert replay_deliveries(uow, delivery_id="missing") == 0  # type: ignore[arg-type]
    assert uow.deliveries.statuses == {"d1": PENDING, "d2": PENDING, "d3": IGNORED, "d4": PENDING}


@pytest.mark.parametrize(
    "kwargs", [{}, {"delivery_id": "d1", "status": FAILED}, {"status": PENDING}]
)
def test_replay_needs_one_delivery_or_a_finished_status(kwargs: dict[str, str]) -> None:
    with pytest.raises(IntegrationError):
        replay_deliveries(Uow(), **kwargs)  # type: ignore[arg-type]
