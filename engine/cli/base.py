"""What every command group shares: the `cli` group, the lazily built context, and error handling.

Bad input ends with exit code 2 and one clear line per problem, never a traceback.
"""

from __future__ import annotations

import datetime as dt
import functools
import json
import sys
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click
from sqlalchemy.exc import SQLAlchemyError

from engine.core.actors import Actor
from engine.core.errors import EngineError, FormInvalid, ProcessInvalid

if TYPE_CHECKING:  # built lazily, so that `--help` needs no database
    from engine.cases.service import CaseService

CLI_ACTOR = Actor("cli", roles=frozenset({"system"}))


def fail(message: str) -> None:
    click.echo(f"error: {message}", err=True)
    sys.exit(2)


def warn(warnings: list) -> None:
    """What the engine ignores in a process file: said on stderr, and deployment goes on."""
    for warning in warnings:
        click.echo(f"warning: {warning}", err=True)


def handles_errors(func: Callable) -> Callable:
    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return func(*args, **kwargs)
        except ProcessInvalid as exc:
            for problem in exc.problems:
                click.echo(f"error: {problem}", err=True)
            warn(exc.warnings)
            sys.exit(2)
        except FormInvalid as exc:
            for field, messages in exc.errors.items():
                click.echo(f"error: {field}: {' '.join(messages)}", err=True)
            sys.exit(2)
        except EngineError as exc:
            fail(exc.detail)
        except OSError as exc:
            fail(f"{exc.filename or ''}: {exc.strerror}".strip(": "))
        except SQLAlchemyError as exc:
            # Mostly a database that is missing, unreachable or not migrated yet: say so in one line.
            cause = str(getattr(exc, "orig", None) or exc).strip().splitlines()[0]
            fail(f"database error: {cause} (check REDRESSAL_DATABASE_URL; run `redressal db upgrade`)")

    return wrapper


def json_arg(value: str | None, what: str) -> Any:
    if value is None:
        return {}
    if value.startswith("@"):
        try:
            value = Path(value[1:]).read_text()
        except OSError as exc:
            fail(f"cannot read {value[1:]}: {exc.strerror}")
    try:
        return json.loads(value)
    except ValueError as exc:
        fail(f"{what} is not valid JSON: {exc}")


def _default(value: Any) -> Any:
    if isinstance(value, dt.datetime):
        return value.isoformat()
    return str(value)


def echo_json(value: Any) -> None:
    click.echo(json.dumps(value, indent=2, default=_default, ensure_ascii=False))


class Context:
    """Built lazily so `--help` works without a database."""

    def __init__(self) -> None:
        self._runtime: CaseService | None = None

    @property
    def service(self) -> CaseService:
        if self._runtime is None:
            from engine.cases.service import CaseService
            from engine.store.db import Database

            self._runtime = CaseService(Database())
        return self._runtime

    def actor(self, username: str | None) -> Actor:
        if not username:
            return CLI_ACTOR
        from engine.identity.users import load_actor

        with self.service.db.read() as session:
            return load_actor(session, username)


pass_ctx = click.make_pass_decorator(Context, ensure=True)


@click.group()
def cli() -> None:
    """Redressal: complaint handling (ISO 10002) and dispute resolution (ISO 10003) on BPMN."""


def checked_profiles(path: str | None = None) -> dict:
    """The SLA profiles, checked before anything runs on them; exit 2 naming file, profile and deadline.

    `serve`, `worker` and `processes validate` call this first, so a bad edit stops them at start instead of
    failing every intake while the server runs on.
    """
    from engine.deadlines import ProfileError
    from engine.deadlines.checks import check_profiles

    try:
        return check_profiles(path)
    except ProfileError as exc:
        fail(str(exc))
        raise  # not reached: fail() exits
