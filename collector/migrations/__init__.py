"""Numbered table migrations: ``mNNN_name.sql`` (or ``.py`` with ``migrate(conn)``).

Applied in order by :func:`collector.schema.migrate`, tracked in ``pragma
user_version``. A shipped migration is never edited, and a Python one imports
nothing of the runtime (a test holds both). Views and rollup definitions are
not migrations: they live in ``collector/schema/`` and are re-created when
their text changes. How to add either: docs/schema.md.
"""
