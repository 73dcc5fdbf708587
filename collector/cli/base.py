"""The ``cctracker`` click group and the helpers every command shares."""

import sys

import click
import orjson

from .. import config as config_mod
from ..errors import CCTrackerError


@click.group()
@click.version_option(package_name="cctracker")
def cli():
    """cctracker: a local-first tracker for your Claude Code sessions.

    Data lives in $CCTRACKER_HOME (default ~/.cctracker).
    """


def load_config():
    try:
        return config_mod.load()
    except config_mod.ConfigError as e:
        fail(str(e))


def fail(message, code=1):
    """One line on stderr and a non-zero exit: how every command reports bad input."""
    click.echo("Error: %s" % message, err=True)
    sys.exit(code)


def echo_json(value):
    click.echo(orjson.dumps(value, option=orjson.OPT_INDENT_2 | orjson.OPT_NON_STR_KEYS).decode())


def table(rows, columns=None):
    """Print rows (dicts) as an aligned text table."""
    if not rows:
        click.echo("(none)")
        return
    columns = columns or list(rows[0].keys())
    cells = [[_cell(r.get(c)) for c in columns] for r in rows]
    widths = [max(len(c), *(len(row[i]) for row in cells)) for i, c in enumerate(columns)]
    click.echo("  ".join(c.ljust(w) for c, w in zip(columns, widths)).rstrip())
    click.echo("  ".join("-" * w for w in widths))
    for row in cells:
        click.echo("  ".join(v.ljust(w) for v, w in zip(row, widths)).rstrip())


def _cell(value):
    if value is None:
        return ""
    if isinstance(value, float):
        return "%.2f" % value
    return str(value)


def guard(fn):
    """Turn domain errors into a one-line message and exit 1."""
    import functools

    @functools.wraps(fn)
    def wrapper(*args, **kwargs):
        try:
            return fn(*args, **kwargs)
        except CCTrackerError as e:
            fail(str(e))
        except OSError as e:  # a file that cannot be read or written: one line, no traceback
            fail("%s%s" % ("%s: " % e.filename if e.filename else "", e.strerror or e))

    return wrapper
