"""Token totals per model agree with ccusage 17.2.1 (the JavaScript package) on the same files.

ccusage is installed by ``npm install --prefix .cache/ccusage ccusage@17.2.1``
(``./dev test`` does it). It keeps the first copy of each (message.id,
requestId); we keep the highest output count, so input and cache tokens must
be equal and output tokens at least ccusage's.
"""

import json
import os
import shutil
import subprocess

import pytest

from collector.ingest import importer
from collector.storage import db
from conftest import ROOT, TRANSCRIPTS

CCUSAGE = ROOT / ".cache" / "ccusage" / "node_modules" / ".bin" / "ccusage"
CCUSAGE_TIMEOUT_SECONDS = 180


def ccusage_or_skip():
    if CCUSAGE.exists() and shutil.which("node"):
        return str(CCUSAGE)
    reason = "ccusage not installed: npm install --prefix .cache/ccusage ccusage@17.2.1"
    if os.environ.get("CI"):
        pytest.fail(reason)
    pytest.skip(reason)


def ccusage_per_model(config_dir):
    done = subprocess.run(
        [ccusage_or_skip(), "session", "--json", "--offline"],
        env={**os.environ, "CLAUDE_CONFIG_DIR": str(config_dir), "NO_COLOR": "1"},
        capture_output=True, text=True, timeout=CCUSAGE_TIMEOUT_SECONDS)
    assert done.returncode == 0, done.stderr
    totals = {}
    for session in json.loads(done.stdout)["sessions"]:
        for m in session["modelBreakdowns"]:
            t = totals.setdefault(m["modelName"], [0, 0, 0, 0])
            for i, key in enumerate(("inputTokens", "outputTokens", "cacheCreationTokens",
                                     "cacheReadTokens")):
                t[i] += m[key]
    return totals


def test_tokens_agree_with_ccusage(tmp_path):
    config_dir = tmp_path / "claude"
    projects = config_dir / "projects"
    shutil.copytree(TRANSCRIPTS / "spotter", projects / "-home-marco-projects-spotter")
    shutil.copytree(TRANSCRIPTS / "claude-code-viewer", projects / "-path-to-Demo")
    theirs = ccusage_per_model(config_dir)
    conn = db.connect(str(tmp_path / "t.db"))
    importer.import_paths(conn, [str(projects)])
    ours = {r[0]: list(r[1:]) for r in conn.execute(
        "select model, sum(input_tokens), sum(output_tokens), sum(cache_creation_tokens),"
        " sum(cache_read_tokens) from token_usage group by model")}
    assert sorted(ours) == sorted(theirs)
    for model, (inp, out, cc, cr) in theirs.items():
        assert (ours[model][0], ours[model][2], ours[model][3]) == (inp, cc, cr), model
        assert ours[model][1] >= out, model
    # The figures themselves, so a change in either tool shows here.
    assert theirs == {
        "claude-opus-4-6": [1636, 619, 179062, 544874],
        "claude-sonnet-4-20250514": [1040, 52546, 198421, 4075332],
        "claude-sonnet-4-5-20250929": [2408, 7, 18814, 29274],
    }
