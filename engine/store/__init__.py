"""The case store: SQLAlchemy models and the database handle. SQLite and PostgreSQL alike."""

from engine.store.db import Database
from engine.store.models import (
    AuditEvent,
    Base,
    Case,
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
    "Database",
    "Group",
    "Membership",
    "Outbox",
    "ProcessVersion",
    "Task",
    "Timer",
    "User",
]
