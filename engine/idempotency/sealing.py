"""Sealing a secret inside a stored answer with AES-256-GCM, under a key only the client holds.

A replayed intake answer must give the complainant their tracking token again, yet the database must never
hold it readable. The idempotency key the client sent (a random UUID) is the secret: HKDF-SHA256 stretches
it, with the operation's scope as salt, into an AES-256-GCM key; each seal draws a fresh 96-bit nonce, and
the field's name is authenticated with it, so a sealed value cannot be moved to another field or altered
unnoticed.
"""

from __future__ import annotations

import base64
import os

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

SCHEME = "aes-256-gcm/hkdf-sha256"
_NONCE = 12


class SealBroken(Exception):
    """A sealed value was altered, or is opened with another key: nothing is returned."""


def _cipher(secret: str, scope: str) -> AESGCM:
    key = HKDF(
        algorithm=hashes.SHA256(), length=32, salt=scope.encode(), info=b"redressal idempotent answer"
    ).derive(secret.encode())
    return AESGCM(key)


def seal(value: str, secret: str, scope: str, field: str) -> str:
    nonce = os.urandom(_NONCE)
    sealed = _cipher(secret, scope).encrypt(nonce, value.encode(), field.encode())
    return base64.urlsafe_b64encode(nonce + sealed).decode()


def unseal(sealed: str, secret: str, scope: str, field: str) -> str:
    try:
        raw = base64.urlsafe_b64decode(sealed.encode())
        return _cipher(secret, scope).decrypt(raw[:_NONCE], raw[_NONCE:], field.encode()).decode()
    except (InvalidTag, ValueError) as exc:
        raise SealBroken("the sealed value does not open with this key") from exc
