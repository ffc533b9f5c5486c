"""Who is acting. Every service call names its actor; permissions are decided from these facts alone."""

from __future__ import annotations

from dataclasses import dataclass, field

ROLES = frozenset({"handler", "supervisor", "process_owner", "auditor", "admin", "provider", "integration"})


@dataclass(frozen=True)
class Actor:
    username: str
    groups: frozenset[str] = field(default_factory=frozenset)
    roles: frozenset[str] = field(default_factory=frozenset)

    def in_group(self, group: str | None) -> bool:
        """Lane-less tasks (group None) are open to any staff member."""
        return group is None or group in self.groups or self.is_system

    @property
    def is_system(self) -> bool:
        return "system" in self.roles

    @property
    def is_supervisor(self) -> bool:
        return bool({"supervisor", "admin"} & self.roles) or self.is_system


SYSTEM = Actor("system", roles=frozenset({"system"}))
COMPLAINANT = Actor("complainant", roles=frozenset({"complainant"}))
