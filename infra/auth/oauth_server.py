"""OAuth2 client-credentials token endpoint (RFC 6749 §4.4) on authlib's server core.

authlib has no Starlette integration, so this module is the thin glue: a plain
`TokenRequest` (method, URL, headers, form) goes in, `(status, body, headers)` comes
out. Client authentication (HTTP Basic or form), grant validation and error bodies
are authlib's; token minting is ours (RFC 9068 JWTs, see `tokens.py`).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from authlib.oauth2.rfc6749 import (
    AuthorizationServer,
    ClientMixin,
    InvalidScopeError,
    OAuth2Payload,
    OAuth2Request,
)
from authlib.oauth2.rfc6749.errors import InsecureTransportError
from authlib.oauth2.rfc6749.grants import ClientCredentialsGrant
from authlib.oauth2.rfc6749.util import scope_to_list

from domain.auth import ALL_SCOPES
from infra.auth.tokens import TokenService
from infra.db.repositories.system import ClientRecord
from infra.db.types import utcnow

TokenResponse = tuple[int, dict[str, Any], list[tuple[str, str]]]


@dataclass(frozen=True, slots=True)
class TokenRequest:
    method: str
    url: str
    headers: Mapping[str, str]
    form: Mapping[str, str]


class _Payload(OAuth2Payload):  # type: ignore[misc]
    def __init__(self, form: Mapping[str, str]) -> None:
        self._form = dict(form)

    @property
    def data(self) -> dict[str, str]:
        return self._form

    @property
    def datalist(self) -> defaultdict[str, list[str]]:
        return defaultdict(list, {k: [v] for k, v in self._form.items()})


class _Request(OAuth2Request):  # type: ignore[misc]
    def __init__(self, request: TokenRequest) -> None:
        # authlib looks headers up by canonical name ("Authorization"); ASGI gives lower case.
        headers = {k.title(): v for k, v in request.headers.items()}
        super().__init__(method=request.method, uri=request.url, headers=headers)
        self.payload = _Payload(request.form)
        self._form = request.form

    @property
    def form(self) -> Mapping[str, str]:
        return self._form

    @property
    def args(self) -> dict[str, str]:
        return {}


class _Client(ClientMixin):  # type: ignore[misc]
    def __init__(self, record: ClientRecord) -> None:
        self.record = record

    def get_client_id(self) -> str:
        return self.record.client_id

    def check_client_secret(self, client_secret: str) -> bool:
        return self.record.accepts(client_secret, now=utcnow())

    def check_endpoint_auth_method(self, method: str, endpoint: str) -> bool:
        return method in ("client_secret_basic", "client_secret_post")

    def check_grant_type(self, grant_type: str) -> bool:
        return grant_type == "client_credentials"

    def get_allowed_scope(self, scope: str | None) -> str:
        allowed = self.record.scopes
        if not scope:
            return " ".join(allowed)
        return " ".join(s for s in scope_to_list(scope) if s in allowed)


class _ClientCredentials(ClientCredentialsGrant):  # type: ignore[misc]
    TOKEN_ENDPOINT_AUTH_METHODS = ("client_secret_basic", "client_secret_post")

    # A client may ask for fewer scopes than it holds, never for more.
    def validate_requested_scope(self) -> None:
        super().validate_requested_scope()
        requested = set(scope_to_list(self.request.payload.scope) or ())
        if requested - set(self.request.client.record.scopes):
            raise InvalidScopeError(description="the client may not request these scopes")


class TokenEndpoint(AuthorizationServer):  # type: ignore[misc]
    def __init__(
        self, *, find_client: Callable[[str], ClientRecord | None], tokens: TokenService
    ) -> None:
        super().__init__(scopes_supported=list(ALL_SCOPES))
        self.find_client = find_client
        self.tokens = tokens
        self.register_grant(_ClientCredentials)
        self.register_token_generator("client_credentials", self._generate)

    def respond(self, request: TokenRequest) -> TokenResponse:
        try:
            return self.create_token_response(request)  # type: ignore[no-any-return]
        except InsecureTransportError:
            return (
                400,
                {
                    "error": "insecure_transport",
                    "error_description": "the token endpoint requires HTTPS",
                },
                [],
            )

    def query_client(self, client_id: str) -> _Client | None:
        record = self.find_client(client_id)
        return _Client(record) if record and not record.revoked else None

    def save_token(self, token: dict[str, Any], request: OAuth2Request) -> None:
        """JWTs are self-contained: nothing to store."""

    def send_signal(self, name: str, *args: Any, **kwargs: Any) -> None:
        """No signal subscribers (authlib's base raises NotImplementedError)."""

    def create_oauth2_request(self, request: TokenRequest) -> OAuth2Request:
        return _Request(request)

    def handle_response(self, status: int, body: Any, headers: Any) -> TokenResponse:
        return status, dict(body), list(headers)

    def _generate(self, *, client: _Client, scope: str | None, **_: Any) -> dict[str, Any]:
        record = client.record
        return self.tokens.issue(
            tenant_id=record.tenant_id,
            client_id=record.client_id,
            scopes=scope_to_list(client.get_allowed_scope(scope)) or [],
        )
