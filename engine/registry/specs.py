"""Process versions in memory. A version never changes once deployed, so its rebuilt spec is kept forever.

Rebuilding a spec costs about as much as running a task; a cache keyed by version id makes it free after the
first case of each version in each process.
"""

from __future__ import annotations

import functools
import json
import threading
from dataclasses import dataclass, field

from SpiffWorkflow.bpmn.specs import BpmnProcessSpec
from sqlalchemy import Connection, bindparam, func, literal_column, select
from sqlalchemy.orm import Session

from engine.bpmn.serialization import spec_from_json
from engine.core.errors import NotFound
from engine.registry.tables import ProcessVersion
from engine.store import hot

_PV = ProcessVersion.__table__
_LATEST = (
    select(_PV.c.id)
    .where(_PV.c.process_id == bindparam("process_id"))
    .order_by(_PV.c.version.desc())
    .limit(1)
)
# PostgreSQL: the same, drawing the new case's id from its sequence in the same round trip, so that the
# case's INSERT can wait with the rest of its unit of work instead of asking for the id mid-transaction.
# (A draw that is never used leaves a gap in the ids, as any rolled-back insert does.)
CASE_ID_SEQUENCE = "case_id_seq"
_LATEST_DRAWING_ID = (
    select(_PV.c.id, func.nextval(literal_column(f"'{CASE_ID_SEQUENCE}'::regclass")).label("case_id"))
    .where(_PV.c.process_id == bindparam("process_id"))
    .order_by(_PV.c.version.desc())
    .limit(1)
)


@dataclass
class LoadedVersion:
    id: int
    process_id: str
    version: int
    name: str
    spec: BpmnProcessSpec
    subprocess_specs: dict[str, BpmnProcessSpec]
    elements: dict[str, dict]
    properties: dict[str, str]
    forms: dict[str, dict]
    spec_json: str
    message_starts: dict[str, str] = field(default_factory=dict)  # message name -> start event id

    @functools.cached_property
    def has_sla(self) -> bool:
        """Whether the process marks SLA events, draws deadline timers or pauses the clock (else skip SLA)."""
        return self.has_sla_events or any(
            e.get("deadline") or e.get("sla_pause") for e in self.elements.values()
        )

    @functools.cached_property
    def summary_fields(self) -> tuple[str, ...]:
        """Data paths the process wants kept on the case row (extension property `summary_fields`)."""
        return tuple(k.strip() for k in self.properties.get("summary_fields", "").split(",") if k.strip())

    @functools.cached_property
    def search_fields(self) -> tuple[str, ...]:
        """Data paths searched as well as the summary fields but not shown in lists (`search_fields`): the
        complaint's description, say, which is too long for a list row."""
        return tuple(k.strip() for k in self.properties.get("search_fields", "").split(",") if k.strip())

    @functools.cached_property
    def has_sla_events(self) -> bool:
        return bool(self.sla_events)

    @functools.cached_property
    def sla_events(self) -> frozenset[str]:
        """The events the diagram marks (`sla_event`): the deadlines they meet are the ones it watches."""
        return frozenset(e["sla_event"] for e in self.elements.values() if e.get("sla_event"))

    @functools.cached_property
    def has_notify(self) -> bool:
        return any(e.get("notify") for e in self.elements.values())

    def element(self, bpmn_id: str) -> dict:
        return self.elements.get(bpmn_id, {})

    @property
    def reference_prefix(self) -> str:
        return self.properties.get("reference_prefix") or self.process_id[:3].upper()


class SpecCache:
    def __init__(self) -> None:
        self._versions: dict[int, LoadedVersion] = {}
        self._lock = threading.Lock()

    def get(self, session: Session | Connection, version_id: int) -> LoadedVersion:
        loaded = self._versions.get(version_id)
        if loaded is not None:
            return loaded
        row = session.execute(select(_PV).where(_PV.c.id == version_id)).first()
        if row is None:
            raise NotFound(f"process version {version_id} does not exist")
        loaded = self._load(row)
        with self._lock:
            self._versions.setdefault(version_id, loaded)
        return self._versions[version_id]

    def latest(self, conn: Connection, process_id: str) -> LoadedVersion:
        row = hot.first(conn, _LATEST, {"process_id": process_id})
        if row is None:
            raise NotFound(f"no process {process_id!r} is deployed")
        return self.get(conn, row.id)

    def latest_for_new_case(self, conn: Connection, process_id: str) -> tuple[LoadedVersion, int | None]:
        """The newest version, and on PostgreSQL an id drawn for the case about to start (else None)."""
        if conn.dialect.name != "postgresql":
            return self.latest(conn, process_id), None
        row = hot.first(conn, _LATEST_DRAWING_ID, {"process_id": process_id})
        if row is None:
            raise NotFound(f"no process {process_id!r} is deployed")
        return self.get(conn, row.id), row.case_id

    @staticmethod
    def _load(row) -> LoadedVersion:
        spec, subs = spec_from_json(row.spec)
        meta = json.loads(row.elements)
        loaded = LoadedVersion(
            id=row.id,
            process_id=row.process_id,
            version=row.version,
            name=row.name,
            spec=spec,
            subprocess_specs=subs,
            elements=meta["elements"],
            properties=meta.get("properties", {}),
            forms=json.loads(row.forms),
            spec_json=row.spec,
        )
        for start in spec.bpmn_start_events if hasattr(spec, "bpmn_start_events") else []:
            ed = getattr(start, "event_definition", None)
            name = getattr(ed, "name", None)
            if name and type(ed).__name__.endswith("MessageEventDefinition"):
                loaded.message_starts[name] = start.bpmn_id
        return loaded
