"""The suite's own guard (tests/conftest.py): a run whose tests leave a process behind
fails, names the process, and kills it."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

from tests.support.processes import alive

ROOT = Path(__file__).resolve().parents[1]
LEAKY_TEST = """
import subprocess

def test_starts_a_process_and_forgets_it():
    subprocess.Popen(["sleep", "120"])
"""
TIDY_TEST = """
import subprocess

def test_starts_a_process_and_waits_for_it():
    subprocess.run(["sleep", "0.1"], check=True)
"""
# The inner run uses the real hooks (with a shorter grace), nothing else of the project's.
INNER_CONFTEST = """
import tests.conftest as guard
from tests.conftest import pytest_sessionfinish, pytest_sessionstart

guard.LEFTOVER_GRACE_SECONDS = 0.5
"""


def run_inner_session(tmp_path: Path, test: str) -> subprocess.CompletedProcess[str]:
    (tmp_path / "conftest.py").write_text(INNER_CONFTEST)
    (tmp_path / "test_inner.py").write_text(test)
    return subprocess.run(
        [sys.executable, "-m", "pytest", "-p", "no:cacheprovider", "-q", str(tmp_path)],
        cwd=tmp_path,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


def test_a_run_that_leaves_a_process_behind_fails_and_kills_it(tmp_path: Path) -> None:
    done = run_inner_session(tmp_path, LEAKY_TEST)

    assert done.returncode == 1, done.stdout
    assert "1 passed" in done.stdout
    assert "1 process(es) started by the tests outlived them" in done.stdout
    found = re.search(r"pid (\d+): sleep 120", done.stdout)
    assert found, done.stdout
    assert not alive(int(found.group(1)))


def test_a_tidy_run_passes(tmp_path: Path) -> None:
    done = run_inner_session(tmp_path, TIDY_TEST)

    assert done.returncode == 0, done.stdout
    assert "outlived" not in done.stdout
