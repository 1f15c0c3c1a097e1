"""The README and docs/ as a reader meets them: every relative link lands inside the
repository, docker-compose.yml publishes what the README tells users to reach, and the
command that writes docs/metrics.md works."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
import yaml
from typer.testing import CliRunner

from cli.main import app
from domain.metric_docs import render

ROOT = Path(__file__).resolve().parents[2]
PAGES = [ROOT / "README.md", *sorted((ROOT / "docs").rglob("*.md"))]
LINK = re.compile(r"\[[^\]]*\]\(([^)\s]+)\)")
FENCE = re.compile(r"^```.*?^```", re.S | re.M)


def _links(page: Path) -> list[str]:
    text = FENCE.sub("", page.read_text(encoding="utf-8"))  # code is not a link
    return [target for target in LINK.findall(text) if not urlsplit(target).scheme]


def _anchors(page: Path) -> set[str]:
    """GitHub's heading ids: lower case, punctuation dropped, spaces to hyphens."""
    text = FENCE.sub("", page.read_text(encoding="utf-8"))
    headings = re.findall(r"^#+ (.+)$", text, re.M)
    return {re.sub(r"[^\w\- ]", "", h.strip().lower()).replace(" ", "-") for h in headings}


@pytest.mark.parametrize("page", PAGES, ids=lambda p: str(p.relative_to(ROOT)))
def test_every_relative_link_points_into_the_repository(page: Path) -> None:
    for target in _links(page):
        path, _, anchor = target.partition("#")
        resolved = (page.parent / path).resolve() if path else page
        assert resolved.is_relative_to(ROOT), f"{target} leaves the repository"
        assert resolved.exists(), f"{target} does not exist"
        if anchor and resolved.suffix == ".md":
            assert anchor in _anchors(resolved), f"{target}: no heading #{anchor}"


def test_the_readme_links_the_metric_definitions() -> None:
    assert "docs/metrics.md" in _links(ROOT / "README.md")


def test_the_link_check_sees_a_link_that_leaves_the_repository(tmp_path: Path) -> None:
    page = tmp_path / "page.md"
    page.write_text("See [the spec](../shared/SPEC.md) and [a site](https://example.com).\n")
    assert _links(page) == ["../shared/SPEC.md"]


# --- the full stack -------------------------------------------------------------------------


def _full_stack_section() -> str:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    match = re.search(r"^## The full stack\n(.*?)^## ", readme, re.S | re.M)
    assert match, "README has no 'The full stack' section"
    return match.group(1)


def _compose() -> dict[str, Any]:
    with (ROOT / "docker-compose.yml").open() as f:
        return dict(yaml.safe_load(f)["services"])


def _published(service: dict[str, Any]) -> set[int]:
    return {int(str(mapping).split(":")[-2]) for mapping in service.get("ports", [])}


def test_compose_publishes_every_port_the_full_stack_section_reaches() -> None:
    section = _full_stack_section()
    ports = {int(p) for p in re.findall(r"localhost:(\d+)", section)}
    assert ports >= {5432, 6379, 8000}, ports  # the URLs and the API the section uses
    services = _compose()
    published = {
        "api": _published(services["api"]),
        "postgres": _published(services["postgres"]),
        "redis": _published(services["redis"]),
    }
    assert published == {"api": {8000}, "postgres": {5432}, "redis": {6379}}
    assert ports <= set().union(*published.values())


def test_the_api_and_worker_check_their_own_http_servers_and_the_one_shot_none() -> None:
    services = _compose()
    api_check = " ".join(services["api"]["healthcheck"]["test"])
    assert re.search(r"/(readyz|healthz)", api_check)
    worker = services["worker"]
    port = worker["environment"]["WORKER_METRICS_PORT"]
    assert f"127.0.0.1:{port}/metrics" in " ".join(worker["healthcheck"]["test"])
    assert worker["environment"]["DATABASE_URL"] == services["api"]["environment"]["DATABASE_URL"]
    assert services["migrate"]["healthcheck"] == {"disable": True}


def test_the_api_and_worker_start_after_a_successful_migration() -> None:
    services = _compose()
    for name in ("api", "worker"):
        assert services[name]["depends_on"] == {
            "migrate": {"condition": "service_completed_successfully"}
        }
    assert services["migrate"]["command"] == [
        "sh",
        "-c",
        "fairscore db upgrade && fairscore db roles",
    ]
    # ... and the app logs in as the role row-level security binds, its cross-tenant paths
    # as the system login; only the one-shot has the owner's URL
    for name in ("api", "worker", "migrate"):
        env = services[name]["environment"]
        assert urlsplit(env["DATABASE_URL"]).username == "fairscore_app"
        assert urlsplit(env["SYSTEM_DATABASE_URL"]).username == "fairscore_system"
        assert ("MIGRATION_DATABASE_URL" in env) == (name == "migrate")
    assert (
        urlsplit(services["migrate"]["environment"]["MIGRATION_DATABASE_URL"]).username
        == (services["postgres"]["environment"]["POSTGRES_USER"])
    )
    assert services["migrate"]["depends_on"] == {
        "postgres": {"condition": "service_healthy"},
        "redis": {"condition": "service_healthy"},
    }


def test_the_documented_command_writes_the_metrics_page(tmp_path: Path) -> None:
    page = tmp_path / "metrics.md"
    result = CliRunner().invoke(app, ["docs", "metrics", "--output", str(page)])
    assert result.exit_code == 0, result.output
    assert page.read_text(encoding="utf-8") == render()
