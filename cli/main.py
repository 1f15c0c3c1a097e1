"""`fairscore`: the operator's command line (SPEC §6)."""

from __future__ import annotations

import json
from datetime import date

import typer
from sqlalchemy.exc import DBAPIError

from cli import clients as client_commands
from cli import demo as demo_command
from cli import docs as docs_commands
from cli import importer
from cli import integrations as integration_commands
from cli import keys as key_commands
from cli import people as people_commands
from cli import secrets as secret_commands
from cli.errors import FriendlyErrors
from cli.output import console, fail
from cli.progress import progress_bar
from domain.integrations import SOURCES
from infra import admin
from infra.bootstrap import container
from infra.db.migrate import downgrade, upgrade
from infra.db.repositories.system import ConflictError, NotFoundError
from infra.db.role_setup import create_roles, logins
from infra.logging import configure_logging
from infra.signals import multiprocess_metrics

app = typer.Typer(
    cls=FriendlyErrors, help="Fairscore: fair, explainable support KPIs.", no_args_is_help=True
)
db = typer.Typer(help="Database schema.", no_args_is_help=True)
tenant = typer.Typer(help="Tenants.", no_args_is_help=True)
client = typer.Typer(help="OAuth2 API clients.", no_args_is_help=True)
integration = typer.Typer(help="Webhook integrations.", no_args_is_help=True)
secrets = typer.Typer(help="Keys encrypting stored integration secrets.", no_args_is_help=True)
keys = typer.Typer(help="The keys signing access tokens.", no_args_is_help=True)
app.add_typer(db, name="db")
app.add_typer(tenant, name="tenant")
app.add_typer(client, name="client")
app.add_typer(integration, name="integration")
app.add_typer(secrets, name="secrets")
app.add_typer(keys, name="keys")
app.add_typer(docs_commands.docs, name="docs")
app.add_typer(people_commands.people, name="people")
app.command("demo")(demo_command.demo)
app.command("import")(importer.import_history)
app.command("replay")(integration_commands.replay)
integration.command("list")(integration_commands.integration_list)
integration.command("update")(integration_commands.integration_update)
tenant.command("list")(client_commands.tenant_list)
client.command("list")(client_commands.client_list)
client.command("revoke")(client_commands.client_revoke)
client.command("rotate")(client_commands.client_rotate)
secrets.command("new-key")(secret_commands.new_key)
secrets.command("reencrypt")(secret_commands.reencrypt)
secrets.command("decrypt")(secret_commands.decrypt)
keys.command("rotate")(key_commands.rotate)


@app.callback()
def main() -> None:
    configure_logging(container().settings)


@db.command("upgrade")
def db_upgrade(revision: str = "head") -> None:
    """Migrate MIGRATION_DATABASE_URL (else DATABASE_URL; default: SQLite file here) to the
    latest schema, as the tables' owner; grant the app's and the system logins the tables."""
    settings = container().settings
    app_login, system_login = logins(
        settings.database_url, settings.system_database_url, settings.migration_url
    )
    upgrade(settings.migration_url, revision, roles=(app_login.name, system_login.name))
    console.print(f"database at [bold]{revision}[/bold]")


@db.command("roles")
def db_roles(
    url: str | None = typer.Option(
        None, help="a superuser's URL [default: MIGRATION_DATABASE_URL, else DATABASE_URL]"
    ),
) -> None:
    """PostgreSQL, once per database, as a superuser: create the app's login (the user of
    DATABASE_URL, else fairscore_app: NOBYPASSRLS, owns nothing, a member of no role) and
    the system login of the cross-tenant paths (the user of SYSTEM_DATABASE_URL, else
    fairscore_system: BYPASSRLS, owns nothing), with the URLs' passwords; grant both DML on
    Fairscore's tables (also those later migrations add) and force row-level security on
    every tenant table (the owner is bound too). README, 'Row-level security'."""
    settings = container().settings
    if settings.is_sqlite:
        raise fail("row-level security is PostgreSQL's: DATABASE_URL names SQLite")
    admin_url = url or settings.migration_url
    app_login, system_login = logins(
        settings.database_url, settings.system_database_url, settings.migration_url
    )
    try:
        done = create_roles(admin_url, app_login, system_login)
    except (DBAPIError, ValueError) as exc:
        raise fail(
            f"{getattr(exc, 'orig', exc)}: creating a role and granting on the tables needs a "
            "superuser; run this once with --url (or MIGRATION_DATABASE_URL) naming one "
            "(README, 'Row-level security')"
        ) from None
    console.print(
        f"logins [bold]{done['app']}[/bold] (the app: DATABASE_URL) and "
        f"[bold]{done['system']}[/bold] (cross-tenant paths: SYSTEM_DATABASE_URL) ready; "
        f"row-level security forced on {done['forced']} more table(s)"
    )


@db.command("downgrade")
def db_downgrade(
    revision: str = typer.Argument(
        metavar="REVISION",
        help="the revision to go back to: an id, `-N` (after `--`) for N steps, or `base`",
    ),
    yes: bool = typer.Option(
        False, "--yes", help="confirm: every migration undone drops its tables/columns and data"
    ),
) -> None:
    """Roll the schema back to REVISION. Every downgrade needs --yes: each of Fairscore's
    migrations creates tables or columns, so undoing any of them loses data
    (`fairscore db downgrade base --yes` empties the database)."""
    if not yes:
        raise fail(
            f"downgrading to {revision} drops the tables and columns of every migration it "
            "undoes, with their data; add --yes if you mean it"
        )
    downgrade(container().settings.migration_url, revision)
    console.print(f"database at [bold]{revision}[/bold]")


@tenant.command("create")
def tenant_create(
    slug: str,
    name: str = typer.Option(...),
    timezone: str = typer.Option("UTC", help="IANA timezone"),
) -> None:
    """Create a tenant (with the default KPI model)."""
    try:
        created = admin.create_tenant(container(), slug=slug, name=name, timezone=timezone)
    except ConflictError as exc:
        raise fail(str(exc)) from None
    console.print(f"tenant [bold]{created.slug}[/bold] created (id {created.id})")


@client.command("create")
def client_create(
    tenant: str = typer.Option(..., help="tenant slug"),
    scopes: str = typer.Option("read", help='e.g. "read admin"'),
    name: str = typer.Option(""),
    as_json: bool = typer.Option(False, "--json"),
) -> None:
    """Create an OAuth2 client; prints its client_id and client_secret (shown once)."""
    c = container()
    try:
        profile = admin.tenant_by_slug(c, tenant)
        client_id, secret = admin.create_client(
            c, tenant=profile.id, scopes=scopes.split(), name=name
        )
    except (NotFoundError, ConflictError) as exc:
        raise fail(str(exc)) from None
    if as_json:
        print(
            json.dumps(
                {
                    "client_id": client_id,
                    "client_secret": secret,
                    "scopes": scopes.split(),
                    "tenant": tenant,
                }
            )
        )
        return
    console.print(
        f"client_id     {client_id}\nclient_secret {secret}\n"
        "(the secret is not stored; keep it now)"
    )


@integration.command("create")
def integration_create(
    tenant: str = typer.Option(..., help="tenant slug"),
    source: str = typer.Option(..., help=", ".join(SOURCES)),
    secret: str | None = typer.Option(None, help="generated when omitted"),
    allow_unsigned: bool = typer.Option(
        False, help="chatwoot < 4.11.2 only: accept unsigned requests"
    ),
    as_json: bool = typer.Option(False, "--json"),
) -> None:
    """Register a webhook source; prints its id, path and signing secret."""
    c = container()
    options = {"allow_unsigned": True} if allow_unsigned else {}
    try:
        profile = admin.tenant_by_slug(c, tenant)
        record = admin.create_integration(
            c, tenant=profile.id, source=source, secret=secret, options=options
        )
    except (NotFoundError, ConflictError) as exc:
        raise fail(str(exc)) from None
    path = f"/webhooks/{record.source}/{record.id}"
    if as_json:
        print(
            json.dumps(
                {
                    "integration_id": record.id,
                    "source": record.source,
                    "webhook_path": path,
                    "secret": record.secret,
                }
            )
        )
        return
    console.print(f"integration {record.id}\nwebhook path {path}\nsecret {record.secret}")


@app.command()
def serve(
    host: str = "127.0.0.1",
    port: int = typer.Option(8000, envvar="PORT"),
    workers: int = typer.Option(
        1,
        min=1,
        help="API processes: up to one per CPU core left free, with REDIS_URL (see README)",
    ),
) -> None:
    """Serve the API. Without REDIS_URL, jobs run in this process after each commit."""
    import uvicorn  # noqa: PLC0415 - only this command needs the server

    secret_commands.require_secret_keys()
    container().check_row_level_security()
    with multiprocess_metrics(workers):  # /metrics adds up every worker's counts
        uvicorn.run(
            "api.app:serve_app",
            factory=True,
            host=host,
            port=port,
            workers=workers,
            # A process builds the GraphQL schema before it answers its supervisor's first
            # ping: on a busy machine that takes longer than uvicorn's 5 s, which kills it.
            timeout_worker_healthcheck=60,
            proxy_headers=True,
            log_config=None,
            access_log=False,  # api/access_log.py writes one structured record instead
        )


@app.command()
def worker(
    burst: bool = typer.Option(False, help="exit when the queue is empty"),
    cron: bool = typer.Option(True, help="also run the periodic sweeper"),
    sweep_interval: int = typer.Option(60, min=1, help="seconds between sweeps"),
) -> None:
    """Run an RQ worker for Fairscore's queue (needs REDIS_URL). SIGTERM stops it within
    10 s (its job finished or requeued); it waits for Redis when Redis goes away."""
    from workers.runner import run_worker  # noqa: PLC0415

    run_worker(burst=burst, with_cron=cron, sweep_interval=sweep_interval)


@app.command()
def recompute(
    tenant: str = typer.Option(..., help="tenant slug"),
    since: str | None = typer.Option(None, help="YYYY-MM-DD; default: everything"),
) -> None:
    """Rebuild ticket facts, samples and scores from the event log."""
    c = container()
    try:
        profile = admin.tenant_by_slug(c, tenant)
        start = date.fromisoformat(since) if since else None
    except (NotFoundError, ValueError) as exc:
        raise fail(str(exc)) from None
    with progress_bar(console) as report:
        result = admin.recompute(c, profile.id, since=start, progress=report)
    console.print(
        f"rebuilt {'everything' if start is None else f'from {start}'}: "
        f"{result.requests} request(s) carried out, {result.rolled_up} snapshot(s) rolled up"
    )


@app.command()
def sweep() -> None:
    """Request a reconcile for tenants whose derivation work waits (the worker's cron)."""
    from workers.jobs import sweep_pending  # noqa: PLC0415

    console.print(f"{sweep_pending()} tenant(s) with derivation work waiting re-queued")
