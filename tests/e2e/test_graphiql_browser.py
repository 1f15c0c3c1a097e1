"""GraphiQL in a real browser: headless Chromium loads the IDE from a running `fairscore serve`,
a user types a bearer token into the Headers tab and runs `agentScores`, and the answer shows
in the response pane. The page's CSP allows nothing from other origins, so a clean console
proves every asset came from Fairscore itself."""

from __future__ import annotations

import json
import os
import re
import signal
import time
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from selenium import webdriver
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.action_chains import ActionChains
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.support.ui import WebDriverWait

from tests.conftest import missing
from tests.e2e.harness import Stack

pytestmark = [pytest.mark.e2e, pytest.mark.needs("chromium")]

CHROMIUM = Path("/usr/bin/chromium")
CHROMEDRIVER = Path("/usr/bin/chromedriver")
FLAGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-dev-shm-usage",
    "--window-size=1280,900",
)
# GraphiQL's editors are CodeMirror 5 instances; each holds its API on its element.
EDITOR_TEXT = "return document.querySelector(arguments[0]).CodeMirror.getValue();"
SET_EDITOR_TEXT = "document.querySelector(arguments[0]).CodeMirror.setValue(arguments[1]);"
QUERY_EDITOR = ".graphiql-query-editor .CodeMirror"
RESPONSE_PANE = ".result-window .CodeMirror"
HEADERS_EDITOR = ".graphiql-editor-tool .graphiql-editor:not(.hidden) .CodeMirror"


def require_chromium() -> None:
    """Skip (locally) or fail (CI, where .ci/run installs them) without Chromium."""
    absent = [str(p) for p in (CHROMIUM, CHROMEDRIVER) if not p.exists()]
    if absent:
        missing(f"{', '.join(absent)} missing (Debian packages chromium, chromium-driver)")


@pytest.fixture
def demo(tmp_path: Path) -> Iterator[tuple[Stack, str, str]]:
    """`fairscore serve` on a fresh SQLite demo tenant: the stack, a token and a query."""
    stack = Stack(
        database_url=f"sqlite:///{tmp_path / 'fairscore.db'}", redis_url=None, workdir=tmp_path
    )
    output = stack.cli("demo", "--tickets", "120", "--days", "45", "--url", stack.url)
    curl = next(line for line in output.splitlines() if line.startswith("curl "))
    token = re.search(r"Bearer ([^']+)'", curl).group(1)  # type: ignore[union-attr]
    body = json.loads(re.search(r"-d '(.*)'$", curl).group(1))  # type: ignore[union-attr]
    try:
        stack.serve()
        yield stack, token, body["query"]
    finally:
        stack.stop()


@pytest.fixture
def browser(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[webdriver.Chrome]:
    require_chromium()
    monkeypatch.setenv("SE_OFFLINE", "true")  # Selenium Manager must never download
    profile = tmp_path / "chromium-profile"
    options = webdriver.ChromeOptions()
    options.binary_location = str(CHROMIUM)
    for flag in (*FLAGS, f"--user-data-dir={profile}"):
        options.add_argument(flag)
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    service = Service(executable_path=str(CHROMEDRIVER))
    driver = webdriver.Chrome(service=service, options=options)
    try:
        yield driver
    finally:
        try:
            driver.quit()  # stops Chromium, then chromedriver
        finally:
            assert service.process is None or service.process.poll() is not None
            assert_gone(str(profile))


def assert_gone(profile: str) -> None:
    """No Chromium process of this test's profile outlives it (killed, then failed, if so)."""
    deadline = time.monotonic() + 10
    while (left := processes_mentioning(profile)) and time.monotonic() < deadline:
        time.sleep(0.2)
    for pid in left:
        os.kill(pid, signal.SIGKILL)
    assert not left, f"Chromium processes left behind: {left}"


def processes_mentioning(text: str) -> list[int]:
    found = []
    for entry in Path("/proc").iterdir():
        try:
            if entry.name.isdigit() and text in (entry / "cmdline").read_text(errors="ignore"):
                found.append(int(entry.name))
        except OSError:  # it exited while we looked
            continue
    return found


def response_pane(driver: webdriver.Chrome, contains: str) -> dict[str, Any]:
    """The response pane's JSON, once it shows `contains`."""
    text = WebDriverWait(driver, 20).until(
        lambda d: (t := d.execute_script(EDITOR_TEXT, RESPONSE_PANE)) and contains in t and t
    )
    return dict(json.loads(text))


def run_query(driver: webdriver.Chrome) -> None:
    driver.find_element(By.CSS_SELECTOR, ".graphiql-execute-button").click()


def type_headers(driver: webdriver.Chrome, text: str) -> None:
    """Replace the Headers tab's text with `text`, typed as a user would."""
    editor = driver.find_element(By.CSS_SELECTOR, HEADERS_EDITOR)
    editor.click()
    keys = ActionChains(driver).key_down(Keys.CONTROL).send_keys("a").key_up(Keys.CONTROL)
    keys.send_keys(Keys.DELETE).send_keys(text).perform()


def test_graphiql_runs_agent_scores_with_the_token_the_user_types(
    browser: webdriver.Chrome, demo: tuple[Stack, str, str]
) -> None:
    stack, token, query = demo
    expected = stack.graphql(token, query)

    browser.get(f"{stack.url}/graphql")
    WebDriverWait(browser, 20).until(
        lambda d: (
            d.find_elements(By.CSS_SELECTOR, QUERY_EDITOR)
            and d.find_elements(By.CSS_SELECTOR, HEADERS_EDITOR)
        )
    )
    # the example query asks for this month (the browser's calendar: UTC here)
    this_month = datetime.now(UTC).date().replace(day=1).isoformat()
    assert f'start: "{this_month}"' in browser.execute_script(EDITOR_TEXT, QUERY_EDITOR)
    browser.execute_script(SET_EDITOR_TEXT, QUERY_EDITOR, query)

    run_query(browser)  # no token yet: the IDE says how to get one, sends nothing
    assert "No access token" in str(response_pane(browser, "errors")["errors"])

    type_headers(browser, json.dumps({"Authorization": f"Bearer {token}"}))
    assert json.loads(browser.execute_script(EDITOR_TEXT, HEADERS_EDITOR)) == {
        "Authorization": f"Bearer {token}"
    }
    run_query(browser)
    shown = response_pane(browser, "agentScores")

    assert shown == {"data": expected}
    assert len(shown["data"]["agentScores"]) == 12
    browser.find_element(By.CSS_SELECTOR, '[aria-label="Show Documentation Explorer"]').click()
    WebDriverWait(browser, 10).until(  # the token also let GraphiQL read the schema
        lambda d: "query: Query" in d.find_element(By.CSS_SELECTOR, ".graphiql-plugin").text
    )
    problems = [
        entry
        for entry in browser.get_log("browser")
        if entry["level"] == "SEVERE" or "Content Security Policy" in entry["message"]
    ]
    assert problems == []  # no failed load, no CSP refusal, no script error
