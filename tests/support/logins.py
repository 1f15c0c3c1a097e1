"""The test suites run the app as production does on PostgreSQL: logged in as a role that
row-level security binds (DATABASE_URL), its cross-tenant paths as the system login
(SYSTEM_DATABASE_URL), migrations as the owner (MIGRATION_DATABASE_URL: the test server's
superuser). `scratch_database` (tests/conftest.py) makes both logins for every database.

Their names are the suite's own, not the defaults `fairscore db roles` makes: roles are
cluster-wide, and the suite's must not change the attributes of roles another checkout's
run (or a real install on the same server) relies on."""

from __future__ import annotations

from sqlalchemy import make_url

from infra.db.role_setup import Login

APP = Login("fairscore_test_app")
SYSTEM = Login("fairscore_test_system")


def as_login(url: str, login: Login) -> str:
    return make_url(url).set(username=login.name).render_as_string(hide_password=False)


def login_urls(url: str) -> dict[str, str]:
    """Settings for the app on the database `url` names (a superuser's, on PostgreSQL)."""
    if not url.startswith("postgres"):
        return {"database_url": url}
    return {
        "database_url": as_login(url, APP),
        "system_database_url": as_login(url, SYSTEM),
        "migration_database_url": url,
    }


def login_env(url: str) -> dict[str, str]:
    """`login_urls` as a process's environment."""
    return {name.upper(): value for name, value in login_urls(url).items()}
