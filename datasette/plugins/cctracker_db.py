"""Serve whichever database file was given under the one name the configuration uses.

Charts and canned queries in metadata.yml address the database as
``cctracker``; the live file is ``cctracker.db`` but the demo is
``demo.db``. Renaming the single served database at startup keeps one
configuration for both.
"""

from datasette import hookimpl

DB_NAME = "cctracker"


@hookimpl
def startup(datasette):
    files = [name for name, d in datasette.databases.items() if d.path and name != DB_NAME]
    if len(files) == 1 and DB_NAME not in datasette.databases:
        database = datasette.databases[files[0]]
        datasette.remove_database(files[0])
        datasette.add_database(database, name=DB_NAME)
