"""What a search result shows: the document, a highlighted snippet, its turn and neighbours."""

import html
import re

from . import query as query_mod

#: Characters of text around the first match shown in a snippet.
SNIPPET_CHARS = 240
#: Each neighbouring message in ``context`` and the prompt/response are cut here.
CONTEXT_CHARS = 400
#: Neighbouring turns shown on each side of the result's turn.
CONTEXT_TURNS = 1


_DOC_SQL = """
    select d.id, d.kind, d.ref_table, d.ref_id, d.session_id, d.project_id, d.turn_id, d.at,
           d.model, d.text, p.name, s.session_uuid, t.seq, s.agent, s.title
    from search_docs d
    left join projects p on p.id = d.project_id
    left join sessions s on s.id = d.session_id
    left join turns t on t.id = d.turn_id
    where d.id = ?
"""


def highlight_pattern(q):
    """One regex matching what the query's terms would match in text (roughly: stems, substrings)."""
    parts = []
    for term in q.terms:
        if term in q.code_terms or term in q.spaceless:
            parts.append(re.escape(term))
        for word in re.findall(r"\w+", term):
            if word.lower() in query_mod.STOPWORDS:
                continue
            parts.append(r"\b%s\w*" % re.escape(query_mod.stem(word)))
    parts.sort(key=len, reverse=True)
    return re.compile("|".join(parts), re.IGNORECASE) if parts else None


def snippet(text, pattern, width=SNIPPET_CHARS):
    """A window of ``text`` around the first match, HTML-escaped, matches in ``<mark>``."""
    text = " ".join(text.split())
    matches = list(pattern.finditer(text)) if pattern else []
    matches = [m for m in matches if m.end() > m.start()]
    start = 0
    if matches and len(text) > width:
        start = max(0, min(matches[0].start() - width // 4, len(text) - width))
    end = min(len(text), start + width)
    out, pos = [], start
    for m in matches:
        if m.start() < pos or m.end() > end:
            continue
        out.append(html.escape(text[pos: m.start()]))
        out.append("<mark>%s</mark>" % html.escape(m.group()))
        pos = m.end()
    out.append(html.escape(text[pos:end]))
    return ("…" if start else "") + "".join(out) + ("…" if end < len(text) else "")


def plain(marked):
    """A snippet as plain text (for terminals): marks become ``[…]``."""
    return html.unescape(marked.replace("<mark>", "[").replace("</mark>", "]"))


def _cut(text, size=CONTEXT_CHARS):
    if text is None:
        return None
    text = " ".join(text.split())
    return text if len(text) <= size else text[: size - 1] + "…"


def _turn_pair(conn, turn_id):
    """(prompt, last reply) of a turn, main thread only (subagents excluded)."""
    prompt = reply = None
    for kind, content in conn.execute(
            "select kind, content from messages where turn_id = ? and agent_id is null"
            " and kind in ('prompt', 'reply') order by coalesce(created_at, ''), id", (turn_id,)):
        if kind == "prompt" and prompt is None:
            prompt = content
        elif kind == "reply":
            reply = content
    return prompt, reply


def _context(conn, session_id, seq, at):
    """Neighbouring turns (by seq) or, with no turn, neighbouring messages (by time)."""
    lines = []
    if seq is not None:
        for turn_id, turn_seq in conn.execute(
                "select id, seq from turns where session_id = ? and seq between ? and ? and seq != ?"
                " order by seq", (session_id, seq - CONTEXT_TURNS, seq + CONTEXT_TURNS, seq)):
            prompt, reply = _turn_pair(conn, turn_id)
            if prompt:
                lines.append("user: " + _cut(prompt))
            if reply:
                lines.append("claude: " + _cut(reply))
        return lines
    if session_id is None or at is None:
        return lines
    before = list(conn.execute(
        "select role, content from messages where session_id = ? and kind in ('prompt', 'reply')"
        " and created_at < ? order by created_at desc limit 2", (session_id, at)))
    after = list(conn.execute(
        "select role, content from messages where session_id = ? and kind in ('prompt', 'reply')"
        " and created_at > ? order by created_at limit 2", (session_id, at)))
    for role, content in list(reversed(before)) + after:
        lines.append("%s: %s" % ("user" if role == "user" else "claude", _cut(content)))
    return lines


def build(conn, doc_id, score, ranks, pattern, with_context=True):
    """The result dict for one document (None if it vanished since retrieval)."""
    row = next(iter(conn.execute(_DOC_SQL, (doc_id,))), None)
    if row is None:
        return None
    (doc_id, kind, ref_table, ref_id, session_id, project_id, turn_id, at, model, text,
     project_name, session_uuid, seq, agent, session_title) = row
    prompt = reply = None
    if turn_id is not None:
        prompt, reply = _turn_pair(conn, turn_id)
    if kind == "prompt":
        prompt = text
    elif kind == "reply" and reply is None:
        reply = text
    return {
        "id": doc_id,
        "kind": kind,
        "thinking": kind == "thinking",
        "ref_table": ref_table,
        "ref_id": ref_id,
        "project_id": project_id,
        "project_name": project_name,
        "session_id": session_id,
        "session_uuid": session_uuid,
        "session_title": session_title,
        "agent": agent,
        "turn_id": turn_id,
        "turn_seq": seq,
        "timestamp": at,
        "model": model,
        "snippet": snippet(text, pattern),
        "relevance_score": round(score, 6),
        "matched_by": ranks,
        "user_prompt": _cut(prompt),
        "claude_response": _cut(reply),
        "context": _context(conn, session_id, seq, at) if with_context else [],
        "_text": text[:200],  # for search() to judge trivial tool calls; removed before returning
    }
