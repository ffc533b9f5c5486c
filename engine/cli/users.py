"""`redressal users`: people, their roles and groups, demo users, API tokens."""

from __future__ import annotations

import click

from engine.cli.base import Context, cli, fail, handles_errors, pass_ctx


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
    from engine.identity.users import add_user

    with ctx.service.db.write() as session:
        add_user(
            session,
            ctx.service.clock,
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

    from engine.identity.users import add_user

    if os.environ.get("REDRESSAL_ENV") == "production":
        fail("demo users are never created when REDRESSAL_ENV=production")
    with ctx.service.db.write() as session:
        for username, (roles, groups) in DEMO_USERS.items():
            add_user(
                session,
                ctx.service.clock,
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
    from engine.identity.users import list_users

    with ctx.service.db.read() as session:
        for user in list_users(session):
            groups = ",".join(sorted(m.group_id for m in user.memberships))
            click.echo(f"{user.username:20} roles={user.roles or '-':30} groups={groups or '-'}")


@users.command("token")
@click.argument("username")
@click.option("--days", default=30.0, show_default=True, help="Days until the token expires.")
@click.option("--label", default="cli", show_default=True, help="What the token is for (shown in audits).")
@pass_ctx
@handles_errors
def users_token(ctx, username: str, days: float, label: str) -> None:
    """Issue an API bearer token for USERNAME (printed once; only its hash is stored)."""
    import datetime as dt

    from engine.identity.tokens import issue_for

    token, expires = issue_for(
        ctx.service.db, ctx.service.clock, username, dt.timedelta(days=days), label=label[:80]
    )
    click.echo(token)
    click.echo(f"expires {expires.isoformat()}", err=True)
