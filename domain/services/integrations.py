"""Admin use cases for webhook integrations and their stored deliveries.

Replaying only puts deliveries back in the queue: the caller asks for processing once
the transaction has committed, and the stored raw body is decoded again by the
adapter code running then — which is the point of replaying after a fix.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from domain.integrations import (
    DELIVERY_STATUSES,
    PENDING,
    CreatedIntegration,
    IntegrationChange,
    IntegrationError,
    IntegrationView,
    check_source,
    clean_options,
    clean_secret,
    new_secret,
)
from domain.ports import UnitOfWork


def create_integration(
    uow: UnitOfWork,
    *,
    source: str,
    secret: str | None = None,
    options: Mapping[str, Any] | None = None,
) -> CreatedIntegration:
    """A new integration; without a secret one is generated (Chatwoot makes its own
    only after the webhook exists: set it later with `update_integration`)."""
    check_source(source)
    stored = clean_secret(source, secret) if secret is not None else new_secret(source)
    view = uow.integrations.add(
        source=source, secret=stored, options=clean_options(source, options or {})
    )
    return CreatedIntegration(view, stored)


def update_integration(
    uow: UnitOfWork, *, integration_id: str, change: IntegrationChange
) -> IntegrationView | None:
    """Rotate the secret, switch unsigned mode, (de)activate; None when not found.

    Setting a Chatwoot secret ends unsigned mode unless the same change keeps it on:
    a secret means Chatwoot signs now, and an unsigned request must not still pass."""
    current = uow.integrations.get(integration_id)
    if current is None:
        return None
    allow_unsigned = change.allow_unsigned
    if allow_unsigned is not None and current.source != "chatwoot":
        raise IntegrationError(
            "only Chatwoot integrations can accept unsigned deliveries (older Chatwoot "
            "versions cannot sign)",
            "allowUnsigned",
        )
    if allow_unsigned is None and change.secret is not None and current.allow_unsigned:
        allow_unsigned = False
    secret = clean_secret(current.source, change.secret) if change.secret is not None else None
    options = None
    if allow_unsigned is not None:
        options = {k: v for k, v in current.options.items() if k != "allow_unsigned"}
        if allow_unsigned:
            options["allow_unsigned"] = True
    return uow.integrations.update(
        integration_id, secret=secret, options=options, active=change.active
    )


def replay_deliveries(
    uow: UnitOfWork, *, delivery_id: str | None = None, status: str | None = None
) -> int:
    """Reset one delivery, or every delivery in a status, to pending; returns how many."""
    if (delivery_id is None) == (status is None):
        raise IntegrationError("give either a delivery id or a status", "status")
    if delivery_id is not None:
        return 1 if uow.deliveries.reset(delivery_id) else 0
    if status not in DELIVERY_STATUSES or status == PENDING:
        allowed = ", ".join(s for s in DELIVERY_STATUSES if s != PENDING)
        raise IntegrationError(f"status must be one of {allowed}", "status")
    return uow.deliveries.reset_status(status)
