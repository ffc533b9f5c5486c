"""The `redressal` console script: the engine's commands plus `serve`, which needs the web layer."""

from __future__ import annotations

import os

import click

from engine.cli import cli


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

    from engine.cli.base import checked_profiles
    from webapp import create_app

    checked_profiles()
    app = create_app()
    if scheduler:
        from engine.cli.worker import background_jobs
        from engine.timers.worker import start_scheduler

        service = app.extensions["redressal"]
        start_scheduler(service, extra_jobs=background_jobs(service))
        click.echo("timer scheduler running in this process")
    click.echo(f"Redressal listening on http://{host}:{port}/")
    waitress_serve(app, host=host, port=port, threads=threads)


def main() -> None:
    cli(prog_name="redressal")
