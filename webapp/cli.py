"""The `redressal` console script: the engine's commands plus `serve`, which needs the web layer."""

from __future__ import annotations

import os

import click

import engine.timers.cli  # noqa: F401  (registers `redressal worker`)
from engine.cli import cli, handles_errors, pass_ctx, users


@cli.command("serve")
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=lambda: int(os.environ.get("PORT", "5000")), show_default="$PORT or 5000")
@click.option("--threads", default=8, show_default=True)
@click.option(
    "--scheduler/--no-scheduler",
    default=True,
    show_default=True,
    help="Fire timers in this process (single node); turn off when `redressal worker`s run.",
)
def serve(host: str, port: int, threads: int, scheduler: bool) -> None:
    """Serve the web application (waitress), with one in-process timer scheduler by default."""
    from waitress import serve as waitress_serve

    from engine.cli import checked_profiles
    from webapp import create_app

    checked_profiles()
    app = create_app()
    if scheduler:
        from engine.timers.cli import background_jobs
        from engine.timers.worker import start_scheduler

        runtime = app.extensions["redressal"]
        start_scheduler(runtime, extra_jobs=background_jobs(runtime))
        click.echo("timer scheduler running in this process")
    click.echo(f"Redressal listening on http://{host}:{port}/")
    waitress_serve(app, host=host, port=port, threads=threads)


@users.command("token")
@click.argument("username")
@click.option("--days", default=30.0, show_default=True, help="Days until the token expires.")
@click.option("--label", default="cli", show_default=True, help="What the token is for (shown in audits).")
@pass_ctx
@handles_errors
def users_token(ctx, username: str, days: float, label: str) -> None:
    """Issue an API bearer token for USERNAME (printed once; only its hash is stored)."""
    import datetime as dt

    from engine.auth import issue_for

    token, expires = issue_for(
        ctx.runtime.db, ctx.runtime.clock, username, dt.timedelta(days=days), label=label[:80]
    )
    click.echo(token)
    click.echo(f"expires {expires.isoformat()}", err=True)


def main() -> None:
    cli(prog_name="redressal")
