"""``cctracker install --agent codex|gemini`` (and uninstall): the printing side of hooks.agents_install."""

import click

from .base import echo_json, fail

AGENT_CHOICE = click.Choice(["claude-code", "codex", "gemini"])
NAMES = {"codex": "Codex", "gemini": "Gemini CLI"}


def run(action, agent, dry_run, as_json, remember=None):
    from hooks import agents_install, install as settings_io

    try:
        change = getattr(agents_install, action)(agent, dry_run=dry_run)
    except settings_io.SettingsError as e:
        fail(str(e))
    except OSError as e:
        fail("cannot write %s: %s" % (agents_install.settings_path(agent), e))
    if remember and not dry_run:
        remember(action, change.path)
    if as_json:
        echo_json(dataclasses_dict(change))
        return
    if dry_run:
        click.echo(change.diff or "No change: %s is already as wanted." % change.path, nl=not change.diff)
        return
    name = NAMES[agent]
    if not change.changed:
        click.echo(("Already installed in %s (%d events)." % (change.path, len(change.events)))
                   if action == "install" else "No cctracker hooks in %s." % change.path)
        return
    if action == "install":
        click.echo("Installed the cctracker hook for %d %s events in %s." % (len(change.events), name,
                                                                             change.path))
    else:
        click.echo("Removed the cctracker hook from %d %s events in %s." % (len(change.events), name,
                                                                           change.path))
    for extra in change.extra:
        click.echo("%s %s (hooks feature switch)." % ("Updated" if action == "install" else "Restored",
                                                      extra["path"]))
    for backup in [change.backup] + [e["backup"] for e in change.extra]:
        if backup:
            click.echo("Backup of the previous file: %s" % backup)
    if action == "install":
        click.echo("Sessions of %s are recorded live from now on; `cctracker import` reads earlier ones."
                   % name)


def dataclasses_dict(change):
    import dataclasses

    return dataclasses.asdict(change)
