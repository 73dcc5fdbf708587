"""``cctracker blocks`` (5-hour blocks, ccusage's JSON) and ``cctracker statusline``."""

import datetime

import click

from ..storage import db
from ..usage import blocks as blocks_mod
from .base import cli, echo_json, fail, load_config, table


def _token_limit(value):
    if value is None or value.lower() == "max":
        return value and "max"
    if not value.isdigit() or int(value) < 1:
        fail("--token-limit must be a positive number of tokens or 'max'")
    return int(value)


def _local(iso):
    if not iso:
        return ""
    value = datetime.datetime.fromisoformat(iso.replace("Z", "+00:00")).astimezone()
    return value.strftime("%Y-%m-%d %H:%M")


def _row(b, now):
    if b["isGap"]:
        return {"block": _local(b["startTime"]), "status": "gap (%s)" % _span(
            (blocks_mod.to_ms(b["endTime"]) - blocks_mod.to_ms(b["startTime"])) / 1000)}
    status = "ACTIVE, %s left" % _span((blocks_mod.to_ms(b["endTime"]) - now) / 1000) if b["isActive"] else ""
    row = {"block": _local(b["startTime"]), "status": status, "entries": b["entries"],
           "tokens": b["totalTokens"], "cost": "$%.2f" % b["costUSD"] + ("*" if b["unpricedEntries"] else ""),
           "models": ", ".join(b["models"])}
    if b.get("observed"):
        o = b["observed"]
        row["observed 5h"] = "%d%% (window %s-%s)" % (
            int(o["usedPercentage"] + 0.5), _local(o["windowStart"])[11:], _local(o["resetsAt"])[11:])
    if b["projection"]:
        p = b["projection"]
        row["projected"] = "%d tok, $%.2f" % (p["totalTokens"], p["totalCost"])
    if b.get("tokenLimitStatus"):
        t = b["tokenLimitStatus"]
        row["limit"] = "%.0f%% of %d (%s)" % (t["percentUsed"], t["limit"], t["status"])
    return row


def _span(seconds):
    seconds = max(int(seconds), 0)
    days, rest = divmod(seconds, 86400)
    text = "%dh%02dm" % (rest // 3600, rest % 3600 // 60)
    return "%dd %s" % (days, text) if days else text


@cli.command()
@click.option("--active", is_flag=True, help="Only the active block (with burn rate and projection).")
@click.option("--recent", is_flag=True, help="Blocks started in the last 3 days, plus the active one.")
@click.option("--token-limit", "-t", metavar="N|max",
              help="Judge the active block's projection against N tokens, or 'max' (your largest finished block).")
@click.option("--json", "as_json", is_flag=True, help="ccusage's JSON: {\"blocks\": [...]}.")
def blocks(active, recent, token_limit, as_json):
    """5-hour usage blocks, by ccusage's rules, from every recorded API response.

    A block starts at the UTC hour of its first entry and lasts 5 hours; a
    gap over 5 hours shows as a gap block. These are local estimates (other
    devices and claude.ai use the same plan limits); where Claude Code
    reported the real five-hour figure to the status line, it is shown beside
    them ("observed 5h"). Costs marked * leave out models with no known price.
    """
    config = load_config()
    limit = _token_limit(token_limit)
    conn = db.connect(config.db_path)
    try:
        now = blocks_mod.now_ms()
        result = blocks_mod.report(conn, active=active, recent=recent, token_limit=limit, now=now)
    finally:
        conn.close()
    if as_json:
        echo_json(result)
        return
    if result.get("message"):
        click.echo(result["message"])
        return
    rows = [_row(b, now) for b in result["blocks"]]
    columns = ["block", "status", "entries", "tokens", "cost", "models"]
    columns += [c for c in ("observed 5h", "projected", "limit") if any(c in r for r in rows)]
    table(rows, columns)


@cli.command()
@click.option("--wrap", "wrapped", metavar="COMMAND", help="Also run this statusLine command and show its output.")
def statusline(wrapped):
    """Claude Code's statusLine command: reads its JSON on stdin, prints one line.

    Records the payload (session cost, context use, the plan limits Claude
    Code reports) and shows the model, session and today's cost, the 5-hour
    window and context use. `cctracker install --statusline` installs the
    fast form of this command; the layout is the `statusline_format` setting.
    """
    from cctracker_client import statusline as client

    client.main(["--wrap", wrapped] if wrapped else [])


def install_statusline(path, mode, dry_run, as_json, uninstall=False):
    """``cctracker install --statusline`` / ``uninstall --statusline``."""
    import sys

    from hooks import install as hooks_install
    from hooks import statusline_install

    try:
        if uninstall:
            change = statusline_install.uninstall(path, dry_run=dry_run)
        else:
            try:
                change = statusline_install.install(path, mode=mode, dry_run=dry_run)
            except statusline_install.StatuslineConflict as conflict:
                if as_json or dry_run or not sys.stdin.isatty():
                    raise
                click.echo("%s already has a statusLine: %s" % (path, conflict.command))
                choice = click.prompt("Keep it and show cctracker's line below it (wrap), show only"
                                      " cctracker's (replace; uninstall restores yours), or cancel?",
                                      type=click.Choice(["wrap", "replace", "cancel"]), default="wrap")
                if choice == "cancel":
                    fail("left %s unchanged" % path)
                change = statusline_install.install(path, mode=choice, dry_run=dry_run)
    except hooks_install.SettingsError as e:
        fail(str(e))
    except OSError as e:
        fail("cannot write %s: %s" % (path, e))
    if as_json:
        echo_json(change.as_dict())
    elif dry_run:
        click.echo(change.diff or "No change: %s is already as wanted." % path, nl=not change.diff)
    elif not change.changed:
        click.echo("Nothing to do in %s." % path)
    elif uninstall:
        click.echo("Removed cctracker's status line from %s%s." % (
            path, " (your previous one is back)" if change.kept else ""))
    else:
        click.echo("Installed cctracker's status line in %s%s." % (
            path, " (wrapping %s)" % change.kept if change.kept and "--wrap" in change.command else ""))
    if change.backup and not as_json:
        click.echo("Backup of the previous file: %s" % change.backup)
    if change.written and not uninstall:
        _first_summary()
    return change


def _first_summary():
    """Write the status line's summary now, so it has today's figures before serve runs."""
    from ..usage import limits

    config = load_config()
    try:
        conn = db.connect(config.db_path)
        try:
            limits.Refresher(config)(conn)
        finally:
            conn.close()
    except Exception as e:  # noqa: BLE001 - the status line still works without it
        click.echo("Note: the status line summary could not be written yet (%s)." % e, err=True)
