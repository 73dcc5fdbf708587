"""``cctracker resume`` and ``cctracker restore``: back into Claude Code from the history."""

import os
import shlex
import shutil
import subprocess
import sys

import click

from ..storage import db
from ..times import local
from .base import cli, echo_json, fail, guard, load_config

#: Sessions listed to choose from when a query finds several.
CHOICES = 5

SECRETS_NOTE = ("Secrets stay redacted: wherever the tracker stored [REDACTED:...] the restored"
                " transcript holds that marker, not the original secret.")


def _connect():
    config = load_config()
    return db.connect(config.db_path)


def _label(s):
    when = local.minute(s["started_at"]) if s.get("started_at") else "?"
    title = (s.get("title") or "").strip().replace("\n", " ")[:60]
    return "%s  %s  %s  %s" % (s["session_uuid"], when, s.get("project_name") or "?", title)


def _write(conn, session, to, force, as_json):
    from ..claude import handoff

    try:
        written = handoff.restore(conn, session, to, overwrite=force)
    except FileExistsError as e:
        fail("%s exists; use --force to overwrite it" % e)
    if as_json:
        echo_json({"session_uuid": session["session_uuid"],
                   "files": [{"path": p, "lines": n} for p, n in written]})
    else:
        for path, lines in written:
            click.echo("Restored %s (%d lines)" % (path, lines))
        click.echo(SECRETS_NOTE, err=True)
    return written


@cli.command("restore")
@click.argument("session")
@click.option("--to", "to", type=click.Path(file_okay=False),
              help="Write into this directory instead of where Claude Code looks for the session.")
@click.option("--force", is_flag=True, help="Overwrite files that exist.")
@click.option("--json", "as_json", is_flag=True, help="Print the files written as JSON.")
@guard
def restore_command(session, to, force, as_json):
    """Write a session's transcript back from the archive (subagent files too).

    SESSION is a session UUID, a unique prefix of one, or #id.
    Without --to the files go where Claude Code reads them
    (~/.claude/projects/<project>/<uuid>.jsonl, or under $CLAUDE_CONFIG_DIR),
    so `claude --resume <uuid>` finds the session again. The lines are the
    ones the tracker read, in order. Secrets stay redacted: wherever the
    tracker stored [REDACTED:...] the restored file holds that marker, not
    the secret.
    """
    from ..claude import handoff

    conn = _connect()
    found = handoff.session_by_ref(conn, session)
    _write(conn, found, os.path.abspath(to) if to else None, force, as_json)


@cli.command("resume")
@click.argument("query")
@click.option("--project", help="Only sessions of this project (name, path or id).")
@click.option("--pick", type=int, help="Take the Nth session of the list instead of the best.")
@click.option("--print", "print_only", is_flag=True, help="Print the command instead of running it.")
@click.option("--restore/--no-restore", "restore", default=None,
              help="When the transcript is gone: restore it first (default: ask).")
@click.option("--json", "as_json", is_flag=True, help="With --print: the sessions and command as JSON.")
@guard
def resume_command(query, project, pick, print_only, restore, as_json):
    """Resume a past session in Claude Code: `claude --resume <uuid>` in its directory.

    QUERY is a session UUID (or a prefix, or #id) or words to search for: the
    best hit is taken and the next few are listed to choose from (--pick N).
    When Claude Code has deleted the transcript, it offers to restore it from
    the archive first (secrets stay redacted in a restored transcript).
    """
    from ..claude import handoff

    conn = _connect()
    found = handoff.find(conn, query, limit=CHOICES, project=project)
    if not found:
        fail("no session found for %r" % query)
    index = (pick or 1) - 1
    if not 0 <= index < len(found):
        fail("--pick must be between 1 and %d" % len(found))
    chosen = found[index]
    argv, cwd = handoff.resume_command(conn, chosen)
    present = handoff.transcript_present(conn, chosen)
    command = "cd %s && %s" % (shlex.quote(cwd or "."), shlex.join(argv))
    if print_only and as_json:
        echo_json({"sessions": [{k: s.get(k) for k in ("session_uuid", "title", "project_name",
                                                       "started_at", "cwd", "snippet")} for s in found],
                   "chosen": chosen["session_uuid"], "command": argv, "cwd": cwd,
                   "transcript_present": present})
        return
    if len(found) > 1:
        out = sys.stderr if not print_only else sys.stdout
        for i, s in enumerate(found, 1):
            click.echo("%s%d. %s" % ("*" if i - 1 == index else " ", i, _label(s)), file=out)
            if s.get("snippet"):
                click.echo("     " + s["snippet"][:100].replace("\n", " "), file=out)
        click.echo("(another one: --pick N)", file=out)
    if not present:
        lines = handoff.archived_lines(conn, chosen["session_uuid"])
        if not lines:
            click.echo("Claude Code no longer has this session's transcript and the archive holds"
                       " none: resuming will fail.", err=True)
        else:
            if restore is None and not print_only and sys.stdin.isatty():
                restore = click.confirm("The transcript is gone; restore it from the archive (%d lines,"
                                        " secrets stay redacted)?" % lines, default=True, err=True)
            if restore:
                _write(conn, chosen, None, False, False)
            elif print_only:
                click.echo("# the transcript is gone: run `cctracker restore %s` first"
                           % chosen["session_uuid"])
            else:
                fail("Claude Code no longer has this session's transcript: run with --restore, or"
                     " `cctracker restore %s` first" % chosen["session_uuid"])
    if print_only:
        click.echo(command)
        return
    if cwd is None or not os.path.isdir(cwd):
        fail("the session's directory %s no longer exists; --print shows the command" % (cwd or "?"))
    if shutil.which("claude") is None:
        fail("the claude command is not on PATH; run: %s" % command)
    conn.close()
    sys.exit(subprocess.call(argv, cwd=cwd))
