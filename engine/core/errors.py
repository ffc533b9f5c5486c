"""Domain errors: each says what went wrong in words a user can act on.

The web, API and CLI layers map these to HTTP statuses and exit codes in one place each, so a service never
needs to know who called it.
"""

from __future__ import annotations

from typing import Any


class EngineError(Exception):
    """Base of every error a service raises on purpose."""

    status = 400
    title = "Bad request"

    def __init__(self, detail: str, **extra: Any) -> None:
        super().__init__(detail)
        self.detail = detail
        self.extra = extra


class NotFound(EngineError):
    status = 404
    title = "Not found"


class TooManyAttempts(EngineError):
    """Too many wrong case codes for one reference lately; the same for references that exist or not."""

    status = 429
    title = "Too many attempts"


class PermissionDenied(EngineError):
    status = 403
    title = "Forbidden"


class ConflictError(EngineError):
    """Someone else changed the case first, or the task is held by another person."""

    status = 409
    title = "Conflict"


class TaskNotReady(ConflictError):
    """The task is no longer waiting for work (completed, cancelled, or never existed on this case)."""

    title = "Task not ready"


class MessageNotExpected(ConflictError):
    """Nothing in the case waits for this message right now."""

    title = "Message not expected"


class FormInvalid(EngineError):
    """A submission broke its form's rules; `errors` maps dotted field paths to messages."""

    status = 422
    title = "Invalid form data"

    def __init__(self, errors: dict[str, list[str]], detail: str | None = None) -> None:
        super().__init__(detail or "Some fields need attention.", errors=errors)
        self.errors = errors


class ProcessInvalid(EngineError):
    """A process model cannot be deployed; each problem names its file, element and line."""

    status = 422
    title = "Invalid process model"

    def __init__(self, problems: list[Problem], warnings: list[Problem] | None = None) -> None:
        super().__init__("; ".join(str(p) for p in problems) or "Invalid process model")
        self.problems = problems
        self.warnings = warnings or []  # what the engine would ignore, found on the way


class Problem:
    """One thing wrong with a process file, located precisely enough to fix it in a modeler."""

    def __init__(self, file: str, message: str, element: str | None = None, line: int | None = None) -> None:
        self.file = file
        self.message = message
        self.element = element
        self.line = line

    def as_dict(self) -> dict[str, Any]:
        return {"file": self.file, "element": self.element, "line": self.line, "message": self.message}

    def __str__(self) -> str:
        where = self.file
        if self.line:
            where += f":{self.line}"
        if self.element:
            where += f" (element '{self.element}')"
        return f"{where}: {self.message}"

    def __repr__(self) -> str:
        return f"Problem({self!s})"


class WorkflowFailed(EngineError):
    """A script, expression or decision failed while the engine ran; the case was left as it was."""

    status = 422
    title = "Process error"

    def __init__(self, detail: str, element: str | None = None, line: int | None = None) -> None:
        super().__init__(detail, element=element, line=line)
        self.element = element
        self.line = line
