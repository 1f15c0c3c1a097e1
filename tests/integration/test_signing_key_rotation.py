"""JWT signing keys rotate by `kid` (issue 11 item 3): the JWKS publishes the signing key
and the previous ones, every token names its key, and a token signed by the previous key
verifies until the previous key's time is up (ACCESS_TOKEN_TTL after it was retired).
Both procedures: `fairscore keys rotate` (keys in DATA_DIR), and JWT_PRIVATE_KEY with
JWT_PREVIOUS_KEYS."""

from __future__ import annotations

import json
import os
import time
from collections.abc import Iterator
from contextlib import contextmanager

from joserfc import jws
from joserfc.jwk import RSAKey
from starlette.testclient import TestClient
from typer.testing import CliRunner

from cli.main import app
from domain.ports import TenantProfile
from infra.auth.keys import RETIRED_DIR
from infra.bootstrap import Container, install
from infra.settings import Settings
from tests.support.api import access_token, api_client, graphql

QUERY = "{ teams { id } }"


def kid_of(token: str) -> str:
    return str(jws.extract_compact(token.encode()).protected["kid"])


def published(client: TestClient) -> list[str]:
    return [k["kid"] for k in client.get("/.well-known/jwks.json").json()["keys"]]


@contextmanager
def restarted(settings: Settings, **changes: object) -> Iterator[TestClient]:
    """The API started again on the same database and DATA_DIR (keys are read at start)."""
    c = Container(settings.model_copy(update=changes))
    try:
        yield api_client(c)
    finally:
        c.close()


def test_keys_rotate_signs_with_a_new_key_and_the_old_tokens_verify_until_its_time_is_up(
    client: TestClient, container: Container, settings: Settings, tenant: TenantProfile
) -> None:
    old_token = access_token(client, container, tenant.id)
    old_kid = kid_of(old_token)
    assert published(client) == [old_kid]

    result = CliRunner().invoke(app, ["keys", "rotate", "--json"])

    assert result.exit_code == 0, result.output
    kids = json.loads(result.stdout)
    assert kids["retired_kid"] == old_kid and kids["signing_kid"] != old_kid
    with restarted(settings) as after:
        assert published(after) == [kids["signing_kid"], old_kid]
        assert graphql(after, old_token, QUERY).status_code == 200
        new_token = access_token(after, container, tenant.id)
        assert kid_of(new_token) == kids["signing_kid"]
        assert graphql(after, new_token, QUERY).status_code == 200
    # ACCESS_TOKEN_TTL later every token the old key signed has expired: it is dropped.
    retired = settings.data_dir / RETIRED_DIR / f"{old_kid}.pem"
    past = time.time() - settings.access_token_ttl - 1
    os.utime(retired, (past, past))
    with restarted(settings) as later:
        assert published(later) == [kids["signing_kid"]]
        refused = graphql(later, old_token, QUERY)
        assert refused.status_code == 401 and "invalid_key_id" in refused.text
        assert graphql(later, new_token, QUERY).status_code == 200


def test_jwt_previous_keys_verify_the_old_keys_tokens_beside_a_new_jwt_private_key(
    settings: Settings, container: Container, tenant: TenantProfile
) -> None:
    old, new = RSAKey.generate_key(2048), RSAKey.generate_key(2048)
    old_pem, new_pem = old.as_pem(private=True).decode(), new.as_pem(private=True).decode()
    with restarted(settings, jwt_private_key=old_pem) as before:
        old_token = access_token(before, container, tenant.id)

    public_old = old.as_pem(private=False).decode()
    with restarted(settings, jwt_private_key=new_pem, jwt_previous_keys=public_old) as both:
        assert published(both) == [new.thumbprint(), old.thumbprint()]
        assert kid_of(access_token(both, container, tenant.id)) == new.thumbprint()
        assert graphql(both, old_token, QUERY).status_code == 200
    with restarted(settings, jwt_private_key=new_pem) as only_new:
        assert graphql(only_new, old_token, QUERY).status_code == 401


def test_keys_rotate_refuses_when_the_key_comes_from_jwt_private_key(
    settings: Settings,
) -> None:
    pem = RSAKey.generate_key(2048).as_pem(private=True).decode()
    install(Container(settings.model_copy(update={"jwt_private_key": pem})))

    result = CliRunner().invoke(app, ["keys", "rotate"])

    assert result.exit_code == 1 and "JWT_PREVIOUS_KEYS" in result.stderr
    assert not (settings.data_dir / RETIRED_DIR).exists()
