"""``python -m collector.schema [--write | --check]``: the schema of a fresh database.

Prints it; ``--write`` stores it as ``collector/schema/schema.sql``;
``--check`` exits 1 when that file differs (what the test does).
"""

import sys

import apsw

from . import SCHEMA_SQL, dump, migrate


def fresh():
    conn = apsw.Connection(":memory:")
    migrate(conn)
    return dump(conn)


def main(argv):
    text = fresh()
    if "--write" in argv:
        with open(SCHEMA_SQL, "w", encoding="utf-8") as f:
            f.write(text)
        return 0
    if "--check" in argv:
        with open(SCHEMA_SQL, encoding="utf-8") as f:
            same = f.read() == text
        if not same:
            print("collector/schema/schema.sql is out of date: run python -m collector.schema --write",
                  file=sys.stderr)
        return 0 if same else 1
    sys.stdout.write(text)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
