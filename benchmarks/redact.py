"""Redaction speed: payloads/s and MB/s, against plain ``orjson.loads``.

The drain parses every spool line (orjson) and redacts every string in it;
this prints how much redaction costs next to the parse, as a ratio measured
in the same run, over realistic payloads: the hook fixture stream, the
transcript fixtures (long replies, tool output) and the secrets corpus.

    .venv/bin/python benchmarks/redact.py [--seconds 2]
"""

import argparse
import pathlib
import sys
import time

import orjson

ROOT = pathlib.Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests"))

from collector.privacy import redact  # noqa: E402

FIXTURES = ROOT.parent / "shared" / "fixtures"


def hook_events():
    """Hook payloads as the drain sees them (the fixture session and single events)."""
    docs = [p.read_bytes() for p in sorted((FIXTURES / "hooks").glob("*.json"))]
    docs += [line for line in (FIXTURES / "hooks" / "session_stream.jsonl").read_bytes().splitlines() if line.strip()]
    return docs


def transcript_lines():
    return [line for path in sorted((FIXTURES / "transcripts").rglob("*.jsonl"))
            for line in path.read_bytes().splitlines() if line.strip()]


def secret_payloads():
    import secrets_corpus

    docs = [orjson.dumps({"hook_event_name": "UserPromptSubmit", "prompt": s[3]}) for s in secrets_corpus.SECRETS]
    docs += [orjson.dumps({"tool_name": "Read", "tool_response": {"file": {"content": t}}})
             for _i, t in secrets_corpus.LOOKALIKES]
    return docs


def payloads():
    return hook_events() + transcript_lines() + secret_payloads()


def rate(step, docs, seconds):
    """Payloads per second: the best of several short rounds (the machine is shared)."""
    best = 0.0
    deadline = time.perf_counter() + seconds
    while True:
        start = time.perf_counter()
        for doc in docs:
            step(doc)
        elapsed = time.perf_counter() - start
        best = max(best, len(docs) / elapsed)
        if time.perf_counter() >= deadline:
            return best


def parse_and_redact(doc):
    redact._cache.clear()  # no help from repeats: every payload is new to the drain
    return redact.redact_value(orjson.loads(doc))


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=3.0)
    args = parser.parse_args()
    print("%-18s %8s %10s %12s %12s %8s" % ("payloads", "count", "mean B", "loads/s", "loads+redact/s", "ratio"))
    for name, docs in (("hook events", hook_events()), ("transcript lines", transcript_lines()),
                       ("secrets corpus", secret_payloads()), ("all", payloads())):
        mean = sum(len(d) for d in docs) / len(docs)
        # Interleave baseline and subject rounds so both see the same machine load.
        base = both = 0.0
        for _ in range(3):
            base = max(base, rate(orjson.loads, docs, args.seconds / 6))
            both = max(both, rate(parse_and_redact, docs, args.seconds / 6))
        print("%-18s %8d %10.0f %12.0f %12.0f %7.1fx   (%.1f MB/s redacted)"
              % (name, len(docs), mean, base, both, base / both, both * mean / 1e6))
    print("ratio = how many times slower parse+redact is than orjson.loads alone, same run")


if __name__ == "__main__":
    main()
