"""The engagement and productivity scores: small, readable formulas.

This is their one definition: SQL never repeats them. Datasette queries call
them as the functions ``engagement_score()`` and ``productivity_score()``
(:mod:`collector.analytics.sql_functions`) over the inputs the
``daily_scores`` view adds up per day. docs/metrics.md explains the choice of
weights and targets.
"""

#: One prompt every five minutes of active time counts as fully engaged.
PROMPT_RATE_TARGET = 12.0
#: Ten files changed per active hour is a full "files" part of the score
#: (a busy hour with Claude; lower targets made most days score 100).
FILES_PER_HOUR_TARGET = 10.0
#: 1000 lines added + removed by Claude's edits per active hour.
LINES_PER_HOUR_TARGET = 1000.0
#: Three commits per active hour.
COMMITS_PER_HOUR_TARGET = 3.0

ENGAGEMENT_WEIGHTS = {"active_ratio": 0.4, "responsiveness": 0.3, "prompt_rate": 0.3}
PRODUCTIVITY_WEIGHTS = {"files": 0.3, "lines": 0.3, "commits": 0.2, "tool_success": 0.2}

ENGAGEMENT_FORMULA = (
    "100 * (0.4 * min(1, active_seconds / wall_seconds) + 0.3 * thinking_seconds / user_wait_seconds"
    " + 0.3 * min(1, prompts_per_active_hour / 12))"
)
PRODUCTIVITY_FORMULA = (
    "100 * (0.3 * min(1, files_modified_per_active_hour / 10) + 0.3 * min(1,"
    " lines_changed_per_active_hour / 1000) + 0.2 * min(1, commits_per_active_hour / 3)"
    " + 0.2 * tool_success_rate)"
)


def tool_success_rate(ok, failures):
    """ok / (ok + failures); 1 when no tool call finished (nothing failed)."""
    return ok / (ok + failures) if ok + failures else 1.0


def engagement(wall_seconds, active_seconds, thinking_seconds, user_wait_seconds, prompts):
    """(score 0-100 or None, parts) from a period's totals."""
    if not wall_seconds or not active_seconds:
        return None, {}
    hours = active_seconds / 3600.0
    parts = {
        "active_ratio": min(1.0, active_seconds / wall_seconds),
        "responsiveness": thinking_seconds / user_wait_seconds if user_wait_seconds else 1.0,
        "prompt_rate": min(1.0, prompts / hours / PROMPT_RATE_TARGET),
    }
    score = 100.0 * sum(ENGAGEMENT_WEIGHTS[k] * v for k, v in parts.items())
    return round(score, 1), {k: round(v, 4) for k, v in parts.items()}


def productivity(active_seconds, files_modified, lines_changed, commits, ok, failures):
    """(score 0-100 or None, parts) from a period's totals."""
    if not active_seconds:
        return None, {}
    hours = active_seconds / 3600.0
    parts = {
        "files": min(1.0, files_modified / hours / FILES_PER_HOUR_TARGET),
        "lines": min(1.0, lines_changed / hours / LINES_PER_HOUR_TARGET),
        "commits": min(1.0, commits / hours / COMMITS_PER_HOUR_TARGET),
        "tool_success": tool_success_rate(ok, failures),
    }
    score = 100.0 * sum(PRODUCTIVITY_WEIGHTS[k] * v for k, v in parts.items())
    return round(score, 1), {k: round(v, 4) for k, v in parts.items()}


def for_totals(total):
    """Both scores, with their inputs, for a dict of added-up daily_activity columns."""
    e_inputs = {k: total[k] for k in (
        "wall_seconds", "active_seconds", "thinking_seconds", "user_wait_seconds", "prompts")}
    lines = total["lines_added"] + total["lines_removed"]
    p_inputs = {
        "active_seconds": total["active_seconds"], "files_modified": total["files_modified"],
        "lines_changed": lines, "commits": total["commits"], "ok": total["tool_successes"],
        "failures": total["tool_failures"],
    }
    e_score, e_parts = engagement(**e_inputs)
    p_score, p_parts = productivity(**p_inputs)
    return {
        "engagement_score": e_score,
        "engagement": {"formula": ENGAGEMENT_FORMULA, "inputs": e_inputs, "parts": e_parts},
        "productivity_score": p_score,
        "productivity": {"formula": PRODUCTIVITY_FORMULA, "inputs": p_inputs, "parts": p_parts},
    }
