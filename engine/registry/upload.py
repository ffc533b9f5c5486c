"""Deploying files that arrive over the network (the API's upload) rather than from a folder.

Same validation and the same versioning as `redressal processes deploy`; only process owners and admins may
change what new cases run.
"""

from __future__ import annotations

from collections.abc import Iterable

from engine.access import policy as access
from engine.core.actors import Actor
from engine.core.errors import Problem, ProcessInvalid
from engine.registry.bundle import Bundle
from engine.registry.deploy import DeployResult, deploy_bundle
from engine.registry.validate import validate_bundle


def deploy_files(
    service, files: Iterable[tuple[str, bytes]], actor: Actor, warnings: list[Problem] | None = None
) -> list[DeployResult]:
    """Validate and deploy uploaded BPMN, DMN and form files; ProcessInvalid lists every problem.

    What the engine ignores in the files (Camunda attributes) is appended to `warnings` when given.
    """
    access.require(actor, access.Action.DEPLOY_PROCESSES)
    bundle = Bundle()
    problems: list[Problem] = []
    for name, content in files:
        try:
            bundle.add(name, content)
        except ProcessInvalid as exc:
            problems.extend(exc.problems)
    if not bundle.bpmn:
        problems.append(Problem("(upload)", "contains no BPMN file"))
    if problems:
        raise ProcessInvalid(problems)
    parsed = validate_bundle(bundle)
    if warnings is not None:
        warnings.extend(w for proc in parsed for w in proc.warnings)
    with service.db.write() as session:
        return deploy_bundle(session, parsed, service.clock, actor.username)
