"""``cctracker import``: bring in the transcripts Claude Code still has on disk."""

import os
import sys

import click

from .base import cli, echo_json, fail, load_config


@cli.command("import")
@click.argument("paths", nargs=-1, type=click.Path())
@click.option("--json", "as_json", is_flag=True, help="Print the import summary as JSON.")
def import_(paths, as_json):
    """Import Claude Code transcripts (default: ~/.claude/projects).

    PATH may be transcript files or folders. Without PATH the folders are
    $CLAUDE_CONFIG_DIR/projects when set, else ~/.claude/projects and
    ~/.config/claude/projects. Safe to re-run: only what changed is read.
    """
    import apsw

    from ..storage import db
    from ..ingest import importer

    missing = [p for p in paths if not os.path.exists(p)]
    if missing:
        fail("no such file or folder: %s" % missing[0])
    # A file named on the command line that holds no transcript line (no JSON object on
    # any line: /etc/hostname, a CSV) is refused with the reason, and makes the exit non-zero.
    refused = [p for p in paths if os.path.isfile(p) and not _has_transcript_line(p)]
    paths = [p for p in paths if p not in refused]
    if refused and not paths:
        fail("%s: no transcript line (Claude Code transcripts are JSON lines, one object each);"
             " nothing imported" % ", ".join(refused))
    roots = list(paths) or [p for p in importer.default_roots() if os.path.isdir(p)]
    config = load_config()
    try:
        conn = db.connect(config.db_path)
    except apsw.Error as e:
        fail("cannot open %s: %s" % (config.db_path, e))
    files = importer.find_files(roots)
    total = sum(_size(p) for p in files)
    try:
        if sys.stderr.isatty() and not as_json and files:
            summary = _with_bar(conn, roots, config, total, len(files))
        else:
            summary = importer.import_paths(conn, roots, config)
    except apsw.Error as e:
        fail("import stopped: %s (what was imported so far is kept)" % e)
    summary["roots"] = roots
    summary["refused"] = refused
    # Transcripts read before the archive existed are archived now, once (cctracker restore).
    from ..transcripts import archive

    summary["archive_backfilled"] = archive.backfill(conn, config)
    if as_json:
        echo_json(summary)
        if refused:
            sys.exit(1)
        return
    skipped = ", ".join("%s %d" % kv for kv in sorted(summary["skipped"].items())) or "none"
    click.echo(
        "Imported %(files_read)d of %(files)d files (%(mb).1f MB, %(mb_per_s)s MB/s):"
        " %(sessions)d new sessions, %(messages)d messages, %(tool_calls)d tool calls,"
        " %(usage_rows)d usage rows, %(agents)d subagents." % summary
    )
    click.echo("Skipped: %s" % skipped)
    if refused:
        fail("not imported: %s: no transcript line" % ", ".join(refused))


#: How much of a file is looked at to decide whether it holds transcript lines at all.
_PEEK_LINES = 200


def _has_transcript_line(path):
    """True when one of the first lines of ``path`` is a JSON object, as every transcript line is."""
    import json

    try:
        with open(path, "rb") as f:
            for _, line in zip(range(_PEEK_LINES), f):
                line = line.strip()
                if line.startswith(b"{"):
                    try:
                        if isinstance(json.loads(line), dict):
                            return True
                    except ValueError:
                        continue
    except OSError:
        return True  # unreadable here: the importer reports it as it does for any file
    return False


def _with_bar(conn, roots, config, total, count):
    from ..ingest import importer

    done = {"files": 0, "bytes": 0}

    def show(_):
        return "%d/%d files, %.1f/%.1f MB" % (done["files"], count, done["bytes"] / 1e6, total / 1e6)

    with click.progressbar(length=total, label="Importing", show_eta=True, show_pos=False,
                           item_show_func=show, file=sys.stderr) as bar:
        def progress(path, size):
            done["files"] += 1
            done["bytes"] += size
            bar.update(size, path)

        return importer.import_paths(conn, roots, config, progress)


def _size(path):
    try:
        return os.path.getsize(path)
    except OSError:
        return 0
