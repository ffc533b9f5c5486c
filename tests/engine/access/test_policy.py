"""The one access policy: roles, groups, providers, messages and read-only roles."""

from __future__ import annotations

import pytest

from engine.access import policy as access
from engine.core.actors import Actor
from engine.core.errors import PermissionDenied
from engine.identity.tokens import Unauthenticated


def person(*roles: str, groups: tuple[str, ...] = ()) -> Actor:
    return Actor("someone", roles=frozenset(roles), groups=frozenset(groups))


@pytest.mark.parametrize("role", ["auditor", "process_owner"])
def test_read_only_roles_read_cases_but_never_work_a_task_even_one_without_a_group(role):
    reader = person(role, groups=("handlers",))
    assert access.allows(reader, access.Action.READ_CASES)
    with pytest.raises(PermissionDenied, match="work on tasks"):
        access.require_task(reader, None)
    with pytest.raises(PermissionDenied):
        access.require_task(reader, "handlers")


def test_a_handler_works_the_tasks_of_their_groups_and_of_no_group_only():
    handler = person("handler", groups=("handlers",))
    access.require_task(handler, "handlers")
    access.require_task(handler, None)
    with pytest.raises(PermissionDenied, match="group 'safety'"):
        access.require_task(handler, "safety")


def test_nobody_signed_in_is_told_to_sign_in_and_a_wrong_role_is_told_which_roles_may():
    with pytest.raises(Unauthenticated):
        access.require(None, access.Action.READ_CASES)
    with pytest.raises(PermissionDenied, match="process_owner"):
        access.require(person("handler"), access.Action.DEPLOY_PROCESSES)


def test_providers_send_only_their_own_messages_and_staff_who_are_also_providers_are_not_scoped():
    provider = person("provider")
    access.require_message(provider, "provider_outcome")
    with pytest.raises(PermissionDenied, match="provider_"):
        access.require_message(provider, "withdraw")
    assert access.is_provider(provider)
    assert not access.is_provider(person("provider", "handler"))
    access.require_message(person("handler"), "withdraw")


def test_the_engines_own_actors_may_do_anything():
    assert all(access.allows(Actor("timer", roles=frozenset({"system"})), a) for a in access.Action)
