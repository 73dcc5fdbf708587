"""Settings: one optional TOML file, ``$CCTRACKER_HOME/config.toml``.

Every setting has a default that works; the file only overrides. Unknown
keys are ignored with a warning so an older cctracker can read a newer file.
"""

import dataclasses
import os
import sys

from cctracker_client import spool

try:
    import tomllib
except ImportError:  # Python 3.10
    tomllib = None

CONFIG_NAME = "config.toml"


@dataclasses.dataclass
class Config:
    home: str
    #: A session with no event for this long is closed as ``timeout`` at its
    #: last event (Claude Code sends no SessionEnd when a terminal is killed).
    session_idle_minutes: float = 30.0
    #: Waiting for the user up to this long counts as thinking; beyond it, away.
    think_threshold_seconds: float = 300.0
    #: ``full`` (content kept, secrets redacted) or ``metadata`` (no content).
    privacy: str = "full"
    #: Projects whose path matches one of these globs are not recorded.
    exclude_projects: tuple = ()
    #: Keep every transcript line read (redacted, compressed, in archive.db) so
    #: ``cctracker restore`` can give a deleted transcript back to Claude Code.
    archive_transcripts: bool = True
    #: Delete data older than this many days; 0 keeps everything for good.
    retention_days: int = 0
    api_host: str = "127.0.0.1"
    api_port: int = 8000
    dashboard_port: int = 8001
    #: Seconds between drains while ``cctracker serve`` runs.
    drain_interval_seconds: float = 1.0
    #: Let the dashboard run any SQL typed into it (``?sql=``). Off: a web page
    #: could otherwise make the browser read everything (docs/security.md).
    dashboard_sql: bool = False
    #: The status line's layout (docs/limits-and-live.md); empty = the built-in one.
    statusline_format: str = ""
    #: ``GET /api/stream`` ends a connection after this long (clients reconnect and resume).
    stream_max_seconds: float = 300.0
    #: Desktop notification (notify-send) when Claude waits this long for a permission; 0 = off.
    permission_notify_seconds: float = 0.0

    @property
    def db_path(self):
        return os.path.join(self.home, "cctracker.db")

    @property
    def config_path(self):
        return os.path.join(self.home, CONFIG_NAME)


class ConfigError(ValueError):
    pass


def load(home=None):
    """Read the config file (if any) under ``home`` or ``$CCTRACKER_HOME``."""
    home = os.path.abspath(home or spool.home())
    config = Config(home=home)
    path = config.config_path
    if not os.path.exists(path):
        return config
    if tomllib is None:
        raise ConfigError("reading %s needs Python 3.11+" % path)
    try:
        with open(path, "rb") as f:
            data = tomllib.load(f)
    except (OSError, tomllib.TOMLDecodeError) as e:
        raise ConfigError("%s: %s" % (path, e)) from None
    fields = {f.name: f for f in dataclasses.fields(Config) if f.name != "home"}
    for key, value in data.items():
        if key not in fields:
            print("cctracker: ignoring unknown setting %r in %s" % (key, path), file=sys.stderr)
            continue
        default = getattr(config, key)
        if isinstance(default, tuple):
            if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
                raise ConfigError("%s: %s must be a list of strings" % (path, key))
            value = tuple(value)
        elif isinstance(default, float) and isinstance(value, int) and not isinstance(value, bool):
            value = float(value)
        if type(value) is not type(default):
            raise ConfigError("%s: %s must be a %s" % (path, key, type(default).__name__))
        setattr(config, key, value)
    if config.privacy not in ("full", "metadata"):
        raise ConfigError("%s: privacy must be 'full' or 'metadata'" % path)
    return config
