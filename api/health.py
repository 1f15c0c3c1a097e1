"""/healthz (the process is up), /readyz (its dependencies answer, the schema is at the
latest migration or ahead of it)."""

from __future__ import annotations

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import JSONResponse

from infra.bootstrap import Container


async def healthz(_: Request) -> JSONResponse:
    return JSONResponse({"status": "ok"})


def readyz_endpoint(container: Container):  # type: ignore[no-untyped-def]
    async def readyz(_: Request) -> JSONResponse:
        checks = await run_in_threadpool(container.check_dependencies)
        ok = all(passed(value) for value in checks.values())
        return JSONResponse(
            {"status": "ok" if ok else "unavailable", "checks": checks},
            status_code=200 if ok else 503,
        )

    return readyz


def passed(check: str) -> bool:
    """A check passes as "ok", or "ok (a note)": e.g. a schema ahead of this version."""
    return check == "ok" or check.startswith("ok (")
