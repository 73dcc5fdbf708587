"""The SQL functions of collector.analytics.sql_functions on every Datasette connection: the
canned queries take local-day bounds and scores from their one Python definition."""

from datasette import hookimpl

from collector.analytics import sql_functions


@hookimpl
def prepare_connection(conn):
    sql_functions.register(conn)
