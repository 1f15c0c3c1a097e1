"""The operations of the API guide (docs/api.md): every ```graphql block, by operation name,
so the tests run the guide's own text and the guide cannot drift from the API."""

from __future__ import annotations

import re
from pathlib import Path

import graphql

GUIDE = Path(__file__).resolve().parents[2] / "docs" / "api.md"
BLOCK = re.compile(r"^```graphql\n(.*?)^```", re.DOTALL | re.MULTILINE)


def operations() -> dict[str, str]:
    """Operation name -> its block's text; each block holds exactly one named operation."""
    found: dict[str, str] = {}
    for source in BLOCK.findall(GUIDE.read_text(encoding="utf-8")):
        definitions = graphql.parse(source).definitions
        assert len(definitions) == 1, f"one operation per block:\n{source}"
        operation = definitions[0]
        assert isinstance(operation, graphql.OperationDefinitionNode) and operation.name, source
        name = operation.name.value
        assert name not in found, f"two operations named {name} in the guide"
        found[name] = source
    return found
