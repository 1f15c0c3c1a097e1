"""GraphiQL, self-hosted: the IDE page and its assets come from Fairscore itself.

The page references only `graphql/assets/...` (relative to `/graphql`, so a path-prefixing
proxy keeps working) and runs under a Content-Security-Policy that allows nothing from other
origins: an install behind a firewall or with a strict CSP still gets a working IDE. The
vendored files and how to update them: `README.md` here.
"""

from __future__ import annotations

from functools import cache
from importlib.resources import files

from starlette.responses import HTMLResponse
from starlette.staticfiles import StaticFiles

ASSETS_PATH = "/graphql/assets"
# GraphiQL's stylesheet embeds its fonts and icons as data: URLs; nothing else is inline.
CONTENT_SECURITY_POLICY = (
    "default-src 'self'; img-src 'self' data:; font-src 'self' data:; "
    "frame-ancestors 'none'; base-uri 'none'; form-action 'none'"
)


def page() -> HTMLResponse:
    return HTMLResponse(
        _page_html(),
        headers={
            "Content-Security-Policy": CONTENT_SECURITY_POLICY,
            "Cache-Control": "no-cache",
        },
    )


def assets() -> StaticFiles:
    """GraphiQL's JS/CSS, React and the page's own script, served from the package."""
    return StaticFiles(packages=[(__name__, "assets")])


@cache
def _page_html() -> str:
    return files(__name__).joinpath("page.html").read_text(encoding="utf-8")
