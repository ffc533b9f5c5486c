"""The `redressal` command line: the same services as the web, for operators and scripts.

Bad input ends with exit code 2 and one clear line per problem, never a traceback.
"""

from __future__ import annotations

import datetime as dt
import functools
import json
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import click
from sqlalchemy.exc import SQLAlchemyError

from engine.actors import Actor
from engine.errors import EngineError, FormInvalid, ProcessInvalid

CLI_ACTOR = Actor("cli", roles=frozenset({"system"}))


def fail(message: str) -> None:
    click.echo(f"error: {message}", err=True)
    sys.exit(2)


def handles_errors(func: Callable) -> Callable:
    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return func(*args, **kwargs)
        except ProcessInvalid as exc:
            for problem in exc.problems:
                click.echo(f"error: {problem}", err=True)
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


def _json_arg(value: str | None, what: str) -> Any:
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
        self._runtime = None

    @property
    def runtime(self):
        if self._runtime is None:
            from engine.runtime.service import Runtime
            from engine.store.db import Database

            self._runtime = Runtime(Database())
        return self._runtime

    def actor(self, username: str | None) -> Actor:
        if not username:
            return CLI_ACTOR
        from engine.users import load_actor

        with self.runtime.db.read() as session:
            return load_actor(session, username)


pass_ctx = click.make_pass_decorator(Context, ensure=True)


@click.group()
def cli() -> None:
    """Redressal: complaint handling (ISO 10002) and dispute resolution (ISO 10003) on BPMN."""


@cli.group()
def db() -> None:
    """Database schema."""


@db.command("upgrade")
@pass_ctx
@handles_errors
def db_upgrade(ctx: Context) -> None:
    """Create or migrate the schema to the newest revision."""
    from engine.store.migrate import upgrade

    upgrade(ctx.runtime.db)
    click.echo(f"database at {ctx.runtime.db.engine.url.render_as_string(hide_password=True)} is up to date")


@cli.group()
def users() -> None:
    """People, groups and roles."""


@users.command("add")
@click.argument("username")
@click.option("--password", help="Password for signing in (omit to leave unchanged).")
@click.option(
    "--role", "roles", multiple=True, help="A role: handler, supervisor, process_owner, auditor, admin."
)
@click.option("--group", "groups", multiple=True, help="A group (a lane id); repeat for several.")
@click.option("--name", "display_name", default="", help="Display name.")
@click.option("--email", default=None)
@pass_ctx
@handles_errors
def users_add(
    ctx: Context,
    username: str,
    password: str | None,
    roles: tuple[str, ...],
    groups: tuple[str, ...],
    display_name: str,
    email: str | None,
) -> None:
    """Add a user, or update one that exists."""
    from engine.users import add_user

    with ctx.runtime.db.write() as session:
        add_user(
            session,
            ctx.runtime.clock,
            username,
            password=password,
            roles=list(roles) or None,
            groups=list(groups) or None,
            display_name=display_name,
            email=email,
        )
    click.echo(f"user {username} saved")


DEMO_USERS = {
    "demo-handler": (["handler"], ["handlers", "safety", "disputes"]),
    "demo-supervisor": (["supervisor", "handler"], ["supervisors", "handlers", "disputes"]),
    "demo-owner": (["process_owner"], []),
    "demo-auditor": (["auditor"], []),
    "demo-admin": (["admin", "supervisor"], ["supervisors", "handlers", "safety", "disputes"]),
}


@users.command("demo")
@pass_ctx
@handles_errors
def users_demo(ctx: Context) -> None:
    """Create the demo users (password "demo"); refused when REDRESSAL_ENV=production."""
    import os

    from engine.users import add_user

    if os.environ.get("REDRESSAL_ENV") == "production":
        fail("demo users are never created when REDRESSAL_ENV=production")
    with ctx.runtime.db.write() as session:
        for username, (roles, groups) in DEMO_USERS.items():
            add_user(
                session,
                ctx.runtime.clock,
                username,
                password="demo",
                roles=roles,
                groups=groups,
                display_name=username.replace("-", " ").title(),
            )
    click.echo("demo users: " + ", ".join(DEMO_USERS) + " (password: demo)")


@users.command("list")
@pass_ctx
@handles_errors
def users_list(ctx: Context) -> None:
    from engine.users import list_users

    with ctx.runtime.db.read() as session:
        for user in list_users(session):
            groups = ",".join(sorted(m.group_id for m in user.memberships))
            click.echo(f"{user.username:20} roles={user.roles or '-':30} groups={groups or '-'}")


@cli.group()
def processes() -> None:
    """Process models: validate, deploy, list versions."""


def _bundle(paths: tuple[str, ...], forms_dir: str | None):
    from engine.registry import load_bundle

    forms = forms_dir if forms_dir is not None else ("forms" if Path("forms").is_dir() else None)
    return load_bundle(list(paths), forms)


FORMS_OPTION = click.option(
    "--forms", "forms_dir", default=None, help="Folder of form definitions (default: ./forms when it exists)."
)


@processes.command("validate")
@click.argument("paths", nargs=-1, required=True)
@FORMS_OPTION
@click.option(
    "--profiles",
    "profiles_path",
    default=None,
    help="SLA profiles file to check (default: $REDRESSAL_SLA_PROFILES or processes/sla_profiles.toml).",
)
@handles_errors
def processes_validate(paths: tuple[str, ...], forms_dir: str | None, profiles_path: str | None) -> None:
    """Check BPMN, DMN, forms and the SLA profiles; print every problem with file, element and line."""
    from engine.registry import validate_bundle
    from engine.sla.checks import check_profile_choices

    profiles = checked_profiles(profiles_path)
    bundle = _bundle(paths, forms_dir)
    parsed = validate_bundle(bundle)
    problems = check_profile_choices(bundle.dmn, profiles)
    if problems:
        raise ProcessInvalid(problems)
    for proc in parsed:
        click.echo(
            f"ok {proc.process_id} ({proc.file}): {len(proc.elements)} elements, {len(proc.forms)} forms"
        )
    click.echo(f"ok SLA profiles: {len(profiles)} profiles")


def checked_profiles(path: str | None = None) -> dict:
    """The SLA profiles, checked before anything runs on them; exit 2 naming file, profile and deadline.

    `serve`, `worker` and `processes validate` call this first, so a bad edit stops them at start instead of
    failing every intake while the server runs on.
    """
    from engine.sla import ProfileError
    from engine.sla.checks import check_profiles

    try:
        return check_profiles(path)
    except ProfileError as exc:
        fail(str(exc))
        raise  # not reached: fail() exits


@processes.command("deploy")
@click.argument("paths", nargs=-1, required=True)
@FORMS_OPTION
@pass_ctx
@handles_errors
def processes_deploy(ctx: Context, paths: tuple[str, ...], forms_dir: str | None) -> None:
    """Deploy new versions of the processes in these files (identical content deploys nothing)."""
    from engine.registry import deploy_bundle, validate_bundle

    parsed = validate_bundle(_bundle(paths, forms_dir))
    with ctx.runtime.db.write() as session:
        results = deploy_bundle(session, parsed, ctx.runtime.clock, "cli")
    for r in results:
        click.echo(f"{r.process_id} version {r.version} " + ("deployed" if r.created else "unchanged"))


@processes.command("list")
@pass_ctx
@handles_errors
def processes_list(ctx: Context) -> None:
    from engine.registry import list_versions

    with ctx.runtime.db.read() as session:
        for v in list_versions(session):
            click.echo(
                f"{v.process_id:30} v{v.version:<4} {v.deployed_at:%Y-%m-%d %H:%M} {v.content_hash[:12]}"
            )


@cli.group()
def cases() -> None:
    """Cases: start, show."""


@cases.command("start")
@click.argument("process_id")
@click.option("--data", default=None, help="JSON object (or @file.json) of start data.")
@click.option("--as", "as_user", default=None, help="Act as this user.")
@pass_ctx
@handles_errors
def cases_start(ctx: Context, process_id: str, data: str | None, as_user: str | None) -> None:
    result = ctx.runtime.start_case(process_id, _json_arg(data, "--data"), ctx.actor(as_user))
    echo_json(result.as_dict())


@cases.command("show")
@click.argument("reference")
@pass_ctx
@handles_errors
def cases_show(ctx: Context, reference: str) -> None:
    echo_json(ctx.runtime.case_detail(reference))


@cases.command("message")
@click.argument("reference")
@click.argument("name")
@click.option("--data", default=None, help="JSON payload.")
@click.option("--as", "as_user", default=None)
@pass_ctx
@handles_errors
def cases_message(ctx: Context, reference: str, name: str, data: str | None, as_user: str | None) -> None:
    """Deliver a named BPMN message to a case."""
    echo_json(
        ctx.runtime.deliver_message(reference, name, _json_arg(data, "--data"), ctx.actor(as_user)).as_dict()
    )


@cli.group()
def tasks() -> None:
    """Ready user tasks."""


@tasks.command("list")
@click.option("--as", "as_user", default=None, help="Only tasks this user may work on.")
@pass_ctx
@handles_errors
def tasks_list(ctx: Context, as_user: str | None) -> None:
    from engine.runtime.queries import list_tasks

    actor = ctx.actor(as_user)
    rows = list_tasks(ctx.runtime, groups=None if actor.is_system else actor.groups, limit=1000)
    for t in rows:
        due = t["due_at"].strftime("%Y-%m-%d %H:%M") if t["due_at"] else "-"
        click.echo(
            f"{t['id']}  {t['reference']:18} {t['name'][:40]:40} group={t['lane'] or '-':12} "
            f"assignee={t['assignee'] or '-':12} due={due}"
        )


@tasks.command("complete")
@click.argument("task_id")
@click.option("--data", default=None, help="JSON object (or @file.json) of form data.")
@click.option("--as", "as_user", default=None)
@pass_ctx
@handles_errors
def tasks_complete(ctx: Context, task_id: str, data: str | None, as_user: str | None) -> None:
    echo_json(ctx.runtime.complete_task(task_id, _json_arg(data, "--data"), ctx.actor(as_user)).as_dict())


def main() -> None:
    cli(prog_name="redressal")
