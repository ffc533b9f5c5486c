"""`redressal worker`: a process that fires due timers (and sends the outbox) until stopped."""

from __future__ import annotations

import logging
import signal

import click

from engine.cli.base import Context, cli, handles_errors, pass_ctx


def background_jobs(service) -> list:
    """Jobs besides timers that a worker runs: the outbox sender, and forgetting old idempotency answers."""
    from engine.idempotency.store import IdempotencyStore
    from engine.letters import outbox_job

    store = IdempotencyStore(service.db, service.clock)

    def purge_idempotency() -> None:
        try:
            store.purge()
        except Exception:  # the next run tries again; never stop the scheduler
            logging.getLogger(__name__).exception("purging idempotency keys failed")

    return [(outbox_job(service), 5.0), (purge_idempotency, 3600.0)]


@cli.command("worker")
@click.option(
    "--interval", default=1.0, show_default=True, help="Seconds between looks at the earliest due time."
)
@pass_ctx
@handles_errors
def worker(ctx: Context, interval: float) -> None:
    """Fire due timers and send notifications; run one or more per installation, on any nodes."""
    from engine.cli.base import checked_profiles
    from engine.timers.worker import start_scheduler

    checked_profiles()
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    signal.signal(signal.SIGTERM, lambda *_: (_ for _ in ()).throw(KeyboardInterrupt()))
    click.echo("Redressal worker started: firing due timers")
    try:
        start_scheduler(
            ctx.service, blocking=True, interval=interval, extra_jobs=background_jobs(ctx.service)
        )
    except (KeyboardInterrupt, SystemExit):
        click.echo("worker stopped")
