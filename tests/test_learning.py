"""Learning patterns on a small hand-made database: topics, re-asked questions,
recurring errors and technologies."""

import pytest

from collector.analytics import filters, learning, signatures
from collector.sessions import store
from collector.storage import db

ALL = filters.Filters()

TERRAFORM = [
    "Set up terraform vpc peering between the staging and production networks",
    "The terraform plan for vpc peering fails with a routing table error",
    "Add terraform outputs for the vpc peering connection id",
    "Terraform vpc peering routes are missing in the production route table",
]
CART = [
    "The react cart component re-renders on every keystroke in checkout",
    "Memoize the react cart total so the checkout page stops flickering",
    "Write jest tests for the react cart component quantity buttons",
    "The react cart badge shows a stale item count after checkout",
]


def add_session(conn, n, started):
    sid, _ = store.ensure_session(conn, "session-%d" % n, cwd="/tmp/learning-proj", at=started)
    return sid


def add_prompt(conn, sid, n, text, at):
    store.add_message(conn, uid="p%d" % n, session_id=sid, role="user", kind="prompt", content=text,
                      created_at=at)


def add_failure(conn, sid, n, command, at):
    conn.execute("insert into tool_calls (session_id, tool_use_id, tool_name, started_at, ended_at,"
                 " status, error, summary, source) values (?, ?, 'Bash', ?, ?, 'error', 'Exit code 1',"
                 " ?, 'hook')", (sid, "toolu_%d" % n, at, at, command))


def add_file(conn, sid, n, path, at, operation="edit"):
    conn.execute("insert into tool_calls (session_id, tool_use_id, tool_name, started_at, status, source)"
                 " values (?, ?, 'Edit', ?, 'ok', 'hook')", (sid, "toolu_f%d" % n, at))
    call = db.scalar(conn, "select id from tool_calls where tool_use_id = ?", ("toolu_f%d" % n,))
    conn.execute("insert into file_operations (tool_call_id, session_id, path, operation, at)"
                 " values (?, ?, ?, ?, ?)", (call, sid, path, operation, at))


@pytest.fixture
def conn(tmp_path):
    connection = db.connect(str(tmp_path / "learn.db"))
    with connection:
        # Week of 2026-03-02: three terraform prompts, one cart prompt; week of 03-09 the reverse.
        s1 = add_session(connection, 1, "2026-03-02T09:00:00.000000Z")
        s2 = add_session(connection, 2, "2026-03-10T09:00:00.000000Z")
        for i, text in enumerate(TERRAFORM[:3]):
            add_prompt(connection, s1, i, text, "2026-03-02T09:0%d:00.000000Z" % (i + 1))
        add_prompt(connection, s1, 3, CART[0], "2026-03-02T09:05:00.000000Z")
        add_prompt(connection, s2, 4, TERRAFORM[3], "2026-03-10T09:01:00.000000Z")
        for i, text in enumerate(CART[1:]):
            add_prompt(connection, s2, 5 + i, text, "2026-03-10T09:0%d:00.000000Z" % (i + 2))
    return connection


def test_topics_cluster_prompts_by_meaning_with_labels_and_weekly_counts(conn):
    found = learning.topics(conn, ALL)
    assert found["prompts"] == 8 and found["k"] == 2           # k = round(sqrt(8 / 2)) = 2
    by_label = {("terraform" in t["terms"]): t for t in found["topics"]}
    terraform, cart = by_label[True], by_label[False]
    assert terraform["prompts"] == cart["prompts"] == 4
    assert {"vpc", "peering"} <= set(terraform["terms"])
    assert {"react", "cart"} <= set(cart["terms"])
    assert [w["count"] for w in terraform["weekly"]] == [3, 1]
    assert [w["week"] for w in terraform["weekly"]] == ["2026-03-02", "2026-03-09"]
    assert (terraform["trend"], cart["trend"]) == ("falling", "rising")


def test_topics_need_a_few_prompts(tmp_path):
    conn = db.connect(str(tmp_path / "few.db"))
    with conn:
        sid = add_session(conn, 1, "2026-03-02T09:00:00.000000Z")
        add_prompt(conn, sid, 1, TERRAFORM[0], "2026-03-02T09:01:00.000000Z")
    assert learning.topics(conn, ALL) == {"prompts": 1, "k": 0, "topics": [],
                                          "reason": "1 prompt in this period; topics need at least 8"}


def test_topics_named_only_by_words_their_prompts_share(tmp_path):
    """Eight unrelated prompts: no word is in two of them, so no topic (no word salad)."""
    conn = db.connect(str(tmp_path / "salad.db"))
    salad = ["Fix the invoice rounding in billing module", "Why does xterm.js flicker on resize",
             "Move the cron job to the background worker", "Go back to the previous commit please",
             "Explain the websocket heartbeat timeout", "Rename the settings panel component",
             "Upgrade postgres driver to the latest version", "Draw a diagram of the deploy pipeline"]
    with conn:
        sid = add_session(conn, 1, "2026-03-02T09:00:00.000000Z")
        for i, text in enumerate(salad):
            add_prompt(conn, sid, i, text, "2026-03-02T09:%02d:00.000000Z" % (i + 1))
    found = learning.topics(conn, ALL)
    assert found["topics"] == [] and found["prompts"] == 8 and "shares its words" in found["reason"]


def test_reasked_questions_group_near_duplicates_across_sessions_only(conn):
    with conn:
        s3 = add_session(conn, 3, "2026-03-12T09:00:00.000000Z")
        # The same question again in a third session, reworded slightly...
        add_prompt(conn, s3, 20, "Set up terraform VPC peering between the staging and production networks!",
                   "2026-03-12T09:01:00.000000Z")
        # ...and a repeat inside the same session, which is not re-asking across sessions.
        add_prompt(conn, s3, 21, "How do I rotate the deploy keys on the bastion host?", "2026-03-12T09:02:00.000000Z")
        add_prompt(conn, s3, 22, "How do I rotate the deploy keys on the bastion host??", "2026-03-12T09:03:00.000000Z")
    groups = learning.reasked(conn, ALL)["groups"]
    assert len(groups) == 1
    group = groups[0]
    assert (group["times"], group["sessions"]) == (2, 2)
    assert group["first_asked"] == "2026-03-02T09:01:00.000000Z"
    assert group["last_asked"] == "2026-03-12T09:01:00.000000Z"


@pytest.mark.parametrize("text, expected", [
    ("python -m pytest -q tests/test_invoice.py", "python -m pytest -q <path>"),
    ("pytest tests/test_b.py -k 99", "pytest <path> -k <n>"),
    ("cat /home/dana/x.log | grep 0xdeadbeef", "cat <path> | grep <hex>"),
    ("git checkout 4e1b9d2f", "git checkout <hex>"),
    ('grep "some text" setup.py', "grep <str> <file>"),
])
def test_error_signatures_strip_paths_numbers_hex_and_strings(text, expected):
    assert signatures.normalise(text) == expected


def _sessions_with_failures(conn, later_sessions):
    with conn:
        a = add_session(conn, 10, "2026-03-03T09:00:00.000000Z")
        b = add_session(conn, 11, "2026-03-04T09:00:00.000000Z")
        add_failure(conn, a, 1, "pytest tests/test_a.py -k 12", "2026-03-03T09:10:00.000000Z")
        add_failure(conn, b, 2, "pytest tests/test_b.py -k 99", "2026-03-04T09:10:00.000000Z")
        add_failure(conn, b, 3, "make deploy-once", "2026-03-04T09:20:00.000000Z")
        for n in range(later_sessions):
            add_session(conn, 20 + n, "2026-03-%02dT09:00:00.000000Z" % (5 + n))


def test_recurring_errors_seen_in_two_sessions_still_recurring(conn):
    _sessions_with_failures(conn, 4)
    errors = signatures.recurring_errors(conn, ALL)["errors"]
    assert [(e["signature"], e["occurrences"], e["sessions"]) for e in errors] == [
        ("Bash: pytest <path> -k <n>", 2, 2)]
    assert errors[0]["first_seen"] == "2026-03-03T09:10:00.000000Z"
    assert errors[0]["last_seen"] == "2026-03-04T09:10:00.000000Z"
    # Sessions 20..23 (03-05..03-08) and session 2 (03-10) started after it: 5 >= 5.
    assert errors[0]["sessions_since_last"] == 5 and errors[0]["stopped"] is True


def test_recurring_error_not_stopped_while_recent_sessions_are_few(conn):
    _sessions_with_failures(conn, 2)
    error = signatures.recurring_errors(conn, ALL)["errors"][0]
    assert error["sessions_since_last"] == 3 and error["stopped"] is False


def test_technologies_from_extensions_and_manifests_with_first_seen(conn):
    sid = db.scalar(conn, "select id from sessions where session_uuid = 'session-1'")
    with conn:
        add_file(conn, sid, 1, "/tmp/learning-proj/src/app.py", "2026-03-02T09:10:00.000000Z")
        add_file(conn, sid, 2, "/tmp/learning-proj/src/app.py", "2026-03-09T09:10:00.000000Z")
        add_file(conn, sid, 3, "/tmp/learning-proj/web/package.json", "2026-03-09T10:00:00.000000Z")
        add_file(conn, sid, 4, "/tmp/learning-proj/web/src/Cart.tsx", "2026-03-10T10:00:00.000000Z")
        add_file(conn, sid, 5, "/tmp/learning-proj/.github/workflows/ci.yml", "2026-03-11T10:00:00.000000Z")
        add_file(conn, sid, 6, "/tmp/learning-proj/Dockerfile", "2026-03-11T11:00:00.000000Z", "read")
    techs = {t["technology"]: t for t in signatures.technologies(conn, ALL)["technologies"]}
    # Languages from the one extension map (file_languages): Cart.tsx is TypeScript (and React),
    # ci.yml is YAML (and GitHub Actions), package.json JSON (and Node.js).
    assert set(techs) == {"Python", "Node.js (npm)", "JSON", "React", "TypeScript", "YAML", "GitHub Actions",
                          "Docker"}
    assert (techs["TypeScript"]["kind"], techs["React"]["kind"]) == ("language", "framework")
    assert techs["Python"]["first_seen"] == "2026-03-02T09:10:00.000000Z"
    assert techs["Python"]["weekly"] == [{"week": "2026-03-02", "operations": 1},
                                         {"week": "2026-03-09", "operations": 1}]
    assert (techs["Python"]["files"], techs["Python"]["kind"]) == (1, "language")
    assert techs["Node.js (npm)"]["kind"] == "framework"
    assert techs["React"]["first_seen"] == "2026-03-10T10:00:00.000000Z"


def test_learning_results_are_cached_until_new_prompts_arrive(conn):
    first = learning.learning(conn, ALL, ["topics"])
    assert learning.learning(conn, ALL, ["topics"])["topics"] is first["topics"]
    with conn:
        add_prompt(conn, db.scalar(conn, "select min(id) from sessions"), 99,
                   "Explain the terraform state locking with dynamodb", "2026-03-11T09:00:00.000000Z")
    assert learning.learning(conn, ALL, ["topics"])["topics"]["prompts"] == 9


def test_learning_filters_by_date_range(conn):
    found = learning.topics(conn, filters.parse(start_date="2026-03-09", end_date="2026-03-15"))
    assert found["prompts"] == 4


def _reasked_pairs(conn):
    return [(g["times"], g["sessions"]) for g in learning.reasked(conn, ALL)["groups"]]


def test_learning_reuses_the_search_index_vectors_while_they_match_the_text(conn):
    from collector.search import index_pending

    with conn:
        s3 = add_session(conn, 3, "2026-03-12T09:00:00.000000Z")
        add_prompt(conn, s3, 20, "Set up terraform VPC peering between the staging and production networks!",
                   "2026-03-12T09:01:00.000000Z")
    assert _reasked_pairs(conn) == [(2, 2)]  # nothing indexed yet: embedded here
    index_pending(conn)
    assert _reasked_pairs(conn) == [(2, 2)]  # the stored vectors give the same answer
    # Zero the re-asked prompt's stored vector: if the stored vectors are what
    # learning reads, the prompt no longer looks like anything.
    doc = ("select v.doc_id from search_vectors v join search_docs d on d.id = v.doc_id join messages m"
           " on m.id = d.ref_id and d.ref_table = 'messages' where m.uid = ?")
    with conn:
        conn.execute("update search_vectors set vector = zeroblob(2 * 256) where doc_id = ?",
                     (db.scalar(conn, doc, ("p20",)),))
    assert _reasked_pairs(conn) == []
    # Once the prompt's text changes, its stale vector is no longer used.
    with conn:
        conn.execute("update messages set content = content || ' Thanks.' where uid = 'p20'")
    assert _reasked_pairs(conn) == [(2, 2)]
