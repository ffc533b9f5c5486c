"""Deploying process versions: new content gets the next version number, identical content is a no-op.

Running cases keep the version they started on; only new cases pick up the newest one.
"""

from __future__ import annotations

import json
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session, load_only

from engine.bpmn.serialization import spec_to_json
from engine.core.clock import Clock
from engine.registry.tables import ProcessVersion
from engine.registry.validate import ParsedProcess


@dataclass
class DeployResult:
    process_id: str
    version: int
    version_id: int
    created: bool  # False when identical content was already deployed


def deploy_bundle(
    session: Session, parsed: list[ParsedProcess], clock: Clock, actor: str
) -> list[DeployResult]:
    """Store each process as a version inside the caller's transaction (all or nothing)."""
    results = []
    for proc in parsed:
        latest = session.execute(
            select(ProcessVersion.id, ProcessVersion.version, ProcessVersion.content_hash)
            .where(ProcessVersion.process_id == proc.process_id)
            .order_by(ProcessVersion.version.desc())
            .limit(1)
        ).first()
        # Identical to the newest version: nothing to do. Identical to an older one only: a rollback, which
        # is a new version with the old content, so that new cases start on it.
        if latest is not None and latest.content_hash == proc.content_hash:
            results.append(DeployResult(proc.process_id, latest.version, latest.id, False))
            continue
        number = (latest.version if latest is not None else 0) + 1
        row = ProcessVersion(
            process_id=proc.process_id,
            version=number,
            name=proc.name,
            content_hash=proc.content_hash,
            files=json.dumps(proc.files),
            spec=spec_to_json(proc.spec, proc.subprocess_specs),
            elements=json.dumps({"elements": proc.elements, "properties": proc.properties}),
            forms=json.dumps(proc.forms),
            deployed_at=clock.now(),
            deployed_by=actor,
        )
        session.add(row)
        session.flush()
        results.append(DeployResult(proc.process_id, number, row.id, True))
    return results


def list_versions(session: Session, process_id: str | None = None) -> list[ProcessVersion]:
    """Versions for listing: the files and the serialized spec (the bulk of each row) are not loaded."""
    query = (
        select(ProcessVersion)
        .options(
            load_only(
                ProcessVersion.process_id,
                ProcessVersion.version,
                ProcessVersion.name,
                ProcessVersion.content_hash,
                ProcessVersion.deployed_at,
                ProcessVersion.deployed_by,
            )
        )
        .order_by(ProcessVersion.process_id, ProcessVersion.version)
    )
    if process_id:
        query = query.where(ProcessVersion.process_id == process_id)
    return list(session.scalars(query))
