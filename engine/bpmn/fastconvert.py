"""A fast path for SpiffWorkflow's workflow state dictionaries, writing and reading exactly its format "1.5".

Every case load and save converts the whole instance, and SpiffWorkflow's generic `DictionaryConverter`
dispatches on type names for every value, builds each `Task` through `__init__`, parses every UUID string
again wherever it appears and deep-merges each task's data delta into a copy of its parent's: together the
largest Python cost on the hot path. The instance itself always has the same few types (the top workflow,
its sub-workflows, tasks) and its values are nearly always JSON primitives, so this module converts those
directly and hands everything else (Decimal, datetimes, events, anything registered) to the registry.

It is a mirror of `SpiffWorkflow/bpmn/serializer/default/workflow.py` (`TaskConverter`, `WorkflowConverter`,
`BpmnSubWorkflowConverter`, `BpmnWorkflowConverter`) and `helpers/dictionary.py` of SpiffWorkflow 3.2.0, and
must be kept in step with them: `tests/engine/test_serialization.py` checks, on real cases, that both give
the same dictionaries and that workflows loaded either way run on identically. A state whose shape the fast
reader does not expect (another typename, a task stored under a key that is not its id, ...) raises
`NotCanonical`, and the caller then restores it with SpiffWorkflow's own converter.
"""

from __future__ import annotations

import copy as _copy
from collections.abc import Callable
from types import ModuleType
from typing import Any
from uuid import UUID, SafeUUID

from SpiffWorkflow.bpmn import BpmnWorkflow
from SpiffWorkflow.bpmn.serializer.helpers.dictionary import DictionaryConverter
from SpiffWorkflow.bpmn.specs import BpmnProcessSpec
from SpiffWorkflow.bpmn.specs.mixins.events.event_types import CatchingEvent
from SpiffWorkflow.bpmn.specs.mixins.subworkflow_task import SubWorkflowTask
from SpiffWorkflow.bpmn.util.subworkflow import BpmnSubWorkflow
from SpiffWorkflow.task import Task
from SpiffWorkflow.util.task import TaskState

# Exact classes (not subclasses) that the registry passes through untouched, as `DictionaryConverter` does.
_PRIMITIVE = frozenset({str, int, float, bool, type(None)})
# Exact classes whose values are never unequal (`!=`) to themselves or to values they are equal (`==`) to.
_SELF_EQUAL = frozenset({str, int, bool, type(None), dict, list})
_SELF_EQUAL_OR_FLOAT = _SELF_EQUAL | {float}
# What `DeepMerge.merge` shallow-copies when a child task inherits its parent's data.
_MUTABLE = (dict, list, set)
_WAITING = TaskState.WAITING
_MISSING = object()
_new_object = object.__new__
_set_attribute = object.__setattr__
_UUID_UNKNOWN = SafeUUID.unknown


class NotCanonical(Exception):
    """The state has a shape the fast reader does not handle; restore it with SpiffWorkflow's converter."""


def _uuid(text: str) -> UUID:
    """`UUID(text)`, without `UUID.__init__`'s argument handling for the 36-character form with dashes."""
    digits = text.replace("-", "")
    if len(text) != 36 or len(digits) != 32:
        return UUID(text)
    value = _new_object(UUID)
    _set_attribute(value, "int", int(digits, 16))
    _set_attribute(value, "is_safe", _UUID_UNKNOWN)
    return value


def _is_canonical(text: str) -> bool:
    """Whether `text` is `str(UUID(text))`, given that `UUID(text)` worked (False for the odd all-digits id,
    which then just misses the cache)."""
    return (
        len(text) == 36
        and text[8] == "-"
        and text[13] == "-"
        and text[18] == "-"
        and text[23] == "-"
        and text.islower()
    )


def _uuid_str(value: UUID) -> str:
    """`str(value)` for a UUID, without the method call."""
    h = f"{value.int:032x}"
    return f"{h[:8]}-{h[8:12]}-{h[12:16]}-{h[16:20]}-{h[20:]}"


def _data_delta(parent_data: dict[Any, Any], task_data: dict[Any, Any]) -> dict[str, Any]:
    """`TaskConverter`'s delta: `DeepMerge.get_updated_keys` and `DeepMerge.get_deleted_keys`.

    Most tasks (gateways, events, tasks not reached yet) hold the same data as their parent, or none: those
    are answered with C-speed dict operations instead of a Python comparison per key. Equal dicts give no
    updates only when no value is unequal to itself: `==` on whole dicts takes identical values as equal,
    while SpiffWorkflow applies `!=` per key. Hence the check of the value types: for these (and for any
    class whose `!=` is the negation of its `==`), equal values are never unequal. Anything else, or a
    comparison that fails, takes SpiffWorkflow's own per-key way.
    """
    if len(task_data) < 16:  # the plain way is quicker for a few keys
        same = False
    else:
        try:
            same = task_data == parent_data
        except Exception:
            same = False
    if same:
        types = set(map(type, task_data.values()))
        if types <= _SELF_EQUAL or (
            # NaN is the one float unequal to itself; equal dicts can only hold it as the same object.
            types <= _SELF_EQUAL_OR_FLOAT and not any(v != v for v in task_data.values() if type(v) is float)
        ):
            return {"updates": {}, "deletions": []}
    get = parent_data.get
    return {
        "updates": {k: v for k, v in task_data.items() if (p := get(k, _MISSING)) is _MISSING or v != p},
        "deletions": (
            [] if parent_data.keys() <= task_data.keys() else [k for k in parent_data if k not in task_data]
        ),
    }


class _IdCache:
    """Task ids by their strings, and those strings by the identity of the ids, shared by loads and saves.

    A case's task ids stay the same from one load to the next, and building a `UUID` from its string (or
    the string from the `UUID`) costs more than the rest of a small task's conversion. Entries are only
    ever added, and each string keeps its `UUID` object alive, so an object's `id()` cannot be reused while
    it is a key of `names`. When full the converter starts a new cache instead of evicting; a call that
    still holds the old one keeps it alive until it returns. `dict.setdefault` is atomic under the GIL, so
    threads sharing a cache never map one string to two objects.
    """

    __slots__ = ("names", "uuids")

    LIMIT = 1 << 14  # about 5 MB; a few hundred cases' worth of tasks

    def __init__(self) -> None:
        self.uuids: dict[str, UUID] = {}
        self.names: dict[int, str] = {}

    def uuid(self, text: str) -> UUID:
        """The id for `text`, made once."""
        made = _uuid(text)
        value = self.uuids.setdefault(text, made)
        if value is made and _is_canonical(text):
            self.names[id(made)] = text
        return value

    def name(self, value: UUID) -> str:
        """`str(value)`, made once and remembered when `value` is the cached object for it."""
        text = _uuid_str(value)
        if self.uuids.setdefault(text, value) is value:
            self.names[id(value)] = text
        return text


class FastStateConverter:
    """Converts a `BpmnWorkflow` to and from the dictionary `registry.convert(workflow)` produces.

    The registry must be configured like the one this engine stores states with: the top workflow written
    without its spec (the spec is stored once per process version) and SpiffWorkflow's own converters for
    `BpmnSubWorkflow` and `Task`.
    """

    def __init__(self, registry: DictionaryConverter) -> None:
        self.registry = registry
        self._slow_convert: Callable[..., Any] = registry.convert
        self._slow_restore: Callable[..., Any] = registry.restore
        self.workflow_typename = registry.typenames[BpmnWorkflow]
        self.subworkflow_typename = registry.typenames[BpmnSubWorkflow]
        self.task_typename = registry.typenames[Task]
        self._ids = _IdCache()

    def forget_ids(self) -> None:
        """Start a fresh cache of parsed task ids."""
        self._ids = _IdCache()

    def _id_cache(self) -> _IdCache:
        ids = self._ids
        if len(ids.uuids) > ids.LIMIT:
            ids = self._ids = _IdCache()
        return ids

    # --- values ------------------------------------------------------------------------------------------

    def convert_value(self, obj: Any) -> Any:
        """`registry.convert(obj)`: plain dicts and lists of JSON primitives are rebuilt here (dropping
        callables and modules from dicts, as the registry's `clean` does at every level), anything else
        goes to the registry."""
        cls = obj.__class__
        if cls in _PRIMITIVE:
            return obj
        if cls is dict:
            out = {}
            for key, value in obj.items():
                if value.__class__ in _PRIMITIVE:
                    out[key] = value
                elif not callable(value) and not isinstance(value, ModuleType):
                    out[key] = self.convert_value(value)
            return out
        if cls is list:
            return [item if item.__class__ in _PRIMITIVE else self.convert_value(item) for item in obj]
        return self._slow_convert(obj)

    def restore_value(self, val: Any) -> Any:
        """`registry.restore(val)` for a value fresh from `orjson.loads`: plain dicts and lists are kept
        (in place: nobody else holds them) and only dicts carrying a `typename` go to the registry."""
        cls = val.__class__
        if cls is dict or cls is list:
            if cls is dict and "typename" in val:
                return self._slow_restore(val)
            for key, item in val.items() if cls is dict else enumerate(val):
                c = item.__class__
                if c is dict or c is list:
                    restored = self.restore_value(item)
                    if restored is not item:
                        val[key] = restored  # replaces a value in place: the dict keeps its size
            return val
        if cls in _PRIMITIVE:
            return val
        return self._slow_restore(val)

    # --- writing -----------------------------------------------------------------------------------------

    def convert(self, workflow: BpmnWorkflow) -> dict[str, Any]:
        """`registry.convert(workflow)` for the top workflow, spec left out."""
        if workflow.__class__ is not BpmnWorkflow:
            return self._slow_convert(workflow)
        ids = self._id_cache()
        dct = self._workflow_to_dict(workflow, ids)
        dct["subprocesses"] = {
            str(key): self._subworkflow_to_dict(sp, ids) for key, sp in workflow.subprocesses.items()
        }
        dct["bpmn_events"] = self.convert_value(workflow.bpmn_events)
        dct["typename"] = self.workflow_typename
        return dct

    def _subworkflow_to_dict(self, sp: Any, ids: _IdCache) -> Any:
        if sp.__class__ is not BpmnSubWorkflow:
            return self._slow_convert(sp)
        dct = self._workflow_to_dict(sp, ids)
        dct["parent_task_id"] = str(sp.parent_task_id)
        dct["spec"] = sp.spec.name
        dct["typename"] = self.subworkflow_typename
        return dct

    def _workflow_to_dict(self, workflow: Any, ids: _IdCache) -> dict[str, Any]:
        """`WorkflowConverter.to_dict`, with its tasks written by `_tasks_to_dict`."""
        tasks_dct = self._tasks_to_dict(workflow.tasks, ids)
        last_task = workflow.last_task
        if last_task is not None:
            last_task = ids.names.get(id(last_task.id)) or ids.name(last_task.id)
        root_id = workflow.task_tree.id
        return {
            "data": self.convert_value(workflow.data),
            "correlations": workflow.correlations,
            "last_task": last_task,
            "success": workflow.success,
            "completed": workflow.completed,
            "tasks": tasks_dct,
            "root": ids.names.get(id(root_id)) or ids.name(root_id),
        }

    def _tasks_to_dict(self, tasks: dict[UUID, Task], ids: _IdCache) -> dict[str, Any]:
        """`TaskConverter.to_dict` for every task of one workflow.

        Each id is written up to three times (the task's, as its children's parent, in its parent's
        children) and each parent is looked up once per child; the strings come from the id cache and the
        parents from a map of the tasks seen so far (parents come before their children) keyed by the
        identity of their UUID objects, shared between a task and its relatives. An id that is equal but
        not the same object takes SpiffWorkflow's own way.
        """
        by_identity: dict[int, Task] = {}
        cached_name = ids.names.get
        make_name = ids.name
        task_typename = self.task_typename
        convert_value = self.convert_value
        out: dict[str, Any] = {}
        for key, task in tasks.items():
            key_id = id(key)
            by_identity[key_id] = task
            name = cached_name(key_id) or make_name(key)
            if task.__class__ is not Task:
                out[name] = self._slow_convert(task)
                continue
            parent_id = task._parent
            parent = None
            if parent_id is not None:
                parent = by_identity.get(id(parent_id))
                if parent is None:
                    parent = task.workflow.tasks.get(parent_id)
            if parent is None:
                data = task.data
                delta: dict[str, Any] = {}
                parent_name = None
            else:
                data = {}
                task_data = task.data
                if task_data:
                    delta = _data_delta(parent.data, task_data)
                else:  # a task not reached yet
                    delta = {"updates": {}, "deletions": list(parent.data)}
                parent_name = cached_name(id(parent_id)) or make_name(parent_id)
            children = task._children
            if len(children) == 1:
                child = children[0]
                child_names = [cached_name(id(child)) or make_name(child)]
            else:
                child_names = [cached_name(id(child)) or make_name(child) for child in children]
            task_id = task.id
            internal = task.internal_data
            out[name] = {
                "id": name if task_id is key else str(task_id),
                "parent": parent_name,
                "children": child_names,
                "last_state_change": task.last_state_change,
                "state": task._state,
                "task_spec": task.task_spec.name,
                "triggered": task.triggered,
                "internal_data": {}
                if internal.__class__ is dict and not internal
                else convert_value(internal),
                "data": data,
                "delta": delta,
                "typename": task_typename,
            }
        return out

    # --- reading -----------------------------------------------------------------------------------------

    def restore(
        self, dct: dict[str, Any], spec: BpmnProcessSpec, subprocess_specs: dict[str, BpmnProcessSpec]
    ) -> BpmnWorkflow:
        """`registry.restore(dct)` for a top workflow written without its spec, given the spec objects.

        `dct` must come straight from `orjson.loads` and not be used afterwards: its dicts and lists become
        the workflow's. Raises `NotCanonical` for a shape only SpiffWorkflow's converter handles; the caller
        must then restore a fresh copy of the state.
        """
        if dct.get("typename") != self.workflow_typename:
            raise NotCanonical("not a top workflow")
        workflow = BpmnWorkflow(spec, subprocess_specs, deserializing=True)
        ids = self._id_cache()
        by_name = self._fill_workflow(workflow, dct, workflow, ids)
        subprocesses = dct["subprocesses"]
        if subprocesses:
            self._subprocesses_from_dict(subprocesses, by_name, workflow, ids)
        workflow.bpmn_events = self.restore_value(dct.get("bpmn_events", []))
        return workflow

    def _subprocesses_from_dict(
        self, dct: dict[str, Any], by_name: dict[str, Task], top: BpmnWorkflow, ids: _IdCache
    ) -> None:
        """`BpmnWorkflowConverter.subprocesses_from_dict`: parents before their children, depth first."""
        for task in by_name.values():
            task_spec = task.task_spec
            # Looked up by the id's canonical string, as SpiffWorkflow does, not by the stored one.
            if isinstance(task_spec, SubWorkflowTask) and (name := str(task.id)) in dct:
                sp_dct = dct.pop(name)
                if sp_dct.get("typename") != self.subworkflow_typename:
                    raise NotCanonical("not a sub-workflow")
                sp = BpmnSubWorkflow(
                    top.subprocess_specs.get(task_spec.spec), task.id, top, deserializing=True
                )
                sp_by_name = self._fill_workflow(sp, sp_dct, top, ids)
                top.subprocesses[task.id] = sp
                sp.completed_event.connect(task_spec._on_subworkflow_completed, task)
                self._subprocesses_from_dict(dct, sp_by_name, top, ids)

    def _fill_workflow(
        self, workflow: Any, dct: dict[str, Any], top: BpmnWorkflow, ids: _IdCache
    ) -> dict[str, Task]:
        """The tasks and `WorkflowConverter.set_default_attributes`; returns the tasks by their id strings."""
        by_name = self._tasks_from_dict(dct["tasks"], workflow, top, ids)
        root = dct["root"]
        workflow.task_tree = by_name.get(root) or workflow.tasks.get(UUID(root))
        workflow.success = dct["success"]
        workflow.completed = dct.get("completed", False)
        workflow.correlations = dct.get("correlations", {})
        last_task = dct["last_task"]
        if isinstance(last_task, str):
            workflow.last_task = by_name.get(last_task) or workflow.tasks.get(UUID(last_task))
        workflow.data = self.restore_value(dct.get("data", {}))
        return by_name

    def _tasks_from_dict(
        self, mapping: dict[str, Any], workflow: Any, top: BpmnWorkflow, ids: _IdCache
    ) -> dict[str, Task]:
        """`TaskConverter.from_dict` for every task of one workflow, in the stored order; returns the tasks by
        their id strings (in that order) after setting `workflow.tasks`.

        As in SpiffWorkflow, a task's parent is looked for among the tasks restored before it, and its data
        is a copy of its parent's (dicts, lists and sets copied one level deep, as `DeepMerge.merge({}, ...)`
        does) with the stored updates applied and deletions removed. Which keys of each task's data hold
        such containers is carried from parent to child, so inheriting data costs one `dict.copy` and a few
        container copies instead of a Python loop over every key.
        """
        tasks: dict[UUID, Task] = {}
        workflow.tasks = tasks  # where `Task.__init__` registers each task as it is made
        by_name: dict[str, Task] = {}
        mutable_keys: dict[str, set[Any]] = {}
        uuid_get = ids.uuids.get
        make_uuid = ids.uuid
        task_specs = workflow.spec.task_specs
        thread_id = Task.thread_id_pool
        event_manager = top.event_manager
        task_typename = self.task_typename
        restore_value = self.restore_value
        new_task = Task.__new__

        for name, dct in mapping.items():
            if dct.get("typename") != task_typename or dct["id"] != name:
                raise NotCanonical("not a task")
            task_spec = task_specs.get(dct["task_spec"])
            if not task_spec:
                raise NotCanonical("a task spec the process does not have")
            state = dct["state"]
            parent_name = dct["parent"]
            task_id = uuid_get(name)
            if task_id is None:
                task_id = make_uuid(name)

            # Task.__init__, attributes in its order.
            task = new_task(Task)
            task.id = task_id
            tasks[task_id] = task
            by_name[name] = task
            task.workflow = workflow
            if parent_name is None:
                task._parent = None
            else:
                parent_id = uuid_get(parent_name)
                if parent_id is None:
                    parent_id = make_uuid(parent_name)
                task._parent = parent_id
            children = []
            for child in dct["children"]:
                child_id = uuid_get(child)
                if child_id is None:
                    child_id = make_uuid(child)
                children.append(child_id)
            task._children = children
            task._state = state
            task.triggered = dct["triggered"]
            task.task_spec = task_spec
            task.thread_id = thread_id
            if state & _WAITING and isinstance(task_spec, CatchingEvent):
                event_manager.add_task(task)

            parent = None
            if parent_name is not None:
                parent = by_name.get(parent_name) or tasks.get(task._parent)
                if parent is task:
                    raise NotCanonical("a task that is its own parent")
            delta = dct.get("delta")
            if delta and parent is not None:
                parent_data = parent.data
                parent_mutable = mutable_keys.get(parent_name)
                if parent_mutable is None:  # a parent found by a non-canonical id string
                    parent_mutable = {k for k, v in parent_data.items() if isinstance(v, _MUTABLE)}
                data = parent_data.copy()
                for key in parent_mutable:
                    value = data[key]
                    c = value.__class__
                    data[key] = value.copy() if c is dict or c is list or c is set else _copy.copy(value)
                updates = delta.get("updates", {})
                if updates.__class__ is not dict or updates:
                    updates = restore_value(updates)
                deletions = delta.get("deletions", {})
                if updates or deletions:
                    data.update(updates)
                    for key in deletions:
                        if key in data:
                            del data[key]
                    mutable = {k for k in parent_mutable if isinstance(data.get(k), _MUTABLE)}
                    for key, value in updates.items():
                        if isinstance(value, _MUTABLE) and key in data:
                            mutable.add(key)
                else:
                    mutable = parent_mutable  # never changed once made, so children may share it
            else:
                data = restore_value(dct["data"])
                if data.__class__ is not dict:
                    raise NotCanonical("task data that is not a dict")
                mutable = {k for k, v in data.items() if isinstance(v, _MUTABLE)}
            mutable_keys[name] = mutable
            task.data = data
            internal = dct["internal_data"]
            task.internal_data = (
                internal if internal.__class__ is dict and not internal else restore_value(internal)
            )
            task.last_state_change = dct["last_state_change"]
        return by_name
