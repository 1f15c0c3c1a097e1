"""RFC 9068 JWT access tokens: issued to OAuth clients, verified on every request."""

from __future__ import annotations

import time
import uuid
from collections.abc import Callable, Iterable, Sequence
from typing import Any

from joserfc import jwt
from joserfc.errors import ExpiredTokenError, JoseError
from joserfc.jwk import Key, KeySet, RSAKey

from domain.auth import Principal
from domain.ports import TenantId

TENANT_CLAIM = "tenant_id"
ALGORITHM = "RS256"


class TokenError(Exception):
    """The bearer token is not acceptable (HTTP 401); the message says why."""


class TokenService:
    def __init__(
        self,
        key: RSAKey,
        *,
        previous: Sequence[RSAKey] = (),
        issuer: str,
        audience: str,
        ttl_seconds: int,
        is_revoked: Callable[[TenantId, str], bool] | None = None,
    ) -> None:
        self.key = key  # signs; it and `previous` verify, chosen by the token's kid
        for k in (key, *previous):
            k.ensure_kid()  # the thumbprint
        others = {k.kid: k for k in previous if k.kid != key.kid}
        self.keys = [key, *others.values()]
        self._verifying = KeySet(list[Key](self.keys))
        self.is_revoked = is_revoked  # (tenant, client_id): see infra/auth/revocation.py
        self.issuer = issuer
        self.audience = audience
        self.ttl = ttl_seconds
        required: dict[str, Any] = {
            "iss": {"essential": True, "value": issuer},
            "aud": {"essential": True, "value": audience},
            "exp": {"essential": True},
            "sub": {"essential": True},
            "client_id": {"essential": True},
            TENANT_CLAIM: {"essential": True},
        }
        self._claims = jwt.JWTClaimsRegistry(**required)

    def issue(
        self,
        *,
        tenant_id: str,
        client_id: str,
        scopes: Iterable[str],
        ttl_seconds: int | None = None,
    ) -> dict[str, Any]:
        """An OAuth2 token response (RFC 6749 §5.1) carrying a signed JWT."""
        now = int(time.time())
        ttl = ttl_seconds or self.ttl
        scope = " ".join(sorted(set(scopes)))
        claims = {
            "iss": self.issuer,
            "aud": self.audience,
            "sub": client_id,
            "client_id": client_id,
            "iat": now,
            "nbf": now,
            "exp": now + ttl,
            "jti": uuid.uuid4().hex,
            "scope": scope,
            TENANT_CLAIM: tenant_id,
        }
        header = {"alg": ALGORITHM, "typ": "at+jwt", "kid": self.key.kid}
        token = jwt.encode(header, claims, self.key, algorithms=[ALGORITHM])
        return {"access_token": token, "token_type": "Bearer", "expires_in": ttl, "scope": scope}

    def verify(self, token: str) -> Principal:
        try:
            decoded = jwt.decode(token, self._verifying, algorithms=[ALGORITHM])
        except JoseError as exc:
            raise TokenError(f"invalid token: {exc.error}") from None
        except ValueError:
            raise TokenError("invalid token: not a JWT") from None
        if decoded.header.get("typ", "").lower() not in ("at+jwt", "application/at+jwt"):
            raise TokenError("invalid token: not an access token (typ must be at+jwt)")
        try:
            self._claims.validate(decoded.claims)
        except ExpiredTokenError:
            raise TokenError("token expired") from None
        except JoseError as exc:
            raise TokenError(f"invalid token: {exc.description or exc.error}") from None
        claims = decoded.claims
        principal = Principal(
            tenant_id=TenantId(str(claims[TENANT_CLAIM])),
            client_id=str(claims["client_id"]),
            scopes=frozenset(str(claims.get("scope", "")).split()),
            expires_at=int(claims["exp"]),
        )
        if self.is_revoked is not None and self.is_revoked(
            principal.tenant_id, principal.client_id
        ):
            raise TokenError("invalid token: the client has been revoked")
        return principal
