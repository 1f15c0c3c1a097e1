"""The RSA keys that sign and verify access tokens, and their public JWKS.

One key signs; previous keys only verify, so the tokens they signed keep working until
they expire. Every key is known by its `kid` (the RFC 7638 thumbprint), which each token
carries in its header. Two ways to rotate:

- JWT_PRIVATE_KEY set (production): put the new key there and the old one (its public
  half is enough) in JWT_PREVIOUS_KEYS; after ACCESS_TOKEN_TTL, drop it. With several
  replicas, first add the new key to JWT_PREVIOUS_KEYS everywhere, then swap: no replica
  ever sees a token signed by a key it does not know.
- Keys in DATA_DIR (development, or production without JWT_PRIVATE_KEY): `fairscore keys
  rotate` retires the current key into `jwt-retired/` and generates a new one; a retired
  key verifies for ACCESS_TOKEN_TTL after its retirement, then it is ignored (and removed
  by the next rotation). Processes read the keys at start, so restart them after.
"""

from __future__ import annotations

import os
import re
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from joserfc.jwk import RSAKey

SIGNING_KEY_FILE = "jwt-signing-key.pem"
RETIRED_DIR = "jwt-retired"
_PEM_BLOCK = re.compile(r"-----BEGIN [A-Z ]+-----.+?-----END [A-Z ]+-----", re.S)


def load_signing_key(pem: str | None, data_dir: Path) -> RSAKey:
    """The configured key, else a development key generated once into `data_dir`."""
    if pem:
        return _with_kid(RSAKey.import_key(pem))
    path = data_dir / SIGNING_KEY_FILE
    if path.exists():
        return _with_kid(RSAKey.import_key(path.read_bytes()))
    key = RSAKey.generate_key(2048)
    data_dir.mkdir(parents=True, exist_ok=True)
    # Write then rename: a concurrent process never reads a half-written key.
    tmp = path.with_suffix(f".{os.getpid()}.tmp")
    tmp.write_bytes(key.as_pem(private=True))
    tmp.chmod(0o600)
    if path.exists():  # another process won the race; use its key
        tmp.unlink()
        return _with_kid(RSAKey.import_key(path.read_bytes()))
    tmp.replace(path)
    return _with_kid(key)


def load_previous_keys(
    pems: str | None, data_dir: Path, *, from_data_dir: bool, max_age: float
) -> list[RSAKey]:
    """Keys that verify but never sign: JWT_PREVIOUS_KEYS (PEM blocks, public or
    private), and when the signing key lives in `data_dir`, the keys retired there less
    than `max_age` seconds ago (older ones signed nothing still valid)."""
    keys = [_with_kid(RSAKey.import_key(block)) for block in _PEM_BLOCK.findall(pems or "")]
    if from_data_dir:
        keys += [
            _with_kid(RSAKey.import_key(path.read_bytes()))
            for path in _retired(data_dir)
            if time.time() - path.stat().st_mtime < max_age
        ]
    return keys


def rotate_signing_key(data_dir: Path, *, max_age: float) -> tuple[str, str]:
    """Retire the data-dir key (it verifies for `max_age` more seconds) and generate a
    new one; retired keys past `max_age` are removed. Returns (old kid, new kid)."""
    old = load_signing_key(None, data_dir)
    retired = data_dir / RETIRED_DIR
    retired.mkdir(parents=True, exist_ok=True)
    for path in _retired(data_dir):
        if time.time() - path.stat().st_mtime >= max_age:
            path.unlink()
    kept = retired / f"{old.kid}.pem"
    kept.write_bytes(old.as_pem(private=False))  # its mtime is its retirement
    new = RSAKey.generate_key(2048)
    tmp = data_dir / f"{SIGNING_KEY_FILE}.{os.getpid()}.tmp"
    tmp.write_bytes(new.as_pem(private=True))
    tmp.chmod(0o600)
    tmp.replace(data_dir / SIGNING_KEY_FILE)
    return str(old.kid), str(_with_kid(new).kid)


def jwks(keys: Sequence[RSAKey]) -> dict[str, Any]:
    """The public halves, the signing key first; each with its `kid`."""
    published = []
    for key in keys:
        public = key.as_dict(private=False)
        public.update({"kid": str(key.kid), "use": "sig", "alg": "RS256"})
        published.append(public)
    return {"keys": published}


def _retired(data_dir: Path) -> list[Path]:
    return sorted((data_dir / RETIRED_DIR).glob("*.pem"))


def _with_kid(key: RSAKey) -> RSAKey:
    key.ensure_kid()  # the thumbprint: the same kid whatever the key's source
    return key
