"""``GET /api/blocks`` (ccusage-style 5-hour blocks) and ``GET /api/limits`` (observed plan limits)."""

from typing import Optional

from msgspec import Struct

from ..errors import InvalidInput
from ..usage import blocks, limits
from . import openapi
from .validate import param_int, param_time


class TokenCounts(Struct):
    inputTokens: int
    outputTokens: int
    cacheCreationInputTokens: int
    cacheReadInputTokens: int


class BurnRate(Struct):
    tokensPerMinute: float
    tokensPerMinuteForIndicator: float
    costPerHour: float


class Projection(Struct):
    totalTokens: int
    totalCost: float
    remainingMinutes: int


class TokenLimitStatus(Struct):
    limit: int
    projectedUsage: int
    percentUsed: float
    status: str


class ObservedBlockLimit(Struct):
    usedPercentage: float
    resetsAt: str
    windowStart: str
    observedAt: str
    stale: bool


class Block(Struct):
    id: str
    startTime: str
    endTime: str
    actualEndTime: Optional[str]
    isActive: bool
    isGap: bool
    entries: int
    tokenCounts: TokenCounts
    totalTokens: int
    costUSD: float
    models: list[str]
    burnRate: Optional[BurnRate]
    projection: Optional[Projection]
    unpricedEntries: int
    tokenLimitStatus: Optional[TokenLimitStatus] = None
    observed: Optional[ObservedBlockLimit] = None


class Blocks(Struct):
    blocks: list[Block]
    message: Optional[str] = None


class ObservedWindow(Struct):
    window: str
    used_percentage: float
    resets_at: str
    window_start: str
    observed_at: str
    age_seconds: float
    session_uuid: Optional[str]
    cc_version: Optional[str]
    reset_since: bool
    stale: bool


class Observed(Struct):
    five_hour: Optional[ObservedWindow]
    seven_day: Optional[ObservedWindow]


class Observation(Struct):
    observed_at: str
    window: str
    used_percentage: float
    resets_at: str
    session_uuid: Optional[str]


class Limits(Struct):
    observed: Observed
    estimate: Optional[Block]
    history: list[Observation]


def param_bool(req, name):
    raw = req.get_param(name)
    if raw is None:
        return False
    if raw in ("true", "false"):
        return raw == "true"
    raise InvalidInput(name, "must be true or false")


def param_token_limit(req):
    raw = req.get_param("token_limit")
    if raw is None or raw.lower() == "max":
        return raw and "max"
    try:
        value = int(raw, 10)
    except ValueError:
        raise InvalidInput("token_limit", "must be a positive integer or 'max'") from None
    if value < 1 or value > 10 ** 15:
        raise InvalidInput("token_limit", "must be a positive integer or 'max'")
    return value


class BlocksResource:
    def __init__(self, ctx):
        self.ctx = ctx

    def on_get(self, req, resp):
        resp.media = blocks.report(self.ctx.db(), active=param_bool(req, "active"),
                                   recent=param_bool(req, "recent"), token_limit=param_token_limit(req))


class LimitsResource:
    def __init__(self, ctx):
        self.ctx = ctx

    def on_get(self, req, resp):
        conn = self.ctx.db()
        since = param_time(req, "since")
        history_limit = param_int(req, "history_limit", 100, 0, 10000)
        estimate = blocks.current(conn)
        resp.media = {
            "observed": limits.latest(conn),
            "estimate": estimate if estimate and estimate["isActive"] else None,
            "history": limits.history(conn, since=since, limit=history_limit),
        }


def register(app, ctx):
    app.add_route("/api/blocks", BlocksResource(ctx))
    app.add_route("/api/limits", LimitsResource(ctx))


OPENAPI_SCHEMAS = openapi.components(Blocks, Limits)

_BOOL = {"type": "string", "enum": ["true", "false"]}

OPENAPI_PATHS = {
    "/api/blocks": {"get": openapi.operation(
        "blocks", "5-hour usage blocks (ccusage's rules and JSON names)", "Analytics", 200, "Blocks",
        parameters=[
            openapi.query("active", _BOOL, "Only the active block"),
            openapi.query("recent", _BOOL, "Blocks started in the last 3 days, plus the active one"),
            openapi.query("token_limit", {"type": "string", "pattern": "^([1-9][0-9]{0,14}|max)$"},
                          "A token count or `max` (your largest finished block): adds `tokenLimitStatus`"
                          " to the active block, judged on its projection"),
        ],
        description=(
            "Local estimates over every recorded API response, the same blocks as `ccusage blocks --json`: "
            "a block starts at the UTC hour of its first entry and lasts 5 h; gap blocks mark idle "
            "stretches over 5 h. Output tokens are the largest streamed count (ccusage keeps the first "
            "line's); unpriced models add to `unpricedEntries`, not to `costUSD`. `observed`: the last "
            "five-hour figure Claude Code reported during the block, with the server's real window "
            "start (`resetsAt` - 5 h)."))},
    "/api/limits": {"get": openapi.operation(
        "limits", "Observed plan limits (5-hour and weekly) and the active block", "Analytics", 200, "Limits",
        parameters=[
            openapi.query("since", {"type": "string", "format": "date-time"},
                          "History from this ISO 8601 date-time (a date means that local day)"),
            openapi.query("history_limit", {"type": "integer", "minimum": 0, "maximum": 10000, "default": 100},
                          "How many observations to list, newest first"),
        ],
        description=(
            "`observed`: the newest `rate_limits` figure per window that Claude Code passed to the status "
            "line (subscribers only; null when never seen: unknown, not 0 %). `stale` once the window "
            "reset (`reset_since`) or the figure is over 15 minutes old. `estimate`: the active local "
            "block, or null. `history`: observations, newest first (one per change per session)."))},
}
