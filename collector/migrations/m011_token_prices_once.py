"""``token_usage_priced`` maps each model to its price once per query.

m003's view joined ``model_price_match``, whose price lookup (a scan of
``model_prices`` per model) SQLite evaluated again for every token row: 28,000
rows of a month cost 200 ms, five times over in the tokens report. A
materialized map of the few distinct models is computed once instead; the
rows and their prices are the same.
"""

from .. import localdays
from . import m003_views

JOIN = "left join model_price_match mm on mm.model = t.model"


def view_sql():
    old = m003_views.VIEWS["token_usage_priced"]
    if JOIN not in old:
        raise RuntimeError("m003 token_usage_priced changed: update m011")
    return localdays.localize("with mm as materialized (select model, price_match from model_price_match)\n"
                              + old.replace(JOIN, "left join mm on mm.model = t.model"))


def migrate(conn):
    conn.execute("drop view token_usage_priced")
    conn.execute("create view token_usage_priced as %s" % view_sql())
