"""`fairscore db roles` on several databases at once (two test workers, or two installs on
one server): roles are the server's, so their statements meet on the same catalog rows,
and each run still ends with both logins as they should be."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from contextlib import ExitStack

import pytest
from sqlalchemy import create_engine, text

from infra.db.role_setup import Login, create_roles
from tests.conftest import PG_ADMIN_URL, scratch_database

pytestmark = pytest.mark.postgres

APP = Login("fairscore_test_app_concurrent")
SYSTEM = Login("fairscore_test_system_concurrent")


def test_db_roles_on_six_databases_at_once_all_succeed() -> None:
    _drop_logins()  # the first round creates them: that meets too
    with ExitStack() as databases:
        urls = [databases.enter_context(scratch_database("fairscore_roles")) for _ in range(6)]
        for _round in range(3):  # the race needs the statements to meet: a few rounds
            with ThreadPoolExecutor(len(urls)) as pool:
                results = list(pool.map(lambda url: create_roles(url, APP, SYSTEM), urls))
            assert [r["app"] for r in results] == [APP.name] * len(urls)

    admin = create_engine(PG_ADMIN_URL)
    with admin.connect() as conn:
        bypass = dict(
            conn.execute(
                text("SELECT rolname, rolbypassrls FROM pg_roles WHERE rolname IN (:a, :s)"),
                {"a": APP.name, "s": SYSTEM.name},
            ).all()
        )
    admin.dispose()
    assert bypass == {APP.name: False, SYSTEM.name: True}
    _drop_logins()


def _drop_logins() -> None:
    admin = create_engine(PG_ADMIN_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        for login in (APP, SYSTEM):
            conn.execute(text(f"DROP ROLE IF EXISTS {login.name}"))
    admin.dispose()
