"""A real `fairscore serve` keeps answering /healthz while one client posts documents
built to freeze it (2 MB of fields, 100k directives, 100k-deep JSON, fragments expanding
to 10^10 fields): each is refused before parsing or validation, and the costliest
documents within the limits still run quickly."""

from __future__ import annotations

import json
import multiprocessing
import time
from collections.abc import Iterator
from multiprocessing.queues import Queue
from multiprocessing.synchronize import Event as EventType
from pathlib import Path
from statistics import quantiles

import httpx
import pytest

from tests.e2e.harness import Stack
from tests.support.api import signed_headers

pytestmark = [pytest.mark.e2e, pytest.mark.alone]  # a latency bound

LOAD_SECONDS = 6.0
DEEP = b"[" * 100_000 + b"]" * 100_000


@pytest.fixture
def stack(tmp_path: Path) -> Iterator[Stack]:
    s = Stack(
        database_url=f"sqlite:///{tmp_path / 'fairscore.db'}", redis_url=None, workdir=tmp_path
    )
    s.cli("db", "upgrade")
    yield s
    s.stop()


def fields(count: int) -> str:
    return "{ agents { " + "id " * count + "} }"


def includes(count: int) -> str:
    return "{ agents " + "@include(if: true) " * count + "{ id } }"


def operations(count: int) -> str:
    return " ".join(f"query Q{n} {{ agents {{ id }} }}" for n in range(count))


def listed(count: int) -> str:
    return "{ agents(teamId: [" + "1 " * count + "]) { id } }"


def fragment_chain(levels: int, width: int) -> str:
    chain = [f"fragment F{n} on Agent {{ {f'...F{n + 1} ' * width}}}" for n in range(levels)]
    return "{ agents { ...F0 } } " + " ".join(chain) + f" fragment F{levels} on Agent {{ id }}"


def bad_requests(
    base_url: str, token: str, hook: dict[str, str]
) -> list[tuple[str, httpx.Request, int]]:
    """(name, request, the status it must get)."""
    auth = {"Authorization": f"Bearer {token}", "content-type": "application/json"}

    def graphql(query: str, variables: bytes = b"null", operation: str = "") -> httpx.Request:
        body = b'{"query": ' + json.dumps(query).encode() + b', "variables": ' + variables
        body += b', "operationName": ' + json.dumps(operation or None).encode() + b"}"
        return httpx.Request("POST", f"{base_url}/graphql", content=body, headers=auth)

    webhook = httpx.Request(
        "POST",
        base_url + hook["webhook_path"],
        content=DEEP,
        headers=signed_headers(hook["secret"], DEEP),
    )
    return [
        ("2 MB of fields", graphql(fields(700_000)), 413),
        ("100k @include", graphql(includes(100_000)), 413),
        ("30 KB of fields", graphql(fields(10_000)), 400),
        ("1500 @include", graphql(includes(1_500)), 400),
        ("deep variables", graphql(fields(1), b'{"x": ' + DEEP + b"}"), 400),
        ("deep webhook", webhook, 400),
        # Refused before validation (a GraphQL error: still 200); 250 operations of
        # `agents { id }` (2,000 tokens) would take 47 ms.
        ("10^10 expanded spreads", graphql(fragment_chain(levels=10, width=10)), 200),
        ("64 ids", graphql(fields(64)), 200),
        # Not bad, but the costliest documents within the limits (api/graphql_limits.py):
        # they must not hold the event loop for long either.
        ("2000-item list, 2000 tokens", graphql(listed(1_988)), 200),
        ("250 operations", graphql(operations(250), operation="Q0"), 200),
        ("63 ids, 1953 pairs", graphql(fields(63)), 200),
    ]


def post_until(
    base_url: str,
    token: str,
    hook: dict[str, str],
    posting: EventType,
    stop: EventType,
    answers: Queue[list[tuple[str, int, int]]],
) -> None:
    """Send the requests round and round until `stop`; put (name, status, expected) each.
    `posting` is set once the first answer is in: the load is on from then.

    Runs in its own process: a load thread would share the prober's GIL and inflate the
    very latency the test measures."""
    requests = bad_requests(base_url, token, hook)
    seen: list[tuple[str, int, int]] = []
    with httpx.Client(timeout=60) as client:
        while not stop.is_set():
            for name, request, expected in requests:
                seen.append((name, client.send(request).status_code, expected))
                posting.set()
    answers.put(seen)


def test_healthz_stays_fast_while_bad_documents_are_refused(stack: Stack) -> None:
    stack.serve()
    token, hook = stack.open_tenant(scopes="read")
    spawn = multiprocessing.get_context("spawn")
    posting, stop, answers = spawn.Event(), spawn.Event(), spawn.Queue()
    poster = spawn.Process(target=post_until, args=(stack.url, token, hook, posting, stop, answers))

    latencies: list[float] = []
    with httpx.Client(base_url=stack.url, timeout=30) as client:
        client.get("/healthz")  # connected before the load starts
        poster.start()
        try:
            assert posting.wait(timeout=60), "the load process never got an answer"
            deadline = time.monotonic() + LOAD_SECONDS
            while time.monotonic() < deadline:
                started = time.perf_counter()
                assert client.get("/healthz").status_code == 200
                latencies.append(time.perf_counter() - started)
                time.sleep(0.02)
        finally:
            stop.set()
            sent = answers.get(timeout=120)
            poster.join(timeout=30)
    assert poster.exitcode == 0

    assert len(latencies) >= 100
    p99 = quantiles(latencies, n=100)[98]
    # A frozen loop shows seconds; 0.1 s was missed at 106 ms on a slower machine of this
    # kind, alone (stop 20), with nothing frozen.
    assert p99 < 0.25, f"/healthz p99 {p99 * 1000:.0f} ms over {len(latencies)} samples"
    assert len(sent) >= 10, sent  # at least one round
    assert [(name, status) for name, status, expected in sent if status != expected] == []
