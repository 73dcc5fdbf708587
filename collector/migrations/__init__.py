"""Numbered schema migrations, tracked in ``pragma user_version``.

Each migration is a module ``mNNN_name.py`` in this package with a
``migrate(conn)`` function. Shipped migrations are never edited: a change
is a new module with the next number.
"""

import importlib
import pkgutil

from .. import db as _db


def all_migrations():
    names = sorted(
        m.name for m in pkgutil.iter_modules(__path__) if m.name[:1] == "m" and m.name[1:4].isdigit()
    )
    return [(int(n[1:4]), n, importlib.import_module("%s.%s" % (__name__, n))) for n in names]


def migrate(conn):
    """Apply every migration newer than the database, each in its own transaction."""
    current = _db.scalar(conn, "pragma user_version")
    applied = []
    for number, name, module in all_migrations():
        if number <= current:
            continue
        with conn:
            module.migrate(conn)
            conn.execute("pragma user_version=%d" % number)
        applied.append(name)
    return applied
