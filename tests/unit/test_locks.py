"""The lock files are what pyproject.toml asks for: every declared dependency is pinned, at a
version its specifier allows, with hashes; the runtime lock agrees with the dev lock; and the
Dockerfile installs from the runtime lock. Offline: a stale lock fails here, and
`python3 dev.py lock` (README, "Dependencies") rewrites both."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path
from typing import Any

from packaging.requirements import Requirement
from packaging.utils import NormalizedName, canonicalize_name
from packaging.version import Version

ROOT = Path(__file__).resolve().parents[2]
PIN = re.compile(
    r"^(?P<requirement>[A-Za-z0-9][^\\\n]*?)\s*\\\n(?P<hashes>(?:\s+--hash=\S+.*\n)+)", re.M
)


def _locked(lock: Path) -> dict[NormalizedName, tuple[Version, str, int]]:
    """name -> (version, marker, number of hashes) for every pin in a uv/pip-tools lock."""
    pins: dict[NormalizedName, tuple[Version, str, int]] = {}
    for match in PIN.finditer(lock.read_text(encoding="utf-8")):
        requirement = Requirement(match["requirement"])
        (specifier,) = requirement.specifier  # exactly one ==version
        assert specifier.operator == "==", match["requirement"]
        hashes = match["hashes"].count("--hash=sha256:")
        pins[canonicalize_name(requirement.name)] = (
            Version(specifier.version),
            str(requirement.marker or ""),
            hashes,
        )
    return pins


def _stale(declared: list[str], lock: Path) -> list[str]:
    """Each declared requirement the lock misses or pins at a version it does not allow."""
    pins = _locked(lock)
    problems = []
    for line in declared:
        requirement = Requirement(line)
        pin = pins.get(canonicalize_name(requirement.name))
        if pin is None:
            problems.append(f"{line}: not in {lock.name}")
        elif not requirement.specifier.contains(pin[0], prereleases=True):
            problems.append(f"{line}: {lock.name} pins {pin[0]}")
    return problems


def _project(pyproject: Path = ROOT / "pyproject.toml") -> dict[str, Any]:
    project: dict[str, Any] = tomllib.loads(pyproject.read_text(encoding="utf-8"))["project"]
    return project


def test_the_runtime_lock_pins_every_dependency_within_its_specifier() -> None:
    assert _stale(_project()["dependencies"], ROOT / "requirements.lock") == []


def test_the_dev_lock_pins_every_dependency_and_dev_extra_within_its_specifier() -> None:
    project = _project()
    declared = [*project["dependencies"], *project["optional-dependencies"]["dev"]]
    assert _stale(declared, ROOT / "requirements-dev.lock") == []


def test_a_raised_lower_bound_or_a_new_dependency_is_reported(tmp_path: Path) -> None:
    pyproject = tmp_path / "pyproject.toml"
    pyproject.write_text(
        '[project]\ndependencies = ["alembic>=1.0", "starlette>=99", "left-pad-nonexistent>=1"]\n',
        encoding="utf-8",
    )
    problems = _stale(_project(pyproject)["dependencies"], ROOT / "requirements.lock")
    assert len(problems) == 2
    assert problems[0].startswith("starlette>=99: requirements.lock pins ")
    assert problems[1] == "left-pad-nonexistent>=1: not in requirements.lock"


def test_every_pin_is_exact_and_hashed_and_both_locks_agree() -> None:
    runtime = _locked(ROOT / "requirements.lock")
    dev = _locked(ROOT / "requirements-dev.lock")
    assert len(runtime) > 20 and len(dev) > len(runtime)
    assert [name for name, pin in {**runtime, **dev}.items() if pin[2] == 0] == []
    # one version per package (markers may differ): the Docker image runs what the tests ran
    versions = {name: pin[0] for name, pin in dev.items()}
    assert {name: versions.get(name) for name in runtime} == {n: p[0] for n, p in runtime.items()}


def test_the_dockerfile_installs_the_runtime_lock_with_hashes_then_the_project_alone() -> None:
    dockerfile = (ROOT / "Dockerfile").read_text(encoding="utf-8")
    assert "pip install --require-hashes -r requirements.lock" in dockerfile
    assert re.search(r"pip install --no-deps \.$", dockerfile, re.M)
    assert not re.search(r"pip install \.(\[\w+\])?$", dockerfile, re.M)
    # the lock is resolved for dev.py's LOCK_PYTHON; the image runs that Python
    dev_py = (ROOT / "dev.py").read_text(encoding="utf-8")
    (lock_python,) = re.findall(r'^LOCK_PYTHON = "([\d.]+)"', dev_py, re.M)
    images = re.findall(r"^FROM python:([\d.]+)-slim", dockerfile, re.M)
    assert images == [lock_python, lock_python]
