"""The engine objects a request works with, kept on the application (never per request)."""

from __future__ import annotations

from flask import current_app

from engine.cases.service import CaseService
from engine.complaints.settings import TrackingSettings
from engine.evidence.attachments import AttachmentPolicy
from engine.idempotency.store import IdempotencyStore
from engine.identity.tokens import TokenCache


def service() -> CaseService:
    return current_app.extensions["redressal"]


def token_cache() -> TokenCache:
    return current_app.extensions["redressal.tokens"]


def idempotency() -> IdempotencyStore:
    return current_app.extensions["redressal.idempotency"]


def attachment_policy() -> AttachmentPolicy:
    return current_app.extensions["redressal.attachments"]


def tracking_settings() -> TrackingSettings:
    return current_app.extensions["redressal.tracking"]


def setting(name: str):
    return current_app.config[name]
