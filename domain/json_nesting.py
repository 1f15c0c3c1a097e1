"""JSON from outside, with its nesting bounded before anything recursive reads it.

`json.loads` recurses once per nested array or object: a body of 100,000 `[` ends in a
RecursionError (a 500), and a few hundred levels that do decode would break whatever walks
the value recursively later. So the depth is measured first, without recursion: the
brackets outside strings, scanned in C-speed byte operations. The measure is exact for
any text `json.loads` accepts; on malformed text it may err, and a RecursionError from
the decoder is then reported as the same nesting error.

`loads` is the one way to decode untrusted JSON: whatever is wrong with the input —
malformed, too deep, an integer past Python's digit limit, bytes that are not UTF-8 —
it raises JsonInputError with a message fit to send back.
"""

from __future__ import annotations

import json
import sys
from itertools import accumulate
from typing import Any

DEFAULT_MAX_DEPTH = 64  # JSON_MAX_DEPTH unless configured

# Everything but quotes and brackets is dropped from the text before it is measured.
_NOT_STRUCTURE = bytes(b for b in range(256) if b not in b'"[]{}')
_STEPS = bytes.maketrans(b"[{]}", b"\x01\x01\xff\xff")  # +1 / -1 as signed bytes


class JsonInputError(json.JSONDecodeError):
    """Untrusted JSON refused. A JSONDecodeError, so code that handles json's own error
    (strawberry's body parsing) handles every refusal; `str()` is the message alone."""

    def __init__(self, message: str) -> None:
        super().__init__(message, "", 0)
        self.args = (message,)


class JsonNestingError(JsonInputError):
    def __init__(self, limit: int) -> None:
        super().__init__(f"JSON nesting deeper than {limit} levels")
        self.limit = limit


def loads(document: bytes | str, *, max_depth: int) -> Any:
    """`json.loads(document)`, refusing arrays and objects nested deeper than
    `max_depth` with JsonNestingError and any other bad input with JsonInputError."""
    try:
        check_nesting(document, max_depth=max_depth)
        return json.loads(document)
    except RecursionError:
        raise JsonNestingError(max_depth) from None
    except JsonInputError:
        raise
    except UnicodeDecodeError as exc:  # also from check_nesting's transcoding
        raise JsonInputError(f"malformed JSON: not UTF-8 ({exc})") from None
    except json.JSONDecodeError as exc:
        raise JsonInputError(f"malformed JSON: {exc}") from None
    except ValueError:  # json's only other error: int() past the interpreter's digit limit
        digits = sys.get_int_max_str_digits()
        raise JsonInputError(f"JSON integer with more than {digits} digits") from None


def check_nesting(document: bytes | str, *, max_depth: int) -> None:
    """Raise JsonNestingError when `document` nests deeper than `max_depth`."""
    structure = _structure(document)
    if structure.count(b"[") + structure.count(b"{") <= max_depth:
        return  # fewer brackets than the limit: cannot be nested deeper (the common case)
    if _depth(structure) > max_depth:
        raise JsonNestingError(max_depth)


def nesting_depth(document: bytes | str) -> int:
    """The deepest nesting of arrays and objects in a JSON text (0 for a scalar)."""
    return _depth(_structure(document))


def _depth(structure: bytes) -> int:
    # Adjacent quotes are an empty string or a gap without brackets: either way they can
    # go, which leaves at most one quote per bracket to split on.
    outside = b"".join(structure.replace(b'""', b"").split(b'"')[::2])
    return max(accumulate(memoryview(outside.translate(_STEPS)).cast("b"), initial=0))


def _structure(document: bytes | str) -> bytes:
    """The quotes and brackets of `document`, as UTF-8 (whose multi-byte sequences never
    contain an ASCII byte), with escaped backslashes and escaped quotes removed."""
    text = _utf8(document)
    if b"\\" in text:
        text = text.replace(b"\\\\", b"").replace(b'\\"', b"")
    return text.translate(None, _NOT_STRUCTURE)


def _utf8(document: bytes | str) -> bytes:
    if isinstance(document, str):
        return document.encode("utf-8", "surrogatepass")
    encoding = json.detect_encoding(document)  # json.loads accepts UTF-16 and -32 too
    if encoding.startswith("utf-8"):
        return document
    return document.decode(encoding).encode("utf-8", "surrogatepass")
