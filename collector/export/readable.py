"""Sessions as a person reads them: Markdown or one self-contained HTML file.

Prompts and replies in full; thinking, tool inputs and results folded
(``<details>``, which GitHub's Markdown and every browser fold); subagents
nested under the call that launched them; commits; times in local time.
The HTML carries its own CSS and no script, image, font or link that would
make a request, and reads on a phone (one column, wrapped code).
"""

import html
import os
import tempfile

import orjson

from ..errors import InvalidInput
from ..sessions import ref
from ..storage import db
from ..times import local
from . import timeline

#: Message kinds shown folded, and their labels (what the transcript reader stores).
FOLDED = {"thinking": "Thinking", "meta": "Injected by Claude Code", "command_output": "Command output",
          "context": "Injected context"}
WHO = {"prompt": "Prompt", "reply": "Claude", "command": "Command"}
#: Folded tool input/result text beyond this is cut (the archive and JSON export keep it all).
FOLD_CHARS = 8000


FORMATS = ("md", "html")


def sessions_for(conn, *, session=None, project=None, since=None, until=None):
    """Session ids to export, oldest first: one session (a reference), or those of a
    project and/or started within local days ``since``..``until`` (YYYY-MM-DD, included)."""
    from ..analytics.filters import parse_date, resolve_projects

    if session is not None:
        if project or since or until:
            raise InvalidInput("session", "give --session alone, or --project/--since/--until")
        return [ref.lookup(conn, session)[0]]
    if not (project or since or until):
        raise InvalidInput("session", "md and html exports need --session, --project or --since/--until")
    project_ids = resolve_projects(conn, project)
    since = local.day_start(parse_date(since, "since")) if since else None
    until = local.day_end(parse_date(until, "until")) if until else None
    clauses, params = [], []
    if project_ids:
        clauses.append("project_id in (%s)" % ",".join("?" * len(project_ids)))
        params.extend(project_ids)
    if since:
        clauses.append("started_at >= ?")
        params.append(since)
    if until:
        clauses.append("started_at < ?")
        params.append(until)
    where = " where " + " and ".join(clauses) if clauses else ""
    return [r[0] for r in conn.execute("select id from sessions%s order by started_at, id" % where, params)]


def _json(value):
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    return orjson.dumps(value, option=orjson.OPT_INDENT_2).decode()


def _cut(text, limit=FOLD_CHARS):
    if text and len(text) > limit:
        return text[:limit] + "\n[... %d more characters]" % (len(text) - limit)
    return text or ""


def _tool_title(item):
    status = item.get("status")
    mark = "" if status in (None, "ok") else " (%s)" % status
    summary = (item.get("summary") or "").replace("\n", " ")
    return "%s%s%s" % (item["name"], ": " + summary[:120] if summary else "", mark)


def _session_title(s):
    return (s.get("title") or "").strip().replace("\n", " ") or "Session %s" % s["session_uuid"][:8]


# -- Markdown -----------------------------------------------------------------------------------

def _md_fence(text):
    fence = "```"
    while fence in text:
        fence += "`"
    return "%s\n%s\n%s" % (fence, text, fence)


def _md_details(summary, body):
    return "<details><summary>%s</summary>\n\n%s\n\n</details>" % (html.escape(summary), body)


def _md_items(items, depth=0):
    out = []
    quote = "> " * depth
    for item in items:
        kind = item["type"]
        if kind == "prompt":
            block = "**Prompt** (%s)\n\n%s" % (local.minute(item["at"]), item["text"])
        elif kind == "reply":
            block = "**Claude** (%s)\n\n%s" % (local.minute(item["at"]), item["text"])
        elif kind == "command":
            block = "**Command** (%s)\n\n%s" % (local.minute(item["at"]), _md_fence(item["text"]))
        elif kind == "event":
            block = "*%s*" % item["text"].replace("*", "\\*").strip()
        elif kind in FOLDED:
            block = _md_details(FOLDED[kind], _md_fence(item["text"]))
        elif kind == "tool":
            parts = ["Input:\n\n" + _md_fence(_cut(_json(item.get("input")) or "(not recorded)"))]
            if item.get("error"):
                parts.append("Error:\n\n" + _md_fence(_cut(item["error"])))
            if item.get("result"):
                parts.append("Result:\n\n" + _md_fence(_cut(item["result"])))
            block = _md_details("Tool %s" % _tool_title(item), "\n\n".join(parts))
        else:
            block = ""
        if item.get("agent"):
            agent = item["agent"]
            inner = "\n\n".join(_md_items(agent["items"], depth + 1))
            block += "\n\n%s**Subagent %s** (%d steps)\n\n%s" % (
                "> " * (depth + 1), agent.get("agent_type") or agent["agent_id"], len(agent["items"]), inner)
        block = block.lstrip("\n")
        if block:
            out.append("\n".join(quote + line if line else quote.rstrip() for line in block.split("\n")))
    return out


def markdown(data):
    s = data["session"]
    lines = ["## %s" % _session_title(s), "",
             "- Session: `%s`" % s["session_uuid"],
             "- Project: %s (`%s`)" % (s.get("project_name") or "?", s.get("cwd") or s.get("project_path") or "?"),
             "- Started: %s, ended: %s (local time)" % (local.minute(s["started_at"]) or "?",
                                                         local.minute(s["ended_at"]) or "open"),
             "- Model: %s%s" % (s.get("model") or "?",
                                ", branch %s" % s["git_branch"] if s.get("git_branch") else ""), ""]
    for turn in data["turns"]:
        head = "Turn %d" % turn["seq"] if turn["seq"] else "Before the first prompt"
        lines += ["### %s" % head, ""]
        for block in _md_items(turn["items"]):
            lines += [block, ""]
    if data["commits"]:
        lines += ["### Commits", ""]
        for c in data["commits"]:
            lines.append("- `%s` %s (%s, +%d/-%d)" % (c["sha"][:10], c["subject"] or "",
                                                      local.minute(c["committed_at"]),
                                                      c["lines_added"], c["lines_removed"]))
        lines.append("")
    return "\n".join(lines)


# -- HTML ---------------------------------------------------------------------------------------

CSS = """
:root{color-scheme:light dark;--fg:#1d1d1f;--bg:#fff;--mute:#666;--line:#ddd;--user:#eef4ff;--code:#f5f5f5}
@media (prefers-color-scheme:dark){:root{--fg:#e8e8e8;--bg:#161616;--mute:#999;--line:#333;--user:#1d2a3f;--code:#222}}
*{box-sizing:border-box}body{margin:0;font:16px/1.5 system-ui,-apple-system,"Segoe UI",sans-serif;color:var(--fg);background:var(--bg)}
main{max-width:52rem;margin:0 auto;padding:1rem}h1{font-size:1.4rem}h2{font-size:1.25rem;border-top:2px solid var(--line);padding-top:1rem}
h3{font-size:1rem;color:var(--mute)}.meta{color:var(--mute);font-size:.9rem}.msg{margin:.6rem 0;padding:.6rem .8rem;border-radius:.5rem;white-space:pre-wrap;overflow-wrap:anywhere}
.prompt{background:var(--user)}.reply{border-left:3px solid var(--line)}.who{font-weight:600;font-size:.85rem;color:var(--mute);display:block}
details{margin:.4rem 0;border:1px solid var(--line);border-radius:.4rem;padding:.3rem .6rem}summary{cursor:pointer;overflow-wrap:anywhere}
pre{background:var(--code);padding:.5rem;border-radius:.3rem;white-space:pre-wrap;overflow-wrap:anywhere;font-size:.85rem;margin:.4rem 0}
.agent{margin-left:.8rem;padding-left:.6rem;border-left:3px solid #8a6}.err{color:#c33}nav a{display:block;overflow-wrap:anywhere}
"""


def _esc(text):
    return html.escape(text or "")


def _html_items(items):
    out = []
    for item in items:
        kind = item["type"]
        when = local.minute(item.get("at"))
        if kind in ("prompt", "reply", "command"):
            out.append('<div class="msg %s"><span class="who">%s · %s</span>%s</div>' % (
                "reply" if kind == "reply" else "prompt", WHO[kind], when, _esc(item["text"])))
        elif kind == "event":
            out.append('<p class="meta">%s · %s</p>' % (when, _esc(item["text"])))
        elif kind in FOLDED:
            out.append("<details><summary>%s · %s</summary><pre>%s</pre></details>" % (
                FOLDED[kind], when, _esc(item["text"])))
        elif kind == "tool":
            body = "<pre>%s</pre>" % _esc(_cut(_json(item.get("input")) or "(input not recorded)"))
            if item.get("error"):
                body += '<div class="err">Error</div><pre>%s</pre>' % _esc(_cut(item["error"]))
            if item.get("result"):
                body += "<div>Result</div><pre>%s</pre>" % _esc(_cut(item["result"]))
            out.append("<details><summary>Tool %s · %s</summary>%s</details>" % (
                _esc(_tool_title(item)), when, body))
        if item.get("agent"):
            agent = item["agent"]
            out.append('<details class="agent" open><summary>Subagent %s (%d steps)</summary>%s</details>' % (
                _esc(agent.get("agent_type") or agent["agent_id"]), len(agent["items"]),
                "".join(_html_items(agent["items"]))))
    return out


def html_session(data):
    s = data["session"]
    parts = ['<section id="s-%s"><h2>%s</h2>' % (_esc(s["session_uuid"]), _esc(_session_title(s))),
             '<p class="meta">%s · %s · %s – %s (local time) · %s</p>' % (
                 _esc(s["session_uuid"]), _esc(s.get("project_name") or "?"),
                 _esc(local.minute(s["started_at"])), _esc(local.minute(s["ended_at"]) or "open"),
                 _esc(s.get("model") or "?"))]
    for turn in data["turns"]:
        parts.append("<h3>%s</h3>" % ("Turn %d" % turn["seq"] if turn["seq"] else "Before the first prompt"))
        parts.extend(_html_items(turn["items"]))
    if data["commits"]:
        parts.append("<h3>Commits</h3><ul>")
        for c in data["commits"]:
            parts.append("<li><code>%s</code> %s <span class=meta>%s +%d/-%d</span></li>" % (
                _esc(c["sha"][:10]), _esc(c["subject"]), _esc(local.minute(c["committed_at"])),
                c["lines_added"], c["lines_removed"]))
        parts.append("</ul>")
    parts.append("</section>")
    return "".join(parts)


def write(conn, out, fmt, session_ids):
    """Write the sessions to a text stream; returns how many were written."""
    if fmt == "md":
        out.write("# Claude Code sessions\n\n" if len(session_ids) > 1 else "")
    else:
        out.write('<!doctype html><html lang="en"><head><meta charset="utf-8">'
                  '<meta name="viewport" content="width=device-width,initial-scale=1">'
                  "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none';"
                  " style-src 'unsafe-inline'\">"
                  "<title>Claude Code sessions</title><style>%s</style></head><body><main>" % CSS)
        out.write("<h1>Claude Code %s</h1>" % ("session" if len(session_ids) == 1 else "sessions"))
        if len(session_ids) > 1:
            out.write("<nav>")
            for sid in session_ids:
                row = db.one(conn, "select session_uuid, title, started_at from sessions where id = ?", (sid,))
                out.write('<a href="#s-%s">%s · %s</a>' % (_esc(row["session_uuid"]),
                                                          _esc(local.minute(row["started_at"])),
                                                          _esc(_session_title(row))))
            out.write("</nav>")
    for sid in session_ids:
        data = timeline.build(conn, sid)
        out.write(markdown(data) + "\n" if fmt == "md" else html_session(data))
    if fmt == "html":
        out.write("</main></body></html>\n")
    return len(session_ids)


def write_file(conn, path, fmt, session_ids):
    """Write to ``path`` atomically (temp file, then rename) with mode 0600, like every export."""
    directory = os.path.dirname(os.path.abspath(path))
    fd, tmp = tempfile.mkstemp(prefix=".%s." % os.path.basename(path), suffix=".tmp", dir=directory)
    try:
        os.fchmod(fd, 0o600)
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            count = write(conn, f, fmt, session_ids)
        os.replace(tmp, path)
    except BaseException:
        if os.path.exists(tmp):
            os.unlink(tmp)
        raise
    return count
