"""``cctracker search`` and ``cctracker reindex``: the search library behind a thin skin."""

import click

from .base import cli, echo_json, fail, guard, load_config



def _connect():
    import apsw

    from ..storage import db

    config = load_config()
    try:
        return db.connect(config.db_path)
    except apsw.Error as e:
        fail("cannot open %s: %s" % (config.db_path, e))


@cli.command("search")
@click.argument("query")
@click.option("--project", help="Project name, path or id.")
@click.option("--session", help="Session: its UUID, a unique prefix of it, or #id.")
@click.option("--since", help="From: 2026-03-02, an ISO time or an age (7d, 12h, 3w).")
@click.option("--until", help="Up to: 2026-03-02 (the whole day) or an ISO time.")
@click.option("--kind", help="Comma list of prompt, reply, thinking, tool, commit.")
@click.option("--model", help="Only documents from this model.")
@click.option("--agent", help="Only sessions of this agent: claude-code, codex or gemini.")
@click.option("--limit", type=int, default=10, show_default=True, help="Results to show (1-100).")
@click.option("--trivial", is_flag=True,
              help="Keep trivial tool calls (ls, Read, git status ...) in their place instead of last.")
@click.option("--json", "as_json", is_flag=True, help="Print the results as JSON.")
@guard
def search_command(query, project, session, since, until, kind, model, agent, limit, trivial, as_json):
    """Search prompts, replies, thinking, tool calls and commits by words and meaning.

    QUERY is plain text: quotes, parentheses and FTS operators are searched
    as they are. Matches are shown in [brackets].
    """
    from ..times import local
    from .. import search
    from ..search import results

    conn = _connect()
    search.index_pending(conn, limit=search.CATCH_UP)
    found = search.search(conn, query, project=project, session=session, since=since,
                          until=until, kind=kind, model=model, limit=limit, trivial=trivial,
                          agent=agent)
    if as_json:
        echo_json(found)
        return
    if not found:
        click.echo("No results.")
        return
    for item in found:
        where = " · ".join(filter(None, [
            local.minute(item["timestamp"]), item["project_name"],
            item["agent"] if item.get("agent") not in (None, "claude-code") else None,
            "session %s" % (item["session_uuid"] or item["session_id"]) if item["session_id"] else None,
            "“%s”" % item["session_title"][:60] if item.get("session_title") else None,
            item["kind"] + (" (thinking)" if item["thinking"] and item["kind"] != "thinking" else ""),
        ]))
        click.echo(click.style(where, bold=True) + "  score %.4f" % item["relevance_score"])
        click.echo("  " + results.plain(item["snippet"]))
        click.echo()


@cli.command()
@click.option("--json", "as_json", is_flag=True, help="Print the final index status as JSON.")
@guard
def reindex(as_json):
    """Rebuild the search index: FTS from scratch and every vector recomputed."""
    from .. import search

    conn = _connect()

    def progress(state):
        if not as_json:
            click.echo("\r%(docs)d documents, %(vectors)d vectors, %(pending)d pending   " % state,
                       nl=False, err=True)

    search.reindex(conn, progress=progress)
    state = search.status(conn)
    if as_json:
        echo_json(state)
    else:
        click.echo("", err=True)
        click.echo("Search index rebuilt: %(docs)d documents, %(vectors)d vectors." % state)
