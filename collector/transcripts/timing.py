"""The time model of a session known only from its transcript.

Every transcript line carries its own timestamp, so an imported session has
what live capture measures: turns with a start and an end (Claude working
from the prompt to its last main-thread line), tool durations (tool_use to
tool_result, worked out in :mod:`collector.transcripts.prepare`) and user
waits. The waits are opened and closed by the session model's own methods
(:class:`collector.sessions.model.Model`), in the order the hooks would have fired
them, so the thinking/away split and the turn each wait belongs to follow
the one definition. What an import cannot know: permission waits (no
PermissionRequest in a transcript; they count as Claude working), and the
moment a session really ended (its last line stands in for SessionEnd).

Only sessions the transcript owns (``source = 'import'``) get this: for a
session the hooks recorded, the hook data wins and nothing is rebuilt.
"""

from .. import config as config_module
from ..sessions.model import Model
from ..sessions.tool_calls import CONTEXT_CHARS


def rebuild_waits(conn, session_id, config=None, ended=False):
    """Re-derive the user waits of an imported session from its turns; idempotent.

    Live capture opens a wait at session start and at each turn's end and
    closes it at the next prompt (or SessionEnd). Replayed here over the
    stored turns, so a re-read that extended a turn moves its wait too.
    """
    if config is None or not hasattr(config, "think_threshold_seconds"):
        config = config_module.Config(home="")
    turns = conn.execute(
        "select t.id, t.started_at, t.ended_at, t.end_kind,"
        " (select substr(content, 1, ?) from messages m where m.turn_id = t.id and m.kind = 'prompt'"
        "  and m.agent_id is null order by m.id limit 1),"
        " (select substr(content, 1, ?) from messages m where m.turn_id = t.id and m.kind = 'reply'"
        "  and m.agent_id is null order by m.created_at desc, m.id desc limit 1)"
        " from turns t where t.session_id = ? order by t.seq",
        (CONTEXT_CHARS, CONTEXT_CHARS, session_id)).fetchall()
    model = Model(conn, config)
    model.clear_user_waits(session_id)
    if not turns:
        return 0
    started, last = conn.execute("select started_at, last_event_at from sessions where id = ?",
                                 (session_id,)).fetchone()
    if started and started < turns[0][1]:
        model._start_user_wait(session_id, started, "session start (import)")
    for _, turn_start, turn_end, end_kind, prompt, reply in turns:
        model._end_user_wait(session_id, turn_start, prompt)
        if end_kind is not None and turn_end:
            model._start_user_wait(session_id, turn_end, "interrupted" if end_kind == "interrupted" else reply)
    if ended and last:
        model._end_user_wait(session_id, last, "session end")
    return len(turns)
