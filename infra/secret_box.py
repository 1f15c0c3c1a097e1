"""Recoverable credentials encrypted at rest (integration signing secrets): the one place
that encrypts and decrypts them.

Webhook signatures are HMACs, so their secrets must be read back, not hashed. They are
stored as `fernet:` + a Fernet token under SECRET_KEYS (comma-separated Fernet keys: the
first encrypts, all decrypt, so a new key goes first and the old ones stay until
`fairscore secrets reencrypt` has moved every row). A value without the prefix is a row
written before encryption: it is read as it is, and the command encrypts it.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import Any

from cryptography.fernet import Fernet, InvalidToken, MultiFernet

PREFIX = "fernet:"
# Credentials kept inside an integration's options, encrypted like its secret.
SECRET_OPTION_LISTS = ("additional_secrets",)
DEV_KEY_FILE = "secret-keys"


class SecretKeyError(RuntimeError):
    """No usable key: SECRET_KEYS is unset in production, or a key is malformed, or a
    stored value was encrypted under a key that is no longer configured."""


class SecretBox:
    def __init__(self, keys: Sequence[str]) -> None:
        if not keys:
            raise SecretKeyError("SECRET_KEYS holds no key")
        try:
            self._primary = Fernet(keys[0])
            self._all = MultiFernet([Fernet(k) for k in keys])
        except ValueError:
            raise SecretKeyError(
                "SECRET_KEYS must be Fernet keys (32 url-safe base64 bytes each), comma-separated"
            ) from None

    def seal(self, plain: str) -> str:
        return PREFIX + self._all.encrypt(plain.encode()).decode()

    def open(self, stored: str) -> str:
        if not stored.startswith(PREFIX):
            return stored  # written before encryption at rest
        try:
            return self._all.decrypt(stored.removeprefix(PREFIX).encode()).decode()
        except InvalidToken:
            raise SecretKeyError(
                "a stored secret was encrypted with a key that is not in SECRET_KEYS"
            ) from None

    @staticmethod
    def is_sealed(stored: str) -> bool:
        """Encrypted under some key (what `decrypt` turns back into plaintext)."""
        return stored.startswith(PREFIX)

    def is_current(self, stored: str) -> bool:
        """Encrypted under the first key (what `reencrypt` leaves alone)."""
        if not stored.startswith(PREFIX):
            return False
        try:
            self._primary.decrypt(stored.removeprefix(PREFIX).encode())
        except InvalidToken:
            return False
        return True

    def reseal(self, stored: str) -> str:
        """The same secret under the first key (a no-op when it already is)."""
        return stored if self.is_current(stored) else self.seal(self.open(stored))

    def seal_options(self, options: Mapping[str, Any]) -> dict[str, Any]:
        return self._map_secret_lists(options, self.seal)

    def open_options(self, options: Mapping[str, Any]) -> dict[str, Any]:
        return self._map_secret_lists(options, self.open)

    def reseal_options(self, options: Mapping[str, Any]) -> dict[str, Any]:
        return self._map_secret_lists(options, self.reseal)

    def options_current(self, options: Mapping[str, Any]) -> bool:
        return all(
            self.is_current(v) for key in SECRET_OPTION_LISTS for v in options.get(key) or ()
        )

    @classmethod
    def options_sealed(cls, options: Mapping[str, Any]) -> bool:
        return any(
            isinstance(v, str) and cls.is_sealed(v)
            for key in SECRET_OPTION_LISTS
            for v in options.get(key) or ()
        )

    @staticmethod
    def _map_secret_lists(options: Mapping[str, Any], fn: Any) -> dict[str, Any]:
        mapped = dict(options)
        for key in SECRET_OPTION_LISTS:
            if isinstance(mapped.get(key), list):
                mapped[key] = [fn(v) if isinstance(v, str) else v for v in mapped[key]]
        return mapped


# Repositories get the box lazily: only what touches integration secrets needs the keys.
SecretBoxSource = Callable[[], "SecretBox"]


def load_secret_box(keys: str | None, *, data_dir: Path, development: bool) -> SecretBox:
    """SECRET_KEYS when set; in development a key generated once into `data_dir`; in
    production no key is an error, never a silent default."""
    if keys and keys.strip():
        return SecretBox([k.strip() for k in keys.split(",") if k.strip()])
    if not development:
        raise SecretKeyError(
            "SECRET_KEYS is not set: production needs a Fernet key to encrypt integration "
            "secrets (generate one with `fairscore secrets new-key`)"
        )
    return SecretBox([_dev_key(data_dir)])


def _dev_key(data_dir: Path) -> str:
    path = data_dir / DEV_KEY_FILE
    if path.exists():
        return path.read_text().strip()
    data_dir.mkdir(parents=True, exist_ok=True)
    # Write then rename: a concurrent process never reads a half-written key.
    tmp = path.with_suffix(f".{os.getpid()}.tmp")
    tmp.write_text(Fernet.generate_key().decode())
    tmp.chmod(0o600)
    if path.exists():  # another process won the race; use its key
        tmp.unlink()
    else:
        tmp.replace(path)
    return path.read_text().strip()
