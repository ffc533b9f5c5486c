"""Rate limits on the endpoints anyone can call (intake, tracking, signing in).

Memory storage suits one node; `REDRESSAL_RATELIMIT_STORAGE` (for example `redis://host:6379`) shares the
counts between nodes. Benchmarks and most tests turn limiting off with `RATELIMIT_ENABLED=False`.
"""

from __future__ import annotations

from flask import current_app
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address

limiter = Limiter(key_func=get_remote_address, headers_enabled=True)


def public_limit() -> str:
    return current_app.config["REDRESSAL_RATELIMIT_PUBLIC"]


def sign_in_limit() -> str:
    return current_app.config["REDRESSAL_RATELIMIT_SIGN_IN"]


public = limiter.limit(public_limit)
sign_in = limiter.limit(sign_in_limit)
