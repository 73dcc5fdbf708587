"""Search-queue triggers that survive an UPSERT on the table they watch.

``insert or ignore`` inside a trigger takes the conflict policy of the
outer statement: when that statement is an UPSERT taking its update path,
a row already waiting in ``search_queue`` made the whole statement fail
with a UNIQUE error. ``on conflict do nothing`` is the trigger's own
policy and holds whatever the outer statement does.
"""

TABLES = ("messages", "tool_calls", "commits")


def migrate(conn):
    for table in TABLES:
        for suffix, when, ref in (("ai", "after insert", "new"), ("ad", "after delete", "old")):
            name = "%s_search_%s" % (table, suffix)
            conn.execute("drop trigger if exists %s" % name)
            conn.execute(
                "create trigger %s %s on %s begin insert into search_queue values ('%s', %s.id)"
                " on conflict do nothing; end" % (name, when, table, table, ref))
        # The update trigger keeps its column list: read it from the old definition.
        sql = conn.execute("select sql from sqlite_master where type = 'trigger' and name = ?",
                           ("%s_search_au" % table,)).fetchone()[0]
        head = sql[:sql.lower().index(" begin")]
        conn.execute("drop trigger %s_search_au" % table)
        conn.execute("%s begin insert into search_queue values ('%s', new.id) on conflict do nothing; end"
                     % (head, table))
