"""The Codex rollout reader on every shared rollout: sessions, prompts, models, tool calls, tokens.

Token figures are worked out here from the files themselves (the last running
total, or the sum of ``last_token_usage`` where a version never repeats a
snapshot) and from PROVENANCE.md's per-day table, independently of the reader.
"""

import json
import shutil

import pytest

from collector.agents import CODEX, agent_of, codex
from conftest import AGENT_FIXTURES

SESSIONS = AGENT_FIXTURES / "codex" / "sessions"
CATALOG = AGENT_FIXTURES / "codex" / "shape-catalog" / "agent-sessions-stage0-small-0.146.jsonl"


def rollout(day, stem):
    found = sorted((SESSIONS / day).glob("rollout-*%s*.jsonl" % stem))
    assert len(found) == 1
    return found[0]


def records(path):
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def last_total(path):
    """The file's final running total_token_usage, read directly."""
    totals = [r["payload"]["info"]["total_token_usage"] for r in records(path)
              if r["type"] == "event_msg" and r["payload"].get("type") == "token_count"
              and r["payload"].get("info")]
    return totals[-1]


def stored(batch):
    """(uncached input, output, cache read, reasoning, total) summed over the batch's usage rows."""
    rows = list(batch.usage.values())
    inp, out, cached, reasoning = (sum(r[i] for r in rows) for i in (3, 4, 6, 9))
    return inp, out, cached, reasoning, inp + out + cached


def parse(path):
    batch, offset = codex.parse_file(str(path))
    assert offset == path.stat().st_size
    assert batch.skipped == {}
    return batch


def prompts(batch):
    return [m[5] for m in batch.messages if m[4] == "prompt"]


# (day folder, id stem, version, prompts, tool calls, models, (input, cached, output, reasoning) as Codex counts)
FILES = [
    ("2025/09/19", "01996135", "0.39.0", 1, 18, {"aide-gpt-5"}, None),
    ("2025/10/17", "0199f433", "0.46.0", 1, 4, {"gpt-5-codex"}, (42461, 40192, 1401, 1024)),
    ("2026/01/22", "019be37c", "0.80.0", 1, 1, {"gpt-5.1-codex-max"}, (29953, 23680, 398, 64)),
    ("2026/01/25", "019bf4b5", "0.89.0", 1, 4, {"gpt-5.2-codex"}, (47257, 44160, 300, 64)),
    ("2026/02/01", "019c16bd", "0.93.0", 3, 10, {"gpt-5.2-codex"}, (216978, 189952, 2163, 1408)),
    ("2026/06/05", "019e9625", "0.135.0", 1, 0, {"gpt-5.5"}, (22539, 20864, 10, 0)),
]


@pytest.mark.parametrize("day,stem,version,n_prompts,n_tools,models,codex_counts", FILES)
def test_each_version(day, stem, version, n_prompts, n_tools, models, codex_counts):
    path = rollout(day, stem)
    assert agent_of(str(path)) == CODEX
    batch = parse(path)
    (uuid, info), = batch.sessions.items()
    assert uuid.startswith(stem) and info["agent"] == CODEX and info["version"] == version
    assert len(prompts(batch)) == n_prompts == len(batch.turns)
    assert len(batch.tool_calls) == n_tools
    assert {r[2] for r in batch.usage.values()} == models
    final = last_total(path)
    if codex_counts is not None:  # PROVENANCE's per-day figures: one session that day
        assert (final["input_tokens"], final["cached_input_tokens"], final["output_tokens"],
                final["reasoning_output_tokens"]) == codex_counts
    # Stored in Claude's terms: uncached input, output with reasoning, cached input as cache read.
    assert stored(batch) == (final["input_tokens"] - final["cached_input_tokens"], final["output_tokens"],
                             final["cached_input_tokens"], final["reasoning_output_tokens"],
                             final["total_tokens"])


def test_039_has_no_repeated_snapshots_so_last_usage_adds_up_too():
    path = rollout("2025/09/19", "01996135")
    lasts = [r["payload"]["info"]["last_token_usage"] for r in records(path)
             if r["type"] == "event_msg" and r["payload"].get("type") == "token_count"]
    assert len(lasts) == 19
    assert sum(u["total_tokens"] for u in lasts) == 283081
    assert stored(parse(path))[4] == 283081
    # The IDE prefix is not part of what was asked.
    assert not prompts(parse(path))[0].startswith("# Context from my IDE setup")


def test_046_repeated_snapshots_are_counted_once():
    path = rollout("2025/10/17", "0199f433")
    counts = [r for r in records(path) if r["type"] == "event_msg" and r["payload"].get("type") == "token_count"
              and r["payload"].get("info")]
    # Summing last_token_usage on every event (ccusage 18) gives 78,417; the use was 43,862.
    assert sum(r["payload"]["info"]["last_token_usage"]["total_tokens"] for r in counts) == 78417
    batch = parse(path)
    assert stored(batch) == (2269, 1401, 40192, 1024, 43862)
    assert len(batch.usage) == 5
    assert prompts(batch) == ["create a file `JOKE.md` with a random joke with a title and a footer with some"
                              " random text, then read this file, then make change to the file, then delete"
                              " the file."]
    # Injected context (<user_instructions>, <environment_context>) is no message at all.
    assert not any("<environment_context>" in m[5] or "<user_instructions>" in m[5] for m in batch.messages)
    calls = batch.tool_calls
    assert sorted(c["name"] for c in calls.values()) == ["apply_patch", "shell", "shell", "shell"]
    patch = next(c for c in calls.values() if c["name"] == "apply_patch")
    assert patch["status"] == "ok" and patch["files"] == [("JOKE.md", "edit", 2, 2)]
    shell = [c for c in calls.values() if c["name"] == "shell"]
    assert shell[1]["input"]["command"] == "cat JOKE.md"  # the argv's script, for the summary


def test_0104_day_totals_match_the_source_manifest():
    """All six 2026-02-23 rollouts: the UTC day's sums equal localpush's own manifest."""
    day = {"input": 0, "output": 0, "cached": 0, "reasoning": 0}
    for path in sorted((SESSIONS / "2026" / "02" / "23").glob("*.jsonl")):
        for row in parse(path).usage.values():
            if row[7].startswith("2026-02-23"):
                day["input"] += row[3]
                day["output"] += row[4]
                day["cached"] += row[6]
                day["reasoning"] += row[9]
    assert day == {"input": 34082306 - 32389760, "output": 156921, "cached": 32389760, "reasoning": 64401}
    assert day["input"] + day["output"] + day["cached"] == 34239227


def test_0104_turns_interrupts_abandoned_calls_and_compaction():
    batch = parse(rollout("2026/02/23", "019c8a53"))
    assert len(batch.turns) == 7
    assert sum(1 for c in batch.tool_calls.values() if c["status"] == "pending") == 1  # call without output
    abandoned = parse(rollout("2026/02/23", "019c8a70"))
    assert [c["status"] for c in abandoned.tool_calls.values()] == ["pending"]
    compacted = parse(rollout("2026/02/23", "019c8a59"))
    assert len(compacted.turns) == 38 and len(prompts(compacted)) == 38
    assert {r[2] for r in compacted.usage.values()} == {"gpt-5.3-codex"}
    # It crosses UTC midnight: usage is dated by each event, not by the file.
    assert {r[7][:10] for r in compacted.usage.values()} == {"2026-02-23", "2026-02-24"}


def test_subagent_review_file_keeps_its_own_request():
    batch = parse(rollout("2026/01/22", "019be37c"))
    assert prompts(batch)[0].startswith("base on @kb and official_conf, review the validator")


def test_shape_catalog_0146_is_read_without_a_bad_line():
    batch = parse(CATALOG)
    uuid = next(iter(batch.sessions))
    assert uuid == "019fc8be-3658-7ca3-9e29-000000000000"
    assert prompts(batch)[0] == "List the files"
    assert {"web_search"} <= {c["name"] for c in batch.tool_calls.values()}


def fork_lines(parent_total, child_total):
    """A forked thread: its meta, the parent's replayed meta and usage in the same second, then its own."""
    usage = lambda t: {"input_tokens": t, "cached_input_tokens": 0, "output_tokens": 0,  # noqa: E731
                       "reasoning_output_tokens": 0, "total_tokens": t}
    second = "2026-05-01T10:00:00"
    lines = [
        {"timestamp": second + ".100Z", "type": "session_meta",
         "payload": {"id": "child-1", "timestamp": second + ".050Z", "forked_from_id": "parent-1", "cwd": "/w"}},
        {"timestamp": second + ".100Z", "type": "session_meta", "payload": {"id": "parent-1", "cwd": "/w"}},
        {"timestamp": second + ".200Z", "type": "event_msg", "payload": {"type": "user_message", "message": "old"}},
        {"timestamp": second + ".300Z", "type": "event_msg",
         "payload": {"type": "token_count", "info": {"total_token_usage": usage(parent_total)}}},
        {"timestamp": "2026-05-01T10:00:05.000Z", "type": "turn_context", "payload": {"model": "gpt-5.5"}},
        {"timestamp": "2026-05-01T10:00:05.100Z", "type": "event_msg",
         "payload": {"type": "user_message", "message": "new"}},
        {"timestamp": "2026-05-01T10:00:09.000Z", "type": "event_msg",
         "payload": {"type": "token_count", "info": {"total_token_usage": usage(child_total)}}},
    ]
    return "".join(json.dumps(r) + "\n" for r in lines)


def test_fork_replayed_history_is_not_counted_again(tmp_path):
    path = tmp_path / "rollout-2026-05-01T10-00-00-child-1.jsonl"
    path.write_text(fork_lines(40_000_000, 40_000_750))
    batch = parse(path)
    assert prompts(batch) == ["new"]
    assert stored(batch)[4] == 750
    assert [r[2] for r in batch.usage.values()] == ["gpt-5.5"]


def test_reading_from_an_offset_resumes_state(tmp_path):
    """A growing file read in two parts gives the rows of one read, nothing twice."""
    source = rollout("2026/02/01", "019c16bd")
    whole = parse(source)
    data = source.read_bytes()
    cut = data.index(b"\n", len(data) // 2) + 1
    path = tmp_path / source.name
    path.write_bytes(data[:cut])
    first, offset = codex.parse_file(str(path))
    assert offset == cut
    with open(path, "ab") as f:
        f.write(data[cut:])
    second, _ = codex.parse_file(str(path), offset)
    assert set(first.usage).isdisjoint(second.usage)
    assert {**first.usage, **second.usage} == whole.usage
    assert [m[0] for m in first.messages + second.messages] == [m[0] for m in whole.messages]


def test_a_torn_last_line_waits(tmp_path):
    source = rollout("2025/10/17", "0199f433")
    data = source.read_bytes()
    path = tmp_path / source.name
    path.write_bytes(data[:-40])
    batch, offset = codex.parse_file(str(path))
    assert offset < len(data) - 40 and batch.skipped == {}
    shutil.copy(source, path)
    rest, end = codex.parse_file(str(path), offset)
    assert end == len(data) and rest.skipped == {}


def test_bad_lines_are_skipped_and_counted(tmp_path):
    source = rollout("2025/10/17", "0199f433")
    path = tmp_path / source.name
    lines = source.read_text().splitlines()
    lines.insert(3, "{not json")
    lines.insert(5, '{"timestamp": "2025-10-17T22:03:40.000Z", "type": "event_msg", "payload": {"type": "token_count", "info": {"total_token_usage": "many"}}}')
    path.write_text("\n".join(lines) + "\n")
    batch, _ = codex.parse_file(str(path))
    assert batch.skipped == {"bad_json": 1}
    assert stored(batch)[4] == 43862
