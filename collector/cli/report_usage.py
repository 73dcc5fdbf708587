"""``cctracker report daily|weekly|monthly|session|model|project``: tokens and cost the way
ccusage prints them (same columns, same ``--json`` field names), over all history by default.
"""

import re

import click

from ..analytics import filters as filters_mod, usage
from ..sessions import ref
from ..storage import db
from .base import echo_json, guard, load_config
from .report import report

#: Tables never get wider than this, whatever the terminal (ccusage's compact width).
MAX_WIDTH = 100
NUMBERS = [("Input", "inputTokens"), ("Output", "outputTokens"), ("Cache Create", "cacheCreationTokens"),
           ("Cache Read", "cacheReadTokens"), ("Total Tokens", "totalTokens")]
LABEL = {"daily": "Date", "weekly": "Week", "monthly": "Month", "session": "Session", "model": "Model",
         "project": "Project", "agent": "Agent"}
_DATE_SUFFIX = re.compile(r"-\d{8}$")


def short_model(name):
    """claude-sonnet-4-20250514 -> sonnet-4, as ccusage's tables name models."""
    return _DATE_SUFFIX.sub("", name[7:] if name.startswith("claude-") else name)


def _money(value, unpriced):
    return "$%.2f%s" % (value, "*" if unpriced else "")


def _fit(text, width):
    return text if len(text) <= width else text[:max(width - 1, 0)] + "…"


def render(period, data, breakdown):
    """The report as text lines no wider than MAX_WIDTH."""
    entries = data[usage.LIST_NAME[period]]
    unpriced = set(data.get("unpricedModels", []))
    key = usage.KEY_NAME[period]
    rows = []  # (label, models, numbers..., cost) as strings; None marks a rule
    for e in entries:
        models = e.get("modelsUsed", [e[key]])
        label = e["label"] if "label" in e else str(e[key])
        rows.append([label, ", ".join(short_model(m) for m in models)]
                    + ["{:,}".format(e[k]) for _, k in NUMBERS]
                    + [_money(e["totalCost"], unpriced & set(models))])
        if breakdown and period != "model":
            for m in e["modelBreakdowns"]:
                sums = [m["inputTokens"], m["outputTokens"], m["cacheCreationTokens"], m["cacheReadTokens"]]
                rows.append(["  └ " + short_model(m["modelName"]), ""] + ["{:,}".format(v) for v in sums]
                            + ["{:,}".format(sum(sums)), _money(m["cost"], m["modelName"] in unpriced)])
    t = data["totals"]
    total = ["Total", ""] + ["{:,}".format(t[k]) for _, k in NUMBERS] + [_money(t["totalCost"], unpriced)]
    header = [LABEL[period], "Models"] + [h for h, _ in NUMBERS] + ["Cost"]
    widths = [max(len(header[i]), *(len(r[i]) for r in rows + [total])) for i in range(len(header))]
    if period == "model":
        header.pop(1), widths.pop(1)
        for r in rows + [total]:
            r.pop(1)
    # Numbers keep their width; the label and the models column share what is left.
    fixed = sum(widths[-len(NUMBERS) - 1:]) + 2 * (len(widths) - 1)
    room = MAX_WIDTH - fixed
    if period == "model":
        widths[0] = min(widths[0], max(room, 8))
    else:
        widths[0] = min(widths[0], max(room // 2, 10))
        widths[1] = max(min(widths[1], room - widths[0]), 6)
    lines = []

    def line(cells):
        out = []
        for i, (c, w) in enumerate(zip(cells, widths)):
            text = _fit(c, w)
            out.append(text.rjust(w) if i >= len(widths) - len(NUMBERS) - 1 else text.ljust(w))
        lines.append("  ".join(out).rstrip())

    line(header)
    lines.append("  ".join("-" * w for w in widths))
    for r in rows:
        line(r)
    lines.append("  ".join("-" * w for w in widths))
    line(total)
    if unpriced:
        lines.append("* includes tokens of models without a known price (counted as $0): %s"
                     % ", ".join(sorted(unpriced)))
    return lines


def _run(period, since, until, project, breakdown, as_json, start_of_week, agent=None):
    config = load_config()
    conn = db.connect(config.db_path)
    since, until = filters_mod.parse_day("since", since), filters_mod.parse_day("until", until)
    filters = filters_mod.Filters(filters_mod.resolve_project(conn, project), since, until,
                                  filters_mod.parse_agent(agent))
    data = usage.report(conn, filters, period, start_of_week=start_of_week)
    if period == "session":
        prefixes = ref.shorts(r[0] for r in conn.execute("select session_uuid from sessions"))
        for e in data["sessions"]:
            # The reference to type, then the session's title (cut to the column's width).
            e["label"] = prefixes.get(e["sessionId"], e["sessionId"] or "?") + (
                " " + " ".join(e["title"].split()) if e.get("title") else "")
    if as_json:
        for e in data[usage.LIST_NAME[period]]:
            e.pop("label", None)
        echo_json(data)
        return
    what = {"daily": "Daily", "weekly": "Weekly", "monthly": "Monthly", "session": "By session",
            "model": "By model", "project": "By project", "agent": "By agent"}[period]
    span = "all history" if not (since or until) else "%s .. %s" % (since or "start", until or "today")
    click.echo("Token usage and cost, %s (%s%s%s; local days)\n" % (
        what.lower(), span, "" if project is None else ", project %s" % project,
        "" if agent is None else ", agent %s" % filters.agent))
    if not data[usage.LIST_NAME[period]]:
        click.echo("No token usage recorded%s. Record sessions with `cctracker install` or bring in"
                   " history with `cctracker import`." % ("" if not (since or until or project)
                                                          else " for these filters"))
        return
    for text in render(period, data, breakdown):
        click.echo(text)
    if period == "session":
        click.echo("\nA session prefix works in every command (forget, search --session, ...).")


def _usage_command(period, doc):
    @click.option("--since", metavar="YYYYMMDD", help="First day (local), YYYYMMDD or YYYY-MM-DD.")
    @click.option("--until", metavar="YYYYMMDD", help="Last day (local), YYYYMMDD or YYYY-MM-DD.")
    @click.option("--project", help="Project name, path or id.")
    @click.option("--agent", help="Only sessions of this agent: claude-code, codex or gemini.")
    @click.option("--breakdown", "-b", is_flag=True, help="A row per model under each row.")
    @click.option("--start-of-week", type=click.Choice(usage.WEEKDAYS), default="sunday", show_default=True,
                  help="The day weeks start on (weekly).")
    @click.option("--json", "as_json", is_flag=True, help="Print ccusage-shaped JSON instead of a table.")
    @guard
    def command(since, until, project, agent, breakdown, start_of_week, as_json):
        _run(period, since, until, project, breakdown, as_json, start_of_week, agent)

    command.__doc__ = doc
    report.command(period)(command)


for _period, _doc in [
    ("daily", "Tokens and cost per local day (like `ccusage daily`)."),
    ("weekly", "Tokens and cost per week (like `ccusage weekly`)."),
    ("monthly", "Tokens and cost per month (like `ccusage monthly`)."),
    ("session", "Tokens and cost per session (like `ccusage session`)."),
    ("model", "Tokens and cost per model."),
    ("project", "Tokens and cost per project."),
    ("agent", "Tokens and cost per coding agent (Claude Code, Codex, Gemini CLI)."),
]:
    _usage_command(_period, _doc)

