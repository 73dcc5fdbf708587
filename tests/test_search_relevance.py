"""Relevance of hybrid search on a labelled set: recall@5 and MRR per method.

The corpus is a small developer history (replies, prompts, thinking, tool
errors, commits) plus generated noise that shares their vocabulary. The
queries are paraphrases sharing no word with their target, code
identifiers, error messages, questions and non-Latin text.
"""

import random
import re

import pytest

from collector import search
from collector.search.query import stem
from collector.sessions import store
from collector.storage import db

DOCS = [
    ("wal", "reply", "SQLite returns SQLITE_BUSY when another writer holds the lock. Set busy_timeout to 5000 ms and keep write transactions short so readers are never blocked."),
    ("docker_port", "reply", "The container exits because port 8080 is already bound on the host. Stop the other service or map the container to 8081 in docker-compose.yml."),
    ("oauth", "reply", "Login fails because the OAuth redirect URI registered with the provider does not match the callback URL; update REDIRECT_URI in settings.py."),
    ("flaky", "reply", "The test is flaky because it depends on wall-clock time; freeze the clock with a fixture instead of calling datetime.now() directly."),
    ("rebase", "reply", "To undo the bad rebase, find the previous HEAD with git reflog and run git reset --hard HEAD@{2}."),
    ("memleak", "reply", "Memory grows because every request appends to the module-level _seen list and nothing ever clears it; use an LRU cache with a maxsize."),
    ("css_grid", "reply", "The sidebar overlaps the content because grid-template-columns is missing; use grid-template-columns: 240px 1fr on the layout container."),
    ("n_plus_one", "reply", "The page is slow because of an N+1 query: each order loads its customer separately. Use select_related('customer') to fetch them in one join."),
    ("utf8", "reply", "The CSV import breaks on accented names because the file is read as latin-1; open it with encoding='utf-8-sig' to handle the BOM."),
    ("cron", "reply", "The nightly job never ran because the cron expression 0 0 * * 7 uses the wrong weekday field for your scheduler; use 0 0 * * 0 for Sunday."),
    ("jwt", "reply", "Tokens expire after five minutes because JWT_EXP_DELTA is set in seconds, not minutes; set it to 3600 for an hour."),
    ("k8s_oom", "reply", "The pod is killed with OOMKilled because its memory limit is 256Mi while the JVM heap is 512m; raise limits.memory or lower -Xmx."),
    ("race", "reply", "Two workers update the counter at the same time and lose increments; wrap the read-modify-write in a transaction with SELECT ... FOR UPDATE."),
    ("tz", "reply", "Reports show yesterday's totals because timestamps are stored in local time; store UTC and convert only when displaying."),
    ("regex", "reply", "The pattern is catastrophically slow on long inputs because of nested quantifiers (a+)+; rewrite it without the nested group."),
    ("pagination", "reply", "Items repeat across pages because the query orders by created_at, which is not unique; add id as a tie breaker in ORDER BY."),
    ("ssl", "reply", "requests raises SSLError: certificate verify failed because the corporate proxy re-signs traffic; point REQUESTS_CA_BUNDLE at the company root certificate."),
    ("venv", "reply", "ModuleNotFoundError: No module named 'yaml' means pyyaml is installed in another interpreter; run python -m pip install pyyaml inside the venv."),
    ("keyerror", "tool", "pytest tests/test_drain.py\nKeyError: 'session_id' in collector/ingest/drain.py line 88 parse_event"),
    ("assert", "tool", "pytest tests/test_metrics.py -q\nAssertionError: expected 3 got 2 in test_turn_count_with_interruptions"),
    ("connrefused", "tool", "curl http://127.0.0.1:8000/api/health\ncurl: (7) Failed to connect to 127.0.0.1 port 8000: Connection refused"),
    ("segfault", "tool", "./build/bench --threads 8\nSegmentation fault (core dumped)"),
    ("permission", "tool", "git push origin main\ngit@github.com: Permission denied (publickey)."),
    ("npm", "tool", "npm install\nnpm ERR! ERESOLVE unable to resolve dependency tree: peer react@17 from react-beautiful-dnd"),
    ("timeout_err", "tool", "python scripts/sync.py\nTimeoutError: timed out after 30s waiting for upload_chunk"),
    ("commit_retry", "commit", "Retry spool writes with exponential backoff\n\nwrite_spool_line now retries three times before counting the event as lost."),
    ("commit_ff", "commit", "Add feature flag ENABLE_DARK_MODE for the settings page"),
    ("commit_rename", "commit", "Rename parse_hook_payload to decode_hook_event everywhere"),
    ("commit_index", "commit", "Add index on orders(customer_id, created_at) to speed up the invoices report"),
    ("fn_profile", "reply", "I added fetch_user_profile_v2 which caches results; fetch_user_profile is kept for the old mobile client."),
    ("fn_settings", "reply", "fetch_user_settings now returns defaults when the row is missing instead of raising."),
    ("cls_spool", "reply", "SpoolWriter.append_line takes the lock with a 50 ms timeout and counts lost events when it cannot."),
    ("cls_drain", "reply", "DrainWorker.run_once reads the spool files in order and commits every 500 events."),
    ("const", "reply", "MAX_PAYLOAD_BYTES is 262144; larger hook payloads are cut and the cut is recorded."),
    ("path_cfg", "reply", "The settings live in collector/config.py and are loaded once from config.toml under CCTRACKER_HOME."),
    ("thinking_cache", "thinking", "Maybe the cache key ignores the locale, so French users get English pages. I should include the language in the key."),
    ("prompt_logs", "prompt", "Can you rotate the log files every day and keep only the last two weeks?"),
    ("prompt_dark", "prompt", "Please add a dark theme toggle to the settings screen."),
    ("prompt_csv", "prompt", "Export the monthly invoices as a spreadsheet download."),
    ("prompt_retry", "prompt", "The upload sometimes fails on bad wifi, make it try again a few times."),
    ("russian", "reply", "Ошибка блокировки базы данных: увеличьте busy_timeout и сократите транзакции записи."),
    ("japanese", "reply", "データベースのロックがタイムアウトしました。書き込みトランザクションを短くしてください。"),
    ("email", "reply", "Password reset emails land in spam because SPF and DKIM records are missing for the sending domain."),
    ("backup", "reply", "Backups were empty because pg_dump ran against the replica before it finished catching up; run it on the primary or wait for replay."),
    ("i18n", "reply", "Dates show in US format for German users because the locale is hard-coded in format_date; pass the user's locale through."),
    ("winerr", "tool", "installer.exe /quiet\nWindows Update failed with error 0x80072efe"),
    ("exit137", "tool", "docker run app:latest\nprocess exited with code 137"),
    ("sha", "reply", "The regression came in with commit 3f9c2ab7 which changed the retry delay."),
    ("ticket", "prompt", "Work on PLAT-4821 next: the export button is hidden on tablets."),
    ("http502", "tool", "curl -i https://shop.example/api/cart\nHTTP/1.1 502 Bad Gateway"),
    ("enospc", "tool", "npm run build\nError: ENOSPC: no space left on device, write"),
]

# Near misses: a real history repeats errors and names with small differences,
# which meaning alone cannot tell apart.
SIBLINGS = [
    ("reply", "I added fetch_user_profile_v1 caching for the web client; the mobile client still calls the old path."),
    ("reply", "fetch_user_preferences now returns defaults when the row is missing instead of raising."),
    ("reply", "SpoolReader.read_lines takes the lock with a 50 ms timeout and skips files it cannot open."),
    ("reply", "DrainScheduler.run_every wakes the drain each second and commits what it read."),
    ("reply", "MAX_BATCH_EVENTS is 500; larger batches are split and the split is recorded."),
    ("reply", "The settings live in collector/settings.py and are loaded once from settings.toml under the home folder."),
    ("commit", "Rename parse_transcript_line to decode_transcript_entry everywhere"),
    ("commit", "Add feature flag ENABLE_BETA_EXPORT for the reports page"),
    ("commit", "Retry spool reads with exponential backoff\n\nread_spool_line now retries three times before giving up."),
    ("reply", "Tokens refresh after five minutes because JWT_REFRESH_DELTA is set in seconds; set it to 3600."),
    ("reply", "Times show in US format because the locale is hard-coded in format_time; pass the locale through."),
    ("tool", "python scripts/fetch.py\nTimeoutError: timed out after 60s waiting for download_part"),
    ("tool", "pytest tests/test_store.py\nKeyError: 'project_id' in collector/sessions/store.py line 40 ensure_project"),
    ("tool", "pytest tests/test_waits.py -q\nAssertionError: expected 5 got 4 in test_wait_split_at_threshold"),
    ("tool", "curl http://localhost:9000/metrics\ncurl: (6) Could not resolve host: metrics.internal"),
    ("tool", "./build/bench --threads 4\nIllegal instruction (core dumped)"),
    ("tool", "git pull origin main\nfatal: Could not read from remote repository. Permission denied."),
    ("tool", "npm ci\nnpm ERR! code ENOENT npm ERR! syscall open package-lock.json"),
    ("reply", "The pod restarts in CrashLoopBackOff because the readiness probe hits /healthz before the JVM starts."),
    ("reply", "requests raises SSLError: wrong version number because the URL uses https on a plain http port."),
    ("reply", "ModuleNotFoundError: No module named 'toml' on Python 3.10; install tomli or upgrade to 3.11."),
    ("reply", "The query uses select_for_update to lock the order row while the payment is captured."),
    ("reply", "busy waiting in the drain loop burned a core; it now sleeps between polls."),
    ("reply", "REQUESTS_TIMEOUT is 30 seconds for every outgoing call."),
    ("reply", "upload_file streams the body in parts so memory stays flat."),
    ("tool", "installer.exe /quiet\nWindows Update failed with error 0x80070005"),
    ("tool", "docker run worker:latest\nprocess exited with code 143"),
    ("reply", "The regression came in with commit 9d1e07c2 which changed the retry count."),
    ("prompt", "Work on PLAT-4812 next: the import button is hidden on phones."),
    ("tool", "curl -i https://shop.example/api/orders\nHTTP/1.1 504 Gateway Timeout"),
    ("tool", "npm run build\nError: EACCES: permission denied, open"),
]

# Histories repeat the same shapes with other numbers: many exits, commits, tickets.
ECHO_TEMPLATES = [
    ("tool", "docker run app:{tag}\nprocess exited with code {code}"),
    ("reply", "The regression came in with commit {sha} which changed the {thing}."),
    ("prompt", "Work on PLAT-{ticket} next: the {thing} is hidden on tablets."),
    ("tool", "installer.exe /quiet\nWindows Update failed with error 0x{hex}"),
    ("tool", "curl -i https://shop.example/api/{thing}\nHTTP/1.1 {status} Bad Gateway"),
]
ECHOES_EACH = 15


def _echo(rnd, template):
    kind, text = template
    return kind, text.format(
        tag=rnd.choice(["v1", "v2", "dev"]), code=rnd.choice([1, 2, 126, 127, 130, 139, 255]),
        sha="%08x" % rnd.getrandbits(32), ticket=rnd.randint(1000, 9999), hex="%08x" % rnd.getrandbits(32),
        status=rnd.choice([500, 503, 504]), thing=rnd.choice(["retry delay", "cart", "orders", "menu"]))


# People also talk about what identifiers name, in plain words: the same
# tokens, not the identifier ("fetch the user settings" vs fetch_user_settings).
PROSE_TAILS = ["we should {w} before the release", "the {w} part was discussed yesterday",
               "is {w} still needed?", "I looked at {w} in the docs", "{w} came up in review",
               "remember to {w} later"]


def _prose_words(identifier):
    spaced = re.sub(r"([a-z])([A-Z])", r"\1 \2", identifier)
    return " ".join(re.findall(r"[A-Za-z]+|\d+", spaced)).lower()


PARAPHRASES = [
    ("database stuck while a different process is saving", "wal"),
    ("program crashes at launch since network socket occupied", "docker_port"),
    ("people cannot sign on through google", "oauth"),
    ("check passes sometimes and breaks other days at certain hours", "flaky"),
    ("RAM usage keeps climbing forever", "memleak"),
    ("side panel covers main area", "css_grid"),
    ("listing screen sluggish, too many database round trips", "n_plus_one"),
    ("letters like é garbled when loading spreadsheet", "utf8"),
    ("planned midnight task did not execute on weekends", "cron"),
    ("login credential lifetime too short", "jwt"),
    ("java app terminated for exceeding ram allowance on cluster", "k8s_oom"),
    ("concurrent jobs bumping one tally drop some changes", "race"),
    ("figures off by a day due to clock zone", "tz"),
    ("same entries show up twice when flipping screens", "pagination"),
    ("mail goes to junk folder", "email"),
]
IDENTIFIERS = [
    ("fetch_user_profile_v2", "fn_profile"),
    ("fetch_user_settings", "fn_settings"),
    ("SpoolWriter.append_line", "cls_spool"),
    ("DrainWorker", "cls_drain"),
    ("MAX_PAYLOAD_BYTES", "const"),
    ("collector/config.py", "path_cfg"),
    ("parse_hook_payload", "commit_rename"),
    ("ENABLE_DARK_MODE", "commit_ff"),
    ("busy_timeout", "wal russian"),
    ("write_spool_line", "commit_retry"),
    ("select_related", "n_plus_one"),
    ("JWT_EXP_DELTA", "jwt"),
    ("format_date", "i18n"),
    ("REQUESTS_CA_BUNDLE", "ssl"),
    ("upload_chunk", "timeout_err"),
    ("user_profile", "fn_profile"),
    ("3f9c2ab7", "sha"),
    ("PLAT-4821", "ticket"),
    # Partial identifiers: a short SHA, the start of a name, part of a code.
    ("3f9c2ab", "sha"),
    ("SpoolWri", "cls_spool"),
    ("80072ef", "winerr"),
    ("PAYLOAD_BYT", "const"),
]
ERRORS = [
    ("KeyError: 'session_id'", "keyerror"),
    ("AssertionError: expected 3 got 2", "assert"),
    ("Connection refused", "connrefused"),
    ("Segmentation fault (core dumped)", "segfault"),
    ("Permission denied (publickey)", "permission"),
    ("npm ERR! ERESOLVE unable to resolve dependency tree", "npm"),
    ("TimeoutError: timed out after 30s", "timeout_err"),
    ("SSLError: certificate verify failed", "ssl"),
    ("No module named 'yaml'", "venv"),
    ("OOMKilled", "k8s_oom"),
    ("0x80072efe", "winerr"),
    ("exited with code 137", "exit137"),
    ("502 Bad Gateway", "http502"),
    ("ENOSPC", "enospc"),
]
QUESTIONS = [
    ("why does sqlite say the database is busy?", "wal"),
    ("how do I undo a bad rebase?", "rebase"),
    ("why are password reset emails going to spam?", "email"),
    ("how do we export invoices as a spreadsheet?", "prompt_csv"),
    ("why did the backups come out empty?", "backup"),
    ("what should the cache key include for different languages?", "thinking_cache"),
    ("how long are log files kept?", "prompt_logs"),
    ("which port does the container use?", "docker_port"),
    ("how do I retry uploads on flaky wifi?", "prompt_retry commit_retry"),
    ("ошибка блокировки", "russian"),
    ("データベース", "japanese"),
    ("ロック", "japanese"),
]
LABELLED = [("paraphrase", q, t) for q, t in PARAPHRASES] + [("identifier", q, t) for q, t in IDENTIFIERS] + [
    ("error", q, t) for q, t in ERRORS] + [("question", q, t) for q, t in QUESTIONS]

# Everyday chat from other work: shares common words with the queries, not their topics.
NOISE_TEMPLATES = [
    "I {verb} the {thing} in {file} so that it {result}.",
    "Can you {verb_base} the {thing} in {file}? It {problem}.",
    "Done: {verb} the {thing}; all tests pass and it {result}.",
    "The {thing} {problem}, so I {verb} it and now it {result}.",
    "Next I will {verb_base} the {thing} and then check {file} again.",
]
NOISE_WORDS = {
    "verb": ["updated", "renamed", "cleaned up", "reformatted", "documented", "moved", "simplified", "split"],
    "verb_base": ["update", "rename", "clean up", "reformat", "document", "move", "simplify", "split"],
    "thing": ["README", "changelog", "type hints", "docstrings", "lint warnings", "release notes",
              "CI pipeline", "version number", "logging format", "CLI help text", "import order",
              "unused imports", "progress bar", "tab completion", "icons", "translations", "examples",
              "license header", "issue template", "code owners file"],
    "file": ["utils.py", "main.py", "setup.cfg", "pyproject.toml", "Makefile", "the docs folder",
             "the tests", "cli.py", "the wiki", "index.html"],
    "result": ["reads better", "is shorter", "matches the style guide", "passes lint", "builds faster",
               "is easier to review", "works on Windows too", "looks consistent"],
    "problem": ["is out of date", "is hard to read", "has a typo", "is inconsistent", "is too long",
                "is missing a section", "confuses new people", "breaks the docs build"],
}
NOISE_DOCS = 300
METHODS = {"fts": ("bm25",), "vectors": ("vector",), "hybrid": None}


def _words(text):
    """Words and their stems: a paraphrase must share neither with its target."""
    words = set(re.findall(r"\w+", text.lower()))
    return words | {stem(w) for w in words}


def _noise(rnd):
    return rnd.choice(NOISE_TEMPLATES).format(**{k: rnd.choice(v) for k, v in NOISE_WORDS.items()})


@pytest.fixture(scope="module")
def corpus(tmp_path_factory):
    """The labelled corpus in a real tracker database, fully indexed; key -> search doc id."""
    conn = db.connect(str(tmp_path_factory.mktemp("relevance") / "cctracker.db"))
    rnd = random.Random(5)
    refs = {}
    with conn:
        conn.execute("insert into projects (id, name, path) values (1, 'shop', '/src/shop')")
        conn.execute("insert into sessions (id, session_uuid, project_id) values (1, 'rel-1', 1)")
        entries = [(k, kind, text) for k, kind, text in DOCS]
        entries += [("noise%d" % i, "reply", _noise(rnd)) for i in range(NOISE_DOCS)]
        entries += [("sibling%d" % i, kind, text) for i, (kind, text) in enumerate(SIBLINGS)]
        entries += [("prose%d_%d" % (i, j), "reply", tail.format(w=_prose_words(query)))
                    for i, (query, _) in enumerate(IDENTIFIERS[:16]) for j, tail in enumerate(PROSE_TAILS)]
        entries += [("echo%d" % i, *_echo(rnd, template))
                     for i, template in enumerate(ECHO_TEMPLATES * ECHOES_EACH)]
        rnd.shuffle(entries)
        for i, (key, kind, text) in enumerate(entries):
            at = "2026-02-%02dT10:%02d:00.000000Z" % (1 + i % 28, i % 60)
            if kind == "tool":
                command, _, error = text.partition("\n")
                conn.execute(
                    "insert into tool_calls (session_id, tool_name, summary, error, status, source,"
                    " started_at) values (1, 'Bash', ?, ?, 'error', 'hook', ?)", (command, error, at))
                refs[key] = ("tool_calls", conn.last_insert_rowid())
            elif kind == "commit":
                conn.execute(
                    "insert into commits (project_id, session_id, sha, subject, message, committed_at)"
                    " values (1, 1, ?, ?, ?, ?)", ("%040x" % i, text.split("\n")[0], text, at))
                refs[key] = ("commits", conn.last_insert_rowid())
            else:
                refs[key] = ("messages", store.add_message(
                    conn, uid="rel-%d" % i, session_id=1, role="user" if kind == "prompt" else "assistant",
                    kind=kind, content=text, created_at=at))
    while search.index_pending(conn):
        pass
    ids = {key: db.scalar(conn, "select id from search_docs where ref_table = ? and ref_id = ?", ref)
           for key, ref in refs.items()}
    yield conn, ids
    conn.close()


def evaluate(conn, ids, paths):
    """recall@5 and MRR (first relevant hit, over the whole returned list) of one method."""
    hits, reciprocal = 0, 0.0
    misses = []
    for category, query, targets in LABELLED:
        wanted = {ids[t] for t in targets.split()}
        found = [r["id"] for r in search.search(conn, query, paths=paths, limit=50, context=False)]
        rank = next((i for i, doc in enumerate(found, 1) if doc in wanted), None)
        hits += rank is not None and rank <= 5
        reciprocal += 1.0 / rank if rank else 0.0
        if rank is None or rank > 5:
            misses.append((category, query, rank))
    return hits / len(LABELLED), reciprocal / len(LABELLED), misses


def test_labelled_set_has_at_least_40_queries_of_each_sort():
    assert len(LABELLED) >= 40
    assert {c for c, _, _ in LABELLED} == {"paraphrase", "identifier", "error", "question"}


@pytest.mark.parametrize("query,target", PARAPHRASES, ids=[t for _, t in PARAPHRASES])
def test_paraphrase_shares_no_word_with_its_target(query, target):
    text = dict((k, t) for k, _, t in DOCS)[target]
    assert not _words(query) & _words(text)


def test_hybrid_recall_at_5_is_at_least_0_9_and_beats_fts_and_vectors(corpus, capsys):
    conn, ids = corpus
    scores = {name: evaluate(conn, ids, paths) for name, paths in METHODS.items()}
    with capsys.disabled():
        print()
        for name, (recall, mrr, misses) in scores.items():
            print("%-8s recall@5 %.3f  MRR %.3f  misses: %s" % (name, recall, mrr, misses))
    hybrid, fts, vectors = scores["hybrid"][0], scores["fts"][0], scores["vectors"][0]
    assert hybrid >= 0.9
    assert hybrid > fts
    assert hybrid > vectors
    assert scores["hybrid"][1] > max(scores["fts"][1], scores["vectors"][1])


def test_fts_alone_finds_no_paraphrase_target_in_its_top_5(corpus):
    conn, ids = corpus
    for query, target in PARAPHRASES:
        found = [r["id"] for r in search.search(conn, query, paths=("bm25",), limit=5, context=False)]
        assert ids[target] not in found, query
