"""Turning what the user typed into safe search terms and checked filters.

User text never reaches FTS5 as syntax: it is split into chunks on
whitespace and each chunk becomes one quoted FTS5 string (a phrase of the
tokenizer's tokens), so ``AND``, ``NEAR(``, ``"``, ``*`` and unbalanced
parentheses are just text.
"""

import dataclasses
import datetime
import re

from ..errors import InvalidInput
from ..times import local, utc as timeutil

#: Longer queries are cut: nobody types more, and each term costs an FTS lookup.
MAX_QUERY_CHARS = 1000
#: At most this many distinct chunks are looked up (the rest add little).
MAX_TERMS = 24
#: Longer chunks are cut: a 1000-character "word" is a paste, not an identifier,
#: and every character of it would be a trigram lookup.
MAX_CHUNK_CHARS = 100
#: The largest page of results a caller may ask for.
MAX_LIMIT = 100
#: Results shown unless asked for more: a screenful, not a scroll.
DEFAULT_LIMIT = 10

KINDS = ("prompt", "reply", "thinking", "tool", "commit")

# A chunk starts and ends with a word character; code joiners may sit inside
# (a.b, a_b, src/db.py, foo::bar, x-y), anything else separates: "NEAR(lock" is two.
_CHUNK = re.compile(r"\w(?:[\w./:\\@#$-]*\w)?")
# Code-looking chunks: snake_case, dotted.names, paths, CamelCase, digits mixed in.
_CODE = re.compile(r"[_./:\\#@$<>=-]|[a-z][A-Z]|[A-Za-z]\d|\d[A-Za-z]")
_RELATIVE = re.compile(r"^(\d+)\s*([hdwmy])$")
_UNITS = {"h": 1 / 24, "d": 1, "w": 7, "m": 30, "y": 365}


@dataclasses.dataclass
class Query:
    text: str            # the (cut) query as typed, stripped
    terms: list          # distinct chunks that contain a word character
    code_terms: list     # chunks that look like code identifiers or paths
    spaceless: list      # chunks in scripts written without spaces (CJK, Thai)


def fts_string(chunk):
    """One chunk as an FTS5 string literal: quotes doubled, so always a plain phrase."""
    return '"%s"' % chunk.replace('"', '""')


def _is_spaceless(chunk):
    # CJK, kana, hangul, Thai, Lao, Khmer: unicode61 makes one token of a
    # whole run, so only substring (trigram / LIKE) search can find words in it.
    return any(
        "\u0e00" <= ch <= "\u0eff" or "\u1780" <= ch <= "\u17ff" or "\u3040" <= ch <= "\u30ff"
        or "\u3400" <= ch <= "\u9fff" or "\uac00" <= ch <= "\ud7af" or "\uf900" <= ch <= "\ufaff"
        for ch in chunk
    )


def parse(text):
    """Check and split a query; a blank one is an error the caller shows as 400."""
    if text is None or not str(text).strip():
        raise InvalidInput("query", "must not be empty")
    text = str(text).strip()[:MAX_QUERY_CHARS]
    terms, seen = [], set()
    for chunk in _CHUNK.findall(text):
        chunk = chunk[:MAX_CHUNK_CHARS]
        if chunk.lower() in seen:
            continue
        seen.add(chunk.lower())
        terms.append(chunk)
        if len(terms) >= MAX_TERMS:
            break
    return Query(
        text=text,
        terms=terms,
        code_terms=[t for t in terms if _CODE.search(t)],
        spaceless=[t for t in terms if _is_spaceless(t)],
    )


#: Words never highlighted (they match everywhere and say nothing); still searched.
STOPWORDS = frozenset("""
a about after all also am an and any are as at be been but by can could did do does doing for
from had has have how i if in into is it its just me my no not of on or our so some than that
the their them then there these they this those to too up us was we were what when where which
who why will with would you your
""".split())
#: Tool calls that only look around (listing, reading, status): they match many queries and
#: answer none, so they come after every other result unless tool calls are asked for.
TRIVIAL_TOOL = re.compile(
    r"^(?:(?:Read|Glob|Grep|LS|TodoWrite|TodoRead|NotebookRead): "
    r"|Bash: (?:ls|ll|pwd|cd|cat|echo|head|tail|wc|which|whoami|clear|tree|true|date|env|git (?:status|diff|log|branch|show))\b)")


_SUFFIXES = ("ations", "ation", "ings", "ing", "ies", "ied", "ed", "es", "ly", "s")


def stem(word):
    """A crude stem (close enough to porter for highlighting and coverage)."""
    word = word.lower()
    for suffix in _SUFFIXES:
        if word.endswith(suffix) and len(word) - len(suffix) >= 3:
            return word[: -len(suffix)]
    return word


def term_pattern(term):
    """A regex finding a term in text: the literal chunk, or each of its words by stem."""
    words = re.findall(r"\w+", term)
    parts = [re.escape(term)]
    if words:
        parts.append(r"\W+".join(r"\b%s\w*" % re.escape(stem(w)) for w in words))
    return re.compile("|".join(parts), re.IGNORECASE)


@dataclasses.dataclass
class Filters:
    project_ids: list = None     # None: every project
    session_id: int = None
    since: str = None            # ISO text, compared with search_docs.at
    until: str = None
    kinds: tuple = None
    model: str = None
    agent: str = None            # sessions.agent (claude-code, codex, gemini)
    agent_session_ids: list = None  # its sessions, for the vector index (which has no agent)

    def active(self):
        return any(v is not None for v in dataclasses.astuple(self))


def parse_time(field, value, now=None, end=False):
    """``2026-03-02`` (a local day), an ISO timestamp (naive: UTC), or ``7d`` / ``3w`` / ``12h`` ago, as stored UTC text."""
    if value is None or value == "":
        return None
    value = str(value).strip()
    now = now or datetime.datetime.now(datetime.timezone.utc)
    match = _RELATIVE.match(value.lower())
    if match:
        moment = now - datetime.timedelta(days=int(match.group(1)) * _UNITS[match.group(2)])
    else:
        # ISO text has only digits, separators, T and Z: upper() is safe, and
        # a leap second (:60) is read as the second before it.
        iso = value.upper().replace("Z", "+00:00").replace(":60", ":59")
        try:
            moment = datetime.datetime.fromisoformat(iso)
        except ValueError:
            raise InvalidInput(field, "expected a date (2026-03-02), a time or an age like 7d") from None
        if len(value) == 10:
            # A bare date is a local calendar day; as the end of a range, all of it.
            if not end:
                return local.day_start(moment.date())
            following = local.day_end(moment.date())
            if following is None:
                return "9999-12-31T23:59:59.999999Z"
            moment = datetime.datetime.fromisoformat(following.replace("Z", "+00:00"))
            moment -= datetime.timedelta(microseconds=1)
    utc = timeutil.to_utc(moment)
    if utc is None:  # 9999-12-31T23:59:59-23:59 is past the calendar's end
        raise InvalidInput(field, "time is out of range")
    return timeutil.format(utc)


def parse_kinds(value):
    """``reply``, ``prompt,reply`` or a list of names from KINDS."""
    if value is None or value == "" or value == ():
        return None
    items = value.split(",") if isinstance(value, str) else list(value)
    kinds = []
    for item in items:
        if item not in KINDS:
            raise InvalidInput("kind", "must be one of %s (comma separated)" % ", ".join(KINDS))
        kinds.append(item)
    return tuple(dict.fromkeys(kinds))


def parse_limit(value):
    if value is None or value == "":
        return DEFAULT_LIMIT
    try:
        limit = int(value)
    except (TypeError, ValueError):
        raise InvalidInput("limit", "must be a whole number") from None
    if not 1 <= limit <= MAX_LIMIT:
        raise InvalidInput("limit", "must be between 1 and %d" % MAX_LIMIT)
    return limit


def parse_int(field, value):
    if value is None or value == "":
        return None
    try:
        return int(value)
    except (TypeError, ValueError):
        raise InvalidInput(field, "must be a whole number") from None


def make_filters(conn, project=None, project_id=None, session=None, session_id=None,
                 since=None, until=None, kind=None, model=None, strict=True, agent=None):
    """Check every filter and resolve names (project name, session UUID) to ids.

    An unknown project name or session UUID is an error when ``strict``,
    else a filter that matches nothing (the API answers an empty list).
    """
    filters = Filters()
    ids = []
    if project_id is not None and project_id != "":
        ids.append(parse_int("project_id", project_id))
    if project is not None and project != "":
        if isinstance(project, int) or str(project).isdigit():
            ids.append(int(project))
        else:
            found = [r[0] for r in conn.execute(
                "select id from projects where name = ? or path = ?", (project, project))]
            if not found and strict:
                raise InvalidInput("project", "no project named %r" % project)
            found = found or [-1]
            ids.extend(found)
    filters.project_ids = ids or None
    if session_id is not None and session_id != "":
        filters.session_id = parse_int("session_id", session_id)
    if session is not None and session != "":
        if isinstance(session, int):
            filters.session_id = session
        else:
            # The one session reference (UUID, unique prefix or #id): collector.sessions.ref.
            from ..sessions import ref
            from ..errors import NotFound

            try:
                filters.session_id = ref.lookup(conn, session)[0]
            except (NotFound, InvalidInput) as e:
                if strict:
                    raise InvalidInput("session", str(e).replace("session: ", "")) from None
                filters.session_id = -1
    filters.since = parse_time("since", since)
    filters.until = parse_time("until", until, end=True)
    filters.kinds = parse_kinds(kind)
    filters.model = (str(model).strip() or None) if model is not None else None
    if agent is not None and agent != "":
        from ..analytics.filters import parse_agent

        filters.agent = parse_agent(agent)
        filters.agent_session_ids = [r[0] for r in conn.execute(
            "select id from sessions where agent = ?", (filters.agent,))] or [-1]
    return filters


def _like_prefix(text):
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
