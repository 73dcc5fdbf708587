"""``cctracker install --agent codex|gemini``: the cctracker hook in Codex's and Gemini CLI's settings.

The same hook script and spool as Claude Code's (:mod:`hooks.install`), run
with ``--agent codex`` (or ``gemini``) so the drain knows whose event it is.
Same safety: idempotent (our handlers are found by the ``--cctracker`` mark
and replaced where they stand), every other setting kept, a backup before
each write, atomic replace, ``--dry-run`` prints the diff, uninstall takes
back exactly what install added.

- **Codex** (hooks engine from 0.114): ``$CODEX_HOME/hooks.json`` (default
  ``~/.codex``), Claude's shape, timeouts in seconds. Before hooks were on by
  default (about May 2026) they needed ``[features] codex_hooks = true`` in
  ``config.toml``: install adds that line (marked) unless the file already
  says something about it, and uninstall removes only that line.
- **Gemini CLI** (hooks from 0.13): ``~/.gemini/settings.json`` (or
  ``$GEMINI_CLI_HOME/.gemini``), its own event names, timeouts in
  milliseconds; ``hooksConfig.enabled`` (0.26+) and ``tools.enableHooks``
  (0.13-0.25) are set so every version runs them.
"""

import copy
import dataclasses
import difflib
import os

from . import install as base

#: Codex events the tracker uses (0.114: SessionStart, Stop; 0.116: UserPromptSubmit; then
#: the tool events). Names Codex does not know yet are not registered: its parser is strict.
CODEX_EVENTS = ("SessionStart", "UserPromptSubmit", "PreToolUse", "PostToolUse", "Stop")
GEMINI_EVENTS = ("SessionStart", "SessionEnd", "BeforeAgent", "AfterAgent", "BeforeTool", "AfterTool",
                 "PreCompress", "Notification")
#: Gemini's tool matchers are regular expressions: this one matches every tool.
GEMINI_TOOL_EVENTS = ("BeforeTool", "AfterTool")
CODEX_TIMEOUT_S = 10
GEMINI_TIMEOUT_MS = 5000
HOOK_NAME = "cctracker"

#: The line install adds to Codex's config.toml, and how uninstall recognises it.
CODEX_FEATURE = "codex_hooks = true  # added by cctracker install --agent codex\n"

AGENTS = ("codex", "gemini")


@dataclasses.dataclass
class Change(base.Change):
    agent: str = None
    extra: list = dataclasses.field(default_factory=list)  # other files changed (config.toml)


def codex_home():
    return os.path.expanduser(os.environ.get("CODEX_HOME", "").strip() or "~/.codex")


def gemini_dir():
    home = os.environ.get("GEMINI_CLI_HOME", "").strip()
    return os.path.join(os.path.expanduser(home), ".gemini") if home else os.path.expanduser("~/.gemini")


def settings_path(agent):
    if agent == "codex":
        return os.path.join(codex_home(), "hooks.json")
    if agent == "gemini":
        return os.path.join(gemini_dir(), "settings.json")
    raise base.SettingsError("unknown agent %r (use one of: %s)" % (agent, ", ".join(AGENTS)))


def command(agent):
    """The hook command: Claude Code's, with ``--agent NAME`` before the mark."""
    plain = base.hook_command()
    return plain[:-len(base.MARKER)] + "--agent %s %s" % (agent, base.MARKER)


def handler(agent):
    entry = {"type": "command", "command": command(agent)}
    if agent == "gemini":
        entry.update(name=HOOK_NAME, timeout=GEMINI_TIMEOUT_MS)
    else:
        entry["timeout"] = CODEX_TIMEOUT_S
    return entry


def _events(agent):
    return CODEX_EVENTS if agent == "codex" else GEMINI_EVENTS


# --- planning (pure) --------------------------------------------------------------------


def with_hooks(agent, settings):
    """A copy of ``settings`` with our handler on each of the agent's events, once."""
    result = copy.deepcopy(settings)
    hooks = result.setdefault("hooks", {})
    wanted = handler(agent)
    for event in _events(agent):
        groups = hooks.setdefault(event, [])
        placed = False
        for group in groups:
            entries = base._entries(group)
            kept = []
            for entry in entries:
                if base.is_ours(entry):
                    if placed:
                        continue  # a duplicate left by an older install
                    entry, placed = wanted, True
                kept.append(entry)
            entries[:] = kept
        groups[:] = [g for g in groups if not (isinstance(g, dict) and g.get("hooks") == [])]
        if not placed:
            group = {"matcher": ".*"} if agent == "gemini" and event in GEMINI_TOOL_EVENTS else {}
            group["hooks"] = [wanted]
            groups.append(group)
    if agent == "gemini":
        # Hooks run only where enabled: hooksConfig.enabled (0.26+), tools.enableHooks (0.13-0.25).
        for key, field in (("hooksConfig", "enabled"), ("tools", "enableHooks")):
            section = result.get(key)
            if section is None:
                result[key] = {field: True}
            elif isinstance(section, dict) and section.get(field) is not True:
                section[field] = True
    return result


def without_hooks(agent, settings):
    """A copy with our handlers gone; the switches install added alone go too."""
    result = base.without_hooks(settings)
    if agent == "gemini" and not result.get("hooks"):
        for key, field in (("hooksConfig", "enabled"), ("tools", "enableHooks")):
            if result.get(key) == {field: True}:
                del result[key]
    return result


def with_codex_feature(text):
    """``config.toml`` text turning hooks on for Codex versions where they were off by default.

    Left alone when it names ``codex_hooks`` or ``hooks`` under ``[features]``
    already (the user decided); otherwise our marked line goes under ``[features]``.
    """
    text = text or ""
    lines = text.splitlines(True)
    section = None
    header = None
    for i, line in enumerate(lines):
        stripped = line.strip()
        if stripped.startswith("["):
            section = stripped.split("#", 1)[0].strip()
            if section == "[features]":
                header = i
            continue
        key = stripped.split("=", 1)[0].strip()
        if section == "[features]" and key in ("codex_hooks", "hooks"):
            return text
    if header is not None:
        lines.insert(header + 1, CODEX_FEATURE)
        return "".join(lines)
    if text and not text.endswith("\n"):
        text += "\n"
    return text + ("\n" if text else "") + "[features]\n" + CODEX_FEATURE


def without_codex_feature(text):
    if not text or CODEX_FEATURE not in text:
        return text
    out = text.replace(CODEX_FEATURE, "", 1)
    # A [features] table we created holds nothing else: drop it (and the blank line before).
    for tail in ("\n\n[features]\n", "[features]\n"):
        if out.endswith(tail):
            return out[:-len(tail)] + ("\n" if tail.startswith("\n\n") else "")
    return out


# --- writing ------------------------------------------------------------------------------


def install(agent, dry_run=False):
    return _apply(agent, "install", dry_run)


def uninstall(agent, dry_run=False):
    return _apply(agent, "uninstall", dry_run)


def _apply(agent, action, dry_run):
    path = settings_path(agent)
    settings, text = base.read_settings(path)
    new = with_hooks(agent, settings) if action == "install" else without_hooks(agent, settings)
    plain = base._apply(path, action, settings, text, new, dry_run=True)
    change = Change(**dataclasses.asdict(plain), agent=agent)
    if change.changed and not dry_run:
        change.backup = base.write_settings(path, base.render(new), text)
        change.written = True
    if agent == "codex":
        _codex_config(change, action, dry_run)
    return change


def _codex_config(change, action, dry_run):
    path = os.path.join(codex_home(), "config.toml")
    try:
        with open(path, encoding="utf-8") as f:
            old = f.read()
    except FileNotFoundError:
        old = None
    except (OSError, UnicodeDecodeError) as e:
        raise base.SettingsError("%s: cannot read: %s" % (path, e)) from None
    new = with_codex_feature(old) if action == "install" else without_codex_feature(old)
    if new == (old or "") or (old is None and action == "uninstall"):
        return
    change.diff += "".join(difflib.unified_diff(
        (old or "").splitlines(True), new.splitlines(True),
        fromfile=path if old is not None else "/dev/null", tofile=path))
    change.changed = True
    extra = {"path": path, "backup": None}
    if not dry_run:
        extra["backup"] = base.write_settings(path, new, old)
        change.written = True
    change.extra.append(extra)
