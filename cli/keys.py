"""`fairscore keys rotate`: a new JWT signing key in DATA_DIR, the old one still verifying
the tokens it signed until they expire (see infra/auth/keys.py for both procedures)."""

from __future__ import annotations

import json

import typer

from cli.output import console, fail
from infra import admin
from infra.auth.keys import rotate_signing_key
from infra.bootstrap import container


def rotate(as_json: bool = typer.Option(False, "--json")) -> None:
    """Retire the signing key in DATA_DIR and generate a new one. Tokens signed by the
    old key verify for ACCESS_TOKEN_TTL more seconds; restart the API to use the new key.
    With JWT_PRIVATE_KEY set, rotate by moving the old key to JWT_PREVIOUS_KEYS instead."""
    c = container()
    s = c.settings
    if s.jwt_private_key:
        raise fail(
            "JWT_PRIVATE_KEY is set: put the new key there and the old one in "
            "JWT_PREVIOUS_KEYS (README, Configuration)"
        )
    old, new = rotate_signing_key(s.data_dir, max_age=s.access_token_ttl)
    admin.record_key_rotation(c, retired_kid=old, signing_kid=new)
    if as_json:
        print(json.dumps({"retired_kid": old, "signing_kid": new}))
        return
    console.print(
        f"signing key {new}\nretired key {old} (verifies for {s.access_token_ttl} s more)\n"
        "restart `fairscore serve` to sign with the new key"
    )
