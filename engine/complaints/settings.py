"""Tracking settings: the server's secret key, the public address of the portal, and the limits.

The secret key makes case codes (engine.complaints.case_codes): without it a database copy reveals none.
It comes from ``REDRESSAL_SECRET_KEY``; when that is unset, from a key file generated once, beside the
default SQLite database in ``var/`` (``REDRESSAL_SECRET_KEY_FILE`` names another), so a fresh `make run`
works and keeps its codes across restarts. Every process (web, worker) must read the same key: with
several nodes, set the variable. Changing the key changes every case's code.
"""

from __future__ import annotations

import datetime as dt
import os
import secrets
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

DEFAULT_KEY_FILE = "var/secret_key"
DEFAULT_PUBLIC_URL = "http://localhost:5000"
DEFAULT_LINK_DAYS = 60
DEFAULT_MAX_ATTEMPTS = 5
DEFAULT_WINDOW_MINUTES = 15
_MIN_KEY_LENGTH = 16


def _key_from_file(path: Path) -> bytes:
    """The key in `path`, generated if absent (mode 0600). The new key is written to a file of its own and
    then linked into place, which fails if the file exists: two processes starting together agree on one
    key, and neither ever reads a half-written one."""
    path.parent.mkdir(parents=True, exist_ok=True)
    if not path.exists():
        draft = path.with_name(f".{path.name}.{os.getpid()}.{secrets.token_hex(4)}")
        fd = os.open(draft, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as out:
            out.write(secrets.token_hex(32) + "\n")
        try:
            os.link(draft, path)
        except FileExistsError:
            pass  # another process was first: its key is the key
        finally:
            draft.unlink()
    key = path.read_text().strip()
    if len(key) < _MIN_KEY_LENGTH:
        raise ValueError(f"{path}: the secret key file holds fewer than {_MIN_KEY_LENGTH} characters")
    return key.encode()


@dataclass(frozen=True)
class TrackingSettings:
    """What tracking needs from configuration; tests build one with their own key."""

    secret_key: bytes
    public_url: str = DEFAULT_PUBLIC_URL
    link_ttl: dt.timedelta = dt.timedelta(days=DEFAULT_LINK_DAYS)
    max_attempts: int = DEFAULT_MAX_ATTEMPTS
    attempt_window: dt.timedelta = dt.timedelta(minutes=DEFAULT_WINDOW_MINUTES)

    def __post_init__(self) -> None:
        if len(self.secret_key) < _MIN_KEY_LENGTH:
            raise ValueError(f"the secret key must have at least {_MIN_KEY_LENGTH} characters")
        if (
            self.max_attempts < 1
            or self.attempt_window <= dt.timedelta(0)
            or self.link_ttl <= dt.timedelta(0)
        ):
            raise ValueError("tracking limits must be positive")

    @property
    def track_url(self) -> str:
        """The page where a reference and case code are typed."""
        return f"{self.public_url.rstrip('/')}/track"

    def link_url(self, token: str) -> str:
        return f"{self.track_url}/open/{token}"

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None) -> TrackingSettings:
        """``REDRESSAL_SECRET_KEY`` (else the key file), ``REDRESSAL_PUBLIC_URL``,
        ``REDRESSAL_TRACKING_LINK_DAYS``, ``REDRESSAL_TRACKING_MAX_ATTEMPTS``,
        ``REDRESSAL_TRACKING_WINDOW_MINUTES``."""
        env = os.environ if environ is None else environ
        given = (env.get("REDRESSAL_SECRET_KEY") or "").strip()
        key = (
            given.encode()
            if given
            else _key_from_file(Path(env.get("REDRESSAL_SECRET_KEY_FILE") or DEFAULT_KEY_FILE))
        )

        def number(name: str, default: int) -> int:
            raw = (env.get(name) or "").strip()
            try:
                return int(raw) if raw else default
            except ValueError:
                raise ValueError(f"{name} must be a whole number, not {raw!r}") from None

        return cls(
            secret_key=key,
            public_url=(env.get("REDRESSAL_PUBLIC_URL") or "").strip() or DEFAULT_PUBLIC_URL,
            link_ttl=dt.timedelta(days=number("REDRESSAL_TRACKING_LINK_DAYS", DEFAULT_LINK_DAYS)),
            max_attempts=number("REDRESSAL_TRACKING_MAX_ATTEMPTS", DEFAULT_MAX_ATTEMPTS),
            attempt_window=dt.timedelta(
                minutes=number("REDRESSAL_TRACKING_WINDOW_MINUTES", DEFAULT_WINDOW_MINUTES)
            ),
        )
