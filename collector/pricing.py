"""The bundled, dated price table and how model ids are matched to it.

Prices ship in ``pricing.json`` (no network at run time). The m003
migration copies them into ``model_prices`` so SQL views can join them;
``sync()`` refreshes that table after an upgrade ships newer prices.
A model that matches no entry has no price: its cost is NULL (unknown),
never 0.
"""

import json
import os

from . import db

PRICING_PATH = os.path.join(os.path.dirname(os.path.abspath(__file__)), "pricing.json")

#: Tokens are priced per million.
PER_TOKENS = 1_000_000

#: The rule the ``model_price_match`` view applies, for one bound model id:
#: a key matches when the lower-cased id contains it and what follows is
#: nothing, a date (``-20250929``), a version (``-v1:0``), ``-latest`` or a
#: provider/context suffix (``@…``, ``:…``, ``[1m]``); the longest key wins.
#: So ``claude-opus-4-20250514`` is Opus 4 but ``claude-opus-4-7`` is unknown.
MATCH_SQL = """
select p.match from model_prices p, (select lower(:model) as m) x
where instr(x.m, p.match) > 0 and (
    substr(x.m, instr(x.m, p.match) + length(p.match)) = ''
    or substr(x.m, instr(x.m, p.match) + length(p.match)) = '-latest'
    or substr(x.m, instr(x.m, p.match) + length(p.match)) glob '-[0-9][0-9][0-9][0-9][0-9][0-9][0-9][0-9]*'
    or substr(x.m, instr(x.m, p.match) + length(p.match)) glob '-v[0-9]*'
    or substr(substr(x.m, instr(x.m, p.match) + length(p.match)), 1, 1) in ('@', ':', '[')
)
order by length(p.match) desc limit 1
"""


def load(path=PRICING_PATH):
    with open(path, encoding="utf-8") as f:
        return json.load(f)


def price_rows(table=None):
    """Rows for ``model_prices`` from the bundled table."""
    table = table or load()
    return [
        (m["match"].lower(), m["family"], m["input"], m["output"], m["cache_write_5m"],
         m.get("cache_write_1h"), m["cache_read"], table["price_date"], table.get("source"))
        for m in table["models"]
    ]


INSERT_SQL = (
    "insert into model_prices (match, family, input_per_mtok, output_per_mtok,"
    " cache_write_5m_per_mtok, cache_write_1h_per_mtok, cache_read_per_mtok, price_date, source)"
    " values (?, ?, ?, ?, ?, ?, ?, ?, ?)"
)


def sync(conn, table=None):
    """Replace ``model_prices`` with the bundled table; returns the price date."""
    table = table or load()
    with conn:
        conn.execute("delete from model_prices")
        conn.executemany(INSERT_SQL, price_rows(table))
    return table["price_date"]


def match(conn, model):
    """The ``model_prices`` key a model id is priced by, or None (unknown)."""
    if not model:
        return None
    return db.scalar(conn, MATCH_SQL, {"model": model})


def price(conn, model):
    """The price row (dict) for a model id, or None when unknown."""
    key = match(conn, model)
    if key is None:
        return None
    return db.one(conn, "select * from model_prices where match = ?", (key,))


def cost(prices, input_tokens=0, output_tokens=0, cache_creation_tokens=0, cache_read_tokens=0):
    """USD for token counts at a price row; None when the price is unknown."""
    if prices is None:
        return None
    return (
        input_tokens * prices["input_per_mtok"]
        + output_tokens * prices["output_per_mtok"]
        + cache_creation_tokens * prices["cache_write_5m_per_mtok"]
        + cache_read_tokens * prices["cache_read_per_mtok"]
    ) / PER_TOKENS
