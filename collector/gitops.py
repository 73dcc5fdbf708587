"""Git: which git operations a Bash call ran, and the commits a repository made.

Claude Code has no git hook of its own: a commit is a ``Bash`` call whose
command runs ``git commit`` and whose stdout starts ``[branch sha] subject``.
``classify`` reads the command with a small shell lexer (quotes, heredocs,
``$(...)``, ``&&``/``;``/pipes, env prefixes, ``git -C dir``) so that
``echo "git commit"`` or ``grep git`` are not mistaken for git.
``sync_commits`` then reads the repository's own history, which also sees
commits the user made elsewhere while the session ran.
"""

import os
import re
import subprocess
import time

#: ``git log`` over a long window of a big repository can take a while, but
#: a hung network filesystem must not stall the drain for good.
GIT_LOG_TIMEOUT_SECONDS = 30

#: Command output kept per git operation; the whole output stays in raw_events.
RESULT_MAX_CHARS = 2000

#: Wrappers may nest (``bash -c "sudo git push"``); deeper than this is not a real command.
MAX_DEPTH = 4

#: Operations whose stdout carries ``[branch sha] subject`` for the commit they made.
COMMITTING = ("commit", "cherry-pick", "revert")

#: Words that only introduce the real command (``if git diff --quiet; then``).
_RESERVED = {"if", "then", "elif", "else", "do", "while", "until", "!", "{", "}", "fi", "done"}

#: Command wrappers and their options that take a separate value.
_WRAPPERS = {
    "sudo": {"-u", "-g", "-h", "-p", "-C", "-D", "-U", "-r", "-t", "-T"},
    "doas": {"-u", "-C"},
    "env": {"-u", "-C", "-S", "--unset", "--chdir"},
    "nice": {"-n", "--adjustment"},
    "nohup": set(),
    "time": set(),
    "command": set(),
    "builtin": set(),
    "exec": {"-a"},
    "stdbuf": {"-i", "-o", "-e"},
    "timeout": {"-s", "-k", "--signal", "--kill-after"},
    "xargs": {"-n", "-I", "-L", "-P", "-d", "-s", "-E", "-a", "--max-args", "--replace",
              "--max-procs", "--delimiter", "--arg-file"},
}
_SHELLS = {"sh", "bash", "zsh", "dash", "ksh"}

#: git's own options before the subcommand that take a separate value.
_GIT_VALUE_OPTIONS = {"-C", "-c", "--git-dir", "--work-tree", "--namespace", "--config-env",
                      "--super-prefix"}

_ASSIGNMENT = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*=")
_SUBCOMMAND = re.compile(r"^[a-z][a-z0-9-]*$")
_COMMIT_LINE = re.compile(
    r"^\[(?P<branch>[^\]\n]+?)(?: \(root-commit\))? (?P<sha>[0-9a-f]{7,40})\] ?(?P<subject>.*)$",
    re.M,
)
_CLAUDE_TRAILER = re.compile(r"(?im)^co-authored-by:.*(?:\bclaude\b|noreply@anthropic\.com)")


# --- the shell lexer -----------------------------------------------------------


def _commands(text):
    """The simple commands of a shell string, as word lists (substitutions included)."""
    out = []
    _parse(text, 0, out, closing=False)
    return out


def _parse(s, i, out, closing):
    """Lex from ``i``; append simple commands to ``out``.

    Returns the index after the ``)`` that closes a ``$(`` when ``closing``,
    else the end of the string. Redirection targets and heredoc bodies are
    not words of the command.
    """
    n = len(s)
    words, heredocs = [], []
    state = {"word": None, "redirect": False}
    depth = 0

    def add(text):
        state["word"] = (state["word"] or "") + text

    def end_word():
        if state["word"] is not None:
            if state["redirect"]:
                state["redirect"] = False
            else:
                words.append(state["word"])
            state["word"] = None

    def end_command():
        end_word()
        if words:
            out.append(list(words))
            words.clear()

    while i < n:
        c = s[i]
        if c in " \t":
            end_word()
            i += 1
        elif c == "\n":
            end_command()
            i = _skip_heredocs(s, i + 1, heredocs)
            heredocs.clear()
        elif c == "#" and state["word"] is None:
            j = s.find("\n", i)
            i = n if j < 0 else j
        elif c == "\\":
            if s[i + 1:i + 2] != "\n":  # backslash-newline joins lines
                add(s[i + 1:i + 2])
            i += 2
        elif c == "'":
            j = s.find("'", i + 1)
            j = n if j < 0 else j
            add(s[i + 1:j])
            i = j + 1
        elif c == '"':
            text, i = _double(s, i + 1, out)
            add(text)
        elif c == "`":
            j = _backtick_end(s, i + 1)
            _parse(s[i + 1:j], 0, out, closing=False)
            add("`…`")
            i = j + 1
        elif c == "$" and s.startswith("$((", i):
            i = _arith_end(s, i + 3)
            add("0")
        elif c == "$" and s.startswith("$(", i):
            i = _parse(s, i + 2, out, closing=True)
            add("$(…)")
        elif c in "<>" or (c == "&" and s.startswith("&>", i)):
            if state["word"] is not None and state["word"].isdigit():
                state["word"] = None  # the fd number of 2>&1
            else:
                end_word()
            if s.startswith("<<<", i):
                i += 3
            elif s.startswith("<<", i):
                strip = s.startswith("<<-", i)
                delimiter, i = _heredoc_word(s, i + (3 if strip else 2))
                heredocs.append((delimiter, strip))
                continue
            else:
                i += 1
                while i < n and s[i] in ">&|":
                    i += 1
            state["redirect"] = True
        elif c in ";&|":
            end_command()
            i += 1
        elif c == "(" and state["word"] is None:
            end_command()
            depth += 1
            i += 1
        elif c == ")":
            end_command()
            i += 1
            if closing and depth == 0:
                return i
            depth = max(0, depth - 1)
        else:
            add(c)
            i += 1
    end_command()
    return n


def _double(s, i, out):
    """A double-quoted string from ``i`` (after the quote): (text, index after the quote)."""
    n, buf = len(s), []
    while i < n:
        c = s[i]
        if c == '"':
            return "".join(buf), i + 1
        if c == "\\" and i + 1 < n:
            nxt = s[i + 1]
            if nxt in '$`"\\\n':
                buf.append("" if nxt == "\n" else nxt)
            else:
                buf.append(c + nxt)
            i += 2
        elif s.startswith("$((", i):
            i = _arith_end(s, i + 3)
            buf.append("0")
        elif s.startswith("$(", i):
            i = _parse(s, i + 2, out, closing=True)
            buf.append("$(…)")
        elif c == "`":
            j = _backtick_end(s, i + 1)
            _parse(s[i + 1:j], 0, out, closing=False)
            buf.append("`…`")
            i = j + 1
        else:
            buf.append(c)
            i += 1
    return "".join(buf), n


def _backtick_end(s, i):
    while i < len(s):
        if s[i] == "\\":
            i += 2
            continue
        if s[i] == "`":
            return i
        i += 1
    return len(s)


def _arith_end(s, i):
    depth = 2
    while i < len(s) and depth:
        depth += {"(": 1, ")": -1}.get(s[i], 0)
        i += 1
    return i


def _heredoc_word(s, i):
    """The delimiter after ``<<`` with its quotes removed, and the index after it."""
    n = len(s)
    while i < n and s[i] in " \t":
        i += 1
    buf = []
    while i < n and s[i] not in " \t\n;&|<>()":
        c = s[i]
        if c in "'\"":
            j = s.find(c, i + 1)
            j = n if j < 0 else j
            buf.append(s[i + 1:j])
            i = j + 1
        elif c == "\\":
            buf.append(s[i + 1:i + 2])
            i += 2
        else:
            buf.append(c)
            i += 1
    return "".join(buf), i


def _skip_heredocs(s, i, heredocs):
    """Skip the bodies of the heredocs opened on the line that just ended."""
    n = len(s)
    for delimiter, strip in heredocs:
        while i < n:
            j = s.find("\n", i)
            line = s[i:n if j < 0 else j]
            i = n if j < 0 else j + 1
            if (line.lstrip("\t") if strip else line) == delimiter:
                break
    return i


# --- classification --------------------------------------------------------------


def classify(command):
    """The git operations a Bash command runs, in order, each once (``["add", "commit"]``)."""
    found = []
    for words in _commands(command or ""):
        for op in _operations(words, 0):
            if op not in found:
                found.append(op)
    return found


def _operations(words, depth):
    if depth > MAX_DEPTH:
        return []
    i, n = 0, len(words)
    while i < n:
        word = words[i]
        if word in _RESERVED or _ASSIGNMENT.match(word):
            i += 1
            continue
        name = os.path.basename(word)
        if name in _WRAPPERS:
            i = _skip_wrapper(words, i + 1, name)
            continue
        if name in _SHELLS:
            if "-c" in words[i + 1:]:
                script = words[words.index("-c", i + 1) + 1:][:1]
                return [op for w in script for cmd in _commands(w) for op in _operations(cmd, depth + 1)]
            return []
        if name == "eval":
            return [op for cmd in _commands(" ".join(words[i + 1:])) for op in _operations(cmd, depth + 1)]
        if name == "git":
            sub = _git_subcommand(words[i + 1:])
            return [sub] if sub else []
        return []
    return []


def _skip_wrapper(words, i, name):
    takes_value = _WRAPPERS[name]
    while i < len(words):
        word = words[i]
        if word == "--":
            i += 1
            break
        if word in takes_value:
            i += 2
        elif word.startswith("-") or (name == "env" and _ASSIGNMENT.match(word)):
            i += 1
        else:
            break
    if name == "timeout" and i < len(words):
        i += 1  # the duration
    return i


def _git_subcommand(args):
    i = 0
    while i < len(args):
        word = args[i]
        if word in _GIT_VALUE_OPTIONS:
            i += 2
        elif word.startswith("-"):
            i += 1
        else:
            word = word.lower()
            return word if _SUBCOMMAND.match(word) else None
    return None


def parse_commit_output(stdout):
    """``(branch, short_sha, subject)`` from git's ``[branch sha] subject`` line, or None.

    Also ``[branch (root-commit) sha]`` and ``[detached HEAD sha]``; the line
    may follow other output (``git add -v && git commit``).
    """
    if not stdout:
        return None
    match = _COMMIT_LINE.search(stdout)
    if not match:
        return None
    return match["branch"], match["sha"], match["subject"].strip()


# --- recording ----------------------------------------------------------------------


def _result_text(result):
    """Text of a tool result: Bash's ``tool_response`` (stdout, stderr) or an error string."""
    if result is None:
        return None
    if isinstance(result, dict):
        parts = [result.get("stdout"), result.get("stderr")]
        text = "\n".join(p for p in parts if isinstance(p, str) and p)
    else:
        text = str(result)
    return text[:RESULT_MAX_CHARS]


def record_operations(conn, *, session_id, turn_id, tool_call_id, command, result, at):
    """Insert one ``git_operations`` row per git operation of a Bash call.

    ``result`` is the Bash ``tool_response`` (dict with stdout/stderr), an
    error text, or None while the call runs. Re-recording the same call
    fills in what was missing and adds nothing. Returns the operations.
    """
    ops = classify(command)
    if not ops:
        return []
    text = _result_text(result)
    parsed = parse_commit_output(text)
    sha_op = next((op for op in ops if op in COMMITTING), None) if parsed else None
    with conn:
        for op in ops:
            sha = parsed[1] if op == sha_op else None
            if tool_call_id is None and conn.execute(
                "select 1 from git_operations where tool_call_id is null and session_id = ?"
                " and operation = ? and command is ? and at is ?",
                (session_id, op, command, at),
            ).fetchone():
                continue
            conn.execute(
                "insert into git_operations (session_id, turn_id, tool_call_id, operation, command,"
                " result, commit_sha, at) values (?, ?, ?, ?, ?, ?, ?, ?)"
                " on conflict (tool_call_id, operation) do update set"
                " result = coalesce(excluded.result, result),"
                " commit_sha = coalesce(excluded.commit_sha, commit_sha),"
                " turn_id = coalesce(turn_id, excluded.turn_id), at = coalesce(at, excluded.at)",
                (session_id, turn_id, tool_call_id, op, command, text, sha, at),
            )
    return ops


# --- the repository's own history ---------------------------------------------------

_FIELDS = ("sha", "parents", "author_name", "author_email", "committed", "message")
_LOG_FORMAT = "%x1e" + "%x1f".join(("%H", "%P", "%an", "%ae", "%ct", "%B")) + "%x1f"


def _iso(epoch):
    return time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(epoch)) + ".000000Z"


def _git_date(text):
    """Our ISO time (or a date) as a date git parses exactly, in UTC."""
    from datetime import datetime, timezone

    value = datetime.fromisoformat(text.strip().replace("Z", "+00:00"))
    if value.tzinfo is None:
        value = value.replace(tzinfo=timezone.utc)
    return value.astimezone(timezone.utc).strftime("%Y-%m-%d %H:%M:%S +0000")


def _git_log(repo_path, since, until):
    if not repo_path or not os.path.isdir(repo_path):
        return None
    args = ["git", "-C", repo_path, "-c", "core.quotepath=off", "-c", "log.showSignature=false",
            "log", "HEAD", "--branches", "--numstat", "--no-renames", "--no-color", "--no-ext-diff",
            "--format=" + _LOG_FORMAT]
    if since:
        args.append("--since=" + _git_date(since))
    if until:
        args.append("--until=" + _git_date(until))
    try:
        done = subprocess.run(
            args, capture_output=True, timeout=GIT_LOG_TIMEOUT_SECONDS,
            env={**os.environ, "GIT_TERMINAL_PROMPT": "0", "LC_ALL": "C", "GIT_PAGER": "cat"},
        )
    except (OSError, subprocess.SubprocessError, ValueError):
        return None
    if done.returncode != 0:
        return None  # not a repository, or one without commits yet
    return done.stdout.decode("utf-8", "replace")


def _unquote(path):
    """Undo git's C-style quoting of unusual paths (``"a\\tb"``)."""
    if not (path.startswith('"') and path.endswith('"')):
        return path
    raw = path[1:-1].encode("latin-1", "backslashreplace").decode("unicode_escape")
    return raw.encode("latin-1", "replace").decode("utf-8", "replace")


def parse_log(output):
    """Commits (dicts) from ``git log --numstat`` with ``_LOG_FORMAT``."""
    commits = []
    for chunk in output.split("\x1e")[1:]:
        parts = chunk.split("\x1f")
        if len(parts) < len(_FIELDS) + 1:
            continue
        commit = dict(zip(_FIELDS, parts))
        message = commit["message"].strip()
        files = {}
        for line in parts[len(_FIELDS)].splitlines():
            cols = line.split("\t", 2)
            if len(cols) != 3:
                continue
            added = int(cols[0]) if cols[0].isdigit() else 0  # "-" for binary files
            removed = int(cols[1]) if cols[1].isdigit() else 0
            path = _unquote(cols[2])
            old = files.get(path, (0, 0))
            files[path] = (old[0] + added, old[1] + removed)
        commit.update(
            committed_at=_iso(int(commit["committed"])),
            subject=message.split("\n", 1)[0],
            message=message,
            files=files,
            by_claude=int(bool(_CLAUDE_TRAILER.search(message))),
        )
        commits.append(commit)
    return commits


def sync_commits(conn, *, project_id, repo_path, since, until=None):
    """Store the repository's commits since ``since`` and link each to its session.

    A commit belongs to the session whose git operations made it, else to
    the project's session whose window (start to end, or last event while
    open) holds its commit time, the latest started winning. Merge commits
    carry no lines: their changes are counted in the commits they merge.
    Returns the number of commits read; 0 without a repository (no error).
    """
    output = _git_log(repo_path, since, until)
    if not output:
        return 0
    commits = parse_log(output)
    with conn:
        for c in commits:
            added = sum(a for a, _ in c["files"].values())
            removed = sum(r for _, r in c["files"].values())
            session_id = _session_for(conn, project_id, c["sha"], c["committed_at"])
            conn.execute(
                "insert into commits (project_id, session_id, sha, author_name, author_email,"
                " committed_at, subject, message, files_changed, lines_added, lines_removed, by_claude)"
                " values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
                " on conflict (project_id, sha) do update set session_id = excluded.session_id,"
                " author_name = excluded.author_name, author_email = excluded.author_email,"
                " committed_at = excluded.committed_at, subject = excluded.subject,"
                " message = excluded.message, files_changed = excluded.files_changed,"
                " lines_added = excluded.lines_added, lines_removed = excluded.lines_removed,"
                " by_claude = excluded.by_claude",
                (project_id, session_id, c["sha"], c["author_name"], c["author_email"],
                 c["committed_at"], c["subject"], c["message"], len(c["files"]), added, removed,
                 c["by_claude"]),
            )
            commit_id = conn.execute(
                "select id from commits where project_id = ? and sha = ?", (project_id, c["sha"])
            ).fetchone()[0]
            conn.execute("delete from commit_files where commit_id = ?", (commit_id,))
            conn.executemany(
                "insert into commit_files (commit_id, path, lines_added, lines_removed)"
                " values (?, ?, ?, ?)",
                [(commit_id, path, a, r) for path, (a, r) in sorted(c["files"].items())],
            )
    return len(commits)


def _session_for(conn, project_id, sha, committed_at):
    row = conn.execute(
        "select g.session_id from git_operations g join sessions s on s.id = g.session_id"
        " where s.project_id = ? and length(g.commit_sha) >= 7 and ? like g.commit_sha || '%'"
        " order by g.id desc limit 1",
        (project_id, sha),
    ).fetchone()
    if row:
        return row[0]
    row = conn.execute(
        "select id from sessions where project_id = ? and started_at <= ?"
        " and coalesce(ended_at, last_event_at) >= ? order by started_at desc, id desc limit 1",
        (project_id, committed_at, committed_at),
    ).fetchone()
    return row[0] if row else None
