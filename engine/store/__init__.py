"""The case store: SQLAlchemy models and the database handle. SQLite and PostgreSQL alike."""

from engine.store.db import Database
from engine.store.models import (
    AuditEvent,
    Base,
    Case,
    CaseDeadline,
    CasePause,
    Group,
    Membership,
    Outbox,
    ProcessVersion,
    Task,
    Timer,
    User,
)
from engine.store.models_api import ApiToken, Attachment, CaseTracking, IdempotencyRecord

__all__ = [
    "ApiToken",
    "Attachment",
    "AuditEvent",
    "Base",
    "Case",
    "CaseDeadline",
    "CasePause",
    "CaseTracking",
    "Database",
    "Group",
    "IdempotencyRecord",
    "Membership",
    "Outbox",
    "ProcessVersion",
    "Task",
    "Timer",
    "User",
]
