"""Workflow state in and out of the database, without the spec.

SpiffWorkflow's serializer writes the spec beside every instance and rebuilds it on every load. A spec never
changes within a process version, so we store it once on the version, keep the rebuilt objects in memory,
and (de)serialize only the instance: less than half the bytes and a fraction of the time. States are
zlib-compressed JSON; each row records the serializer format so an upgrade can migrate old states.

The instance is SpiffWorkflow's format "1.5" dictionary, exactly what `REGISTRY.convert` gives (older code and
SpiffWorkflow's migrations must keep reading it), but it is computed and read back by the fast converter of
engine/fastconvert.py, since this runs on every load and save; `reference_dump_state` and
`reference_load_state` go through the registry, for the tests that hold the two to each other.
"""

from __future__ import annotations

import decimal
import json
import zlib
from types import ModuleType
from typing import Any

import orjson
from SpiffWorkflow.bpmn import BpmnWorkflow
from SpiffWorkflow.bpmn.serializer import BpmnWorkflowSerializer
from SpiffWorkflow.bpmn.serializer.default.workflow import BpmnWorkflowConverter
from SpiffWorkflow.bpmn.serializer.workflow import VERSION
from SpiffWorkflow.bpmn.specs import BpmnProcessSpec
from SpiffWorkflow.spiff.serializer.config import SPIFF_CONFIG

from engine.bpmn.fastconvert import FastStateConverter, NotCanonical

SERIALIZER_VERSION = VERSION


class _SpeclessWorkflowConverter(BpmnWorkflowConverter):
    """Writes instances without their spec; reads them with spec objects the caller already holds."""

    def to_dict(self, workflow: BpmnWorkflow) -> dict[str, Any]:
        dct = super(BpmnWorkflowConverter, self).to_dict(workflow)
        dct["subprocesses"] = self.mapping_to_dict(workflow.subprocesses)
        dct["bpmn_events"] = self.registry.convert(workflow.bpmn_events)
        return dct

    def from_dict(self, dct: dict[str, Any]) -> BpmnWorkflow:
        spec = dct.pop("spec")
        subprocess_specs = dct.pop("subprocess_specs", {})
        if not isinstance(spec, BpmnProcessSpec):
            spec = self.registry.restore(spec)
            subprocess_specs = self.mapping_from_dict(subprocess_specs)
        dct["spec"] = {}
        dct["subprocess_specs"] = {}
        workflow = self.target_class(spec, subprocess_specs, deserializing=True)
        from uuid import UUID

        workflow.tasks = self.mapping_from_dict(dct["tasks"], UUID, workflow=workflow)
        workflow.task_tree = workflow.tasks.get(UUID(dct["root"]))
        self.set_default_attributes(workflow, dct)
        self.subprocesses_from_dict(dct["subprocesses"], workflow)
        workflow.bpmn_events = self.registry.restore(dct.pop("bpmn_events", []))
        return workflow


class _DecimalConverter:
    """Money stays exact: Decimal survives a round trip instead of silently becoming float."""

    @staticmethod
    def to_dict(value: decimal.Decimal) -> dict[str, str]:
        return {"value": str(value)}

    @staticmethod
    def from_dict(dct: dict[str, str]) -> decimal.Decimal:
        return decimal.Decimal(dct["value"])


def _build_registry():
    config = dict(SPIFF_CONFIG)
    config[BpmnWorkflow] = _SpeclessWorkflowConverter
    registry = BpmnWorkflowSerializer.configure(config)
    registry.register(decimal.Decimal, _DecimalConverter.to_dict, _DecimalConverter.from_dict, "Decimal")
    return registry


REGISTRY = _build_registry()
_FULL = BpmnWorkflowSerializer(BpmnWorkflowSerializer.configure(SPIFF_CONFIG))
# Writes and reads the same dictionaries as REGISTRY, several times faster (see engine/fastconvert.py).
_FAST = FastStateConverter(REGISTRY)


def forget_cached_ids() -> None:
    """Drop the fast path's cache of parsed task ids, as if this process had never seen a case."""
    _FAST.forget_ids()


TYPE_KEY = "typename"


def misread_keys(value: Any, path: str = "") -> list[str]:
    """Dotted paths of dicts in `value` that carry the key `typename`.

    SpiffWorkflow's format marks a stored object by that key: a dict of data holding it is read back as an
    object of that type (or fails to load), so a case given such data could never be loaded again. Data
    from outside is refused with these paths instead.
    """
    found: list[str] = []
    if isinstance(value, dict):
        for key, item in value.items():
            where = f"{path}.{key}" if path else str(key)
            if key == TYPE_KEY:
                found.append(where)
            else:
                found.extend(misread_keys(item, where))
    elif isinstance(value, list | tuple):
        for index, item in enumerate(value):
            found.extend(misread_keys(item, f"{path}.{index}" if path else str(index)))
    return found


def spec_to_json(spec: BpmnProcessSpec, subprocess_specs: dict[str, BpmnProcessSpec]) -> str:
    return json.dumps(
        {
            "spec": REGISTRY.convert(spec),
            "subprocess_specs": {k: REGISTRY.convert(v) for k, v in subprocess_specs.items()},
        },
        sort_keys=True,
        separators=(",", ":"),
    )


def spec_from_json(text: str) -> tuple[BpmnProcessSpec, dict[str, BpmnProcessSpec]]:
    dct = json.loads(text)
    spec = REGISTRY.restore(dct["spec"])
    subs = {k: REGISTRY.restore(v) for k, v in dct["subprocess_specs"].items()}
    return spec, subs


def _encode(obj: Any) -> Any:
    """What SpiffWorkflow's JSON encoder does for values its converters left as they were (task data)."""
    typename = REGISTRY.typenames.get(type(obj))
    if typename is not None:
        return REGISTRY.convert_to_dict[typename](obj)
    if callable(obj) or isinstance(obj, ModuleType):
        return None
    if isinstance(obj, set | frozenset):
        return list(obj)
    raise TypeError(f"{type(obj).__name__} cannot be stored in workflow data")


_ORJSON = orjson.OPT_PASSTHROUGH_DATETIME | orjson.OPT_PASSTHROUGH_DATACLASS | orjson.OPT_NON_STR_KEYS


def dump_state(workflow: BpmnWorkflow) -> bytes:
    """The instance as stored: `REGISTRY.convert(workflow)` (computed by the fast converter), JSON, zlib."""
    # orjson: the state is written on every change and read on every call; it is ten times faster than json.
    # zlib level 1: most of the size gain for little time.
    return zlib.compress(orjson.dumps(_FAST.convert(workflow), default=_encode, option=_ORJSON), 1)


def load_state(
    blob: bytes,
    spec: BpmnProcessSpec,
    subprocess_specs: dict[str, BpmnProcessSpec],
    serializer_version: str = SERIALIZER_VERSION,
    spec_json: str | None = None,
) -> BpmnWorkflow:
    """A stored instance back as a workflow on the given spec objects; older formats are migrated."""
    dct = orjson.loads(zlib.decompress(blob))
    if serializer_version != SERIALIZER_VERSION:
        # An older format: hand SpiffWorkflow the full document so its own migrations run.
        if spec_json is None:
            raise ValueError("migrating an old workflow state needs the version's spec")
        dct.update(json.loads(spec_json))
        dct[BpmnWorkflowSerializer.VERSION_KEY] = serializer_version
        return _FULL.deserialize_json(json.dumps(dct))
    try:
        return _FAST.restore(dct, spec, subprocess_specs)
    except NotCanonical:
        # A shape only SpiffWorkflow's converter knows; the fast reader may have used parts of `dct`.
        return reference_load_state(blob, spec, subprocess_specs)


def reference_dump_state(workflow: BpmnWorkflow) -> bytes:
    """`dump_state` the way SpiffWorkflow's own converter does it: what the fast path must equal."""
    return zlib.compress(orjson.dumps(REGISTRY.convert(workflow), default=_encode, option=_ORJSON), 1)


def reference_load_state(
    blob: bytes, spec: BpmnProcessSpec, subprocess_specs: dict[str, BpmnProcessSpec]
) -> BpmnWorkflow:
    """`load_state` of a current-format state the way SpiffWorkflow's own converter does it."""
    dct = orjson.loads(zlib.decompress(blob))
    dct["spec"] = spec
    dct["subprocess_specs"] = subprocess_specs
    return REGISTRY.restore(dct)
