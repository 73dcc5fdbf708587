"""Redaction rules: every corpus secret goes, look-alikes stay, JSON stays JSON."""

import orjson
import pytest

from collector.privacy import redact
from secrets_corpus import LOOKALIKES, SECRETS

#: The look-alike false-positive rate the rules must stay under.
MAX_FALSE_POSITIVE_RATE = 0.05


def test_corpus_sizes_meet_the_brief():
    assert len(SECRETS) >= 50
    assert len(LOOKALIKES) >= 50
    assert len({s[0] for s in SECRETS}) == len(SECRETS)


@pytest.mark.parametrize("case", SECRETS, ids=[s[0] for s in SECRETS])
def test_secret_redacted_with_its_type(case):
    _id, kind, secret, text = case
    out = redact.redact_text(text)
    assert secret not in out
    assert "[REDACTED:%s]" % kind in out


@pytest.mark.parametrize("case", SECRETS, ids=[s[0] for s in SECRETS])
def test_secret_redacted_inside_a_payload(case):
    _id, _kind, secret, text = case
    payload = {"hook_event_name": "PostToolUse", "tool_name": "Read",
               "tool_response": {"file": {"content": "line 1\n" + text + "\nline 3"}}}
    out = redact.redact_value(payload)
    assert secret not in orjson.dumps(out).decode()
    assert out["hook_event_name"] == "PostToolUse"


def test_lookalike_false_positive_rate_below_bound():
    changed = [i for i, text in LOOKALIKES if redact.redact_text(text) != text]
    rate = len(changed) / len(LOOKALIKES)
    print("look-alike false positives: %d of %d (%.1f%%): %s" % (len(changed), len(LOOKALIKES), rate * 100, changed))
    assert rate <= MAX_FALSE_POSITIVE_RATE


@pytest.mark.parametrize("case", LOOKALIKES, ids=[s[0] for s in LOOKALIKES])
def test_lookalike_kept_inside_a_payload(case):
    _id, text = case
    payload = {"tool_input": {"command": text}, "session_id": "3f9c2a71-8d4e-4b6a-9c1f-2e7d5b8a4c03"}
    assert redact.redact_value(payload) == payload


def test_redaction_idempotent_on_its_own_output():
    text = "\n".join(s[3] for s in SECRETS)
    once = redact.redact_text(text)
    assert redact.redact_text(once) == once


def test_all_secrets_in_one_text_all_redacted():
    text = "\n".join(s[3] for s in SECRETS)
    out = redact.redact_text(text)
    assert [s[0] for s in SECRETS if s[2] in out] == []


def test_secret_key_values_redacted_whole():
    value = {"password": "x", "api_key": "abc", "Authorization": "Bearer 1", "nested": [{"token": "t0k"}],
             "input_tokens": 5, "max_tokens": "8", "secretName": "billing-tls", "password_env": "DB_PW"}
    assert redact.redact_value(value) == {
        "password": "[REDACTED:password]", "api_key": "[REDACTED:api-key]",
        "Authorization": "[REDACTED:authorization]", "nested": [{"token": "[REDACTED:token]"}],
        "input_tokens": 5, "max_tokens": "8", "secretName": "billing-tls", "password_env": "DB_PW"}


def test_placeholder_under_secret_key_kept():
    value = {"password": "${DB_PASSWORD}", "api_key": "<your-key-here>", "token": ""}
    assert redact.redact_value(value) == value


def test_non_json_value_still_redacted():
    # int keys and bytes make orjson refuse; every rule is then tried.
    key = [s[2] for s in SECRETS if s[0] == "github-pat"][0]
    out = redact.redact_value({1: "push with " + key, "b": b"raw"})
    assert key not in out[1] and out["b"] == b"raw"


def test_short_and_empty_strings_unchanged():
    assert redact.redact_text("") == ""
    assert redact.redact_text("pw=x") == "pw=x"


def test_non_ascii_text_around_a_secret():
    key = [s[2] for s in SECRETS if s[0] == "aws-access-key"][0]
    text = "İstanbul ünïcode — clé: %s ✓ PASSWORD=Grüße123" % key
    out = redact.redact_text(text)
    assert key not in out and "Grüße123" not in out and out.startswith("İstanbul ünïcode — clé: ")


def test_private_key_without_end_line_redacted_to_the_end():
    block = [s[2] for s in SECRETS if s[0] == "rsa-private-key"][0]
    cut = block[: len(block) // 2]
    out = redact.redact_text("head\n" + cut)
    assert out == "head\n[REDACTED:private-key]"


def test_entropy_threshold_is_a_named_constant():
    assert redact.ENTROPY_BITS == 4.0
    assert redact.entropy("aaaa") == 0.0
    assert redact.entropy("abcd") == 2.0


def test_a_secret_used_as_a_json_key_is_redacted():
    token = SECRETS[[s[0] for s in SECRETS].index("secret-as-json-key")][2]
    other = SECRETS[[s[0] for s in SECRETS].index("github-pat")][2] if "github-pat" in [s[0] for s in SECRETS] \
        else token[:-1] + ("A" if token[-1] != "A" else "B")
    out = redact.redact_value({"users": {token: "dana", other: "eve"}, "input_tokens": 12})
    assert token not in orjson.dumps(out).decode() and other not in orjson.dumps(out).decode()
    assert sorted(out["users"].values()) == ["dana", "eve"]  # two keys stay two entries
    assert out["input_tokens"] == 12
