"""Who is acting. Every service call names its actor; permissions are decided from these facts alone."""

from __future__ import annotations

from dataclasses import dataclass, field

ROLES = frozenset({"handler", "supervisor", "process_owner", "auditor", "admin", "provider", "integration"})
# The roles that do casework (claim, complete, be assigned tasks). Auditors, process owners, providers and
# integrations read or feed cases; they never work a task, whatever groups they belong to.
CASEWORK_ROLES = frozenset({"handler", "supervisor", "admin"})
# The group a task belongs to when its diagram puts it in no lane: nobody outside a named group ever works it.
DEFAULT_GROUP = "handlers"


@dataclass(frozen=True)
class Actor:
    username: str
    groups: frozenset[str] = field(default_factory=frozenset)
    roles: frozenset[str] = field(default_factory=frozenset)

    def in_group(self, group: str | None) -> bool:
        """May work a task of `group`: a casework role and membership; lane-less tasks are DEFAULT_GROUP's."""
        if self.is_system:
            return True
        return self.does_casework and (group or DEFAULT_GROUP) in self.groups

    @property
    def does_casework(self) -> bool:
        return bool(CASEWORK_ROLES & self.roles) or self.is_system

    @property
    def is_system(self) -> bool:
        return "system" in self.roles

    @property
    def is_supervisor(self) -> bool:
        return bool({"supervisor", "admin"} & self.roles) or self.is_system


SYSTEM = Actor("system", roles=frozenset({"system"}))
COMPLAINANT = Actor("complainant", roles=frozenset({"complainant"}))
