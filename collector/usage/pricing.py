"""The dated price table, the user's overrides, and how model ids are matched to it.

Prices ship in ``pricing.json`` (no network at run time), each row naming
its source. A user may add or replace rows in ``$CCTRACKER_HOME/prices.json``
(same shape: ``{"price_date": ..., "models": [...]}``). ``sync()`` writes
the merged table into ``model_prices``, where the ``token_usage_priced`` and
``rollup_tokens_priced`` views join it; the drain and ``cctracker import``
call it, so a new bundled table or an edited override applies to all
history at once. A model that matches no row has no price: its cost is NULL
(unknown), never 0.

Cost of one request (the views' rule, and :func:`cost`'s): uncached input,
output, 5-minute cache writes, 1-hour cache writes and cache reads each at
their rate; a request whose input (all three input kinds) is over
``long_context_above`` tokens is priced whole at the model's long-context
rates, where it has them.
"""

import json
import os

from ..storage import db

PRICING_PATH = os.path.join(os.path.dirname(os.path.abspath(__file__)), "pricing.json")

#: The user's own prices, beside the database.
OVERRIDE_NAME = "prices.json"

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

RATES = ("input", "output", "cache_write_5m", "cache_write_1h", "cache_read")


class PriceFileError(ValueError):
    """The user's prices.json cannot be used (the message names the problem)."""


def load(path=PRICING_PATH):
    with open(path, encoding="utf-8") as f:
        return json.load(f)


def override_path(home):
    return os.path.join(home, OVERRIDE_NAME)


def _check_row(row, where):
    if not isinstance(row, dict) or not isinstance(row.get("match"), str) or not row["match"].strip():
        raise PriceFileError("%s: every model needs a \"match\" string" % where)
    for key in ("input", "output", "cache_write_5m", "cache_read"):
        if not isinstance(row.get(key), (int, float)) or isinstance(row.get(key), bool) or row[key] < 0:
            raise PriceFileError("%s: %s needs a number >= 0 for %r" % (where, row["match"], key))
    for key in ("cache_write_1h",):
        if row.get(key) is not None and (not isinstance(row[key], (int, float)) or row[key] < 0):
            raise PriceFileError("%s: %s: %r must be a number >= 0" % (where, row["match"], key))
    long = row.get("long_context")
    if long is not None and not (isinstance(long, dict) and all(
            isinstance(long.get(k), (int, float)) for k in ("input", "output", "cache_write_5m", "cache_read"))):
        raise PriceFileError("%s: %s: long_context needs input, output, cache_write_5m and cache_read"
                             % (where, row["match"]))


def table(home=None):
    """The price table in effect: the bundled rows, with the user's rows over them.

    Each row carries its ``price_date`` and ``source`` (the override file's
    rows say so). Raises :class:`PriceFileError` for an unusable override.
    """
    bundled = load()
    rows = {}
    for row in bundled["models"]:
        rows[row["match"].lower()] = dict(row, price_date=bundled["price_date"], origin="bundled")
    path = override_path(home) if home else None
    if path and os.path.exists(path):
        try:
            user = load(path)
        except (OSError, ValueError) as e:
            raise PriceFileError("%s: %s" % (path, e)) from None
        if not isinstance(user, dict) or not isinstance(user.get("models"), list):
            raise PriceFileError("%s: expected {\"models\": [...]}" % path)
        for row in user["models"]:
            _check_row(row, path)
            rows[row["match"].lower()] = dict(
                row, family=row.get("family") or "custom", price_date=user.get("price_date") or "",
                source=row.get("source") or "your override file %s" % path, origin="override")
    return {"price_date": bundled["price_date"], "unit": bundled["unit"],
            "long_context_above": bundled["long_context_above"], "override": path if path and os.path.exists(path) else None,
            "models": sorted(rows.values(), key=lambda r: (r["family"], r["match"]))}


def price_rows(models):
    """Rows for ``model_prices`` from a table's models."""
    out = []
    for m in models:
        long = m.get("long_context") or {}
        out.append((m["match"].lower(), m["family"], m["input"], m["output"], m["cache_write_5m"],
                    m.get("cache_write_1h"), m["cache_read"], m["price_date"], m.get("source"),
                    long.get("input"), long.get("output"), long.get("cache_write_5m"),
                    long.get("cache_write_1h"), long.get("cache_read")))
    return out


INSERT_SQL = (
    "insert into model_prices (match, family, input_per_mtok, output_per_mtok,"
    " cache_write_5m_per_mtok, cache_write_1h_per_mtok, cache_read_per_mtok, price_date, source,"
    " input_long_per_mtok, output_long_per_mtok, cache_write_5m_long_per_mtok,"
    " cache_write_1h_long_per_mtok, cache_read_long_per_mtok)"
    " values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
)


def sync(conn, home=None):
    """Make ``model_prices`` the table in effect; returns the bundled price date.

    Writes only when something changed (the drain calls this at every start).
    An unusable override file leaves the bundled prices in effect.
    """
    try:
        current = table(home)
    except PriceFileError:
        current = table(None)
    rows = price_rows(current["models"])
    stored = sorted(tuple(r) for r in conn.execute(
        "select match, family, input_per_mtok, output_per_mtok, cache_write_5m_per_mtok,"
        " cache_write_1h_per_mtok, cache_read_per_mtok, price_date, source, input_long_per_mtok,"
        " output_long_per_mtok, cache_write_5m_long_per_mtok, cache_write_1h_long_per_mtok,"
        " cache_read_long_per_mtok from model_prices"))
    if stored != sorted(rows):
        with conn:
            conn.execute("delete from model_prices")
            conn.executemany(INSERT_SQL, rows)
    return current["price_date"]


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


#: Input tokens above which a request is priced at long-context rates (pricing.json says it too).
LONG_CONTEXT_ABOVE = 200_000


def cost(prices, input_tokens=0, output_tokens=0, cache_creation_tokens=0, cache_read_tokens=0,
         cache_creation_1h_tokens=0):
    """USD for one request's tokens at a ``model_prices`` row; None when the price is unknown."""
    if prices is None:
        return None
    long = input_tokens + cache_creation_tokens + cache_read_tokens > LONG_CONTEXT_ABOVE

    def rate(name, fallback=None):
        value = prices.get(name + "_long_per_mtok") if long else None
        if value is None:
            value = prices.get(name + "_per_mtok")
        return fallback if value is None else value

    write_5m = rate("cache_write_5m")
    return (
        input_tokens * rate("input") + output_tokens * rate("output")
        + (cache_creation_tokens - cache_creation_1h_tokens) * write_5m
        + cache_creation_1h_tokens * rate("cache_write_1h", write_5m)
        + cache_read_tokens * rate("cache_read")
    ) / PER_TOKENS
