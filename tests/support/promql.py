"""The metric names a PromQL expression reads: enough of PromQL's lexer to tell them from
functions, aggregation keywords, grouping label lists, label matchers, durations and
strings (for checking that a dashboard and alert rules only use series that exist)."""

from __future__ import annotations

import re

_TOKENS = re.compile(
    r""""(?:\\.|[^"\\])*"|'(?:\\.|[^'\\])*'|`[^`]*`"""  # strings
    r"|\{[^}]*\}"  # label matchers
    r"|\[[^\]]*\]"  # ranges and subqueries
    r"|(?:\d+(?:ms|[smhdwy]))+"  # durations (after offset)
    r"|\d+(?:\.\d+)?(?:e[+-]?\d+)?"  # numbers
    r"|[A-Za-z_:][A-Za-z0-9_:]*"  # identifiers
    r"|\S"
)
_IDENTIFIER = re.compile(r"[A-Za-z_:][A-Za-z0-9_:]*")
# Keywords followed by a list of label names, not of expressions.
_LABEL_LISTS = {"by", "without", "on", "ignoring", "group_left", "group_right"}
# Aggregations may be followed by `by (...)` rather than by their argument.
_AGGREGATIONS = {"sum", "min", "max", "avg", "group", "stddev", "stdvar", "count"}
_AGGREGATIONS |= {"count_values", "bottomk", "topk", "quantile", "limitk", "limit_ratio"}
_KEYWORDS = _LABEL_LISTS | _AGGREGATIONS | {"and", "or", "unless", "bool", "offset", "inf", "nan"}


def metric_names(expr: str) -> set[str]:
    tokens = _TOKENS.findall(expr)
    names: set[str] = set()
    skipping_labels = False
    for n, token in enumerate(tokens):
        following = tokens[n + 1] if n + 1 < len(tokens) else ""
        if skipping_labels:
            skipping_labels = token != ")"
            continue
        if token in _LABEL_LISTS and following == "(":
            skipping_labels = True
            continue
        if not _IDENTIFIER.fullmatch(token) or token.lower() in _KEYWORDS or following == "(":
            continue  # punctuation, a keyword, or a function / aggregation being called
        names.add(token)
    return names
