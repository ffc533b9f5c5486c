"""The engine objects a request works with, kept on the application (never per request)."""

from __future__ import annotations

from flask import current_app

from engine.attachments import AttachmentPolicy
from engine.auth import TokenCache
from engine.idempotency import IdempotencyStore
from engine.runtime.service import Runtime


def runtime() -> Runtime:
    return current_app.extensions["redressal"]


def token_cache() -> TokenCache:
    return current_app.extensions["redressal.tokens"]


def idempotency() -> IdempotencyStore:
    return current_app.extensions["redressal.idempotency"]


def attachment_policy() -> AttachmentPolicy:
    return current_app.extensions["redressal.attachments"]


def setting(name: str):
    return current_app.config[name]
