"""GraphiQL on `GET /graphql`: a page of Fairscore's own that loads nothing from elsewhere,
needs no token itself, and leaves every query behind the bearer token."""

from __future__ import annotations

from html.parser import HTMLParser
from urllib.parse import urljoin, urlsplit

import pytest
from starlette.testclient import TestClient

from domain.ports import TenantProfile
from infra.bootstrap import Container
from infra.settings import Settings
from tests.support.api import BASE_URL, access_token, api_client, graphql

HTML = {"Accept": "text/html,application/xhtml+xml,*/*;q=0.8"}  # what a browser sends
PAGE_URL = f"{BASE_URL}/graphql"
MEDIA_TYPES = {"js": "javascript", "css": "text/css", "svg": "image/svg+xml"}


@pytest.fixture
def settings(settings: Settings) -> Settings:
    return settings.model_copy(update={"graphiql": True})


class _Resources(HTMLParser):
    """The URLs a page loads (scripts, stylesheets, images...) and its inline code."""

    def __init__(self) -> None:
        super().__init__()
        self.urls: list[str] = []
        self.inline: list[str] = []
        self._in_code = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = dict(attrs)
        self.urls += [v for k, v in found.items() if k in {"src", "href"} and v]
        self.inline += [k for k in found if k == "style" or k.startswith("on")]
        self._in_code = tag == "style" or (tag == "script" and "src" not in found)

    def handle_endtag(self, tag: str) -> None:
        self._in_code = False

    def handle_data(self, data: str) -> None:
        if self._in_code and data.strip():
            self.inline.append(data.strip()[:80])


def resources(html: str) -> _Resources:
    parser = _Resources()
    parser.feed(html)
    return parser


def test_the_ide_page_renders_without_a_token(client: TestClient) -> None:
    response = client.get("/graphql", headers=HTML)

    assert response.status_code == 200, response.text
    assert response.headers["content-type"].startswith("text/html")
    assert "Content-Security-Policy" in response.headers
    assert "default-src 'self'" in response.headers["Content-Security-Policy"]


def test_the_ide_page_loads_only_local_assets_and_no_inline_code(client: TestClient) -> None:
    page = resources(client.get("/graphql", headers=HTML).text)
    urls = [urljoin(PAGE_URL, url) for url in page.urls]

    assert page.inline == []  # the CSP would block it
    assert any(url.endswith("/graphiql.min.js") for url in urls)
    assert any(url.endswith("/react-dom.production.min.js") for url in urls)
    for url in urls:
        parts = urlsplit(url)
        assert f"{parts.scheme}://{parts.netloc}" == BASE_URL, url
        assert parts.path.startswith("/graphql/assets/"), url


def test_every_asset_of_the_ide_page_is_served(client: TestClient) -> None:
    page = resources(client.get("/graphql", headers=HTML).text)

    for url in page.urls:
        response = client.get(urljoin(PAGE_URL, url))
        assert response.status_code == 200, url
        assert len(response.content) > 0, url
        kind = MEDIA_TYPES[url.rsplit(".", 1)[-1]]
        assert kind in response.headers["content-type"], url


def test_queries_still_need_a_bearer_token(client: TestClient) -> None:
    by_get = client.get("/graphql", params={"query": "{ agents { id } }"}, headers=HTML)
    by_post = client.post("/graphql", json={"query": "{ agents { id } }"}, headers=HTML)

    assert by_get.status_code == 401
    assert by_post.status_code == 401
    assert by_post.headers["WWW-Authenticate"].startswith("Bearer")


def test_queries_with_a_token_run_next_to_the_ide(
    client: TestClient, container: Container, tenant: TenantProfile
) -> None:
    token = access_token(client, container, tenant.id)

    response = graphql(client, token, "{ agents { id } }")

    assert response.status_code == 200
    assert response.json() == {"data": {"agents": []}}


def test_graphiql_false_serves_neither_the_page_nor_its_assets(settings: Settings) -> None:
    off = Container(settings.model_copy(update={"graphiql": False}))
    try:
        client = api_client(off)
        page = client.get("/graphql", headers=HTML)
        asset = client.get("/graphql/assets/graphiql.min.js")
    finally:
        off.close()

    assert page.status_code == 401  # no page: an ordinary GraphQL request without a token
    assert "text/html" not in page.headers["content-type"]
    assert asset.status_code == 404
