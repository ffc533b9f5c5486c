"""The switch for the engine's fast paths, read once when the engine is imported.

Three places trade the libraries' ordinary code for hand-made code that leans on their private internals:
the hot SQL (`engine.store.compiled`, `hot`, `batch`, `prepared`: SQLAlchemy's compiled statements and the
driver's cursor, PostgreSQL's batched writes and prepared statements), the workflow state converter
(`engine.bpmn.fastconvert`, a mirror of SpiffWorkflow's) and the walk over a workflow's live tasks
(`engine.bpmn.workflow.live_tasks`). They are tested to behave exactly like the ordinary code, but a library
upgrade can break them. `REDRESSAL_FAST_PATH=off` makes every one of them use the ordinary code instead:
`Connection.execute`, SpiffWorkflow's own converter and task iterator. It is slower, never different.

Each module picks its implementation when it is imported, so the hot path never asks again; changing the
variable takes effect when the process starts.
"""

from __future__ import annotations

import os
from collections.abc import Mapping

VARIABLE = "REDRESSAL_FAST_PATH"
_ON = frozenset({"on", "1", "true", "yes"})
_OFF = frozenset({"off", "0", "false", "no"})


def from_environment(environ: Mapping[str, str] = os.environ) -> bool:
    """Whether the fast paths are on: unset means on; anything but on/off (or 1/0, ...) is refused."""
    value = environ.get(VARIABLE, "on").strip().lower()
    if value in _ON:
        return True
    if value in _OFF:
        return False
    raise ValueError(f"{VARIABLE} must be 'on' or 'off', not {environ[VARIABLE]!r}")


ON: bool = from_environment()
