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

__all__ = [
    "AuditEvent",
    "Base",
    "Case",
    "CaseDeadline",
    "CasePause",
    "Database",
    "Group",
    "Membership",
    "Outbox",
    "ProcessVersion",
    "Task",
    "Timer",
    "User",
]
