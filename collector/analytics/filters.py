"""Which slice of the data a metric covers: a project, an agent and a range of local days."""

import dataclasses
import datetime
import re

from ..errors import InvalidInput
from ..times import local
from . import agentslice

#: A date as the export and forget options take it.
_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")

#: The founding spec's default window for ``/api/analytics/productivity``.
DEFAULT_DAYS = 30
#: Ten years: anything longer is a typo, and SQLite dates stop at 9999 anyway.
MAX_DAYS = 3660


@dataclasses.dataclass(frozen=True)
class Filters:
    project_id: int = None
    start_date: str = None   # inclusive, YYYY-MM-DD (a local day)
    end_date: str = None     # inclusive
    agent: str = None        # claude-code, codex, gemini, ...: sessions.agent

    def where(self, day="day", project="project_id", at=None, session="session_id"):
        """A SQL condition (starting with ``1``) and its parameters for a view's columns.

        ``at`` names the view's stored time column: the local days are then
        also given as its UTC bounds, which its index can serve (a ``day``
        computed per row cannot).
        """
        sql, params = ["1"], []
        if self.project_id is not None:
            sql.append("%s = ?" % project)
            params.append(self.project_id)
        if self.agent is not None and session:
            # A view without a session column is read through agentslice.source instead.
            sql.append("%s in (select id from sessions where agent = ?)" % session)
            params.append(self.agent)
        if self.start_date:
            sql.append("%s >= ?" % day)
            params.append(self.start_date)
            if at:
                sql.append("%s >= ?" % at)
                params.append(local.day_start(self.start_date))
        if self.end_date:
            sql.append("%s <= ?" % day)
            params.append(self.end_date)
            if at and local.day_end(self.end_date):
                sql.append("%s < ?" % at)
                params.append(local.day_end(self.end_date))
        return " and ".join(sql), params

    def as_dict(self):
        return dataclasses.asdict(self)

    def source(self, conn, view):
        """The view to read, or for an agent filter its rows of that agent (no session column)."""
        return agentslice.source(conn, view, self.agent)


def _int(field, value, low=None, high=None):
    if value is None:
        return None
    if value == "":
        raise InvalidInput(field, "must not be empty")
    try:
        number = int(value)
    except (TypeError, ValueError):
        raise InvalidInput(field, "must be an integer") from None
    if (low is not None and number < low) or (high is not None and number > high):
        raise InvalidInput(field, "must be between %s and %s" % (low, high))
    return number


def _date(field, value):
    if value is None:
        return None
    if value == "":
        raise InvalidInput(field, "must not be empty")
    try:
        return datetime.date.fromisoformat(str(value)).isoformat()
    except ValueError:
        raise InvalidInput(field, "must be a date like 2026-03-02") from None


def parse_agent(value):
    """An agent name from a request or the command line (InvalidInput naming ``agent``)."""
    if value is None:
        return None
    # As the API spec's pattern says: exactly lower-case words, nothing trimmed or folded.
    value = str(value)
    if not agentslice.AGENT.fullmatch(value) or len(value) > 40:
        raise InvalidInput("agent", "must be an agent name such as claude-code, codex or gemini")
    return value


def parse(project_id=None, start_date=None, end_date=None, days=None, default_days=None, today=None,
          agent=None):
    """Build Filters from request/CLI values, raising InvalidInput naming the bad field.

    ``days=N`` means the last N days up to and including today (local). An
    explicit ``start_date`` wins over ``days``.
    """
    project = _int("project_id", project_id, 1, 2**63 - 1)
    start = _date("start_date", start_date)
    end = _date("end_date", end_date)
    n = _int("days", days, 1, MAX_DAYS)
    if start:
        n = None
    if n is None and start is None and default_days:
        n = default_days
    if n is not None:
        last = datetime.date.fromisoformat(end) if end else (today or local.today())
        try:
            start = (last - datetime.timedelta(days=n - 1)).isoformat()
        except OverflowError:
            raise InvalidInput("days", "reaches before year 1") from None
    # An end before the start is an empty range (as in search), not an error:
    # every figure is then zero or empty.
    return Filters(project, start, end, parse_agent(agent))


# The command-line and export forms of the same filters (one owner: this module).

def parse_date(text, field):
    """A ``YYYY-MM-DD`` date, or InvalidInput naming the field."""
    if text is None:
        return None
    if not _DATE.match(text):
        raise InvalidInput(field, "expected a date as YYYY-MM-DD, got %r" % text)
    try:
        return datetime.date.fromisoformat(text)
    except ValueError:
        raise InvalidInput(field, "%r is not a real date" % text) from None


def resolve_projects(conn, project):
    """Project ids for a name or an id; InvalidInput when none matches."""
    if project is None:
        return None
    text = str(project).strip()
    ids = [r[0] for r in conn.execute("select id from projects where name = ? or path = ?", (text, text))]
    if not ids and text.isdigit():
        ids = [r[0] for r in conn.execute("select id from projects where id = ?", (int(text),))]
    if not ids:
        raise InvalidInput("project", "no project named %r" % text)
    return ids


def parse_day(field, value):
    """YYYYMMDD (ccusage's form) or YYYY-MM-DD to YYYY-MM-DD; InvalidInput naming the option."""
    if value is None:
        return None
    text = value.strip()
    if re.fullmatch(r"\d{8}", text):
        text = "%s-%s-%s" % (text[:4], text[4:6], text[6:])
    try:
        return datetime.date.fromisoformat(text).isoformat()
    except ValueError:
        raise InvalidInput(field, "must be a day like 20260302 or 2026-03-02") from None


def resolve_project(conn, project):
    """A project id from an id or a name/path given on the command line."""
    if project is None:
        return None
    if project.isdigit():
        return int(project)
    found = conn.execute("select id from projects where name = ? or path = ?", (project, project)).fetchall()
    if len(found) != 1:
        raise InvalidInput("project", "no single project named %r" % project)
    return found[0][0]
