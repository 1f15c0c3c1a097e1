"""Credential generation and hashing."""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets


def new_client_id() -> str:
    return "fsc_" + secrets.token_hex(12)


def new_secret() -> str:
    return secrets.token_urlsafe(32)


def new_webhook_secret() -> str:
    """A Standard Webhooks secret: `whsec_` + base64 of 24 random bytes."""
    return "whsec_" + base64.b64encode(secrets.token_bytes(24)).decode()


def hash_secret(secret: str) -> str:
    # Client secrets are 256-bit random strings, so a fast hash suffices (as GitHub
    # does for tokens): there is no dictionary to brute-force.
    return "sha256$" + hashlib.sha256(secret.encode()).hexdigest()


def verify_secret(secret: str, stored: str) -> bool:
    return hmac.compare_digest(hash_secret(secret), stored)
