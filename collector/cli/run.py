"""``cctracker drain`` and ``cctracker serve``: the collector's running parts."""

import signal

import click

from .base import cli, echo_json, fail, load_config


@cli.command()
@click.option("--json", "as_json", is_flag=True, help="Print the drain statistics as JSON.")
def drain(as_json):
    """Drain the spool into the database once, then exit."""
    import apsw

    from ..storage import db
    from ..ingest.drain import drain_once

    from ..ingest.drain_thread import log_failure

    config = load_config()
    try:
        conn = db.connect(config.db_path)
        stats = drain_once(conn, config)
    except apsw.Error as e:
        fail("cannot drain into %s: %s (the spool is kept)" % (config.db_path, e))
    except Exception as e:  # noqa: BLE001 - one line here, the traceback in the log
        try:
            where = log_failure(config.home, e)
        except OSError:
            where = "(the log could not be written)"
        fail("the drain failed: %s: %s (the spool is kept; traceback in %s)" % (type(e).__name__, e, where))
    if as_json:
        echo_json(stats)
        return
    click.echo(
        "Drained %(events)d new events from %(files)d files"
        " (%(duplicates)d already stored, %(bad_lines)d bad lines kept in errors/,"
        " %(skipped)d from excluded projects, %(timed_out)d sessions timed out)." % stats
    )


@cli.command()
@click.option("--host", default=None, help="Interface for the API and dashboard (default 127.0.0.1).")
@click.option("--port", type=int, default=None, help="API port (default 8000).")
@click.option("--dashboard-port", type=int, default=None, help="Dashboard port (default 8001).")
@click.option("--demo", is_flag=True, help="Serve a generated demo database instead of your own data.")
@click.option("--no-dashboard", is_flag=True, help="Serve only the API and the drain.")
@click.option("--no-import", is_flag=True, help="Do not import existing transcripts on first run.")
def serve(host, port, dashboard_port, demo, no_dashboard, no_import):
    """Run the collector: API, continuous drain, search indexer and dashboard.

    Ctrl-C stops everything. On first run with an empty database, the
    transcripts Claude Code still has are imported in the background.
    """
    from ..serve.dashboard import DashboardError
    from ..errors import CCTrackerError
    from ..serve.service import Service

    # Started with SIGINT ignored (a parent that ignores it passes that on, and
    # Python then never raises KeyboardInterrupt), serve could not be stopped
    # with Ctrl-C: it takes the default handler whatever it inherited.
    signal.signal(signal.SIGINT, signal.default_int_handler)
    config = load_config()
    service = Service(config, host=host, port=port, dashboard_port=dashboard_port, demo=demo,
                      dashboard=not no_dashboard, first_import=not no_import, echo=click.echo)
    try:
        service.start()
    except (CCTrackerError, DashboardError) as e:
        service.stop()
        fail(str(e))
    except KeyboardInterrupt:
        # Ctrl-C while still starting: stop what runs, as after it (not click's "Aborted!").
        click.echo("Stopping...")
        service.stop()
        click.echo("Stopped.")
        return
    service.wait()
