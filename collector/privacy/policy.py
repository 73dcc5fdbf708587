"""Privacy levels and project exclusion: what of an event may be stored.

``full`` (the default) keeps content with secrets redacted; ``metadata``
keeps only what describes an event (ids, names, times, counts, file paths)
and drops prompts, replies, commands, tool input and output text. Projects
matching an ``exclude_projects`` glob are not recorded at all.

The drain and the transcript reader ask this class, never the config, so
the rules live in one place.
"""

import fnmatch
import os

from . import redact

FULL = "full"
METADATA = "metadata"

#: String fields kept in ``metadata`` mode: they say what happened, where
#: and when, never what was said or run. File paths count as metadata (the
#: tracker's file statistics need them); commands and contents do not.
METADATA_KEYS = frozenset(
    """
    session_id sessionId transcript_path agent_transcript_path cwd old_cwd new_cwd
    hook_event_name permission_mode permissionMode prompt_id promptId level
    agent_id agentId agent_type subagent_type tool_name tool_use_id toolUseID
    source model resolvedModel reason trigger notification_type status type mode
    output_mode file_path filePath notebook_path path filenames directory
    worktree_path task_id timestamp uuid parentUuid requestId id role version
    gitBranch entrypoint userType stop_reason retrieval_status
    """.split()
)

#: Error fields are kept in metadata mode only when they are a code like
#: ``rate_limit``; tool errors carry command output.
ERROR_KEYS = frozenset(("error", "end_reason"))


def _code(value):
    return len(value) <= 40 and value.replace("_", "").isalpha() and value.islower()


def remote(url):
    """A git remote as stored: the credentials a URL may carry (``https://oauth2:glpat-...@host``,
    ``https://user:pass@host``) removed, then the usual redaction. ``git@host:path`` keeps
    its user: it names no secret."""
    if not isinstance(url, str) or not url:
        return None
    scheme, sep, rest = url.partition("://")
    if sep:
        authority, slash, path = rest.partition("/")
        if "@" in authority:
            authority = authority.rsplit("@", 1)[1]
        url = scheme + sep + authority + slash + path
    return redact.redact_text(url)


def metadata_only(value, key=None):
    """Keep numbers, booleans and metadata strings; content strings become None."""
    if isinstance(value, dict):
        return {k: metadata_only(v, k) for k, v in value.items()}
    if isinstance(value, list):
        return [metadata_only(v, key) for v in value]
    if isinstance(value, str):
        if key in METADATA_KEYS or (key in ERROR_KEYS and _code(value)):
            return redact.redact_text(value)
        return None
    return value


class Privacy:
    """The privacy decisions for one configuration."""

    def __init__(self, config):
        self.mode = getattr(config, "privacy", FULL) or FULL
        #: Whether transcript lines are also archived (collector.transcripts.archive; ``archive_transcripts``).
        self.archive = bool(getattr(config, "archive_transcripts", True))
        if self.mode not in (FULL, METADATA):
            raise ValueError("privacy must be 'full' or 'metadata', not %r" % (self.mode,))
        self.globs = tuple(
            os.path.normpath(os.path.expanduser(g))
            for g in getattr(config, "exclude_projects", ()) or ()
            if g.strip()
        )

    @property
    def keeps_content(self):
        return self.mode == FULL

    def excluded(self, *paths):
        """True when a path (the project path or the cwd) or a parent of it matches a glob.

        Matching parents too means ``~/clients/acme`` also excludes sessions
        started in ``~/clients/acme/api``.
        """
        if not self.globs:
            return False
        for path in paths:
            if not isinstance(path, str) or not path:
                continue
            current = os.path.normpath(os.path.expanduser(path))
            while True:
                if any(fnmatch.fnmatchcase(current, g) for g in self.globs):
                    return True
                parent = os.path.dirname(current)
                if parent == current:
                    break
                current = parent
        return False

    def payload(self, payload):
        """The payload as stored: redacted (full) or reduced to metadata."""
        if self.mode == FULL:
            return redact.redact_value(payload)
        return metadata_only(payload)

    def title(self, text):
        """A session title as stored: redacted; None in metadata mode (it sums up what was said)."""
        if not isinstance(text, str) or not text:
            return None
        return redact.redact_text(text) if self.mode == FULL else None

    def error_text(self, text):
        """An error message as stored: redacted; in metadata mode only a short code stays."""
        if not isinstance(text, str):
            return None
        if self.mode == FULL or _code(text):
            return redact.redact_text(text)
        return None

    def commit(self, subject, message, author_name, author_email):
        """A commit's subject, message and author as stored: redacted, or all None in
        metadata mode (they are what was written, and who)."""
        if self.mode != FULL:
            return None, None, None, None
        return tuple(redact.redact_text(v) if isinstance(v, str) else None
                     for v in (subject, message, author_name, author_email))

    def kept_error(self, raw):
        """Bytes of an input kept under ``errors/``, with its secrets redacted.

        JSON is decoded first, so a secret escaped inside a string (``\\n``
        between ``.env`` lines, ``\\"`` around a password) is seen as the
        text it is; what is not JSON is redacted as text after undoing the
        common escapes.
        """
        from cctracker_client import spool_read

        if isinstance(raw, str):
            raw = raw.encode("utf-8", "surrogatepass")
        try:
            value = spool_read.loads(raw)
        except ValueError:
            value = None
        if isinstance(value, dict):
            import orjson

            if isinstance(value.get("p"), dict) and "v" in value:  # a spool line: its payload
                value = dict(value, p=self.payload(value["p"]))
            else:
                value = self.payload(value)
            try:
                return orjson.dumps(value)
            except (TypeError, orjson.JSONEncodeError):
                pass
        text = raw.decode("utf-8", "replace")
        for escaped, plain in (("\\n", "\n"), ("\\t", "\t"), ('\\"', '"'), ("\\\\", "\\")):
            text = text.replace(escaped, plain)
        if self.mode != FULL:
            return ("[%d bytes of content dropped: privacy = metadata]" % len(raw)).encode()
        return redact.redact_text(text).encode("utf-8", "replace")

    def text(self, text):
        """Message or command text as stored: redacted (full) or None (metadata)."""
        if text is None or self.mode != FULL:
            return None
        if not isinstance(text, str):
            text = str(text)
        return redact.redact_text(text)
