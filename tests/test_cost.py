"""Tokens and cost: the shared transcripts counted like ccusage, priced from the bundled table."""

import glob
import json
import os
import shutil
import subprocess

import pytest

from collector import config as config_mod
from collector.analytics import filters, tokens
from collector.storage import db
from collector.transcripts import store
from collector.usage import pricing

from conftest import TRANSCRIPTS
from test_tokens_ccusage import ccusage_or_skip

#: ccusage@17.2.1's per-model totals on the same files (input, output, cache write, cache read),
#: summed over its ``session --json`` model breakdowns. Output is ccusage's first-seen count; we
#: keep the largest streamed count, so ours may only be higher.
CCUSAGE = {
    "claude-opus-4-6": (1636, 619, 179062, 544874),
    "claude-sonnet-4-20250514": (1040, 52546, 198421, 4075332),
    "claude-sonnet-4-5-20250929": (2408, 7, 18814, 29274),
}
#: Our output totals (max output_tokens per (message id, request id)).
OUR_OUTPUT = {"claude-opus-4-6": 1819, "claude-sonnet-4-20250514": 56515, "claude-sonnet-4-5-20250929": 7}


def transcript_files():
    return sorted(glob.glob(str(TRANSCRIPTS / "**" / "*.jsonl"), recursive=True))


@pytest.fixture(scope="module")
def conn(tmp_path_factory):
    home = tmp_path_factory.mktemp("tokens-home")
    config = config_mod.load(str(home))
    connection = db.connect(config.db_path)
    for path in transcript_files():
        store.ingest_file(connection, path, config=config)
    return connection


@pytest.fixture
def fresh(tmp_path):
    return db.connect(str(tmp_path / "fresh.db"))


def by_model(conn):
    return {r["model"]: r for r in tokens.by(conn, filters.Filters(), "model")}


def test_token_totals_per_model_equal_ccusage_for_input_and_cache(conn):
    ours = by_model(conn)
    assert set(ours) == set(CCUSAGE)
    for model, (inp, out, write, read) in CCUSAGE.items():
        row = ours[model]
        assert (row["input_tokens"], row["cache_creation_tokens"], row["cache_read_tokens"]) == (inp, write, read)
        assert row["output_tokens"] == OUR_OUTPUT[model] >= out


@pytest.mark.slow
def test_token_totals_agree_with_ccusage_run_on_the_same_files(conn, tmp_path):
    binary = ccusage_or_skip()  # fails under CI when ccusage is missing
    claude = tmp_path / "claude"
    for path in transcript_files():
        rel = os.path.relpath(path, TRANSCRIPTS)
        target = claude / "projects" / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy(path, target)
    env = dict(os.environ, CLAUDE_CONFIG_DIR=str(claude))
    done = subprocess.run([binary, "session", "--json", "--offline"],
                          env=env, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr[-300:]
    theirs = {}
    for session in json.loads(done.stdout)["sessions"]:
        for m in session["modelBreakdowns"]:
            t = theirs.setdefault(m["modelName"], [0, 0, 0, 0])
            for i, key in enumerate(("inputTokens", "outputTokens", "cacheCreationTokens", "cacheReadTokens")):
                t[i] += m[key]
    ours = by_model(conn)
    assert set(theirs) == set(ours)
    for model, (inp, out, write, read) in theirs.items():
        row = ours[model]
        assert (row["input_tokens"], row["cache_creation_tokens"], row["cache_read_tokens"]) == (inp, write, read)
        assert row["output_tokens"] >= out


def test_cost_per_model_computed_from_the_price_table(conn):
    ours = by_model(conn)
    # Sonnet 4.5 at $3 in, $15 out, $3.75 cache write, $0.30 cache read per million.
    assert ours["claude-sonnet-4-5-20250929"]["cost_usd"] == round(
        (2408 * 3 + 7 * 15 + 18814 * 3.75 + 29274 * 0.30) / 1e6, 6) == 0.086664
    # Opus 4.6 at $5 / $25 / $6.25 / $0.50, and $10 for the 57,373 of its cache writes
    # that went to the 1-hour cache (usage.cache_creation.ephemeral_1h_input_tokens).
    assert ours["claude-opus-4-6"]["cost_usd"] == round(
        (1636 * 5 + 1819 * 25 + (179062 - 57373) * 6.25 + 57373 * 10 + 544874 * 0.50) / 1e6, 6) == 1.660378
    total = tokens.totals(conn, filters.Filters())
    assert total["cost_usd"] == pytest.approx(sum(r["cost_usd"] for r in ours.values()), abs=2e-6)
    assert total["cost_known"] is True


@pytest.mark.parametrize("model, key", [
    ("claude-opus-4-6", "claude-opus-4-6"),
    ("claude-opus-4-6[1m]", "claude-opus-4-6"),
    ("claude-opus-4-1-20250805", "claude-opus-4-1"),
    ("claude-opus-4-20250514", "claude-opus-4"),
    ("claude-sonnet-4-5-20250929", "claude-sonnet-4-5"),
    ("claude-sonnet-4-20250514", "claude-sonnet-4"),
    ("claude-3-5-sonnet-20241022", "claude-3-5-sonnet"),
    ("claude-3-7-sonnet-20250219", "claude-3-7-sonnet"),
    ("claude-haiku-4-5-20251001", "claude-haiku-4-5"),
    ("claude-3-5-haiku-latest", "claude-3-5-haiku"),
    ("us.anthropic.claude-3-5-sonnet-20241022-v2:0", "claude-3-5-sonnet"),
    ("claude-opus-4-1@20250805", "claude-opus-4-1"),
    ("claude-opus-4-7", None),
    ("claude-opus-5", None),
    ("<synthetic>", None),
    ("gpt-4o", None),
], ids=lambda v: str(v))
def test_model_ids_match_price_entries_by_family_rules(fresh, model, key):
    assert pricing.match(fresh, model) == key


def test_view_matching_agrees_with_pricing_match(fresh):
    models = ["claude-opus-4-6", "claude-opus-4-20250514", "claude-opus-4-7", "claude-3-5-haiku-20241022"]
    with fresh:
        fresh.executemany(
            "insert into token_usage (message_id, request_id, model, input_tokens) values (?, ?, ?, 1)",
            [("msg_%d" % i, "req_%d" % i, m) for i, m in enumerate(models)])
    view = dict(fresh.execute("select model, price_match from model_price_match"))
    assert view == {m: pricing.match(fresh, m) for m in models}


def test_unknown_model_cost_is_null_never_zero(fresh):
    with fresh:
        fresh.execute(
            "insert into token_usage (message_id, request_id, model, input_tokens, output_tokens, at)"
            " values ('msg_1', 'req_1', 'claude-opus-9', 1000, 500, '2026-03-02T10:00:00.000000Z')")
    row = db.one(fresh, "select * from token_costs")
    assert row["cost_usd"] is None and row["priced"] == 0 and row["total_tokens"] == 1500
    report = tokens.report(fresh, filters.Filters())
    assert report["unknown_models"] == ["claude-opus-9"]
    assert report["totals"]["cost_usd"] is None and report["totals"]["cost_known"] is False


def test_mixed_known_and_unknown_models_keep_known_cost_and_flag_it(fresh):
    with fresh:
        fresh.execute("insert into token_usage (message_id, request_id, model, output_tokens)"
                      " values ('a', 'r', 'claude-haiku-4-5', 1000000)")
        fresh.execute("insert into token_usage (message_id, request_id, model, output_tokens)"
                      " values ('b', 'r', 'mystery-model', 1000000)")
    total = tokens.totals(fresh, filters.Filters())
    assert total["cost_usd"] == 5.0 and total["cost_known"] is False


def test_price_table_is_dated_and_sync_restores_it(fresh):
    assert db.scalar(fresh, "select count(distinct price_date) from model_prices") == 1
    with fresh:
        fresh.execute("delete from model_prices")
    assert pricing.sync(fresh) == pricing.load()["price_date"]
    assert db.scalar(fresh, "select count(*) from model_prices") == len(pricing.load()["models"])
