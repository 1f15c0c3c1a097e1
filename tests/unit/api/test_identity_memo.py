"""IdentityMemo (api/identity_memo.py): one answer per key object, by identity."""

from __future__ import annotations

from api.identity_memo import IdentityMemo


def test_an_answer_is_built_once_per_key_object() -> None:
    built: list[tuple[int, ...]] = []

    def build(key: tuple[int, ...]) -> list[int]:
        built.append(key)
        return list(key)

    memo = IdentityMemo(build, size=8)
    first, equal = (1, 2), tuple([1, 2])  # equal, not the same object
    answer = memo(first)

    assert memo(first) is answer
    assert memo(equal) == answer and memo(equal) is not answer
    assert built == [first, equal]


def test_a_full_memo_forgets_and_still_answers_right() -> None:
    memo = IdentityMemo(lambda key: [key[0] * 10], size=2)
    keys = [(n,) for n in range(5)]

    answers = [memo(k) for k in keys]

    assert len(memo) <= 2
    assert [memo(k) for k in keys] == answers == [[0], [10], [20], [30], [40]]
