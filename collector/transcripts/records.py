"""What a transcript parse yields (:class:`Batch`), and the type of every field it reads.

One check function per record type (message lines and their content blocks,
usage, ``progress`` lines, title lines). Each raises :class:`BadLine` naming
the first field of the wrong type, before the parser records anything from
the line, so a line with ``"agentId": true`` is one bad line, counted under
its reason, and the import goes on. Missing fields and ``null`` are allowed
(Claude Code adds and drops fields between versions); unknown fields are
ignored. Pure functions, no database.
"""

# Allowed exact types (a parsed JSON value is exactly one of str, int, float, bool,
# list, dict or None): ``type(v) in`` is faster than isinstance, and keeps ``True``
# out of the integer fields.
STR = frozenset((str,))
BOOL = frozenset((bool,))
DICT = frozenset((dict,))
LIST = frozenset((list,))
TEXT_OR_LIST = frozenset((str, list))
INT = frozenset((int,))


class BadLine(ValueError):
    """A line whose field has the wrong type; ``reason`` is what the skip count is keyed by."""

    def __init__(self, field):
        super().__init__(field)
        self.reason = "bad_field:" + field


def _check(obj, fields, where=""):
    get = obj.get
    for name, kinds in fields:
        value = get(name)
        if value is not None and type(value) not in kinds:
            raise BadLine(where + name)


ENVELOPE = (
    ("uuid", STR), ("parentUuid", STR), ("sessionId", STR), ("timestamp", STR), ("cwd", STR),
    ("gitBranch", STR), ("version", STR), ("agentId", STR), ("requestId", STR),
    ("isSidechain", BOOL), ("isMeta", BOOL), ("isCompactSummary", BOOL), ("message", DICT),
    ("promptId", STR),
)
MESSAGE = (("id", STR), ("model", STR), ("role", STR), ("content", TEXT_OR_LIST), ("usage", DICT))
USAGE = (
    ("input_tokens", INT), ("output_tokens", INT), ("cache_creation_input_tokens", INT),
    ("cache_read_input_tokens", INT), ("cache_creation", DICT),
)
CACHE_CREATION = (("ephemeral_5m_input_tokens", INT), ("ephemeral_1h_input_tokens", INT))
BLOCKS = {
    "text": (("text", STR),),
    "thinking": (("thinking", STR),),
    "tool_use": (("id", STR), ("name", STR)),
    "tool_result": (("tool_use_id", STR), ("is_error", BOOL), ("content", TEXT_OR_LIST)),
}
PROGRESS = (("sessionId", STR), ("parentToolUseID", STR), ("data", DICT))
PROGRESS_DATA = (("type", STR),)
#: Only an agent_progress line's data is read further (hook, bash and other progress is not).
AGENT_PROGRESS = (("agentId", STR), ("message", DICT))
TITLES = {
    "summary": (("summary", STR), ("leafUuid", STR)),
    "custom-title": (("customTitle", STR), ("sessionId", STR)),
    "ai-title": (("aiTitle", STR), ("sessionId", STR)),
}


def check_message_line(obj):
    """A ``user`` or ``assistant`` line: its envelope, message, usage and content blocks."""
    _check(obj, ENVELOPE)
    message = obj.get("message")
    if message is None:
        return
    _check(message, MESSAGE, "message.")
    usage = message.get("usage")
    if usage is not None:
        _check(usage, USAGE, "message.usage.")
        if usage.get("cache_creation") is not None:
            _check(usage["cache_creation"], CACHE_CREATION, "message.usage.cache_creation.")
    content = message.get("content")
    if isinstance(content, list):
        for block in content:
            if not isinstance(block, dict):
                raise BadLine("message.content[]")
            kind = block.get("type")
            if not isinstance(kind, str):
                raise BadLine("message.content[].type")
            fields = BLOCKS.get(kind)
            if fields:
                _check(block, fields, "message.content[%s]." % kind)


def check_progress_line(obj):
    """A ``progress`` line; a nested subagent message is checked as a message line."""
    _check(obj, PROGRESS)
    data = obj.get("data")
    if data is None:
        return
    _check(data, PROGRESS_DATA, "data.")
    if data.get("type") != "agent_progress":
        return
    _check(data, AGENT_PROGRESS, "data.")
    nested = data.get("message")
    if isinstance(nested, dict) and nested.get("type") in ("user", "assistant"):
        check_message_line(nested)


def check_title_line(obj):
    """A ``summary``, ``custom-title`` or ``ai-title`` line."""
    _check(obj, TITLES[obj["type"]])


class Batch:
    """What a run of transcript lines says, as plain records for the store.

    ``messages``: (uid, session, agent_id, role, kind, content, at, model)
    ``tool_calls``: tool_use_id -> dict(session, agent_id, name, input, started_at,
    status, ended_at, error, response) (a result whose call was read earlier
    still appears here, with ``name`` None). ``usage``: (message_id, request_id)
    -> [session, agent_id, model, input, output, cache_creation, cache_read, at,
    cache_creation_1h]. ``turns``: main-thread prompts (and commands, ``pending``
    until Claude answers one) in order, dict(session, uid, started_at, ended_at,
    end_kind); ``tail``: session -> dict(ended_at, end_kind) for the
    turn already open before these lines. ``agents``: (session, agent_id) ->
    dict(tool_use_id, started_at, ended_at, last_message).
    """

    def __init__(self):
        self.sessions = {}
        self.messages = []
        self.tool_calls = {}
        self.usage = {}
        self.turns = []
        self.tail = {}
        self.agents = {}
        self.lines = 0
        self.skipped = {}
        self.prepared = False  # transcript_prepare.prepare has redacted it

    def skip(self, reason, n=1):
        self.skipped[reason] = self.skipped.get(reason, 0) + n
