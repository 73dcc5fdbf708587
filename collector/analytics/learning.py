"""Learning patterns in prompts: topics that rise and fall, and questions asked again.

Prompts are embedded with wordllama (a small static-embedding model that
ships inside the package, loaded offline; the search index's stored vectors
are reused) and clustered with a plain numpy k-means. Results are computed
on request and cached in memory keyed by the filters and the newest message
id, so a repeated request is instant and new prompts invalidate it.
"""

import collections
import math
import re
import threading

import numpy as np

from ..sessions import store
from ..storage import db
from . import signatures
from .timemodel import week_of

#: Two prompts from different sessions at least this similar (cosine of
#: normalised wordllama vectors) are the same question asked again. 0.93
#: joins rewordings ("fix the failing test in invoice" / "fix the failing
#: tests for invoice" score 0.96) but not prompts that only share a topic.
REASK_THRESHOLD = 0.93
#: Prompts shorter than this are replies like "yes" or "continue", not questions.
MIN_PROMPT_CHARS = 12
#: Most recent prompts considered; bounds the pairwise comparison's memory.
MAX_PROMPTS = 5000
#: Rows compared at once when looking for near-duplicates (memory ~ BLOCK * MAX_PROMPTS floats).
BLOCK = 512
#: k = sqrt(n / 2), clamped: a handful of prompts makes one or two topics, thousands at most 12.
MIN_TOPICS, MAX_TOPICS = 2, 12
#: Fewer prompts than this are not clustered at all: a handful of prompts has no topics,
#: only words (the page says so instead of showing word salad).
MIN_PROMPTS_FOR_TOPICS = 8
#: A cluster is shown as a topic only with this many prompts ...
MIN_TOPIC_PROMPTS = 3
#: ... and only the words found in at least this share of its prompts (and in two or more)
#: name it; a cluster with no such word is not a topic.
LABEL_MIN_SHARE = 0.4
KMEANS_ITERATIONS = 50
#: Terms shown as a topic's label.
LABEL_TERMS = 4
#: Fixed seed: the same prompts always give the same topics.
SEED = 7

STOPWORDS = frozenset("""
a about above after again all also am an and any are as at be because been before being below
between both but by can could did do does doing done down during each few for from further get
got had has have having he her here hers him his how i if in into is it its itself just let like
make me more most my no nor not now of off on once only or other our out over own please same
she should so some such than that the their them then there these they this those through to too
under until up us use using very want was we were what when where which while who why will with
would you your yours yes ok okay can't don't it's i'm let's see look need needs new one two also
something thing things way still again now then sure thanks thank
""".split())

_WORD = re.compile(r"[a-z][a-z0-9_+#.-]*[a-z0-9+#]|[a-z]")

_cache = {}
_cache_lock = threading.Lock()
#: Cached results kept; each key is a (kind, filters, data version) tuple.
CACHE_SIZE = 32


def prompt_vectors(conn, rows):
    """Unit vectors for the prompts, one row each.

    The search indexer embeds every prompt with the same model: its stored
    vector is read back when it was made from the prompt's current text
    (thousands in a few ms), and only prompts it has not reached yet are
    embedded here (~0.5 ms each).
    """
    from ..search import indexer, vectors

    out = np.zeros((len(rows), vectors.VECTOR_DIMS), dtype=np.float32)
    stored = {}
    ids = [r["message_id"] for r in rows]
    for start in range(0, len(ids), 500):
        chunk = ids[start:start + 500]
        stored.update((ref_id, (digest, blob)) for ref_id, digest, blob in conn.execute(
            "select d.ref_id, d.content_hash, v.vector from search_docs d"
            " join search_vectors v on v.doc_id = d.id and v.content_hash = d.content_hash"
            " where d.ref_table = 'messages' and d.ref_id in (%s)" % ",".join("?" * len(chunk)), chunk))
    have, blobs, missing = [], [], []
    for i, row in enumerate(rows):
        found = stored.get(row["message_id"])
        if found and found[0] == store.content_hash(row["content"][:indexer.MAX_DOC_CHARS]):
            have.append(i)
            blobs.append(found[1])
        else:
            missing.append(i)
    if have:
        out[have] = vectors.normalize(vectors.decode_many(blobs))
    if missing:
        out[missing] = vectors.embed([rows[i]["content"] for i in missing])
    return out


def terms(text):
    return [w for w in _WORD.findall(text.lower()) if w not in STOPWORDS and len(w) > 2]


def prompts(conn, filters):
    where, params = filters.where(at="created_at")
    rows = db.rows(
        conn,
        "select message_id, session_id, project_id, day, created_at, content from prompts"
        " where %s and length(trim(content)) >= ? order by created_at desc, message_id desc limit ?"
        % where,
        params + [MIN_PROMPT_CHARS, MAX_PROMPTS],
    )
    rows.reverse()
    return rows


def choose_k(n):
    return max(MIN_TOPICS, min(MAX_TOPICS, int(round(math.sqrt(n / 2.0)))))


def kmeans(vectors, k, iterations=KMEANS_ITERATIONS, seed=SEED):
    """Cosine k-means with k-means++ starts; returns a cluster index per row."""
    rng = np.random.default_rng(seed)
    n = len(vectors)
    centres = [vectors[rng.integers(n)]]
    for _ in range(1, k):
        distance = 1.0 - np.max(vectors @ np.array(centres).T, axis=1)
        distance = np.clip(distance, 0, None)
        total = distance.sum()
        pick = rng.integers(n) if total <= 0 else rng.choice(n, p=distance / total)
        centres.append(vectors[pick])
    centres = np.array(centres)
    labels = np.zeros(n, dtype=int)
    for step in range(iterations):
        new = np.argmax(vectors @ centres.T, axis=1)
        if step and np.array_equal(new, labels):
            break
        labels = new
        for j in range(k):
            members = vectors[labels == j]
            if len(members):
                centre = members.mean(axis=0)
                norm = np.linalg.norm(centre)
                centres[j] = centre / norm if norm else centre
    return labels


def label(cluster_docs, all_doc_terms):
    """The words that name a cluster (docs/reports.md, "Learning").

    A word qualifies when it occurs in at least LABEL_MIN_SHARE of the cluster's prompts
    and in two or more of them; qualifying words are ranked by prompts in the cluster
    containing them x inverse document frequency over all prompts (words common
    everywhere rank low), and the first LABEL_TERMS name the topic. Stopwords and words
    under three letters never count.
    """
    n_docs = len(all_doc_terms)
    df = collections.Counter(t for doc in all_doc_terms for t in set(doc))
    tf = collections.Counter(t for doc in cluster_docs for t in set(doc))
    need = max(2, math.ceil(LABEL_MIN_SHARE * len(cluster_docs)))
    scored = sorted((t for t in tf if tf[t] >= need), key=lambda t: (-tf[t] * math.log(1 + n_docs / df[t]), t))
    return scored[:LABEL_TERMS]


def topics(conn, filters):
    """Prompt clusters with their top terms and weekly counts."""
    rows = prompts(conn, filters)
    if len(rows) < MIN_PROMPTS_FOR_TOPICS:
        return {"prompts": len(rows), "k": 0, "topics": [],
                "reason": "%d prompt%s in this period; topics need at least %d"
                          % (len(rows), "" if len(rows) == 1 else "s", MIN_PROMPTS_FOR_TOPICS)}
    vectors = prompt_vectors(conn, rows)
    k = min(choose_k(len(rows)), len(rows))
    labels = kmeans(vectors, k)
    doc_terms = [terms(r["content"]) for r in rows]
    weeks = sorted({week_of(r["day"]) for r in rows if r["day"]})
    out = []
    for j in range(k):
        idx = [i for i in range(len(rows)) if labels[i] == j]
        words = label([doc_terms[i] for i in idx], doc_terms)
        if len(idx) < MIN_TOPIC_PROMPTS or not words:
            continue  # too few prompts, or no word they share: not a topic
        weekly = collections.Counter(week_of(rows[i]["day"]) for i in idx if rows[i]["day"])
        counts = [weekly.get(w, 0) for w in weeks]
        half = len(counts) // 2
        out.append({
            "topic": len(out) + 1,
            "label": " ".join(words),
            "terms": words,
            "prompts": len(idx),
            "sessions": len({rows[i]["session_id"] for i in idx}),
            "first_seen": min(rows[i]["created_at"] for i in idx),
            "last_seen": max(rows[i]["created_at"] for i in idx),
            "weekly": [{"week": w, "count": c} for w, c in zip(weeks, counts)],
            "trend": _trend(counts[:half], counts[half:]),
            "examples": [rows[i]["content"][:160] for i in idx[-3:]],
        })
    out.sort(key=lambda t: (-t["prompts"], t["label"]))
    for n, topic in enumerate(out, 1):
        topic["topic"] = n
    result = {"prompts": len(rows), "k": k, "topics": out}
    if not out:
        result["reason"] = "no group of %d or more prompts shares its words" % MIN_TOPIC_PROMPTS
    return result


def _trend(first, second):
    """rising / falling / steady: the later half of the weeks against the earlier half."""
    a, b = sum(first), sum(second)
    if not first or a == b or (a and 0.8 <= b / a <= 1.25):
        return "steady"
    return "rising" if b > a else "falling"


def reasked(conn, filters, threshold=REASK_THRESHOLD):
    """Groups of near-duplicate prompts that span at least two sessions."""
    rows = prompts(conn, filters)
    if len(rows) < 2:
        return {"threshold": threshold, "groups": []}
    vectors = prompt_vectors(conn, rows)
    sessions = np.array([r["session_id"] for r in rows])
    parent = list(range(len(rows)))

    def find(i):
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    for start in range(0, len(rows), BLOCK):
        sims = vectors[start:start + BLOCK] @ vectors.T
        for offset, row in enumerate(sims):
            i = start + offset
            close = np.nonzero((row >= threshold) & (sessions != sessions[i]))[0]
            for j in close[close > i]:
                parent[find(int(j))] = find(i)
    groups = collections.defaultdict(list)
    for i in range(len(rows)):
        groups[find(i)].append(i)
    out = []
    for members in groups.values():
        if len({rows[i]["session_id"] for i in members}) < 2:
            continue
        out.append({
            "question": rows[members[0]]["content"][:200],
            "times": len(members),
            "sessions": len({rows[i]["session_id"] for i in members}),
            "first_asked": rows[members[0]]["created_at"],
            "last_asked": rows[members[-1]]["created_at"],
            "prompts": [{"message_id": rows[i]["message_id"], "session_id": rows[i]["session_id"],
                         "at": rows[i]["created_at"], "text": rows[i]["content"][:200]} for i in members],
        })
    out.sort(key=lambda g: (-g["sessions"], -g["times"], g["first_asked"]))
    return {"threshold": threshold, "groups": out}


def _version(conn):
    """Changes whenever prompts, tool calls or file operations are added."""
    return tuple(conn.execute(
        "select (select max(id) from messages), (select max(id) from tool_calls),"
        " (select max(id) from file_operations), (select count(*) from sessions)").fetchone())


def cached(conn, kind, filters, compute):
    key = (kind, conn.filename, filters, _version(conn))
    with _cache_lock:
        if key in _cache:
            return _cache[key]
    value = compute(conn, filters)
    with _cache_lock:
        if len(_cache) >= CACHE_SIZE:
            _cache.pop(next(iter(_cache)))
        _cache[key] = value
    return value


PARTS = {
    "topics": topics,
    "reasked": reasked,
    "errors": signatures.recurring_errors,
    "technologies": signatures.technologies,
}


def learning(conn, filters, parts=None):
    """The learning patterns asked for (all four by default)."""
    out = {"filters": filters.as_dict()}
    for name in parts or PARTS:
        out[name] = cached(conn, name, filters, PARTS[name])
    return out
