"""Runtime settings, read from the environment (and a `.env` file) once at start."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Literal

from pydantic import Field, field_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

from domain.json_nesting import DEFAULT_MAX_DEPTH
from infra.rate_limits import parse_limit


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_file=".env", extra="ignore")

    database_url: str = Field(
        default="sqlite:///fairscore.db",
        description="SQLAlchemy URL of the app's login; Postgres: "
        "postgresql+psycopg://user@host/db (with row-level security: `fairscore_app`, which "
        "owns nothing and cannot bypass it)",
    )
    system_database_url: str | None = Field(
        default=None,
        description="PostgreSQL: the login of the cross-tenant paths (system repository, "
        "webhook intake, bulk rebuild's fold workers): `fairscore_system`, BYPASSRLS, owns "
        "nothing; unset: DATABASE_URL's",
    )
    migration_database_url: str | None = Field(
        default=None,
        description="the tables' owner, for `fairscore db upgrade`/`downgrade`/`roles`; "
        "unset: DATABASE_URL",
    )
    redis_url: str | None = Field(
        default=None, description="Enables RQ; without it jobs run in-process after commit"
    )
    queue_name: str = "fairscore"
    sweep_after_seconds: float = Field(
        default=30.0,
        gt=0,
        description="age at which the sweeper re-requests a tenant's waiting derivation work "
        "(its job request may have been lost, e.g. Redis was down)",
    )
    job_heartbeat_seconds: int = Field(
        default=30,
        ge=1,
        description="a running job's heartbeat; a job silent for two of them was abandoned "
        "(its worker was killed) and the cron moves it out of RQ's started registry",
    )
    data_dir: Path = Field(default=Path(".fairscore"), description="dev keys live here")

    jwt_issuer: str = "http://localhost:8000"
    jwt_audience: str = "fairscore-api"
    jwt_private_key: str | None = Field(
        default=None, description="PEM RSA key; generated into data_dir when unset"
    )
    jwt_previous_keys: str | None = Field(
        default=None,
        description="PEM RSA keys (public is enough) that verify tokens but never sign: "
        "the previous signing key, until ACCESS_TOKEN_TTL after rotating",
    )
    access_token_ttl: int = 900
    secret_keys: str | None = Field(
        default=None,
        description="Fernet keys, comma-separated, encrypting integration secrets at rest: "
        "the first encrypts, all decrypt; unset in development: generated into data_dir",
    )
    revocation_cache_ttl: float = Field(
        default=30.0,
        gt=0,
        le=30,
        description="seconds a process may go on accepting a revoked client's tokens",
    )
    client_secret_grace: int = Field(
        default=86_400,
        ge=0,
        le=2_592_000,
        description="seconds a rotated client secret keeps working beside the new one",
    )

    integration_cache_ttl: float = Field(
        default=2.0,
        gt=0,
        le=30,
        description="seconds a process other than the one that changed an integration "
        "(rotated its secret, disabled it) may go on verifying webhooks with the old one",
    )
    webhook_max_body: int = 1_048_576
    webhook_tolerance: int = 300
    graphiql: bool = True
    graphql_max_depth: int = 10
    graphql_max_aliases: int = 15
    # One request's bounds, checked before parsing (see api/graphql_limits.py for why these).
    graphql_max_body: int = Field(default=1_048_576, description="bytes; larger bodies get 413")
    graphql_max_bytes: int = Field(default=32_768, description="bytes of the GraphQL document")
    graphql_max_tokens: int = Field(default=2_000, description="lexical tokens of the document")
    # Checked after parsing, before validation (see api/graphql_shape.py).
    graphql_max_selections: int = Field(
        default=5_000, description="fields, inline fragments and spreads, fragments expanded"
    )
    graphql_max_pairs: int = Field(
        default=2_000, description="pairs of fields or spreads validation compares"
    )
    graphql_max_cost: int = Field(
        default=50_000,
        ge=1,
        description="estimated fields a query may resolve: each field times the page sizes "
        "(`first`, `limit`) of the lists around it (api/graphql_cost.py)",
    )
    # Requests per window and key, in `limits`' notation ("600/minute", "20 per second"),
    # counted in Redis when REDIS_URL is set (shared by every API process), else in memory.
    rate_limit_graphql: str = Field(
        default="3000/minute",
        description="/graphql requests per API client (a WebSocket's connection_init and "
        "subscribe too)",
    )
    rate_limit_token: str = Field(
        default="60/minute",
        description="/oauth/token requests per client_id and remote address (per address "
        "without one)",
    )
    rate_limit_webhook: str = Field(
        default="60000/minute", description="webhook deliveries per integration"
    )
    api_statement_timeout: float = Field(
        default=5.0,
        ge=0,
        description="seconds one SQL statement of a GraphQL or export request may run on "
        "PostgreSQL before it is cancelled (0: no limit); workers and bulk jobs have none",
    )
    json_max_depth: int = Field(
        default=DEFAULT_MAX_DEPTH,
        description="nesting of arrays/objects in webhook and GraphQL JSON bodies",
    )
    live_queue_size: int = Field(
        default=1000,
        ge=1,
        description="score updates a scoresUpdated subscriber may have waiting before it "
        "is dropped as too slow",
    )
    log_level: str = "INFO"
    log_json: bool = Field(default=False, description="logs as JSON lines (API and worker)")
    worker_metrics_port: int | None = Field(
        default=None,
        ge=0,
        le=65535,
        description="port of `fairscore worker`'s /metrics (unset: not served)",
    )
    worker_metrics_host: str = Field(
        default="0.0.0.0",  # noqa: S104 - scraped from another host or container
        description="address the worker's /metrics listens on",
    )
    environment: Literal["development", "production"] | None = Field(
        default=None, description="unset: development when embedded (SQLite, no Redis)"
    )
    cors_allow_origins: Annotated[tuple[str, ...], NoDecode] = Field(
        default=(), description="origins browser apps may call the API from, comma-separated"
    )

    @field_validator("cors_allow_origins", mode="before")
    @classmethod
    def _comma_separated(cls, value: object) -> object:
        # A browser's Origin header has no trailing slash; a pasted URL often does.
        if isinstance(value, str):
            return tuple(o.strip().rstrip("/") for o in value.split(",") if o.strip())
        return value

    @field_validator("rate_limit_graphql", "rate_limit_token", "rate_limit_webhook")
    @classmethod
    def _rate_limit(cls, value: str) -> str:
        parse_limit(value)  # a typo fails at start-up, not at the first request
        return value

    @property
    def is_development(self) -> bool:
        """ENVIRONMENT when set; else the embedded default (SQLite, jobs in-process) is
        development and anything with PostgreSQL or Redis is production."""
        if self.environment is not None:
            return self.environment == "development"
        return self.is_sqlite and not self.uses_rq

    @property
    def is_sqlite(self) -> bool:
        return self.database_url.startswith("sqlite")

    @property
    def system_url(self) -> str:
        """The cross-tenant paths' login (one URL in development: the same)."""
        return self.system_database_url or self.database_url

    @property
    def migration_url(self) -> str:
        """The owner's login: migrations and `fairscore db roles`."""
        return self.migration_database_url or self.database_url

    @property
    def uses_rq(self) -> bool:
        return bool(self.redis_url)
