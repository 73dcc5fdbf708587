"""5-hour usage blocks by ccusage's rules (``ccusage blocks``, 17.2.1), from ``token_usage``.

The rules (``_session-blocks.ts``; ../shared/reference/statusline-and-limits.md §2):

- entries are API responses (one per ``message.id``+``requestId``) and Claude Code's
  ``<synthetic>`` error notes (each line, zero tokens: ``usage_entries``), sorted by time;
- a block starts at the UTC hour floor of its first entry and lasts 5 h;
- an entry starts a new block when it is more than 5 h after the block's start
  or more than 5 h after the previous entry (both strictly ``>``); in the
  second case a gap block runs from the previous entry + 5 h to this entry;
- a block is active while now is before its end and within 5 h of its last entry;
- the burn rate divides the tokens (all four kinds) by the minutes between the
  first and last entry; an active block's projection extends it to the end.

Where they differ from ccusage, on purpose: output tokens are the largest count
streamed for a response (ccusage keeps the first line's, often a placeholder),
and a model missing from the price table adds nothing to ``costUSD`` but is
counted in ``unpricedEntries`` instead of silently costing $0.

These are local estimates: other devices and claude.ai draw on the same plan
limits. What Claude Code itself reported (``rate_limits`` in statusLine
payloads, see :mod:`collector.usage.limits`) is attached beside them as ``observed``.
"""

import datetime
import json
import math

BLOCK_HOURS = 5
BLOCK_MS = BLOCK_HOURS * 3600 * 1000
HOUR_MS = 3600 * 1000

#: ``--recent``: blocks started within this many days, plus the active one.
RECENT_DAYS = 3

#: ccusage's BLOCKS_WARNING_THRESHOLD: a projection above this share of the limit warns.
WARNING_SHARE = 0.8

#: Claude Code's usage only: the plan limits are Claude's (other agents' sessions are
#: recorded too, see sessions.agent), as ccusage reads only Claude's transcripts.
CLAUDE_ONLY = " and (session_id is null or session_id not in (select id from sessions where agent != 'claude-code'))"

ENTRY_SQL = (
    "select at, input_tokens, output_tokens, cache_creation_tokens, cache_read_tokens, cost_usd,"
    " coalesce(model, 'unknown') from usage_entries where at is not null" + CLAUDE_ONLY
    + "{where} order by at, id"
)


def to_ms(text):
    """Epoch milliseconds of a stored ISO time (``...Z``), truncated like a JS Date."""
    value = datetime.datetime.fromisoformat(text.replace("Z", "+00:00"))
    if value.tzinfo is None:
        value = value.replace(tzinfo=datetime.timezone.utc)
    delta = value - datetime.datetime(1970, 1, 1, tzinfo=datetime.timezone.utc)
    return (delta.days * 86400 + delta.seconds) * 1000 + delta.microseconds // 1000


def iso(ms):
    """JavaScript's ``toISOString``: ``2026-02-12T14:00:00.000Z``."""
    value = datetime.datetime(1970, 1, 1, tzinfo=datetime.timezone.utc) + datetime.timedelta(milliseconds=ms)
    return value.strftime("%Y-%m-%dT%H:%M:%S.") + "%03dZ" % (value.microsecond // 1000)


def now_ms():
    return int(datetime.datetime.now(datetime.timezone.utc).timestamp() * 1000)


def load_entries(conn, since=None):
    """``[(ms, input, output, cache_creation, cache_read, cost or None, model)]`` in time order."""
    where, params = ("", ()) if since is None else (" and at >= ?", (since,))
    return [(to_ms(r[0]),) + tuple(r[1:]) for r in conn.execute(ENTRY_SQL.format(where=where), params)]


def group(entries):
    """``[(start_ms, [entries]) | ("gap", start_ms, end_ms)]`` by the rules above."""
    out, start, current = [], None, []
    for entry in entries:
        at = entry[0]
        if start is None:
            start, current = at - at % HOUR_MS, [entry]
            continue
        since_last = at - current[-1][0]
        if at - start > BLOCK_MS or since_last > BLOCK_MS:
            out.append((start, current))
            if since_last > BLOCK_MS:
                out.append(("gap", current[-1][0] + BLOCK_MS, at))
            start, current = at - at % HOUR_MS, [entry]
        else:
            current.append(entry)
    if start is not None:
        out.append((start, current))
    return out


def _tokens(inp=0, out=0, cc=0, cr=0):
    return {"inputTokens": inp, "outputTokens": out, "cacheCreationInputTokens": cc,
            "cacheReadInputTokens": cr}


def build_one(start, entries, now):
    """One non-gap block (``now`` decides whether it is active)."""
    models = []
    for e in entries:
        if e[6] not in models:
            models.append(e[6])
    return summarize(start, entries[0][0], entries[-1][0], len(entries),
                     [sum(e[i] for e in entries) for i in range(1, 5)],
                     sum(e[5] for e in entries if e[5] is not None), models,
                     sum(1 for e in entries if e[5] is None), now)


def summarize(start, first, last, count, sums, cost, models, unpriced, now):
    """A block's JSON from its figures: start, first and last entry (ms), the four token sums."""
    end = start + BLOCK_MS
    block = {
        "id": iso(start), "startTime": iso(start), "endTime": iso(end), "actualEndTime": iso(last),
        "isActive": now - last < BLOCK_MS and now < end, "isGap": False, "entries": count,
        "tokenCounts": _tokens(*sums), "totalTokens": sum(sums), "costUSD": cost, "models": models,
        "burnRate": None, "projection": None, "unpricedEntries": unpriced,
    }
    minutes = (last - first) / 60000
    if block["isActive"] and minutes > 0:
        rate = {"tokensPerMinute": block["totalTokens"] / minutes,
                "tokensPerMinuteForIndicator": (sums[0] + sums[1]) / minutes,
                "costPerHour": cost / minutes * 60}
        remaining = max(0, (end - now) / 60000)
        block["burnRate"] = rate
        block["projection"] = {
            "totalTokens": _js_round(block["totalTokens"] + rate["tokensPerMinute"] * remaining),
            "totalCost": _js_round((cost + rate["costPerHour"] / 60 * remaining) * 100) / 100,
            "remainingMinutes": _js_round(remaining),
        }
    return block


def _gap(start, end):
    return {"id": "gap-" + iso(start), "startTime": iso(start), "endTime": iso(end), "actualEndTime": None,
            "isActive": False, "isGap": True, "entries": 0, "tokenCounts": _tokens(), "totalTokens": 0,
            "costUSD": 0, "models": [], "burnRate": None, "projection": None, "unpricedEntries": 0}


def _js_round(x):
    """``Math.round``: halves go up."""
    return int(math.floor(x + 0.5))


def build(entries, now=None):
    """Every block (gaps included), oldest first, as ccusage's JSON objects."""
    now = now_ms() if now is None else now
    return [_gap(g[1], g[2]) if g[0] == "gap" else build_one(g[0], g[1], now) for g in group(entries)]


def token_limit(blocks, value):
    """``--token-limit``: a number, or ``max`` = the largest finished non-gap block (None: no limit)."""
    if value is None or value == "":
        return None
    if str(value).lower() == "max":
        finished = [b["totalTokens"] for b in blocks if not b["isGap"] and not b["isActive"]]
        return max(finished) if finished and max(finished) > 0 else None
    return int(value) or None


def select(blocks, active=False, recent=False, limit=None, now=None):
    """Apply ``--token-limit``, ``--recent`` and ``--active`` in ccusage's order."""
    now = now_ms() if now is None else now
    limit = token_limit(blocks, limit)
    if recent:
        cutoff = now - RECENT_DAYS * 86400 * 1000
        blocks = [b for b in blocks if b["isActive"] or to_ms(b["startTime"]) >= cutoff]
    if active:
        blocks = [b for b in blocks if b["isActive"]]
    if limit:
        for b in blocks:
            if b["projection"]:
                projected = b["projection"]["totalTokens"]
                b["tokenLimitStatus"] = {
                    "limit": limit, "projectedUsage": projected, "percentUsed": projected / limit * 100,
                    "status": "exceeds" if projected > limit else
                    "warning" if projected > limit * WARNING_SHARE else "ok"}
    return blocks


def report(conn, active=False, recent=False, token_limit=None, limit=None, now=None, observed=True):
    """``{"blocks": [...]}`` as ``ccusage blocks --json`` prints it (plus ``observed``).

    ``token_limit`` is ``--token-limit`` (a number or ``max``); ``limit`` keeps
    only the newest that many blocks (still oldest first), for short answers.
    """
    now = now_ms() if now is None else now
    blocks = select(build(load_entries(conn), now), active, recent, token_limit, now)
    if limit:
        blocks = blocks[-limit:]
    if observed:
        attach_observed(conn, blocks, now)
    out = {"blocks": blocks}
    if active and not blocks:
        out["message"] = "No active block"
    return out


def from_row(row, now):
    """A block's JSON from a ``usage_blocks`` row (dict): what ``build_one`` gives for its entries."""
    return summarize(to_ms(row["start_time"]), to_ms(row["first_entry_time"]), to_ms(row["actual_end_time"]),
                     row["entries"], [row["input_tokens"], row["output_tokens"], row["cache_creation_tokens"],
                                      row["cache_read_tokens"]], row["cost_usd"],
                     json.loads(row["models"] or "[]"), row["unpriced_entries"], now)


def current(conn, now=None):
    """The newest non-gap block as the collector last stored it (``usage_blocks``), or None.

    Cheap (one row) for what runs often: the status line's summary, the Live page.
    """
    now = now_ms() if now is None else now
    cursor = conn.execute("select * from usage_blocks where is_gap = 0 order by start_time desc limit 1")
    row = cursor.fetchone()
    if row is None:
        return None
    return from_row(dict(zip([d[0] for d in cursor.getdescription()], row)), now)


def attach_observed(conn, found, now_ms):
    """Add ``observed`` to each non-gap block: the last five-hour figure seen during it.

    ``windowStart`` is ``resetsAt`` minus 5 h: the server's real window, which
    rarely starts on the hour like the estimate.
    """
    rows = conn.execute("select observed_at, used_percentage, resets_at from rate_limit_observations"
                        " where window = 'five_hour' order by observed_at, id").fetchall()
    if not rows:
        return found
    import bisect

    times = [to_ms(r[0]) for r in rows]  # in time order: the last one before a block's end is a bisect away
    for block in found:
        if block["isGap"]:
            continue
        start, end = to_ms(block["startTime"]), to_ms(block["endTime"])
        index = bisect.bisect_left(times, end) - 1
        if index >= 0 and times[index] >= start:
            observed_at, used, resets_at = rows[index]
            resets = to_ms(resets_at)
            block["observed"] = {
                "usedPercentage": used, "resetsAt": iso(resets),
                "windowStart": iso(resets - BLOCK_MS), "observedAt": iso(to_ms(observed_at)),
                "stale": now_ms >= resets}
    return found
