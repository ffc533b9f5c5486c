"""`redressal cases` and `redressal tasks`: start, show, message cases; list and complete tasks."""

from __future__ import annotations

import dataclasses

import click

from engine.cases import queries
from engine.cli.base import Context, cli, echo_json, handles_errors, json_arg, pass_ctx


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
    result = ctx.service.start_case(process_id, json_arg(data, "--data"), ctx.actor(as_user))
    echo_json(result.as_dict())


@cases.command("demo")
@pass_ctx
@handles_errors
def cases_demo(ctx: Context) -> None:
    """Make the demo complaints (after `users demo`); refused when REDRESSAL_ENV=production."""
    import os

    from engine.cli.base import fail
    from engine.complaints import demo

    if os.environ.get("REDRESSAL_ENV") == "production":
        fail("demo complaints are never made when REDRESSAL_ENV=production")
    made = demo.seed(ctx.service)
    click.echo(
        "demo complaints: " + (", ".join(made) if made else "none made (the database already has cases)")
    )


@cases.command("show")
@click.argument("reference")
@pass_ctx
@handles_errors
def cases_show(ctx: Context, reference: str) -> None:
    echo_json(dataclasses.asdict(queries.case_detail(ctx.service, reference)))


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
        ctx.service.deliver_message(reference, name, json_arg(data, "--data"), ctx.actor(as_user)).as_dict()
    )


@cli.group()
def tasks() -> None:
    """Ready user tasks."""


@tasks.command("list")
@click.option("--as", "as_user", default=None, help="Only tasks this user may work on.")
@pass_ctx
@handles_errors
def tasks_list(ctx: Context, as_user: str | None) -> None:
    from engine.cases.queries import list_tasks

    actor = ctx.actor(as_user)
    rows = list_tasks(ctx.service, groups=None if actor.is_system else actor.groups, limit=1000)
    for t in rows:
        due = t.due_at.strftime("%Y-%m-%d %H:%M") if t.due_at else "-"
        click.echo(
            f"{t.id}  {t.reference:18} {t.name[:40]:40} group={t.group_id or '-':12} "
            f"assignee={t.assignee or '-':12} due={due}"
        )


@tasks.command("complete")
@click.argument("task_id")
@click.option("--data", default=None, help="JSON object (or @file.json) of form data.")
@click.option("--as", "as_user", default=None)
@pass_ctx
@handles_errors
def tasks_complete(ctx: Context, task_id: str, data: str | None, as_user: str | None) -> None:
    echo_json(ctx.service.complete_task(task_id, json_arg(data, "--data"), ctx.actor(as_user)).as_dict())
