"""msgspec Structs mirroring the founding spec's schemas: they validate requests
and, through ``openapi.components``, are the served document's schemas.

Differences from the seed spec, all on purpose:
- ``Activity.tool_name`` is any tool name (the spec's enum only listed examples).
- ``SessionStart`` also takes ``session_uuid`` (Claude's id, generated when
  absent) and ``timestamp``; ``session_type`` adds ``compact`` and ``fork``.
- ``SessionEnd.end_reason`` adds Claude Code's own reasons.
- Ids are positive int64; counts and durations are non-negative.
- Response fields that can be unknown are ``nullable``.
"""

import datetime
from typing import Annotated, Any, Literal

import msgspec
from msgspec import Meta, Struct

from .validate import MAX_ID

Id = Annotated[int, Meta(ge=1, le=MAX_ID, description="cctracker's integer id")]
Count = Annotated[int, Meta(ge=0, le=MAX_ID)]
Timestamp = Annotated[datetime.datetime, Meta(extra_json_schema={"format": "date-time"})]
Time = Annotated[str, Meta(extra_json_schema={"format": "date-time"})]
#: Claude Code's session ids are UUIDs; anything id-like is accepted.
Uuid = Annotated[str, Meta(pattern=r"^[A-Za-z0-9][A-Za-z0-9._:-]{0,127}$")]
#: An absolute directory (POSIX or Windows); a relative one would be resolved
#: against the server's own working directory, which means nothing.
AbsPath = Annotated[str, Meta(pattern=r"^(/|[A-Za-z]:[\\/])[^\x00]*$", max_length=4096)]
#: A week: longer waits are not waiting any more, and bigger numbers overflow dates.
Seconds = Annotated[float, Meta(ge=0, le=7 * 86400)]
Object = dict[str, Any]

SESSION_TYPES = ("startup", "resume", "clear", "compact", "fork")
END_REASONS = (
    "normal", "interrupted", "timeout", "clear", "resume", "logout", "prompt_input_exit", "other",
)
GIT_OPERATIONS = (
    "commit", "push", "pull", "branch", "merge", "rebase", "status", "checkout", "switch",
    "fetch", "clone", "tag", "stash", "reset", "revert", "cherry-pick", "diff", "log", "other",
)


# --- requests ------------------------------------------------------------------------


class SessionStart(Struct):
    session_type: Literal[SESSION_TYPES]
    working_directory: AbsPath
    git_branch: str | None = None
    git_repo: str | None = None
    environment: Object | None = None
    session_uuid: Uuid | None = None
    timestamp: Timestamp | None = None


class SessionEnd(Struct):
    session_id: Id
    end_reason: Literal[END_REASONS] = "normal"
    timestamp: Timestamp | None = None


class ConversationEntry(Struct):
    session_id: Id
    timestamp: Timestamp
    user_prompt: str | None = None
    claude_response: str | None = None
    tools_used: list[str] | None = None
    files_affected: list[str] | None = None
    context: Object | None = None


class Activity(Struct):
    session_id: Id
    tool_name: Annotated[str, Meta(min_length=1, max_length=256,
                                   description="Any tool name: Edit, Write, Read, Bash, Grep, Glob, "
                                               "Agent, WebFetch, mcp__server__tool, ...")]
    timestamp: Timestamp
    action: str | None = None
    file_path: str | None = None
    metadata: Object | None = None
    success: bool | None = None
    error_message: str | None = None


class WaitingStart(Struct):
    session_id: Id
    timestamp: Timestamp
    context_before: str | None = None


class WaitingEnd(Struct):
    session_id: Id
    timestamp: Timestamp
    duration_seconds: Seconds | None = None
    context_after: str | None = None


class GitOperation(Struct):
    session_id: Id
    operation: Literal[GIT_OPERATIONS]
    timestamp: Timestamp
    command: str | None = None
    result: str | None = None
    files_changed: list[str] | None = None
    lines_added: Count | None = None
    lines_removed: Count | None = None


# --- responses (schemas only: the resources answer with plain dicts) ---------------


class SessionResponse(Struct):
    session_id: int | None
    project_id: int | None
    status: str
    session_uuid: str | None = None


class ConversationLogged(Struct):
    session_id: int
    turn_id: int | None
    message_ids: list[int]


class ActivityRecorded(Struct):
    id: int
    session_id: int
    turn_id: int | None
    file_operation_id: int | None


class WaitRecorded(Struct):
    id: int
    session_id: int
    started_at: Time
    ended_at: Time | None
    duration_seconds: float | None
    thinking_seconds: float | None
    away_seconds: float | None


class GitRecorded(Struct):
    id: int
    session_id: int
    commit_sha: str | None
    commit_id: int | None


class ProjectSummary(Struct):
    id: int
    name: str
    path: str
    git_repo: str | None
    languages: list[str]
    total_sessions: int
    total_time_minutes: int
    last_activity: Time | None
    files_modified: int
    lines_changed: int


class TimelineItem(Struct):
    timestamp: Time
    type: Literal["session_start", "session_end", "conversation", "activity", "git_operation"]
    data: Object


class ProjectTimeline(Struct):
    project: ProjectSummary
    timeline: list[TimelineItem]


SCHEMA_TYPES = (
    SessionStart, SessionEnd, SessionResponse, ConversationEntry, ConversationLogged, Activity,
    ActivityRecorded, WaitingStart, WaitingEnd, WaitRecorded, GitOperation, GitRecorded,
    ProjectSummary, ProjectTimeline,
)

__all__ = [t.__name__ for t in SCHEMA_TYPES] + ["Id", "Count", "Timestamp", "Time", "msgspec"]
