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

from collector import redact  # noqa: E402

FIXTURES = ROOT.parent / "shared" / "fixtures"


def payloads():
    """Raw JSON documents, as the drain sees them."""
    docs = []
    for path in sorted((FIXTURES / "hooks").glob("*.json")):
        docs.append(path.read_bytes())
    for line in (FIXTURES / "hooks" / "session_stream.jsonl").read_bytes().splitlines():
        if line.strip():
            docs.append(line)
    for path in sorted((FIXTURES / "transcripts").rglob("*.jsonl")):
        for line in path.read_bytes().splitlines():
            if line.strip():
                docs.append(line)
    import secrets_corpus

    for _id, _type, _secret, text in secrets_corpus.SECRETS:
        docs.append(orjson.dumps({"hook_event_name": "UserPromptSubmit", "prompt": text}))
    for _id, text in secrets_corpus.LOOKALIKES:
        docs.append(orjson.dumps({"tool_name": "Read", "tool_response": {"file": {"content": text}}}))
    return docs


def measure(step, docs, seconds):
    done = 0
    start = time.perf_counter()
    while True:
        for doc in docs:
            step(doc)
        done += 1
        elapsed = time.perf_counter() - start
        if elapsed >= seconds:
            return done * len(docs) / elapsed


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=2.0)
    args = parser.parse_args()
    docs = payloads()
    size = sum(len(d) for d in docs)
    mean = size / len(docs)

    parse = measure(orjson.loads, docs, args.seconds)
    both = measure(lambda d: redact.redact_value(orjson.loads(d)), docs, args.seconds)
    texts = [d.decode() for d in docs]
    text_only = measure(redact.redact_text, texts, args.seconds)

    print("payloads: %d, mean %.0f bytes, total %.2f MB" % (len(docs), mean, size / 1e6))
    print("orjson.loads only        %9.0f payloads/s  %7.1f MB/s" % (parse, parse * mean / 1e6))
    print("loads + redact_value     %9.0f payloads/s  %7.1f MB/s" % (both, both * mean / 1e6))
    print("redact_text on raw JSON  %9.0f payloads/s  %7.1f MB/s" % (text_only, text_only * mean / 1e6))
    print("ratio loads+redact / loads: %.1fx slower" % (parse / both))


if __name__ == "__main__":
    main()
