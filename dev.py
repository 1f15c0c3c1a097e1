#!/usr/bin/env python3
"""The two commands of the README, for a machine with nothing but Python ≥ 3.11.

    python3 dev.py run    # venv + install + SQLite migrate + demo tenant + API on :8000
    python3 dev.py test   # venv + install + ruff, mypy, import contracts, the test suite
    python3 dev.py lock   # rewrite requirements*.lock from pyproject.toml (needs PyPI)

Installs come from requirements-dev.lock (exact versions, hashes checked); the Dockerfile
uses requirements.lock. Standard library only: this file runs before anything is installed.
"""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
import venv
from pathlib import Path

ROOT = Path(__file__).resolve().parent
VENV = ROOT / ".venv"
BIN = VENV / ("Scripts" if os.name == "nt" else "bin")
STAMP = VENV / ".installed"
RUNTIME_LOCK = "requirements.lock"
DEV_LOCK = "requirements-dev.lock"
LOCK_PYTHON = "3.11"  # the oldest Python we support; the Dockerfile's base image matches


def main(argv: list[str]) -> int:
    if sys.version_info < (3, 11):  # noqa: UP036 - says so clearly on an old Python
        print(f"Fairscore needs Python ≥ 3.11 (this is {sys.version.split()[0]})")
        return 2
    command = argv[0] if argv else ""
    if command not in ("run", "test", "lock"):
        print(__doc__)
        return 2
    ensure_environment()
    if command == "lock":
        return write_locks(argv[1:])
    return run_app(argv[1:]) if command == "run" else run_tests(argv[1:])


def ensure_environment() -> None:
    """Create .venv and install the locked dependencies and the project (again only when
    pyproject.toml or the lock changed)."""
    if not (BIN / "python").exists():
        print("· creating .venv")
        venv.create(VENV, with_pip=True)
    digest = hashlib.sha256()
    for name in ("pyproject.toml", DEV_LOCK):
        digest.update((ROOT / name).read_bytes())
    if STAMP.exists() and STAMP.read_text() == digest.hexdigest():
        return
    print(f"· installing Fairscore and its dependencies ({DEV_LOCK}) into .venv")
    pip = [str(BIN / "python"), "-m", "pip", "install", "--quiet", "--disable-pip-version-check"]
    check([*pip, "--upgrade", "pip"])
    check([*pip, "--require-hashes", "-r", DEV_LOCK])
    check([*pip, "--no-deps", "-e", "."])  # the lock has every dependency
    STAMP.write_text(digest.hexdigest())


def write_locks(args: list[str]) -> int:
    """Resolve pyproject.toml into both lock files with uv (a dev dependency).

    Universal (markers for other platforms and Pythons ≥ LOCK_PYTHON), so `dev.py` works
    on macOS and Windows too; pins already in a lock are kept unless pyproject.toml needs
    others (`dev.py lock --upgrade` takes the newest). The runtime lock is constrained by the dev
    lock, so a package has one version in both.
    """
    compile_ = [str(BIN / "uv"), "pip", "compile", "pyproject.toml", "--quiet"]
    compile_ += ["--generate-hashes", "--universal", "--python-version", LOCK_PYTHON]
    compile_ += ["--custom-compile-command", "python3 dev.py lock", *args]
    check([*compile_, "--extra", "dev", "--output-file", DEV_LOCK])
    check([*compile_, "--constraint", DEV_LOCK, "--output-file", RUNTIME_LOCK])
    print(f"· wrote {DEV_LOCK} and {RUNTIME_LOCK}")
    return 0


def run_app(args: list[str]) -> int:
    fairscore = str(BIN / "fairscore")
    port = os.environ.get("PORT", "8000")
    mode = (
        "PostgreSQL/Redis from the environment"
        if os.environ.get("DATABASE_URL")
        else ("embedded: SQLite file ./fairscore.db, jobs in-process")
    )
    print(f"· {mode}")
    check([fairscore, "db", "upgrade"])
    check([fairscore, "demo", "--url", f"http://localhost:{port}"])
    print(f"· serving on http://localhost:{port} (GraphiQL at /graphql) — Ctrl+C to stop")
    return subprocess.call([fairscore, "serve", "--port", port, *args], cwd=ROOT)


def run_tests(args: list[str]) -> int:
    steps = [
        ["ruff", "check", "."],
        ["ruff", "format", "--check", "."],
        ["mypy"],
        ["lint-imports"],
        # Two pytest-xdist workers, a test file each at a time (its tests keep their order
        # and module fixtures): the tests wait on PostgreSQL, Redis and the processes they
        # start as much as they compute. `dev.py test -n 0 ...` runs them in this process.
        ["python", "-m", "pytest", "-n", "2", "--dist", "loadfile", *args],
    ]
    for step in steps:
        print(f"· {' '.join(step)}", flush=True)
        code = subprocess.call([str(BIN / step[0]), *step[1:]], cwd=ROOT)
        if code:
            return code
    return 0


def check(command: list[str]) -> None:
    code = subprocess.call(command, cwd=ROOT)
    if code:
        raise SystemExit(code)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
