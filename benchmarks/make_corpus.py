"""Generate a transcript corpus from the real shared transcripts, at any size.

Each copy of a real session file gets fresh ids (session UUID, line UUIDs,
``msg_``/``req_``/``toolu_`` ids) so that it is a distinct session with its
own API responses, laid out as Claude Code does: ``projects/<slug>/<uuid>.jsonl``
and, for 2.1.x subagents, ``<uuid>/subagents/agent-<id>.jsonl``.

    python benchmarks/make_corpus.py OUT_DIR --mb 100
"""

import argparse
import os
import pathlib
import re
import sys

SHARED = pathlib.Path(__file__).resolve().parent.parent.parent / "shared"
TRANSCRIPTS = SHARED / "fixtures" / "transcripts"

UUID = re.compile(rb"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")
API_ID = re.compile(rb"\b(?:msg|req|toolu)_[A-Za-z0-9]+")
SLUGS = ("-home-dev-src-billing", "-home-dev-src-webapp", "-home-dev-src-infra",
         "-Users-ali-work-mobile")


def templates():
    """(main file bytes, [(agent id, agent file bytes)]) for each real session."""
    out = []
    for path in sorted(TRANSCRIPTS.rglob("*.jsonl")):
        if path.parent.name == "subagents":
            continue
        agents = []
        if path.name == "subagent.jsonl":
            # Give the 2.1 session the 2.1 subagent files as its own.
            folder = next(TRANSCRIPTS.rglob("subagents"))
            agents = [(p.stem[len("agent-"):], p.read_bytes()) for p in sorted(folder.glob("*.jsonl"))]
        out.append((path.read_bytes(), agents))
    return out


def renamed(data, n):
    suffix = b"%06x" % n
    data = UUID.sub(lambda m: m.group(0)[:-6] + suffix, data)
    return API_ID.sub(lambda m: m.group(0) + b"x" + suffix, data)


def session_uuid(data):
    found = re.search(rb'"sessionId":\s*"([0-9a-f-]{36})"', data)
    return found.group(1).decode() if found else None


def make(out_dir, megabytes):
    """Write at least ``megabytes`` MB of transcripts under ``out_dir/projects``."""
    target = int(megabytes * 1e6)
    written = files = 0
    sources = templates()
    n = 0
    while written < target:
        main, agents = sources[n % len(sources)]
        n += 1
        data = renamed(main, n)
        uuid = session_uuid(data) or "%08x-0000-4000-8000-%012x" % (n, n)
        folder = pathlib.Path(out_dir, "projects", SLUGS[n % len(SLUGS)])
        folder.mkdir(parents=True, exist_ok=True)
        (folder / ("%s.jsonl" % uuid)).write_bytes(data)
        written += len(data)
        files += 1
        for agent_id, agent_data in agents:
            sub = folder / uuid / "subagents"
            sub.mkdir(parents=True, exist_ok=True)
            agent_bytes = renamed(agent_data, n)
            agent_bytes = agent_bytes.replace(session_uuid(agent_bytes).encode(), uuid.encode())
            (sub / ("agent-%s.jsonl" % agent_id)).write_bytes(agent_bytes)
            written += len(agent_bytes)
            files += 1
    return files, written


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out_dir")
    parser.add_argument("--mb", type=float, default=1000.0)
    args = parser.parse_args(argv)
    files, written = make(args.out_dir, args.mb)
    print("wrote %d files, %.1f MB under %s" % (files, written / 1e6,
                                                os.path.join(args.out_dir, "projects")))


if __name__ == "__main__":
    sys.exit(main())
