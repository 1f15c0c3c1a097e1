"""A re-score lowers the process's thread switch interval while it writes
(rescoring_pg.prompt_handoffs); overlapping re-scores leave it as it was before the first."""

from __future__ import annotations

import sys
from collections.abc import Iterator

import pytest

from infra.db.repositories.rescoring_pg import HANDOFF_SECONDS, prompt_handoffs


@pytest.fixture
def default_interval() -> Iterator[float]:
    before = sys.getswitchinterval()
    sys.setswitchinterval(0.005)
    yield 0.005
    sys.setswitchinterval(before)


def test_the_interval_is_lowered_while_writing_and_restored_after(default_interval: float) -> None:
    with prompt_handoffs():
        assert sys.getswitchinterval() == pytest.approx(HANDOFF_SECONDS)
    assert sys.getswitchinterval() == pytest.approx(default_interval)


def test_overlapping_rescores_restore_the_interval_from_before_the_first(
    default_interval: float,
) -> None:
    first, second = prompt_handoffs(), prompt_handoffs()
    first.__enter__()
    second.__enter__()
    first.__exit__(None, None, None)  # the first ends while the second still writes
    assert sys.getswitchinterval() == pytest.approx(HANDOFF_SECONDS)
    second.__exit__(None, None, None)
    assert sys.getswitchinterval() == pytest.approx(default_interval)


def test_an_error_restores_the_interval(default_interval: float) -> None:
    with pytest.raises(RuntimeError), prompt_handoffs():
        raise RuntimeError
    assert sys.getswitchinterval() == pytest.approx(default_interval)
