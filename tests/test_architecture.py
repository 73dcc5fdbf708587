"""The tree's shape: no import cycles, and one owner for turns, waits and tool calls."""

import ast
import pathlib
import re

ROOT = pathlib.Path(__file__).resolve().parent.parent
PACKAGES = ("collector", "hooks", "cctracker_client")


def _modules():
    found = {}
    for package in PACKAGES:
        for path in sorted((ROOT / package).rglob("*.py")):
            parts = list(path.relative_to(ROOT).with_suffix("").parts)
            if parts[-1] == "__init__":
                parts = parts[:-1]
            found[".".join(parts)] = path
    return found


def _nodes(tree, lazy):
    """Import statements run when the module loads, or (lazy) every one, a function's included."""
    if lazy:
        return ast.walk(tree)
    return [n for statement in tree.body if not isinstance(statement, (ast.FunctionDef, ast.AsyncFunctionDef))
            for n in ast.walk(statement) if not isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda))]


def _imports(name, path, modules, lazy=True):
    """The modules of the tree that ``name`` imports (with ``lazy``, a function's import counts too)."""
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    out = set()
    for node in _nodes(ast.parse(path.read_text()), lazy):
        if isinstance(node, ast.Import):
            targets = [a.name for a in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = package.split(".")[:len(package.split(".")) - node.level + 1] if node.level else []
            module = ".".join(base + ([node.module] if node.module else [])) if node.level else node.module
            subs = [module + "." + a.name for a in node.names if module + "." + a.name in modules]
            # "from pkg import submodule" depends on the submodule; "from pkg import name" on pkg.
            targets = subs if len(subs) == len(node.names) else [module] + subs
        else:
            continue
        for target in targets:
            while target and target not in modules:
                target = target.rpartition(".")[0]
            if target and target != name:
                out.add(target)
    return out


def _cycles(graph):
    """Strongly connected components of more than one module (Tarjan)."""
    index, low, stack, on_stack, found = {}, {}, [], set(), []

    def visit(v):
        index[v] = low[v] = len(index)
        stack.append(v)
        on_stack.add(v)
        for w in sorted(graph[v]):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on_stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            component = []
            while True:
                w = stack.pop()
                on_stack.discard(w)
                component.append(w)
                if w == v:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for v in sorted(graph):
        if v not in index:
            visit(v)
    return found


#: Cycles closed only by an import inside a function. Each is a module and its package
#: lending each other names; none may be added (move the shared names into a module of their own).
KNOWN_LAZY_CYCLES = []


def test_the_tree_has_no_import_cycles():
    modules = _modules()
    graph = {name: _imports(name, path, modules, lazy=False) for name, path in modules.items()}
    assert len(graph) > 50 and graph["collector.api.writes"] >= {"collector.sessions.model"}
    assert _cycles(graph) == []
    everything = {name: _imports(name, path, modules) for name, path in modules.items()}
    assert [c for c in _cycles(everything) if c not in KNOWN_LAZY_CYCLES] == []


def test_the_cycle_finder_finds_a_cycle():
    assert _cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]


_WRITE = re.compile(r"\b(?:insert(?:\s+or\s+\w+)?\s+into|update|replace\s+into)\s+(turns|waits|tool_calls)\b",
                    re.IGNORECASE)

#: The one session model: hook events (model, model_tools) and transcript records (model_records).
MODEL = {"collector/sessions/model.py", "collector/sessions/tool_calls.py", "collector/sessions/records.py"}


def _writers():
    found = {}
    for package in PACKAGES + ("datasette",):
        for path in sorted((ROOT / package).rglob("*.py")):
            for node in ast.walk(ast.parse(path.read_text())):
                if isinstance(node, ast.Constant) and isinstance(node.value, str):
                    for table in _WRITE.findall(node.value):
                        found.setdefault(str(path.relative_to(ROOT)), set()).add(table)
    return found


def test_no_module_outside_the_model_writes_turns_waits_or_tool_calls():
    writers = _writers()
    assert set(writers) == MODEL, writers
    assert writers["collector/sessions/model.py"] >= {"turns", "waits"}
    assert "tool_calls" in writers["collector/sessions/tool_calls.py"]
    assert writers["collector/sessions/records.py"] == {"turns", "tool_calls"}
    assert _WRITE.findall("insert or ignore into tool_calls (a) values (1)") == ["tool_calls"]
    assert _WRITE.findall("update turns set x = 1") == ["turns"]


def test_only_the_spool_owner_locks_the_spool():
    """cctracker_client (spool, spool_read) owns the spool and its lock: others call it, forget included."""
    for package in ("collector", "hooks", "datasette"):
        for path in sorted((ROOT / package).rglob("*.py")):
            text = path.read_text()
            assert "fcntl" not in text and "LOCK_NAME" not in text and "events.lock" not in text, path


#: The only modules at the top of collector/: settings and the domain errors every layer raises.
TOP_LEVEL = {"__init__.py", "config.py", "errors.py"}

#: The entry layers (processes and front doors); the packages below them are the library.
ENTRY = ("collector.ingest", "collector.api", "collector.serve", "collector.cli", "collector.claude")
LIBRARY = ("collector.sessions", "collector.transcripts", "collector.agents", "collector.privacy",
           "collector.storage", "collector.times", "collector.usage", "collector.analytics",
           "collector.search", "collector.gitops", "collector.export")


def test_the_collector_is_laid_out_by_role():
    """Modules live in packages named for their role; each package says what it is for."""
    top = {p.name for p in (ROOT / "collector").glob("*.py")}
    assert top == TOP_LEVEL, top - TOP_LEVEL
    for folder in sorted(p for p in (ROOT / "collector").iterdir() if p.is_dir() and p.name != "__pycache__"):
        if not any(folder.glob("*.py")):
            continue  # data only (schema/views)
        init = folder / "__init__.py"
        assert init.is_file(), folder
        assert ast.get_docstring(ast.parse(init.read_text())), init


def test_the_library_never_imports_an_entry_layer():
    """Dependencies point from the front doors (drain, API, serve, CLI, MCP) to the library, not back."""
    modules = _modules()
    wrong = {}
    for name, path in modules.items():
        if name.startswith(LIBRARY):
            bad = {m for m in _imports(name, path, modules) if m.startswith(ENTRY)}
            if bad:
                wrong[name] = sorted(bad)
    assert wrong == {}
    assert not any(m.startswith("collector.cli") for name, path in modules.items()
                   if not name.startswith("collector.cli") for m in _imports(name, path, modules))


#: Stored times are ISO 8601 UTC text with microseconds, written by collector.times.utc. Others:
#: ccusage's millisecond shape for ``blocks --json``, and the transcript time shift (not yet).
OTHER_TIME_FORMATS = {"collector/usage/blocks.py", "collector/transcripts/store.py"}


def test_stored_time_text_has_one_writer():
    found = set()
    for path in sorted((ROOT / "collector").rglob("*.py")):
        rel = str(path.relative_to(ROOT))
        if rel.startswith(("collector/times/", "collector/migrations/")):
            continue
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.Constant) and isinstance(node.value, str) \
                    and "%Y-%m-%dT%H:%M:%S" in node.value and "strftime('" not in node.value:
                found.add(rel)
    assert found <= OTHER_TIME_FORMATS, found - OTHER_TIME_FORMATS
