"""The composition root: settings → engine, queue, token service, intake, services.

Nothing here runs at import time. `container()` builds the process-wide container on
first use; tests build their own with `Container(settings)`.
"""

from __future__ import annotations

import logging
import threading
from functools import cached_property, partial
from typing import Any

from redis import Redis
from sqlalchemy import Engine
from sqlalchemy.exc import OperationalError, SQLAlchemyError
from sqlalchemy.orm import Session, sessionmaker

from domain.derivation.reconciler import Reconciler
from domain.ports import TenantId
from domain.services.recompute import Progress
from infra.auth.keys import jwks, load_previous_keys, load_signing_key
from infra.auth.oauth_server import TokenEndpoint, TokenRequest
from infra.auth.revocation import RevocationCache
from infra.auth.tokens import TokenError, TokenService
from infra.bulk.rebuild import PostgresBulkRebuild
from infra.db.claims import rebuilding, tenant_claim
from infra.db.delivery_insert import AsyncDeliveryInsert, SessionDeliveryInsert
from infra.db.engine import make_engine, make_worker_engine
from infra.db.repositories.api_clients import SqlApiClients
from infra.db.repositories.outbox import waits_after_release
from infra.db.repositories.system import DerivationBacklog, IntegrationRecord
from infra.db.roles import protection_warning, scope_to_tenant
from infra.db.statement_timeout import bounded_sessions, is_statement_timeout
from infra.db.types import utcnow
from infra.db.uow import SqlUnitOfWork, SystemUnitOfWork
from infra.live.hub import FellBehindError, LiveHub, Subscription
from infra.logging import configure_logging
from infra.queue import (
    CREATE_PERFORMANCE_REVIEWS,
    GENERATE_REVIEW_ASSIGNMENTS,
    RECONCILE_TENANT,
    CoalescedRequests,
    InProcessJobQueue,
    JobQueue,
    QueueUnavailableError,
    RqJobQueue,
    performance_reviews_job_id,
    queue_depth,
    review_assignments_job_id,
)
from infra.rate_limits import Limited, RateLimits
from infra.readiness import check_dependencies
from infra.secret_box import SecretBox, load_secret_box
from infra.settings import Settings
from infra.signals import BacklogCollector, exposition
from infra.sources.base import SourceAdapter
from infra.sources.decoder import AdapterDecoder
from infra.sources.registry import adapters
from infra.ttl_cache import TtlCache
from infra.webhook_intake import webhook_intake
from infra.webhooks import WebhookIntake

log = logging.getLogger(__name__)


class Container:
    def __init__(self, settings: Settings | None = None, *, worker: bool = False) -> None:
        self.settings = settings or Settings()
        self.worker = worker

    @cached_property
    def engine(self) -> Engine:
        """The app's login (DATABASE_URL: `fairscore_app`, bound by RLS; infra/db/roles.py)."""
        url = self.settings.database_url
        return make_worker_engine(url) if self.worker else make_engine(url)

    @cached_property
    def system_engine(self) -> Engine:
        """The cross-tenant paths' login (SYSTEM_DATABASE_URL, `fairscore_system`)."""
        url = self.settings.system_url
        if url == self.settings.database_url:
            return self.engine
        return make_worker_engine(url) if self.worker else make_engine(url, pool_size=4)

    def check_row_level_security(self) -> None:
        """At start: a warning when RLS does not bind the app's login or binds the system's."""
        try:
            problem = protection_warning(self.engine, self.system_engine)
        except OperationalError as exc:  # the database is not up yet: /readyz says so
            log.warning("could not check row-level security at start: %s", exc.orig)
            return
        if problem is not None:
            log.warning(problem)

    @cached_property
    def read_engine(self) -> Engine:
        """SQLite readers must not queue behind writers; elsewhere the same engine."""
        if self.settings.is_sqlite:
            return make_engine(self.settings.database_url, read_only=True)
        return self.engine

    @cached_property
    def sessions(self) -> sessionmaker[Session]:
        return sessionmaker(self.engine, expire_on_commit=False)

    @cached_property
    def read_sessions(self) -> sessionmaker[Session]:
        return sessionmaker(self.read_engine, expire_on_commit=False)

    @cached_property
    def api_sessions(self) -> sessionmaker[Session]:
        """The API requests' sessions: each statement bounded by API_STATEMENT_TIMEOUT."""
        return bounded_sessions(self.engine, self.settings.api_statement_timeout)

    @cached_property
    def api_read_sessions(self) -> sessionmaker[Session]:
        return bounded_sessions(self.read_engine, self.settings.api_statement_timeout)

    def uow(
        self,
        tenant_id: TenantId,
        *,
        exclusive: bool = False,
        api: bool = False,
        reconciling: bool = False,
        derived: bool = False,
    ) -> SqlUnitOfWork:
        """`api`: an API request's, its statements bounded (API_STATEMENT_TIMEOUT).
        `reconciling`: the reconciler's own, whose commits ask for no reconcile: it looks
        at the outbox again itself before it lets the tenant go (a request from there only
        queued a job that found nothing — one per job). `derived`: it writes derived data
        only, and commits without waiting for the WAL flush (see SqlUnitOfWork)."""
        return SqlUnitOfWork(
            self.api_sessions if api else self.sessions,
            tenant_id,
            exclusive=exclusive,
            box=self._box,
            after_commit=None if reconciling else self.request_reconcile,
            integrations_changed=self._evict_integrations,
            scores_committed=self.live.announce,
            derived=derived,
        )

    def request_reconcile(self, tenant_id: TenantId) -> None:
        """After a commit that recorded derivation work: the one place it is requested."""
        self.queue.request(RECONCILE_TENANT, tenant_id)

    @cached_property
    def coalesced_reconcile(self) -> CoalescedRequests | None:
        """Webhook intake's requests, gathered (≤ one per tenant per 50 ms) when they go to
        Redis; in-process jobs are requested at once (callers wait for them: `join`)."""
        if self.redis is None:
            return None
        return CoalescedRequests(self.request_reconcile, interval=0.05)

    def request_reconcile_soon(self, tenant_id: TenantId) -> None:
        coalesced = self.coalesced_reconcile
        if coalesced is None:
            self.request_reconcile(tenant_id)
        else:
            coalesced.request(tenant_id)

    @cached_property
    def integrations(self) -> TtlCache[str, IntegrationRecord | None]:
        """Integrations by id for webhook intake; misses are not cached."""

        def load(integration_id: str) -> IntegrationRecord | None:
            with self.system() as uow:
                return uow.system.integration(integration_id)

        ttl = self.settings.integration_cache_ttl
        return TtlCache(load, ttl=ttl, keep=lambda found: found is not None)

    def _evict_integrations(self, ids: set[str]) -> None:
        cache = self.__dict__.get("integrations")  # none made yet: nothing to evict
        if cache is not None:
            cache.evict(ids)

    def reconciler(
        self, tenant_id: TenantId, *, wait: bool = False, progress: Progress | None = None
    ) -> Reconciler:
        """The tenant's reconciler. `wait`: queue for the tenant's claim (an operator's
        command) instead of leaving it to the process that holds it (a worker)."""
        pg_system = None if self.settings.is_sqlite else self.system_engine  # None: SQLite
        return Reconciler(
            open_uow=lambda: self.uow(tenant_id, reconciling=True, derived=True),
            open_change=lambda: self.uow(tenant_id, reconciling=True),
            decoder=self.decoder,
            claim=lambda: tenant_claim(self.engine, tenant_id, wait=wait),
            rebuilding=lambda: rebuilding(self.engine, tenant_id),
            bulk=None if pg_system is None else PostgresBulkRebuild(self),
            progress=progress,
            waits=None if pg_system is None else partial(waits_after_release, pg_system, tenant_id),
        )

    def read_uow(self, tenant_id: TenantId, *, api: bool = False) -> SqlUnitOfWork:
        sessions = self.api_read_sessions if api else self.read_sessions
        return SqlUnitOfWork(sessions, tenant_id, box=self._box)

    @cached_property
    def system_sessions(self) -> sessionmaker[Session]:
        return sessionmaker(self.system_engine, expire_on_commit=False)

    def system(self) -> SystemUnitOfWork:
        return SystemUnitOfWork(self.system_sessions, self._box)

    @cached_property
    def secret_box(self) -> SecretBox:
        """Encrypts integration secrets at rest; raises SecretKeyError in production
        without SECRET_KEYS (`fairscore serve` checks at start-up)."""
        s = self.settings
        return load_secret_box(s.secret_keys, data_dir=s.data_dir, development=s.is_development)

    def _box(self) -> SecretBox:
        return self.secret_box

    @cached_property
    def redis(self) -> Redis | None:
        url = self.settings.redis_url
        return Redis.from_url(url) if url else None

    @cached_property
    def rate_limits(self) -> RateLimits:
        """Requests per client and integration: in Redis when it is used (every API
        process counts together), else in this process."""
        s = self.settings
        limits = {
            Limited.GRAPHQL: s.rate_limit_graphql,
            Limited.TOKEN: s.rate_limit_token,
            Limited.WEBHOOK: s.rate_limit_webhook,
        }
        if s.redis_url:
            return RateLimits.in_redis(s.redis_url, limits)
        return RateLimits.in_memory(limits)

    @cached_property
    def live(self) -> LiveHub:
        """Live score updates: over Redis when it is used, else within this process."""
        return LiveHub(
            redis=self.redis,
            redis_url=self.settings.redis_url or None,
            queue_size=self.settings.live_queue_size,
        )

    @cached_property
    def queue(self) -> JobQueue:
        if self.redis is not None:
            return RqJobQueue(self.redis, self.settings.queue_name)
        return InProcessJobQueue()

    @cached_property
    def signals(self) -> BacklogCollector:
        """The gauges a /metrics scrape computes: backlog, lag and queue depth."""
        return BacklogCollector(self._derivation_backlog, self._queue_depths, utcnow)

    def _derivation_backlog(self) -> DerivationBacklog:
        with self.system() as uow:
            return uow.system.derivation_backlog()

    def _queue_depths(self) -> dict[str, int]:
        if self.redis is None:
            return {}  # jobs run in this process: there is no queue to wait in
        name = self.settings.queue_name
        return {name: queue_depth(self.redis, name)}

    @cached_property
    def tokens(self) -> TokenService:
        s = self.settings
        key = load_signing_key(s.jwt_private_key, s.data_dir)
        previous = load_previous_keys(
            s.jwt_previous_keys,
            s.data_dir,
            from_data_dir=not s.jwt_private_key,
            max_age=s.access_token_ttl,
        )
        return TokenService(
            key,
            previous=previous,
            issuer=s.jwt_issuer,
            audience=s.jwt_audience,
            ttl_seconds=s.access_token_ttl,
            is_revoked=self.revocations.is_revoked,
        )

    @cached_property
    def revocations(self) -> RevocationCache:
        def revoked(tenant_id: TenantId) -> frozenset[str]:
            # The read sessions: on SQLite, a check must not queue behind writers.
            with self.read_sessions() as session:
                scope_to_tenant(session, tenant_id)  # else RLS hides every revocation
                return SqlApiClients(session, tenant_id).revoked_ids()

        return RevocationCache(revoked, ttl=self.settings.revocation_cache_ttl)

    @cached_property
    def token_endpoint(self) -> TokenEndpoint:
        def find_client(client_id: str):  # type: ignore[no-untyped-def]
            with self.system() as uow:
                return uow.system.client(client_id)

        return TokenEndpoint(find_client=find_client, tokens=self.tokens)

    def public_jwks(self) -> dict[str, Any]:
        return jwks(self.tokens.keys)

    def check_dependencies(self) -> dict[str, str]:
        """What /readyz reports (infra/readiness.py)."""
        return check_dependencies(self.read_engine, self.redis)

    @cached_property
    def adapters(self) -> dict[str, SourceAdapter]:
        return adapters(tolerance_seconds=self.settings.webhook_tolerance)

    @cached_property
    def decoder(self) -> AdapterDecoder:
        return AdapterDecoder(self.adapters, json_max_depth=self.settings.json_max_depth)

    @cached_property
    def webhooks(self) -> WebhookIntake:
        return webhook_intake(self)

    @cached_property
    def delivery_insert(self) -> AsyncDeliveryInsert | SessionDeliveryInsert:
        if self.settings.is_sqlite:
            return SessionDeliveryInsert(self.sessions)
        return AsyncDeliveryInsert(self.settings.system_url)  # the system login

    def close(self) -> None:
        coalesced = self.__dict__.get("coalesced_reconcile")
        if coalesced is not None:
            coalesced.flush()
        jobs = self.__dict__.get("queue")
        if isinstance(jobs, InProcessJobQueue):
            jobs.close()
        insert = self.__dict__.pop("delivery_insert", None)
        if isinstance(insert, AsyncDeliveryInsert):
            insert.close()
        for name in ("engine", "read_engine", "system_engine"):
            engine = self.__dict__.pop(name, None)
            if engine is not None:
                engine.dispose()
        redis = self.__dict__.pop("redis", None)
        if redis is not None:
            redis.close()
        rate_limits = self.__dict__.pop("rate_limits", None)
        if rate_limits is not None:
            rate_limits.close()


# What the API layer may use from infra: it imports infra only through this module.
__all__ = [
    "CREATE_PERFORMANCE_REVIEWS",
    "GENERATE_REVIEW_ASSIGNMENTS",
    "Container",
    "FellBehindError",
    "Limited",
    "QueueUnavailableError",
    "SQLAlchemyError",
    "Subscription",
    "TokenError",
    "TokenRequest",
    "configure_logging",
    "container",
    "exposition",
    "install",
    "is_statement_timeout",
    "performance_reviews_job_id",
    "review_assignments_job_id",
    "utcnow",
]

_lock = threading.Lock()
_container: Container | None = None

_ENGINES = frozenset({"engine", "system_engine"})  # the engines a worker makes its own way


def container(*, worker: bool = False) -> Container:
    """The process-wide container (in-process jobs must share it with the API)."""
    global _container  # noqa: PLW0603 - one composition root per process
    with _lock:
        if _container is None:
            _container = Container(worker=worker)
        elif worker and not _container.worker and not _ENGINES & vars(_container).keys():
            # `fairscore worker`: the CLI read the settings first, through a plain
            # container; its engines are not made yet, so they can still be the worker's
            # (no ping per checkout: the worker's jobs are many short transactions).
            _container.worker = True
        return _container


def install(instance: Container | None) -> None:
    """Replace the process-wide container (tests, CLI commands with explicit settings)."""
    global _container  # noqa: PLW0603
    with _lock:
        if _container is not None and _container is not instance:
            _container.close()
        _container = instance
