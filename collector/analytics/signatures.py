"""Recurring errors and technologies: patterns read from tool calls and file paths.

An error's *signature* is its tool and its failing command (Bash) or first
error line (other tools) with paths, numbers, hex and quoted text replaced
by placeholders, so the same failure in another file or run matches.
Technologies come from file extensions and manifests that were touched.
"""

import collections
import os
import re

from ..storage import db
from .timemodel import week_of

#: A signature seen in at least this many sessions is recurring.
MIN_SESSIONS = 2
#: It has stopped recurring when this many later sessions of its projects passed without it.
STOPPED_AFTER_SESSIONS = 5
#: Signatures are cut here: long enough to tell commands apart, short enough to group.
SIGNATURE_CHARS = 120

_SUBS = [
    (re.compile(r"(['\"`]).*?\1"), "<str>"),
    (re.compile(r"(?:[a-z]:)?[\w.~-]*(?:[/\\][\w.@~+-]+)+/?", re.I), "<path>"),
    (re.compile(r"\b[\w-]+\.(?:py|js|ts|tsx|jsx|go|rs|rb|java|json|toml|ya?ml|md|txt|sh|c|h|cpp|tf)\b", re.I),
     "<file>"),
    (re.compile(r"\b(?:0x)?[0-9a-f]{7,}\b", re.I), "<hex>"),
    (re.compile(r"\d+(?:\.\d+)*"), "<n>"),
    (re.compile(r"\s+"), " "),
]


def normalise(text):
    """The stable part of a command or error message."""
    text = (text or "").strip().splitlines()[0] if (text or "").strip() else ""
    for pattern, replacement in _SUBS:
        text = pattern.sub(replacement, text)
    return text.strip().lower()[:SIGNATURE_CHARS]


def signature(tool_name, summary, error):
    if tool_name == "Bash" and summary:
        return "Bash: " + normalise(summary)
    return "%s: %s" % (tool_name, normalise(error) or normalise(summary) or "(no message)")


def recurring_errors(conn, filters):
    """Failure signatures seen in two or more sessions, and whether they stopped."""
    where, params = filters.where()
    failures = db.rows(
        conn,
        "select f.session_id, f.project_id, f.started_at, f.tool_name, f.summary, f.error,"
        " s.started_at as session_started from tool_failures f join sessions s on s.id = f.session_id"
        " where %s order by f.started_at" % where.replace("day", "f.day").replace("project_id", "f.project_id"),
        params,
    )
    groups = collections.OrderedDict()
    for f in failures:
        key = signature(f["tool_name"], f["summary"], f["error"])
        groups.setdefault(key, []).append(f)
    out = []
    for key, items in groups.items():
        sessions = {i["session_id"] for i in items}
        if len(sessions) < MIN_SESSIONS:
            continue
        last = items[-1]
        projects = sorted({i["project_id"] for i in items if i["project_id"] is not None})
        since = _sessions_since(conn, filters, projects, max(i["session_started"] or "" for i in items))
        out.append({
            "signature": key,
            "tool": items[0]["tool_name"],
            "occurrences": len(items),
            "sessions": len(sessions),
            "first_seen": items[0]["started_at"],
            "last_seen": last["started_at"],
            "sessions_since_last": since,
            "stopped": since >= STOPPED_AFTER_SESSIONS,
            "example": (last["summary"] or last["error"] or "")[:200],
        })
    out.sort(key=lambda e: (e["stopped"], -e["sessions"], -e["occurrences"], e["signature"]))
    return {"min_sessions": MIN_SESSIONS, "stopped_after_sessions": STOPPED_AFTER_SESSIONS, "errors": out}


def _sessions_since(conn, filters, projects, started):
    """Sessions of these projects (within the filters) that started after ``started``."""
    where, params = filters.where("date(started_at, 'localtime')", session="id")
    sql = "select count(*) from sessions where %s and started_at > ?" % where
    params = params + [started]
    if projects:
        sql += " and project_id in (%s)" % ",".join("?" * len(projects))
        params += projects
    return db.scalar(conn, sql, params)


#: Extensions that show a framework beside their language (file_languages gives the language).
FRAMEWORK_EXTENSIONS = {".jsx": "React", ".tsx": "React", ".vue": "Vue", ".svelte": "Svelte"}
#: Manifest or config file name -> framework / tooling it shows.
MANIFESTS = {
    "package.json": "Node.js (npm)", "package-lock.json": "Node.js (npm)", "yarn.lock": "Yarn",
    "pnpm-lock.yaml": "pnpm", "tsconfig.json": "TypeScript", "pyproject.toml": "Python packaging",
    "requirements.txt": "pip", "setup.py": "setuptools", "pipfile": "Pipenv", "poetry.lock": "Poetry",
    "uv.lock": "uv", "cargo.toml": "Rust (Cargo)", "go.mod": "Go modules", "gemfile": "Ruby (Bundler)",
    "pom.xml": "Maven", "build.gradle": "Gradle", "build.gradle.kts": "Gradle",
    "dockerfile": "Docker", "docker-compose.yml": "Docker Compose", "docker-compose.yaml": "Docker Compose",
    "compose.yml": "Docker Compose", "compose.yaml": "Docker Compose", "makefile": "Make",
    "cmakelists.txt": "CMake", "composer.json": "Composer", "mix.exs": "Mix", "pubspec.yaml": "Flutter",
    "vite.config.ts": "Vite", "vite.config.js": "Vite", "next.config.js": "Next.js",
    "next.config.mjs": "Next.js", "next.config.ts": "Next.js", "nuxt.config.ts": "Nuxt",
    "angular.json": "Angular", "svelte.config.js": "SvelteKit", "tailwind.config.js": "Tailwind CSS",
    "tailwind.config.ts": "Tailwind CSS", "jest.config.js": "Jest", "vitest.config.ts": "Vitest",
    "pytest.ini": "pytest", "conftest.py": "pytest", "manage.py": "Django", "alembic.ini": "Alembic",
    "deno.json": "Deno", "bun.lockb": "Bun", "chart.yaml": "Helm", "kustomization.yaml": "Kustomize",
}


def languages(conn):
    """{".ext": language}: the one map, the ``file_languages`` view that project_summary reads."""
    return {"." + ext: language for ext, language in conn.execute("select extension, language from file_languages")}


def technology_of(path, languages):
    """[(technology, kind)] a path shows: a language by extension, a framework by manifest or extension."""
    name = os.path.basename(path).lower()
    found = []
    if name in MANIFESTS:
        found.append((MANIFESTS[name], "framework"))
    elif name.startswith("dockerfile"):
        found.append(("Docker", "framework"))
    if "/.github/workflows/" in path.replace("\\", "/") and name.endswith((".yml", ".yaml")):
        found.append(("GitHub Actions", "framework"))
    extension = os.path.splitext(name)[1]
    if extension in FRAMEWORK_EXTENSIONS:
        found.append((FRAMEWORK_EXTENSIONS[extension], "framework"))
    language = languages.get(extension)
    if language:
        found.append((language, "language"))
    return found


def technologies(conn, filters):
    """Languages and frameworks from touched files, with first-seen dates and weekly use."""
    where, params = filters.where(session=None)
    rows = db.rows(
        conn,
        "select path, day, min(first_at) as first_at, max(last_at) as last_at,"
        " sum(operations) as operations from %s where %s group by path, day"
        % (filters.source(conn, "file_activity_daily"), where),
        params,
    )
    techs = {}
    known = languages(conn)
    for row in rows:
        for tech, kind in technology_of(row["path"], known):
            t = techs.setdefault(tech, {"technology": tech, "kind": kind, "first_seen": row["first_at"],
                                        "last_seen": row["last_at"], "files": set(), "operations": 0,
                                        "weekly": collections.Counter()})
            t["first_seen"] = min(t["first_seen"], row["first_at"])
            t["last_seen"] = max(t["last_seen"], row["last_at"])
            t["files"].add(row["path"])
            t["operations"] += row["operations"]
            t["weekly"][week_of(row["day"])] += row["operations"]
    out = []
    for t in techs.values():
        t["files"] = len(t["files"])
        t["weekly"] = [{"week": w, "operations": n} for w, n in sorted(t["weekly"].items())]
        out.append(t)
    out.sort(key=lambda t: (t["first_seen"], t["technology"]))
    return {"technologies": out}
