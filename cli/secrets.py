"""`fairscore secrets new-key|reencrypt|decrypt`: the keys that encrypt integration secrets at
rest (SECRET_KEYS, see infra/secret_box.py) and moving stored secrets to the first one."""

from __future__ import annotations

import json

import typer
from cryptography.fernet import Fernet

from cli.output import console, fail
from infra import admin
from infra.bootstrap import container
from infra.secret_box import SecretKeyError


def new_key() -> None:
    """Print a new Fernet key: put it first in SECRET_KEYS, keep the old keys after it
    until `fairscore secrets reencrypt` has run."""
    print(Fernet.generate_key().decode())


def reencrypt(as_json: bool = typer.Option(False, "--json")) -> None:
    """Re-encrypt every stored integration secret with the first SECRET_KEYS key
    (plaintext rows from before encryption included). Safe to run again: rows already
    under that key are left alone."""
    try:
        rewritten, current = admin.reencrypt_secrets(container())
    except SecretKeyError as exc:
        raise fail(str(exc)) from None
    if as_json:
        print(json.dumps({"reencrypted": rewritten, "already_current": current}))
        return
    console.print(f"{rewritten} integrations re-encrypted, {current} already current")


def decrypt(as_json: bool = typer.Option(False, "--json")) -> None:
    """Write every stored integration secret back as plaintext: run it (with the app
    stopped) before downgrading below d7secrets0007, which cannot read encrypted ones."""
    try:
        decrypted, plain = admin.decrypt_secrets(container())
    except SecretKeyError as exc:
        raise fail(str(exc)) from None
    if as_json:
        print(json.dumps({"decrypted": decrypted, "already_plaintext": plain}))
        return
    console.print(f"{decrypted} integrations decrypted, {plain} already plaintext")


def require_secret_keys() -> None:
    """Start-up check for serve: in production it needs SECRET_KEYS (the worker never
    reads integration secrets)."""
    try:
        container().secret_box  # noqa: B018 - loading it is the check
    except SecretKeyError as exc:
        raise fail(str(exc)) from None
