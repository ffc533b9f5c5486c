"""The one access policy. Every door (REST API, HTML pages, CLI) and every service asks it; nothing else
decides who may do what.

Roles say what a person may do across cases; groups say which tasks they may work (a BPMN lane's id is a
group's id); dispute-resolution providers see only the cases that name them; auditors and process owners read
but never do casework. Rules that need the database (a provider's cases) take the database handle and read
only case rows, never workflow state.
"""

from __future__ import annotations

from enum import Enum

from engine.core.actors import CASEWORK_ROLES, DEFAULT_GROUP, Actor
from engine.core.errors import FormInvalid, PermissionDenied
from engine.disputes import providers
from engine.identity.tokens import Unauthenticated
from engine.store.db import Database

STAFF = frozenset({"handler", "supervisor", "process_owner", "auditor", "admin", "integration"})
# Roles that work cases: start them, send messages, add evidence, claim and complete tasks.
CASEWORKERS = frozenset({"handler", "supervisor", "admin", "integration"})
# Roles that only read: they see cases and tasks but never change one.
READ_ONLY = frozenset({"auditor", "process_owner"})
DEPLOYERS = frozenset({"process_owner", "admin"})
SUPERVISORS = frozenset({"supervisor", "admin"})
PROVIDER = "provider"
# The only messages a provider may send to a case.
PROVIDER_MESSAGE_PREFIX = "provider_"


class Action(Enum):
    """What someone may want to do; each maps to the roles allowed (providers are scoped separately)."""

    READ_CASES = "read cases"
    START_CASE = "start cases"
    SEND_MESSAGE = "send messages to cases"
    ADD_EVIDENCE = "add evidence"
    LIST_TASKS = "see tasks"
    WORK_TASKS = "work on tasks"
    ASSIGN_TASKS = "assign tasks to others"
    READ_PROCESSES = "read process versions"
    DEPLOY_PROCESSES = "deploy processes"
    LOG_COMPLAINT = "log complaints for complainants"
    MANAGE_INCIDENTS = "retry or dismiss incidents"
    EXTEND_DEADLINES = "extend a case's deadline"
    SUPERVISE = "supervise queues (reassign, send back, breaches, workload, objectivity)"
    RECORD_INVOLVEMENT = "record a member of staff as involved in a complaint"
    FIND_DUPLICATES = "see possible duplicates of a complaint"
    MERGE_DUPLICATES = "merge a duplicate complaint into its original"
    REOPEN_CASES = "reopen a closed complaint"
    RESTRICT_CONTACT = "propose or approve a restriction of contact with a complainant"
    READ_PROVIDERS = "see the dispute-resolution provider organisations"
    MANAGE_PROVIDERS = "create, change or deactivate provider organisations"


ALLOWED: dict[Action, frozenset[str]] = {
    Action.READ_CASES: STAFF | {PROVIDER},
    Action.START_CASE: CASEWORKERS,
    Action.SEND_MESSAGE: CASEWORKERS | {PROVIDER},
    Action.ADD_EVIDENCE: CASEWORKERS | {PROVIDER},
    Action.LIST_TASKS: STAFF,
    Action.WORK_TASKS: CASEWORK_ROLES,  # people only: integrations start and feed cases, never work tasks
    Action.ASSIGN_TASKS: SUPERVISORS,
    Action.READ_PROCESSES: STAFF,
    Action.DEPLOY_PROCESSES: DEPLOYERS,
    Action.LOG_COMPLAINT: CASEWORKERS,
    Action.MANAGE_INCIDENTS: frozenset({"admin"}),
    # A decision with a reason, by people who handle complaints (not integrations); a second approver, where
    # the profile needs one, is a supervisor (engine.deadlines.extend).
    Action.EXTEND_DEADLINES: frozenset({"handler", "supervisor", "admin"}),
    Action.SUPERVISE: SUPERVISORS,
    # Whoever works cases may say a colleague is involved; taking it back is a supervisor's (SUPERVISE).
    Action.RECORD_INVOLVEMENT: CASEWORK_ROLES,
    Action.FIND_DUPLICATES: STAFF,
    # Decisions on a complaint's handling: people who handle complaints, never integrations.
    Action.MERGE_DUPLICATES: CASEWORK_ROLES,
    Action.REOPEN_CASES: SUPERVISORS,
    # Proposed by one supervisor, approved by another (engine.complaints.restrictions).
    Action.RESTRICT_CONTACT: SUPERVISORS,
    Action.READ_PROVIDERS: STAFF,
    Action.MANAGE_PROVIDERS: frozenset({"admin"}),
}

# Why a task is kept from someone named in its complaint (ISO 10002 clause 4, objectivity): shown to
# supervisors beside the task, and in the refusal the person gets.
INVOLVED_REASON = "named as involved in the complaint"


def allows(actor: Actor | None, action: Action) -> bool:
    """Whether the actor's roles allow `action`; the engine's own actors (timers, the CLI) may do anything."""
    return actor is not None and (actor.is_system or bool(ALLOWED[action] & actor.roles))


def require(actor: Actor | None, action: Action) -> Actor:
    """The actor, if the policy lets them do `action`: 401 without one, 403 when their roles do not."""
    if actor is None:
        raise Unauthenticated("this needs you to sign in ('Authorization: Bearer <token>' for the API)")
    if not allows(actor, action):
        roles = ", ".join(sorted(ALLOWED[action]))
        raise PermissionDenied(f"your role does not allow you to {action.value}: it needs one of {roles}")
    return actor


def is_provider(actor: Actor) -> bool:
    """A provider is limited to the provider's cases, whatever else the user may be, unless also staff."""
    return PROVIDER in actor.roles and not (actor.roles & STAFF)


def require_case(db: Database, actor: Actor, reference: str) -> None:
    """The actor may see this case: staff see every case; a provider only theirs (others look unknown)."""
    if is_provider(actor):
        providers.check(db, reference, actor.username)


def visible_case_ids(db: Database, actor: Actor) -> list[int] | None:
    """The ids of the cases a list may show the actor, or None when they may see every case."""
    return providers.case_ids(db, actor.username) if is_provider(actor) else None


def require_message(actor: Actor, name: str) -> None:
    """Which messages each party may send: providers only their own `provider_*` messages."""
    if is_provider(actor) and not name.startswith(PROVIDER_MESSAGE_PREFIX):
        raise PermissionDenied(f"providers may send only {PROVIDER_MESSAGE_PREFIX}* messages")


def require_task(actor: Actor, group_id: str | None, *, involved: bool = False) -> None:
    """Who may claim or complete a task: a handler, supervisor or admin who is a member of the task's group,
    and whom the complaint does not name as involved (`involved`: engine.cases.involvement decides it).

    Read-only roles never do casework, whatever groups they are in; a task drawn in no lane belongs to the
    named default group (DEFAULT_GROUP, `handlers`), never to everyone.
    """
    require(actor, Action.WORK_TASKS)
    if not actor.in_group(group_id):
        raise PermissionDenied(
            f"only members of the group '{group_id or DEFAULT_GROUP}' may work on this task"
        )
    if involved and not actor.is_system:
        raise PermissionDenied(
            f"you are {INVOLVED_REASON}, so you may not work on its tasks (ISO 10002 objectivity)"
        )


def objectivity_reason(involved: bool) -> str | None:
    """Why a person is kept from a case's tasks, or None: the one wording pages, API and refusals use."""
    return INVOLVED_REASON if involved else None


def may_be_offered(actor: Actor, group_id: str | None, *, involved: bool) -> bool:
    """Whether a task is offered to `actor` (shown in their inbox, given to them): the same rule as
    `require_task`, as a yes or no. The inbox query applies it in SQL (engine.cases.inbox)."""
    return actor.in_group(group_id) and not (involved and not actor.is_system)


def require_assignee(username: str, *, involved: bool) -> None:
    """A supervisor may not give a task to someone the complaint names as involved (a field error, like
    any other unsuitable assignee)."""
    if involved:
        raise FormInvalid({"assignee": [f"{username} is {INVOLVED_REASON}; give the task to someone else."]})


def may_see_task(actor: Actor, group_id: str | None) -> bool:
    """Who may open a task: read-only roles (they review work), supervisors and admins (they assign it),
    and otherwise only members of the task's group; a handler never reads another group's task."""
    if not allows(actor, Action.LIST_TASKS):
        return False
    if actor.roles & READ_ONLY or actor.roles & SUPERVISORS or actor.is_system:
        return True
    return actor.in_group(group_id)


def require_task_view(actor: Actor, group_id: str | None) -> None:
    """403 unless `may_see_task`: the task page asks this before showing a task's form and case."""
    require(actor, Action.LIST_TASKS)
    if not may_see_task(actor, group_id):
        raise PermissionDenied(f"only members of the group '{group_id or DEFAULT_GROUP}' may open this task")
