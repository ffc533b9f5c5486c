"""Every slice's tables, imported together so `Base.metadata` describes the whole schema.

Migrations, `db upgrade` checks and tests need the complete metadata; the engine's services import only the
tables of their own slice and the slices they call.
"""

from engine.cases.tables import AuditEvent, Case, CaseLink, Task
from engine.complaints.tables import CaseTracking, ContactRestriction
from engine.deadlines.tables import CaseDeadline, CasePause
from engine.disputes.tables import ProviderOrganisation, ProviderUser
from engine.evidence.tables import Attachment
from engine.idempotency.tables import IdempotencyRecord
from engine.identity.tables import ApiToken, Group, Membership, User
from engine.letters.tables import Outbox
from engine.registry.tables import ProcessVersion
from engine.store.base import Base
from engine.timers.tables import Incident, Timer

__all__ = [
    "ApiToken",
    "Attachment",
    "AuditEvent",
    "Base",
    "Case",
    "CaseDeadline",
    "CaseLink",
    "CasePause",
    "CaseTracking",
    "ContactRestriction",
    "Group",
    "IdempotencyRecord",
    "Incident",
    "Membership",
    "Outbox",
    "ProcessVersion",
    "ProviderOrganisation",
    "ProviderUser",
    "Task",
    "Timer",
    "User",
]
