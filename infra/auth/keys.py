"""The RSA key that signs access tokens, and its public JWKS."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from joserfc.jwk import RSAKey


def load_signing_key(pem: str | None, data_dir: Path) -> RSAKey:
    """The configured key, else a development key generated once into `data_dir`."""
    if pem:
        return RSAKey.import_key(pem)
    path = data_dir / "jwt-signing-key.pem"
    if path.exists():
        return RSAKey.import_key(path.read_bytes())
    key = RSAKey.generate_key(2048)
    data_dir.mkdir(parents=True, exist_ok=True)
    # Write then rename: a concurrent process never reads a half-written key.
    tmp = path.with_suffix(f".{os.getpid()}.tmp")
    tmp.write_bytes(key.as_pem(private=True))
    tmp.chmod(0o600)
    if path.exists():  # another process won the race; use its key
        tmp.unlink()
        return RSAKey.import_key(path.read_bytes())
    tmp.replace(path)
    return key


def jwks(key: RSAKey) -> dict[str, Any]:
    public = key.as_dict(private=False)
    public.update({"kid": key.thumbprint(), "use": "sig", "alg": "RS256"})
    return {"keys": [public]}
