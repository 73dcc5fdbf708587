"""One way to name a session, the same in every command, the API and the pages.

A reference is Claude Code's session UUID, any unique prefix of it, or ``#id``
(our internal row id, written with ``#`` so that an all-digit UUID prefix such
as ``1234`` is never mistaken for an id). :func:`short` prints the shortest
unique prefix of at least :data:`SHORT` characters, so whatever a report or a
page shows can be pasted back into any command.
"""

import re

from ..errors import InvalidInput, NotFound

#: Printed prefixes are at least this long (a UUID's first group).
SHORT = 8
#: Characters a prefix may hold: UUIDs, and the ids other tools invent (letters, digits, ._:-).
_PREFIX = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._:-]{0,127}$")
#: How many matches are listed when a prefix is ambiguous.
_LIST = 5


def _escape_like(text):
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def parse(ref):
    """("id", n) for ``#n``, else ("uuid", text); InvalidInput naming ``session`` otherwise."""
    text = str(ref if ref is not None else "").strip()
    if text.startswith("#"):
        digits = text[1:]
        if digits.isascii() and digits.isdigit() and len(digits) < 19:
            return "id", int(digits)
        raise InvalidInput("session", "#id takes digits, like #42")
    if not _PREFIX.match(text):
        raise InvalidInput("session", "give a session UUID, a prefix of one, or #id")
    return "uuid", text


def lookup(conn, ref):
    """(id, uuid) of the one session ``ref`` names.

    NotFound when nothing matches; InvalidInput (listing some) when a prefix
    matches several sessions. An exact UUID wins over a longer one it prefixes.
    """
    kind, value = parse(ref)
    if kind == "id":
        row = conn.execute("select id, session_uuid from sessions where id = ?", (value,)).fetchone()
        if row is None:
            raise NotFound("session", "#%d" % value)
        return row[0], row[1]
    row = conn.execute("select id, session_uuid from sessions where session_uuid = ?", (value,)).fetchone()
    if row is not None:
        return row[0], row[1]
    rows = conn.execute("select id, session_uuid from sessions where session_uuid like ? escape '\\'"
                        " order by session_uuid limit ?", (_escape_like(value) + "%", _LIST + 1)).fetchall()
    if not rows:
        raise NotFound("session", value)
    if len(rows) > 1:
        names = ", ".join(r[1] for r in rows[:_LIST]) + (", ..." if len(rows) > _LIST else "")
        raise InvalidInput("session", "%r matches several sessions (%s): give more characters" % (value, names))
    return rows[0][0], rows[0][1]


def short(conn, uuid):
    """The shortest prefix of ``uuid`` (at least SHORT characters) naming only it."""
    if not uuid:
        return uuid
    n = min(SHORT, len(uuid))
    while n < len(uuid):
        count = conn.execute("select count(*) from sessions where session_uuid like ? escape '\\'",
                             (_escape_like(uuid[:n]) + "%",)).fetchone()[0]
        if count <= 1:
            break
        n += 4
    return uuid[:min(n, len(uuid))]


def shorts(uuids):
    """Shortest unique prefixes for a whole list at once (no query per row): {uuid: prefix}.

    ``uuids`` must be every session's UUID for the prefixes to be unique
    database-wide; callers pass ``select session_uuid from sessions``.
    """
    ordered = sorted(u for u in uuids if u)
    out = {}
    for i, u in enumerate(ordered):
        n = min(SHORT, len(u))
        for other in (ordered[i - 1] if i else None, ordered[i + 1] if i + 1 < len(ordered) else None):
            if other is None:
                continue
            common = 0
            while common < min(len(u), len(other)) and u[common] == other[common]:
                common += 1
            n = max(n, min(common + 1, len(u)))
        out[u] = u[:n]
    return out
