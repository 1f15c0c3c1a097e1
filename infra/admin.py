"""Operator use cases behind the CLI: tenants, clients, integrations, demo data."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import asdict
from datetime import date, timedelta
from typing import Any

from domain.audit import CLI_ACTOR, OK, AuditLog, redact
from domain.auth import ALL_SCOPES
from domain.clients import ApiClientView, ClientError, ClientSecret
from domain.derivation.outbox import Redo
from domain.derivation.reconciler import ReconcileResult
from domain.erasure import ErasureNotFoundError, ErasureReport, erase_agent_people_data
from domain.events import CanonicalEvent, parse_event
from domain.integrations import IntegrationChange, IntegrationError, IntegrationView
from domain.model import default_model
from domain.ports import TenantId, TenantProfile, UnitOfWork
from domain.services import clients, integrations
from domain.services.processing import apply_events
from domain.services.recompute import Progress
from infra.bootstrap import Container
from infra.db.repositories.audit import record_for_every_tenant
from infra.db.repositories.integrations import SqlIntegrationReads
from infra.db.repositories.models import SqlModels
from infra.db.repositories.system import (
    ConflictError,
    IntegrationRecord,
    NotFoundError,
    SystemRepository,
)


def create_tenant(c: Container, *, slug: str, name: str, timezone: str) -> TenantProfile:
    """A tenant starts with the default KPI model, active from the beginning of time."""
    with c.system() as uow:
        tenant = uow.system.create_tenant(slug=slug, name=name, timezone=timezone)
        SqlModels(uow.session, tenant.id).add(default_model(), active=True)
        uow.commit()
    return tenant


def tenant_by_slug(c: Container, slug: str) -> TenantProfile:
    with c.system() as uow:
        return uow.system.tenant_by_slug(slug)


def list_tenants(c: Container) -> Sequence[TenantProfile]:
    with c.system() as uow:
        return uow.system.tenants()


def list_clients(c: Container, tenant: TenantId) -> Sequence[ApiClientView]:
    with c.uow(tenant) as uow:
        return uow.api_clients.listing()


def revoke_client(c: Container, *, tenant: TenantId, client_id: str) -> ApiClientView:
    """No new tokens from now on; its outstanding tokens are refused once each process's
    revocation cache refreshes (REVOCATION_CACHE_TTL, see infra/auth/revocation.py)."""
    with c.uow(tenant) as uow:
        view = uow.api_clients.revoke(client_id)
        if view is not None:
            _audit(uow.audit, "client revoke", {"client_id": client_id})
        uow.commit()
    if view is None:
        raise NotFoundError(f"no API client {client_id!r} in this tenant")
    return view


def rotate_client(
    c: Container, *, tenant: TenantId, client_id: str, grace: timedelta | None = None
) -> ClientSecret:
    """A new secret, shown once; the old one keeps working for `grace` (default
    CLIENT_SECRET_GRACE; zero: it stops at once)."""
    if grace is None:
        grace = timedelta(seconds=c.settings.client_secret_grace)
    try:
        with c.uow(tenant) as uow:
            rotated = clients.rotate_client_secret(
                uow, client_id=client_id, grace=grace, granted_by=frozenset(ALL_SCOPES)
            )
            if rotated is not None:
                details = {"client_id": client_id, "grace_seconds": grace.total_seconds()}
                _audit(uow.audit, "client rotate", details)
            uow.commit()
    except ClientError as exc:
        raise ConflictError(str(exc)) from None
    if rotated is None:
        raise NotFoundError(f"no API client {client_id!r} in this tenant")
    return rotated


def rotate_named_client(
    c: Container, *, tenant: TenantId, name: str, scopes: Sequence[str]
) -> tuple[str, str] | None:
    """`fairscore demo`'s client: the tenant's oldest active client called `name` with
    exactly `scopes` gets a new secret (no grace), audited like `client rotate`; None when
    there is none. Another client of that name keeps its secret and scopes."""
    wanted = set(scopes)
    with c.uow(tenant) as uow:
        named = [
            v
            for v in uow.api_clients.listing()
            if v.name == name and v.active and set(v.scopes) == wanted
        ]
        if not named:
            return None
        client_id = named[0].client_id
        rotated = clients.rotate_client_secret(
            uow, client_id=client_id, grace=timedelta(0), granted_by=frozenset(ALL_SCOPES)
        )
        assert rotated is not None  # noqa: S101 - listed just above, in this transaction
        details = {"client_id": client_id, "grace_seconds": 0}
        _audit(uow.audit, "client rotate", details)
        uow.commit()
    return client_id, rotated.secret


def reencrypt_secrets(c: Container) -> tuple[int, int]:
    """Every integration's secrets under the first SECRET_KEYS key: (re-encrypted,
    already current)."""
    return _rewrite_secrets(
        c,
        "secrets reencrypt",
        ("reencrypted", "already_current"),
        lambda s: s.reencrypt_integrations(),
    )


def decrypt_secrets(c: Container) -> tuple[int, int]:
    """Every integration's secrets back to plaintext (before downgrading below
    d7secrets0007, which cannot read them): (decrypted, already plaintext)."""
    return _rewrite_secrets(
        c, "secrets decrypt", ("decrypted", "already_plaintext"), lambda s: s.decrypt_integrations()
    )


def _rewrite_secrets(
    c: Container,
    action: str,
    names: tuple[str, str],
    rewrite: Callable[[SystemRepository], tuple[int, int]],
) -> tuple[int, int]:
    """Rewrite every tenant's integration secrets and audit it in every tenant's log, in one
    transaction: (changed, left as they were)."""
    with c.system() as uow:
        counts = rewrite(uow.system)
        details = dict(zip(names, counts, strict=True))
        record_for_every_tenant(uow.session, actor=CLI_ACTOR, action=action, details=details)
        uow.commit()
    return counts


def list_integrations(c: Container, tenant: TenantId) -> Sequence[IntegrationView]:
    """Through the read path, which never opens secrets: listing needs no SECRET_KEYS."""
    with c.uow(tenant) as uow:
        return SqlIntegrationReads(uow.session, tenant).listing()


def create_client(
    c: Container, *, tenant: TenantId, scopes: Sequence[str], name: str = ""
) -> tuple[str, str]:
    """The rules createApiClient follows, for an operator holding every scope."""
    try:
        with c.uow(tenant) as uow:
            created = clients.create_client(
                uow, scopes=scopes, name=name, granted_by=frozenset(ALL_SCOPES)
            )
            view = created.client
            details = {"client_id": view.client_id, "scopes": list(view.scopes), "name": view.name}
            _audit(uow.audit, "client create", details)
            uow.commit()
    except ClientError as exc:
        raise ConflictError(str(exc)) from None
    return view.client_id, created.secret


def create_integration(
    c: Container,
    *,
    tenant: TenantId,
    source: str,
    secret: str | None,
    options: Mapping[str, Any] | None = None,
) -> IntegrationRecord:
    """The CLI's way to the same rules the GraphQL mutation follows."""
    try:
        with c.uow(tenant) as uow:
            created = integrations.create_integration(
                uow, source=source, secret=secret, options=options
            )
            details = {
                "integration_id": created.integration.id,
                "source": source,
                "options": redact(dict(options or {})),
            }
            _audit(uow.audit, "integration create", details)
            uow.commit()
    except IntegrationError as exc:
        raise ConflictError(str(exc)) from None
    view = created.integration
    return IntegrationRecord(tenant, view.id, view.source, created.secret, view.options)


def update_integration(
    c: Container, *, tenant: TenantId, integration_id: str, change: IntegrationChange
) -> IntegrationView:
    try:
        with c.uow(tenant) as uow:
            view = integrations.update_integration(
                uow, integration_id=integration_id, change=change
            )
            if view is not None:
                details = {"integration_id": integration_id, "change": redact(asdict(change))}
                _audit(uow.audit, "integration update", details)
            uow.commit()
    except IntegrationError as exc:
        raise ConflictError(str(exc)) from None
    if view is None:
        raise NotFoundError(f"no integration {integration_id!r} in this tenant")
    return view


def erase_people_data(c: Container, *, tenant: TenantId, agent_id: str) -> ErasureReport:
    """The right to erasure from the CLI: the service eraseAgentPeopleData runs, recorded
    in the tenant's audit log as the CLI's."""
    try:
        with c.uow(tenant, exclusive=True) as uow:
            report = erase_agent_people_data(uow, agent_id=agent_id, client_id="", actor=CLI_ACTOR)
            uow.commit()
    except ErasureNotFoundError as exc:
        raise NotFoundError(f"{exc} in this tenant") from None
    return report


def record_key_rotation(c: Container, *, retired_kid: str, signing_kid: str) -> None:
    """`fairscore keys rotate` concerns every tenant's tokens: each tenant's log has it."""
    details = {"retired_kid": retired_kid, "signing_kid": signing_kid}
    with c.system() as uow:
        record_for_every_tenant(uow.session, actor=CLI_ACTOR, action="keys rotate", details=details)
        uow.commit()


def _audit(log: AuditLog, action: str, details: Mapping[str, Any]) -> None:
    """An operator's change, in the audit log of its tenant (same transaction)."""
    log.record(client_id="", actor=CLI_ACTOR, action=action, outcome=OK, details=details)


def apply_canonical(
    c: Container,
    tenant: TenantId,
    *,
    source: str,
    events: Iterable[dict[str, Any]],
    batch: int = 2000,
    progress: Callable[[int], None] | None = None,
) -> int:
    """Apply canonical event objects directly (demo data, imports), batch by batch; their
    scores follow from the outbox (`derive_now`, or the job each commit requests)."""
    total = 0
    pending: list[CanonicalEvent] = []
    for raw in events:
        pending.append(parse_event(raw))
        if len(pending) >= batch:
            total += _apply(c, tenant, source, pending, progress=progress)
            pending = []
    if pending:
        total += _apply(c, tenant, source, pending, progress=progress)
    return total


def _apply(
    c: Container,
    tenant: TenantId,
    source: str,
    events: list[CanonicalEvent],
    *,
    progress: Callable[[int], None] | None,
) -> int:
    with c.uow(tenant, exclusive=True) as uow:
        result = apply_events(uow, source=source, events=events)
        uow.commit()
    if progress:
        progress(len(events))
    return result.new


def recompute(
    c: Container, tenant: TenantId, *, since: date | None, progress: Progress | None = None
) -> ReconcileResult:
    """Ask for a rebuild of the tenant's history (from `since`), audited, and carry it
    out in this process — the reconciler decides how (bulk for a whole history)."""

    def ask(uow: UnitOfWork) -> None:
        uow.outbox.request(Redo.REBUILD, since=since)
        _audit(uow.audit, "recompute", {"since": since.isoformat() if since else None})

    return derive_now(c, tenant, progress=progress, change=ask)


def derive_now(
    c: Container,
    tenant: TenantId,
    *,
    progress: Progress | None = None,
    change: Callable[[UnitOfWork], object] | None = None,
) -> ReconcileResult:
    """Bring the tenant's derived data up to date in this process, after committing
    `change` if given: an operator's command waits for a worker that holds the tenant."""
    return c.reconciler(tenant, wait=True, progress=progress).run(change)
