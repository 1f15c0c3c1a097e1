"""`fairscore serve`'s metrics directory: multiprocess mode for several processes, and a
directory that never carries a previous run's counts into this one."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from infra.signals import MULTIPROC_ENV, multiprocess_metrics


def test_several_processes_get_a_temporary_directory_removed_afterwards(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.delenv(MULTIPROC_ENV, raising=False)

    with multiprocess_metrics(2):
        path = Path(os.environ[MULTIPROC_ENV])
        assert path.is_dir() and not any(path.iterdir())

    assert MULTIPROC_ENV not in os.environ and not path.exists()


def test_one_process_without_a_directory_stays_in_memory(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(MULTIPROC_ENV, raising=False)

    with multiprocess_metrics(1):
        assert MULTIPROC_ENV not in os.environ


@pytest.mark.parametrize("processes", [1, 2])
def test_a_given_directory_is_emptied_of_metrics_and_kept(
    processes: int, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(MULTIPROC_ENV, str(tmp_path))
    (tmp_path / "counter_4242.db").write_bytes(b"a previous run's")
    (tmp_path / "README").write_text("not ours")

    with multiprocess_metrics(processes):
        assert os.environ[MULTIPROC_ENV] == str(tmp_path)
        assert sorted(p.name for p in tmp_path.iterdir()) == ["README"]

    assert tmp_path.is_dir() and os.environ[MULTIPROC_ENV] == str(tmp_path)
