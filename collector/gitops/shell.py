"""A small shell lexer: the git operations a Bash command runs.

Reads quotes, heredocs, ``$(...)`` and backticks, ``&&``/``||``/``;``/pipes,
subshells, redirections, env prefixes and wrappers (``sudo``, ``env``,
``bash -c``) the way a shell would, so that ``echo "git commit"`` or
``grep git`` are not mistaken for git. A pure parser: no I/O.
"""

import os
import re

#: Wrappers may nest (``bash -c "sudo git push"``); deeper than this is not a real command.
MAX_DEPTH = 4

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
    try:
        commands = _commands(command or "")
    except RecursionError:  # thousands of nested $( ... ): not a command anyone ran
        return []
    for words in commands:
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
