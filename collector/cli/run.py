"""``cctracker drain`` and ``cctracker serve``: the collector's running parts."""

import click

from .base import cli, echo_json, fail, load_config


@cli.command()
@click.option("--json", "as_json", is_flag=True, help="Print the drain statistics as JSON.")
def drain(as_json):
    """Drain the spool into the database once, then exit."""
    import apsw

    from .. import db
    from ..drain import drain_once

    config = load_config()
    try:
        conn = db.connect(config.db_path)
        stats = drain_once(conn, config)
    except apsw.Error as e:
        fail("cannot drain into %s: %s (the spool is kept)" % (config.db_path, e))
    if as_json:
        echo_json(stats)
        return
    click.echo(
        "Drained %(events)d new events from %(files)d files"
        " (%(duplicates)d already stored, %(bad_lines)d bad lines kept in errors/,"
        " %(skipped)d from excluded projects, %(timed_out)d sessions timed out)." % stats
    )
