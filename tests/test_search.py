"""Search: the index kept in step with the core tables, filters, safety, results, CLI."""

import sqlite3
import subprocess

import pytest

from collector import search
from collector.errors import InvalidInput
from collector.search import query as query_mod, results, retrieve
from collector.sessions import store
from collector.storage import db

import legacy
from conftest import PYTHON

ALPHA_UUID = "5a1f0c3e-0000-4000-8000-00000000a001"
BETA_UUID = "5b2e1d4f-0000-4000-8000-00000000b001"

TEXTS = {
    "a1_prompt": "How do I fix the database lock timeout?",
    "a1_thinking": "The user probably hits SQLITE_BUSY from two concurrent writers.",
    "a1_reply": "Set busy_timeout to 5000 ms and keep write transactions short.",
    "a2_prompt": "Add a retry loop around the spool writer",
    "a2_reply": "Added write_spool_line retries with exponential backoff.",
    "a3_prompt": "Commit it please",
    "a3_reply": "Committed as a single change.",
    "b1_prompt": "Render the invoice page faster",
    "b1_reply": "The invoice page ran an N+1 query; select_related fixes it. <script>alert(1)</script>",
    "b2_prompt": "Ошибка блокировки базы данных",
    "b2_reply": "データベースのロックがタイムアウトしました",
}
TOOL = ("Bash", "pytest tests/test_spool.py", "AssertionError: expected 3 got 2")
COMMIT = ("Retry spool writes with backoff", "Retry spool writes with backoff\n\nThree tries, then count it lost.")


def build(conn):
    """Two projects, two sessions, five turns; returns {name: row id} for every row."""
    ids = {}
    with conn:
        ids["alpha"] = store.ensure_project(conn, "/nonexistent/src/alpha")
        ids["beta"] = store.ensure_project(conn, "/nonexistent/src/beta")
        ids["s_alpha"], _ = store.ensure_session(conn, ALPHA_UUID, cwd="/nonexistent/src/alpha",
                                                 at="2026-03-01T09:00:00.000000Z")
        ids["s_beta"], _ = store.ensure_session(conn, BETA_UUID, cwd="/nonexistent/src/beta",
                                                at="2026-03-10T09:00:00.000000Z")
        conn.execute("update sessions set model = 'claude-opus-4-5' where id = ?", (ids["s_alpha"],))
        conn.execute("update sessions set model = 'claude-sonnet-4-5' where id = ?", (ids["s_beta"],))
        for name, session, seq, at in [
            ("a1", "s_alpha", 1, "2026-03-01T09:00:00.000000Z"),
            ("a2", "s_alpha", 2, "2026-03-01T09:10:00.000000Z"),
            ("a3", "s_alpha", 3, "2026-03-01T09:20:00.000000Z"),
            ("b1", "s_beta", 1, "2026-03-10T09:00:00.000000Z"),
            ("b2", "s_beta", 2, "2026-03-10T09:10:00.000000Z"),
        ]:
            conn.execute("insert into turns (session_id, seq, started_at) values (?, ?, ?)",
                         (ids[session], seq, at))
            turn = conn.last_insert_rowid()
            ids["t_" + name] = turn
            minute = at[:15]
            for offset, kind in enumerate(("prompt", "thinking", "reply")):
                key = "%s_%s" % (name, kind)
                if key not in TEXTS:
                    continue
                ids[key] = store.add_message(
                    conn, uid="uid-" + key, session_id=ids[session], turn_id=turn,
                    role="user" if kind == "prompt" else "assistant", kind=kind, content=TEXTS[key],
                    created_at="%s%d:0%d.000000Z" % (minute, int(at[15]), offset),
                    model=None if kind == "prompt" else db.scalar(
                        conn, "select model from sessions where id = ?", (ids[session],)),
                    source="hook")
        conn.execute(
            "insert into tool_calls (session_id, turn_id, tool_use_id, tool_name, status, summary, error,"
            " source, started_at) values (?, ?, 'toolu_1', ?, 'error', ?, ?, 'hook',"
            " '2026-03-01T09:10:05.000000Z')", (ids["s_alpha"], ids["t_a2"], *TOOL))
        ids["tool"] = conn.last_insert_rowid()
        conn.execute(
            "insert into commits (project_id, session_id, sha, subject, message, committed_at)"
            " values (?, ?, 'abc123', ?, ?, '2026-03-01T09:20:30.000000Z')",
            (ids["alpha"], ids["s_alpha"], *COMMIT))
        ids["commit"] = conn.last_insert_rowid()
    return ids


def doc_id(conn, ref_table, ref_id):
    return db.scalar(conn, "select id from search_docs where ref_table = ? and ref_id = ?",
                     (ref_table, ref_id))


@pytest.fixture
def conn(tmp_path):
    connection = db.connect(str(tmp_path / "cctracker.db"))
    yield connection
    connection.close()


@pytest.fixture
def indexed(conn):
    ids = build(conn)
    while search.index_pending(conn):
        pass
    return conn, ids


def docs(conn):
    return {(r[0], r[1]): (r[2], r[3]) for r in conn.execute(
        "select ref_table, ref_id, kind, text from search_docs")}


def found(conn, text, **kw):
    return [(r["ref_table"], r["ref_id"]) for r in search.search(conn, text, **kw)]


# --- indexing ------------------------------------------------------------------------


def test_index_pending_makes_one_document_per_message_tool_call_and_commit(indexed):
    conn, ids = indexed
    got = docs(conn)
    assert len(got) == 13
    assert got[("messages", ids["a1_thinking"])] == ("thinking", TEXTS["a1_thinking"])
    assert got[("tool_calls", ids["tool"])] == (
        "tool", "Bash: pytest tests/test_spool.py\nAssertionError: expected 3 got 2")
    assert got[("commits", ids["commit"])] == ("commit", COMMIT[1])
    assert search.status(conn) == {"docs": 13, "vectors": 13, "pending_vectors": 0, "queued": 0,
                                   "pending": 0, "up_to_date": True}


def test_status_counts_work_waiting_before_the_indexer_runs(conn):
    build(conn)
    assert search.status(conn) == {"docs": 0, "vectors": 0, "pending_vectors": 0, "queued": 13,
                                   "pending": 13, "up_to_date": False}
    assert search.indexer.sync_docs(conn) == 13
    assert search.status(conn)["pending_vectors"] == 13


def test_index_pending_twice_changes_nothing(indexed):
    conn, _ = indexed
    before = list(conn.execute("select doc_id, content_hash, vector from search_vectors order by doc_id"))
    assert search.index_pending(conn) == 0
    assert list(conn.execute("select doc_id, content_hash, vector from search_vectors order by doc_id")) == before


def test_index_pending_respects_its_limit(conn):
    build(conn)
    assert search.index_pending(conn, limit=5) == 10  # 5 refs turned into docs, 5 vectors
    assert search.status(conn)["queued"] == 8


def test_edited_message_gets_new_text_and_one_new_vector(indexed):
    conn, ids = indexed
    with conn:
        conn.execute("update messages set content = 'Use a WAL checkpoint instead' where id = ?",
                     (ids["a1_reply"],))
    assert search.index_pending(conn) == 2  # one ref, one vector
    doc = doc_id(conn, "messages", ids["a1_reply"])
    assert db.scalar(conn, "select content_hash from search_vectors where doc_id = ?", (doc,)) == \
        store.content_hash("Use a WAL checkpoint instead")
    assert found(conn, "checkpoint", paths=("bm25",)) == [("messages", ids["a1_reply"])]
    assert found(conn, "busy_timeout", paths=("bm25",)) == []


def test_tool_error_arriving_later_reaches_the_document(conn):
    ids = build(conn)
    with conn:
        conn.execute("update tool_calls set error = null where id = ?", (ids["tool"],))
    search.index_pending(conn)
    assert docs(conn)[("tool_calls", ids["tool"])][1] == "Bash: pytest tests/test_spool.py"
    with conn:
        conn.execute("update tool_calls set error = 'exit 1' where id = ?", (ids["tool"],))
    search.index_pending(conn)
    assert docs(conn)[("tool_calls", ids["tool"])][1] == "Bash: pytest tests/test_spool.py\nexit 1"


def test_deleted_message_loses_its_document_and_vector(indexed):
    conn, ids = indexed
    doc = doc_id(conn, "messages", ids["a2_reply"])
    with conn:
        conn.execute("delete from messages where id = ?", (ids["a2_reply"],))
    search.index_pending(conn)
    assert doc_id(conn, "messages", ids["a2_reply"]) is None
    assert db.scalar(conn, "select count(*) from search_vectors where doc_id = ?", (doc,)) == 0
    assert found(conn, "write_spool_line", paths=("bm25", "trigram")) == []


def test_rows_older_than_the_search_migration_are_indexed(tmp_path):
    path = str(tmp_path / "old.db")
    old = legacy.create(path, 1)
    with old:
        sid, _ = store.ensure_session(old, "old-session", cwd="/nonexistent/old")
        store.add_message(old, uid="old-1", session_id=sid, role="user", kind="prompt",
                          content="an ancient prompt about zebras")
    old.close()
    conn = db.connect(path)
    assert search.status(conn)["queued"] == 1
    search.index_pending(conn)
    assert [r["snippet"] for r in search.search(conn, "zebras")] == ["an ancient prompt about <mark>zebras</mark>"]


def test_reindex_rebuilds_fts_and_every_vector(indexed):
    conn, _ = indexed
    with conn:
        conn.execute("delete from search_vectors")
        conn.execute("insert into search_docs_fts(search_docs_fts) values ('delete-all')")
    search.reindex(conn)
    assert search.status(conn)["vectors"] == 13
    assert db.scalar(conn, "select count(*) from search_vectors") == 13
    conn.execute("insert into search_docs_fts(search_docs_fts, rank) values ('integrity-check', 1)")
    conn.execute("insert into search_docs_trigram(search_docs_trigram, rank) values ('integrity-check', 1)")


# --- finding -------------------------------------------------------------------------


def test_identifier_is_found_through_words_and_trigrams(indexed):
    conn, ids = indexed
    top = search.search(conn, "busy_timeout")[0]
    assert (top["ref_table"], top["ref_id"]) == ("messages", ids["a1_reply"])
    assert set(top["matched_by"]) >= {"bm25", "trigram"}


def test_partial_word_is_found_through_trigrams(indexed):
    conn, ids = indexed
    assert found(conn, "xponenti", paths=("trigram",)) == [("messages", ids["a2_reply"])]


def test_common_terms_are_dropped_when_a_rare_one_fits_the_budget(indexed, monkeypatch):
    conn, ids = indexed
    monkeypatch.setattr(retrieve, "BM25_BUDGET", 2)
    monkeypatch.setattr(retrieve, "DF_COUNT_CAP", 3)
    q = query_mod.parse("the invoice")  # "the" is in 5 documents, "invoice" in 2
    assert set(retrieve.bm25(conn, q, None)) == {doc_id(conn, "messages", ids["b1_prompt"]),
                                                 doc_id(conn, "messages", ids["b1_reply"])}


def test_only_common_terms_take_the_newest_documents_holding_all_of_them(indexed, monkeypatch):
    conn, ids = indexed
    monkeypatch.setattr(retrieve, "BM25_BUDGET", 1)
    monkeypatch.setattr(retrieve, "DF_COUNT_CAP", 2)
    both = [r[0] for r in conn.execute(
        "select rowid from search_docs_fts where search_docs_fts match 'the AND page' order by rowid desc")]
    assert both == [doc_id(conn, "messages", ids["b1_reply"]), doc_id(conn, "messages", ids["b1_prompt"])]
    assert retrieve.bm25(conn, query_mod.parse("the page"), None) == both


@pytest.mark.parametrize("text", [
    'NEAR(lock timeout', '"unbalanced quote', "AND OR NOT", "((", ")", "*", "lock*", "^lock",
    "text:lock", "lock -timeout", "{text}: lock", "lock AND", "NEAR(", "'", "\\", "%_%",
    "x" * 5000, "\u0000lock", "lock\ttimeout\n",
], ids=lambda t: repr(t[:20]))
def test_any_text_is_searched_as_text(indexed, text):
    conn, _ = indexed
    assert isinstance(search.search(conn, text), list)


def test_fts_operators_match_as_words(indexed):
    conn, ids = indexed
    assert found(conn, "NEAR(lock", paths=("bm25",)) == [("messages", ids["a1_prompt"])]


@pytest.mark.parametrize("text", ["", "   ", "\n\t", None])
def test_blank_query_is_invalid_input(indexed, text):
    conn, _ = indexed
    with pytest.raises(InvalidInput) as e:
        search.search(conn, text)
    assert e.value.field == "query"


def test_long_query_is_cut_to_the_named_limit():
    assert len(query_mod.parse("lock " * 1000).text) == query_mod.MAX_QUERY_CHARS
    assert len(query_mod.parse(" ".join("w%d" % i for i in range(100))).terms) == query_mod.MAX_TERMS


@pytest.mark.parametrize("text,key", [
    ("блокировки", "b2_prompt"),        # Cyrillic: words
    ("タイムアウト", "b2_reply"),          # Japanese, no spaces: trigrams
    ("ロック", "b2_reply"),               # three characters: trigrams
    ("ロ", None),                        # one character: LIKE over the newest documents
], ids=["cyrillic", "japanese", "japanese-3", "japanese-1"])
def test_non_latin_scripts_are_found(indexed, text, key):
    conn, ids = indexed
    hits = found(conn, text, paths=("bm25", "trigram", "like"))
    if key is None:
        assert hits == [("messages", ids["b2_reply"])]
    else:
        assert hits[0] == ("messages", ids[key])


# --- filters -------------------------------------------------------------------------


def test_filter_by_project_name_and_id(indexed):
    conn, ids = indexed
    by_name = {r["project_id"] for r in search.search(conn, "the", project="beta", limit=100)}
    by_id = {r["project_id"] for r in search.search(conn, "the", project_id=ids["alpha"], limit=100)}
    assert by_name == {ids["beta"]}
    assert by_id == {ids["alpha"]}


def test_filter_by_session_uuid_prefix(indexed):
    conn, ids = indexed
    got = {r["session_id"] for r in search.search(conn, "retry", session=BETA_UUID[:8], limit=100)}
    assert got <= {ids["s_beta"]}
    assert {r["session_uuid"] for r in search.search(conn, "retry", session=ALPHA_UUID, limit=100)} == {ALPHA_UUID}


def test_filter_by_date_range(indexed):
    conn, ids = indexed
    rows = search.search(conn, "the", since="2026-03-10", limit=100)
    assert {r["session_id"] for r in rows} == {ids["s_beta"]}
    rows = search.search(conn, "the", until="2026-03-01", limit=100)
    assert {r["session_id"] for r in rows} == {ids["s_alpha"]}
    assert search.search(conn, "the", since="2026-03-02", until="2026-03-09") == []
    assert search.search(conn, "the", since="2026-03-10", until="2026-03-01") == []  # an empty range


def test_filter_by_kind_and_model(indexed):
    conn, ids = indexed
    assert found(conn, "spool", kind="tool") == [("tool_calls", ids["tool"])]
    assert found(conn, "spool", kind="commit") == [("commits", ids["commit"])]
    assert {r["kind"] for r in search.search(conn, "the", kind="prompt,thinking", limit=100)} <= {"prompt", "thinking"}
    assert {r["model"] for r in search.search(conn, "the", model="claude-sonnet-4-5", limit=100)} == {"claude-sonnet-4-5"}


@pytest.mark.parametrize("kw,field", [
    ({"kind": "replies"}, "kind"), ({"since": "last tuesday"}, "since"), ({"until": "2026-13-01"}, "until"),
    ({"limit": 0}, "limit"), ({"limit": 101}, "limit"), ({"project": "nope"}, "project"),
    ({"session": "nope"}, "session"), ({"project_id": "x"}, "project_id"),
])
def test_bad_filter_is_invalid_input_naming_the_field(indexed, kw, field):
    conn, _ = indexed
    with pytest.raises(InvalidInput) as e:
        search.search(conn, "lock", **kw)
    assert e.value.field == field


def test_unknown_names_match_nothing_when_not_strict(indexed):
    conn, _ = indexed
    assert search.search(conn, "lock", project="nope", strict=False) == []
    assert search.search(conn, "lock", session="nope", strict=False) == []


def test_relative_since_counts_back_from_now():
    import datetime
    now = datetime.datetime(2026, 3, 10, 12, 0, tzinfo=datetime.timezone.utc)
    assert query_mod.parse_time("since", "7d", now=now) == "2026-03-03T12:00:00.000000Z"
    assert query_mod.parse_time("since", "12h", now=now) == "2026-03-10T00:00:00.000000Z"
    assert query_mod.parse_time("until", "2026-03-01", end=True) == "2026-03-01T23:59:59.999999Z"


# --- results -------------------------------------------------------------------------


def test_result_carries_turn_neighbours_and_session(indexed):
    conn, ids = indexed
    (item,) = [r for r in search.search(conn, "exponential backoff", limit=100)
               if r["ref_table"] == "messages" and r["ref_id"] == ids["a2_reply"]]
    assert item["project_name"] == "alpha"
    assert item["session_uuid"] == ALPHA_UUID
    assert item["turn_seq"] == 2
    assert item["timestamp"] == "2026-03-01T09:10:02.000000Z"
    assert item["model"] == "claude-opus-4-5"
    assert item["user_prompt"] == TEXTS["a2_prompt"]
    assert item["claude_response"] == TEXTS["a2_reply"]
    assert item["context"] == [
        "user: " + TEXTS["a1_prompt"], "claude: " + TEXTS["a1_reply"],
        "user: " + TEXTS["a3_prompt"], "claude: " + TEXTS["a3_reply"],
    ]


def test_thinking_is_flagged(indexed):
    conn, ids = indexed
    (item,) = [r for r in search.search(conn, "SQLITE_BUSY", limit=100) if r["kind"] == "thinking"]
    assert item["thinking"] is True
    assert item["ref_id"] == ids["a1_thinking"]


def test_snippet_marks_matches_and_escapes_html(indexed):
    conn, ids = indexed
    (item,) = [r for r in search.search(conn, "invoice script", limit=100)
               if r["ref_id"] == ids["b1_reply"] and r["ref_table"] == "messages"]
    assert item["snippet"] == (
        "The <mark>invoice</mark> page ran an N+1 query; select_related fixes it. "
        "&lt;<mark>script</mark>&gt;alert(1)&lt;/<mark>script</mark>&gt;")
    assert results.plain(item["snippet"]).endswith("<[script]>alert(1)</[script]>")


def test_snippet_of_long_text_is_a_window_around_the_match():
    q = query_mod.parse("needle")
    text = "hay " * 200 + "needle" + " hay" * 200
    cut = results.snippet(text, results.highlight_pattern(q))
    assert cut.startswith("…") and cut.endswith("…")
    assert "<mark>needle</mark>" in cut
    assert len(results.plain(cut)) == results.SNIPPET_CHARS + 4  # two "…", "[" and "]"


def test_vectors_find_a_new_document_by_meaning_after_indexing(indexed):
    conn, ids = indexed
    search.search(conn, "warm the matrix")  # the matrix is now cached for this file
    with conn:
        mid = store.add_message(conn, uid="late", session_id=ids["s_beta"], role="user", kind="prompt",
                                content="The kitten chased a puppy around the garden")
    search.index_pending(conn)
    top = search.search(conn, "cat and dog playing outside", paths=("vector",))[0]
    assert (top["ref_table"], top["ref_id"]) == ("messages", mid)


def test_search_reads_through_the_standard_library_sqlite3(indexed, tmp_path):
    conn, ids = indexed
    plain_conn = sqlite3.connect(str(tmp_path / "cctracker.db"))
    hits = [(r["ref_table"], r["ref_id"]) for r in search.search(plain_conn, "busy_timeout")]
    assert hits[0] == ("messages", ids["a1_reply"])


# --- CLI -----------------------------------------------------------------------------


def cctracker(*args):
    return subprocess.run([PYTHON, "-m", "collector.cli", *args], capture_output=True, text=True,
                          timeout=120)


@pytest.fixture
def home_db(home):
    connection = db.connect(str(home / "cctracker.db"))
    ids = build(connection)
    connection.close()
    return ids


def test_cli_search_prints_matches_after_catching_up(home_db):
    done = cctracker("search", "busy_timeout", "--kind", "reply")
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    assert lines[0].startswith("2026-03-01 09:00 · alpha · session %s · reply" % ALPHA_UUID)
    assert lines[1] == "  Set [busy_timeout] to 5000 ms and keep write transactions short."


def test_cli_search_json(home_db):
    done = cctracker("search", "invoice", "--project", "beta", "--json", "--limit", "1")
    assert done.returncode == 0, done.stderr
    import json
    (item,) = json.loads(done.stdout)
    assert item["project_name"] == "beta"


@pytest.mark.parametrize("args,message", [
    (["   "], "Error: query: must not be empty"),
    (["lock", "--kind", "nope"], "Error: kind: must be one of prompt, reply, thinking, tool, commit (comma separated)"),
    (["lock", "--since", "soon"], "Error: since: expected a date (2026-03-02), a time or an age like 7d"),
], ids=["blank", "kind", "since"])
def test_cli_search_bad_input_is_one_line_and_exit_1(home_db, args, message):
    done = cctracker("search", *args)
    assert done.returncode == 1
    assert done.stderr == message + "\n"


def test_cli_reindex_reports_the_rebuilt_index(home_db):
    done = cctracker("reindex", "--json")
    assert done.returncode == 0, done.stderr
    import json
    assert json.loads(done.stdout) == {"docs": 13, "vectors": 13, "pending_vectors": 0, "queued": 0,
                                       "pending": 0, "up_to_date": True}
