"""Privacy levels and project exclusion, through the real config file and drain."""

import json

import pytest

from collector import config as config_mod
from collector.ingest.drain import drain_once
from collector.privacy.policy import Privacy
from collector.storage import db
from conftest import HOOK_FIXTURES
from replay import load_stream, replay
from secrets_corpus import SECRETS

STREAM = HOOK_FIXTURES / "session_stream.jsonl"


def _config(home, text):
    home.mkdir(parents=True, exist_ok=True)
    (home / "config.toml").write_text(text)
    return config_mod.load(str(home))


def test_excluded_matches_glob_parent_and_tilde(home, monkeypatch):
    monkeypatch.setenv("HOME", "/home/dana")
    privacy = Privacy(_config(home, 'exclude_projects = ["~/clients/*", "/srv/secret"]\n'))
    assert privacy.excluded("/home/dana/clients/acme")
    assert privacy.excluded("/home/dana/clients/acme/api/src")
    assert privacy.excluded("/srv/secret")
    assert privacy.excluded(None, "/srv/secret/sub")
    assert not privacy.excluded("/srv/secretive")
    assert not privacy.excluded("/home/dana/src/acme-billing")
    assert not privacy.excluded(None)


def test_no_globs_excludes_nothing(home):
    assert not Privacy(config_mod.load(str(home))).excluded("/anything")


def test_full_mode_text_redacted(home):
    privacy = Privacy(config_mod.load(str(home)))
    assert privacy.keeps_content
    assert privacy.text("DB_PASSWORD=hunter2x") == "DB_PASSWORD=[REDACTED:password]"
    assert privacy.text(None) is None


def test_metadata_mode_payload_keeps_names_ids_paths_counts(home):
    privacy = Privacy(_config(home, 'privacy = "metadata"\n'))
    payload = json.loads((HOOK_FIXTURES / "post_tool_use_edit.json").read_text())
    out = privacy.payload(payload)
    assert privacy.text("hello") is None
    assert out["tool_name"] == "Edit"
    assert out["session_id"] == payload["session_id"]
    assert out["tool_input"]["file_path"] == payload["tool_input"]["file_path"]
    assert out["tool_input"]["old_string"] is None and out["tool_input"]["new_string"] is None
    assert out["tool_response"]["structuredPatch"][0]["oldStart"] == payload["tool_response"]["structuredPatch"][0]["oldStart"]
    assert set(out["tool_response"]["structuredPatch"][0]["lines"]) == {None}


def test_metadata_mode_drops_prompt_command_and_output(home):
    privacy = Privacy(_config(home, 'privacy = "metadata"\n'))
    prompt = json.loads((HOOK_FIXTURES / "user_prompt_submit.json").read_text())
    bash = json.loads((HOOK_FIXTURES / "post_tool_use_bash.json").read_text())
    assert privacy.payload(prompt)["prompt"] is None
    out = privacy.payload(bash)
    assert out["tool_input"]["command"] is None
    assert out["tool_response"]["stdout"] is None
    assert out["tool_response"]["interrupted"] is False


def test_stop_failure_error_code_kept_tool_error_dropped(home):
    privacy = Privacy(_config(home, 'privacy = "metadata"\n'))
    assert privacy.payload({"error": "rate_limit"})["error"] == "rate_limit"
    assert privacy.payload({"error": "Exit code 1\nFAILED test_x"})["error"] is None


def test_bad_privacy_value_rejected_by_config(home):
    with pytest.raises(config_mod.ConfigError, match="privacy must be"):
        _config(home, 'privacy = "none"\n')


def _drained(home):
    conn = db.connect(str(home / "cctracker.db"))
    stats = drain_once(conn, config_mod.load(str(home)))
    return conn, stats


def test_metadata_mode_drain_stores_no_content(home):
    _config(home, 'privacy = "metadata"\n')
    stream = load_stream(STREAM)
    replay(stream, home)
    conn, stats = _drained(home)
    assert stats["events"] == len(stream)
    assert db.scalar(conn, "select count(*) from messages") == 0
    # Paths are metadata: file tools keep theirs as the summary; commands go.
    assert db.scalar(conn, "select count(*) from tool_calls where summary is not null"
                           " and summary != json_extract(input, '$.file_path')") == 0
    assert db.scalar(conn, "select count(*) from tool_calls where tool_name = 'Bash' and summary is null") == 4
    assert db.scalar(conn, "select count(*) from tool_calls") == 12
    assert db.scalar(conn, "select count(*) from turns") == 2
    raw = (home / "cctracker.db").read_bytes()
    prompt = [p for p in stream if p["hook_event_name"] == "UserPromptSubmit"][0]["prompt"]
    assert prompt.encode()[:40] not in raw


def test_excluded_project_drain_stores_nothing(home):
    _config(home, 'exclude_projects = ["/home/dana/src/acme-*"]\n')
    stream = load_stream(STREAM)
    replay(stream, home)
    conn, stats = _drained(home)
    assert stats["skipped"] == len(stream)
    assert db.scalar(conn, "select count(*) from raw_events") == 0
    assert db.scalar(conn, "select count(*) from sessions") == 0


def test_full_mode_drain_redacts_prompt_secret(home):
    secret = [s for s in SECRETS if s[0] == "anthropic-prompt"][0]
    stream = load_stream(STREAM)
    for p in stream:
        if p["hook_event_name"] == "UserPromptSubmit":
            p["prompt"] = secret[3]
    replay(stream, home)
    conn, _stats = _drained(home)
    contents = [r["content"] for r in db.rows(conn, "select content from messages where kind = 'prompt'")]
    assert contents == [secret[3].replace(secret[2], "[REDACTED:anthropic-key]")] * 2
