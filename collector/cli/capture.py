"""``cctracker install``, ``uninstall`` and ``status``: the capture side's commands."""

import click

from . import agent_hooks
from .base import cli, echo_json, fail, load_config


def _scope_options(fn):
    fn = click.option(
        "--settings",
        "settings_file",
        type=click.Path(dir_okay=False),
        help="Use this settings file instead of the scope's.",
    )(fn)
    fn = click.option(
        "--scope",
        type=click.Choice(["user", "project", "local"]),
        default="user",
        show_default=True,
        help="user: ~/.claude/settings.json (or $CLAUDE_CONFIG_DIR); project: "
        "./.claude/settings.json; local: ./.claude/settings.local.json.",
    )(fn)
    return fn


def _path(scope, settings_file):
    from hooks import install

    return settings_file or install.settings_path(scope)


def _run(action, path, as_json, **kwargs):
    from hooks import install

    try:
        change = getattr(install, action)(path, **kwargs)
    except install.SettingsError as e:
        fail(str(e))
    except OSError as e:
        fail("cannot write %s: %s" % (path, e))
    if not kwargs.get("dry_run"):
        _remember(action, path)
    if as_json:
        echo_json(change.as_dict())
        return change
    if kwargs.get("dry_run"):
        click.echo(change.diff or "No change: %s is already as wanted." % path, nl=not change.diff)
    return change


def _mcp(action, dry_run, as_json):
    import shlex

    from hooks import install as settings_io, mcp_install

    try:
        change = getattr(mcp_install, action)(dry_run=dry_run)
    except settings_io.SettingsError as e:
        fail(str(e))
    except OSError as e:
        fail("cannot write %s: %s" % (mcp_install.config_path(), e))
    if as_json:
        echo_json(change.as_dict())
        return
    if change.method == "claude-cli":
        if dry_run:
            for argv in change.commands:
                click.echo(shlex.join(argv))
            return
        if not change.changed:
            click.echo("No cctracker MCP server registered (`claude mcp remove` found none).")
        else:
            click.echo("%s the cctracker MCP server with `claude mcp` (user scope)."
                       % ("Registered" if action == "install" else "Removed"))
        return
    if dry_run:
        click.echo(change.diff or "No change: %s is already as wanted." % change.path, nl=not change.diff)
        return
    if not change.changed:
        click.echo("No change: %s is already as wanted." % change.path)
        return
    click.echo("%s the cctracker MCP server in %s." % ("Registered" if action == "install" else "Removed",
                                                        change.path))
    if change.backup:
        click.echo("Backup of the previous file: %s" % change.backup)


def _remember(action, path):
    """Let ``status`` find this file later, from any directory (hooks.locations)."""
    from hooks import locations

    home = load_config().home
    try:
        (locations.remember if action == "install" else locations.forget)(home, path)
    except OSError as e:
        click.echo("Warning: cannot note %s in %s: %s" % (path, home, e), err=True)


@cli.command()
@_scope_options
@click.option("--sync", is_flag=True, help="Without \"async\": for Claude Code versions that lack async hooks.")
@click.option("--dry-run", is_flag=True, help="Print the change as a diff; write nothing.")
@click.option("--mcp", is_flag=True, help="Register `cctracker mcp` with Claude Code instead (user scope).")
@click.option("--agent", type=agent_hooks.AGENT_CHOICE, default="claude-code", show_default=True,
              help="Whose hooks: Claude Code's settings, Codex's hooks.json or Gemini CLI's settings.json.")
@click.option("--json", "as_json", is_flag=True, help="Print what was done as JSON.")
@click.option("--statusline", is_flag=True, help="Install cctracker's status line (statusLine) instead of the hooks.")
@click.option("--wrap-existing", is_flag=True, help="With --statusline: keep your statusLine and add ours below it.")
@click.option("--replace-existing", is_flag=True, help="With --statusline: show only ours (uninstall restores yours).")
def install(scope, settings_file, sync, dry_run, mcp, agent, as_json, statusline, wrap_existing, replace_existing):
    """Add the cctracker hook to Claude Code's settings for every event it uses.

    Safe to run again (it never adds a second copy, and moves an old one to
    the current interpreter); every other setting is kept; the old file is
    backed up next to it first. With --mcp: register the MCP server instead
    (docs/claude-code.md). --statusline installs the status line instead (an
    existing statusLine is wrapped or replaced only when you say so).
    """
    if mcp:
        return _mcp("install", dry_run, as_json)
    if agent != "claude-code":
        return agent_hooks.run("install", agent, dry_run, as_json)
    path = _path(scope, settings_file)
    if statusline:
        from .limits import install_statusline

        if wrap_existing and replace_existing:
            fail("--wrap-existing and --replace-existing exclude each other")
        mode = "wrap" if wrap_existing else "replace" if replace_existing else None
        install_statusline(path, mode, dry_run, as_json)
        return
    change = _run("install", path, as_json, sync=sync, dry_run=dry_run)
    if as_json or dry_run:
        return
    if not change.changed:
        click.echo("Already installed in %s (%d events)." % (path, len(change.events)))
        return
    click.echo(
        "Installed the cctracker hook for %d events in %s (%s)."
        % (len(change.events), path, "sync" if sync else "async")
    )
    if change.backup:
        click.echo("Backup of the previous file: %s" % change.backup)


@cli.command()
@_scope_options
@click.option("--dry-run", is_flag=True, help="Print the change as a diff; write nothing.")
@click.option("--mcp", is_flag=True, help="Remove the `cctracker mcp` registration instead.")
@click.option("--agent", type=agent_hooks.AGENT_CHOICE, default="claude-code", show_default=True,
              help="Whose hooks: Claude Code's, Codex's or Gemini CLI's.")
@click.option("--json", "as_json", is_flag=True, help="Print what was done as JSON.")
@click.option("--statusline", is_flag=True, help="Remove cctracker's status line instead (yours comes back).")
def uninstall(scope, settings_file, dry_run, mcp, agent, as_json, statusline):
    """Remove the cctracker hook from Claude Code's settings (nothing else)."""
    if mcp:
        return _mcp("uninstall", dry_run, as_json)
    if agent != "claude-code":
        return agent_hooks.run("uninstall", agent, dry_run, as_json)
    path = _path(scope, settings_file)
    if statusline:
        from .limits import install_statusline

        install_statusline(path, None, dry_run, as_json, uninstall=True)
        return
    change = _run("uninstall", path, as_json, dry_run=dry_run)
    if as_json or dry_run:
        return
    if not change.changed:
        click.echo("No cctracker hooks in %s." % path)
        return
    click.echo("Removed the cctracker hook from %d events in %s." % (len(change.events), path))
    if change.backup:
        click.echo("Backup of the previous file: %s" % change.backup)


@cli.command()
@click.option("--settings", "settings_files", multiple=True, type=click.Path(dir_okay=False),
              help="Also look for hooks in this settings file (repeatable). Every scope, and every file "
              "install wrote to, is looked at anyway.")
@click.option("--json", "as_json", is_flag=True, help="Print the full report as JSON.")
def status(settings_files, as_json):
    """Hooks installed, spool backlog, kept errors, database and transcript warnings."""
    from ..serve.status import status_report

    report = status_report(load_config(), settings_files=settings_files)
    if as_json:
        echo_json(report)
        return
    _print_report(report)


def _print_report(report):
    echo = click.echo
    echo("Data: %s" % report["home"])
    echo("Hooks:")
    for h in report["hooks"]:
        if h["error"]:
            state = "unreadable"
        elif h["events"]:
            state = "%d/%d events" % (len(h["events"]), len(h["events"]) + len(h["missing_events"]))
        else:
            state = "not installed" if h["exists"] else "no file"
        echo("  %-8s %s: %s" % (h["scope"], h["path"], state))
        for c in h["commands"]:
            ok = "ok" if c["python_exists"] and c["script_exists"] else "MISSING"
            ok = "another installation" if ok == "ok" and not c["current"] else ok
            echo("           %s [%s]" % (c["command"], ok))
    s = report["spool"]
    echo("Spool: %d file(s), %s waiting (%d overflow)" % (s["files"], _size(s["bytes"]), s["overflow_files"]))
    r = report["drain"]
    lag = "" if r["lag_seconds"] is None else ", events waiting %.0f s" % r["lag_seconds"]
    echo("Drain: %s%s%s" % ("FAILING: %s" % r["last_error"] if r["failing"] else "ok",
                            ", last success %s" % r["last_success_at"] if r["last_success_at"] else "", lag))
    u = report["unsaved_events"]
    echo("Events that could not be saved: %d%s" % (u["count"], " (last %s: %s)" % (u["last"], u["reason"])
                                                   if u["count"] else ""))
    e = report["errors"]
    echo("Errors kept: %d%s" % (e["count"], " (newest: %s)" % e["newest_reason"] if e["count"] else ""))
    d = report["database"]
    if d is None:
        echo("Database: none yet")
    elif d.get("error"):
        echo("Database: %s: %s" % (d["path"], d["error"]))
    else:
        rows = ", ".join("%s %s" % (v if v is not None else "?", k) for k, v in d["rows"].items())
        echo("Database: %s, %s (%s)" % (d["path"], _size(d["bytes"]), rows))
    search = report["search"]
    if isinstance(search, dict):
        echo("Search: %s" % ", ".join("%s=%s" % kv for kv in search.items()))
    elif search is not None:
        echo("Search: %s" % (search,))
    z = report["days"]
    echo("Days: local time, %s (UTC%s%s)" % (z["zone"], z["utc_offset"], ", summer UTC%s" % z["summer_utc_offset"]
                                              if z["summer_utc_offset"] else ""))
    t = report["transcripts"]
    echo("Transcripts: %d in %s (Claude Code deletes them after %s days)"
         % (t["files"], t["path"], t["cleanup_period_days"]))
    if t.get("skipped_lines"):
        echo("Transcript lines skipped: %s" % ", ".join("%s %d" % kv for kv in sorted(t["skipped_lines"].items())))
    for w in report["warnings"]:
        echo("Warning: %s" % w)


def _size(n):
    for unit in ("B", "KB", "MB", "GB"):
        if n < 1024 or unit == "GB":
            return ("%d %s" if unit == "B" else "%.1f %s") % (n, unit)
        n /= 1024
