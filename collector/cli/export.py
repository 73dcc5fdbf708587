"""``cctracker export`` and ``cctracker forget``: history out, and history gone for good."""

import os
import sys

import click

from ..export import tabular as export_mod
from ..privacy import forget as forget_mod
from ..storage import db
from .base import cli, echo_json, fail, guard, load_config, table


@cli.command()
@click.option("--format", "fmt", default="json", show_default=True, metavar="json|ndjson|csv|md|html",
              help="Output format: data (json, ndjson, csv) or for reading (md, html).")
@click.option("--session", help="md/html: this session (a UUID, a prefix of one, or #id).")
@click.option("--what", default=None, metavar="sessions|messages|tools|commits|all",
              help="What to export (default: all; sessions for csv, which holds one table).")
@click.option("--project", help="Only this project (name, path or id).")
@click.option("--since", metavar="YYYY-MM-DD", help="From this day on (included).")
@click.option("--until", metavar="YYYY-MM-DD", help="Up to this day (included).")
@click.option("--agent", help="Only sessions of this agent: claude-code, codex or gemini.")
@click.option("-o", "--output", type=click.Path(dir_okay=False, writable=True),
              help="Write to this file (atomically, mode 0600) instead of stdout.")
@click.option("--json", "as_json", is_flag=True, help="With -o: print the row counts as JSON.")
@guard
def export(fmt, session, what, project, since, until, agent, output, as_json):
    """Export sessions, messages, tool calls and commits.

    JSON gives an array (or, for --what all, an object of arrays); NDJSON
    one object per line (with a "type" field for --what all); CSV one table.
    Rows are streamed, so large exports do not load into memory.

    md and html are for reading: a session (--session) or many (--project,
    --since/--until) with prompts, replies, folded thinking and tool calls,
    subagents nested, commits, local times. The HTML is one file that makes
    no outside request.
    """
    if fmt in ("md", "html") or session:
        return _readable(fmt, session, what, project, since, until, output, as_json, agent)
    what = what or ("sessions" if fmt == "csv" else "all")
    if as_json and not output:
        fail("--json describes the file written with -o; without -o the export itself is on stdout")
    options = dict(fmt=fmt, what=what, project=project, since=since, until=until, agent=agent)
    export_mod.check(fmt, what)
    config = load_config()
    conn = db.connect(config.db_path)
    try:
        if output:
            counts = export_mod.export_file(conn, output, **options)
        else:
            counts = export_mod.export(conn, sys.stdout, **options)
            sys.stdout.flush()
    except BrokenPipeError:
        # Piped into head or a closed pager: stop quietly, as Unix tools do.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        sys.exit(0)
    finally:
        conn.close()
    if not output:
        return
    if as_json:
        echo_json({"path": output, "format": fmt, "rows": counts})
    else:
        parts = ", ".join("%d %s" % (n, name) for name, n in counts.items())
        click.echo("Wrote %s to %s" % (parts, output), err=True)


def _readable(fmt, session, what, project, since, until, output, as_json, agent=None):
    from ..export import readable

    if fmt not in readable.FORMATS:
        fail("--session goes with --format md or html")
    if what:
        fail("--what is for the data formats (json, ndjson, csv)")
    conn = db.connect(load_config().db_path)
    ids = readable.sessions_for(conn, session=session, project=project, since=since, until=until)
    if agent is not None:
        from ..analytics.filters import parse_agent

        agent = parse_agent(agent)
        ids = [i for i in ids if conn.execute("select agent from sessions where id = ?", (i,)).fetchone()[0]
               == agent]
    if output:
        readable.write_file(conn, output, fmt, ids)
        if as_json:
            echo_json({"path": output, "format": fmt, "sessions": len(ids)})
        else:
            click.echo("Wrote %d sessions to %s" % (len(ids), output), err=True)
    else:
        readable.write(conn, sys.stdout, fmt, ids)


@cli.command()
@click.option("--session", help="A session: its UUID, a unique prefix of it, or #id.")
@click.option("--project", help="Every session of a project (name, path or id), and the project.")
@click.option("--before", metavar="YYYY-MM-DD", help="Every session whose last activity is before this day.")
@click.option("--yes", is_flag=True, help="Do not ask for confirmation.")
@click.option("--json", "as_json", is_flag=True, help="Print what was removed as JSON.")
@guard
def forget(session, project, before, yes, as_json):
    """Remove sessions everywhere and reclaim the space.

    Rows in every table, search indexes and vectors, raw events, transcript
    read state and spool lines not yet drained. Shows what will be deleted
    and asks first unless --yes.
    """
    config = load_config()
    conn = db.connect(config.db_path)
    try:
        selection = forget_mod.select(conn, session=session, project=project, before=before)
        counts = forget_mod.preview(conn, selection, config.home)
        if not counts:
            if as_json:
                echo_json({"removed": {}})
            else:
                click.echo("Nothing to forget.")
            return
        if not yes:
            click.echo("This removes for good:", err=True)
            for name, n in counts.items():
                click.echo("  %-24s %d" % (name, n), err=True)
            try:
                confirmed = click.confirm("Delete?", default=False, err=True)
            except click.Abort:  # no answer (stdin closed): the safe choice
                confirmed = False
            if not confirmed:
                fail("nothing deleted")
        try:
            removed = forget_mod.forget(conn, selection, config.home)
        except TimeoutError as e:
            fail(str(e))
    finally:
        conn.close()
    busy = removed.pop("wal_not_truncated", None)
    if as_json:
        echo_json({"removed": removed, "wal_truncated": not busy})
    else:
        table([{"what": k, "removed": v} for k, v in removed.items()])
    if busy:
        click.echo("Warning: another process was reading the database: old pages stay in its WAL file"
                   " until the next checkpoint.", err=True)
