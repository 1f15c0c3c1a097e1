"""The one place that encrypts recoverable credentials at rest (infra/secret_box.py):
MultiFernet keys, legacy plaintext, the development key and production's refusal."""

from __future__ import annotations

from pathlib import Path

import pytest
from cryptography.fernet import Fernet

from infra.secret_box import PREFIX, SecretBox, SecretKeyError, load_secret_box
from infra.settings import Settings


def key() -> str:
    return Fernet.generate_key().decode()


def test_a_sealed_secret_is_not_the_plaintext_and_opens_again() -> None:
    box = SecretBox([key()])

    sealed = box.seal("whsec_abc")

    assert sealed.startswith(PREFIX) and "whsec_abc" not in sealed
    assert box.open(sealed) == "whsec_abc" and box.is_current(sealed)


def test_a_new_first_key_encrypts_and_the_old_one_still_decrypts() -> None:
    old, new = key(), key()
    sealed_old = SecretBox([old]).seal("s")
    rotated = SecretBox([new, old])

    assert rotated.open(sealed_old) == "s" and not rotated.is_current(sealed_old)
    resealed = rotated.reseal(sealed_old)
    assert rotated.is_current(resealed) and rotated.reseal(resealed) == resealed
    assert SecretBox([new]).open(resealed) == "s"
    with pytest.raises(SecretKeyError, match="not in SECRET_KEYS"):
        SecretBox([new]).open(sealed_old)


def test_plaintext_from_before_encryption_is_read_as_it_is_and_resealed() -> None:
    box = SecretBox([key()])

    assert box.open("whsec_legacy") == "whsec_legacy" and not box.is_current("whsec_legacy")
    assert box.open(box.reseal("whsec_legacy")) == "whsec_legacy"


def test_additional_secrets_in_options_are_sealed_and_other_options_are_not() -> None:
    box = SecretBox([key()])

    sealed = box.seal_options({"additional_secrets": ["a", "b"], "header": "X-Key"})

    assert sealed["header"] == "X-Key" and "a" not in sealed["additional_secrets"]
    assert box.open_options(sealed) == {"additional_secrets": ["a", "b"], "header": "X-Key"}
    assert box.options_current(sealed) and not box.options_current({"additional_secrets": ["a"]})


def test_development_generates_one_key_into_the_data_dir(tmp_path: Path) -> None:
    first = load_secret_box(None, data_dir=tmp_path, development=True)
    again = load_secret_box(None, data_dir=tmp_path, development=True)

    assert again.open(first.seal("s")) == "s"
    assert (tmp_path / "secret-keys").stat().st_mode & 0o077 == 0


def test_production_without_secret_keys_is_an_error_that_says_what_to_set(
    tmp_path: Path,
) -> None:
    settings = Settings(
        _env_file=None, environment="production", secret_keys=None, data_dir=tmp_path
    )
    assert not settings.is_development

    with pytest.raises(SecretKeyError, match="SECRET_KEYS is not set"):
        load_secret_box(settings.secret_keys, data_dir=tmp_path, development=False)
    with pytest.raises(SecretKeyError, match="Fernet keys"):
        load_secret_box("not-a-key", data_dir=tmp_path, development=False)
    assert not (tmp_path / "secret-keys").exists()
