"""Meaning vectors: the wordllama model and the in-memory vector matrix.

wordllama's 256-d embeddings are Matryoshka-trained: their first 64 values
are a usable embedding on their own. Search scores every document at 64
dims from a float32 matrix held in memory (1M docs: 256 MB, ~20 ms), then
re-ranks the best few hundred at 256 dims read from SQLite. The matrix is
kept per database file and caught up from ``search_vector_log``, so a
new vector costs one row read, not a reload. A new process maps the matrix
the last one wrote to disk (:mod:`.snapshot`) instead of reading every vector.
"""

import itertools
import os
import threading

import numpy as np

from . import snapshot

#: Stored dimensions (wordllama l2_supercat's full size).
VECTOR_DIMS = 256
#: First-pass dimensions: a quarter of the memory and time of the full vector.
COARSE_DIMS = 64
#: Documents re-ranked at full size after the first pass.
RERANK_CANDIDATES = 400
#: Text beyond this is not embedded: the average of more tokens only blurs it.
EMBED_CHARS = 4000
#: More pending changes than this and the matrix is rebuilt instead of patched.
PATCH_LIMIT = 20000
#: Rows turned into matrix rows at a time while loading.
LOAD_CHUNK = 65536
#: Above this many documents the first pass picks candidates via a sampled threshold.
SAMPLE_FROM = 100000
SAMPLE_SIZE = 20000

_model = None
_model_lock = threading.Lock()


def model():
    """The wordllama model, loaded once per process from the package's own weights."""
    global _model
    with _model_lock:
        if _model is None:
            import wordllama
            from wordllama import WordLlama

            _model = WordLlama.load(
                cache_dir=os.path.dirname(wordllama.__file__), disable_download=True,
                dim=VECTOR_DIMS,
            )
        return _model


def embed(texts):
    """Unit-length float32 vectors (n x VECTOR_DIMS) for a list of texts."""
    if not texts:
        return np.zeros((0, VECTOR_DIMS), dtype=np.float32)
    vectors = model().embed([t[:EMBED_CHARS] for t in texts], norm=False)
    return normalize(np.asarray(vectors, dtype=np.float32))


def normalize(matrix):
    norms = np.linalg.norm(matrix, axis=-1, keepdims=True)
    norms[norms == 0] = 1.0
    return matrix / norms


def encode(vector):
    return np.asarray(vector, dtype="<f2").tobytes()


def decode_many(blobs):
    """float16 blobs -> float32 matrix (n x VECTOR_DIMS)."""
    if not blobs:
        return np.zeros((0, VECTOR_DIMS), dtype=np.float32)
    return np.frombuffer(b"".join(blobs), dtype="<f2").reshape(len(blobs), -1).astype(np.float32)


def database_file(conn):
    """The main database's file name (works for apsw and sqlite3 connections)."""
    for row in conn.execute("pragma database_list"):
        if row[1] == "main":
            return row[2] or ":memory:%d" % id(conn)
    return ":memory:%d" % id(conn)


_LOAD_SQL = (
    "select d.id, v.vector, d.kind, d.project_id, d.session_id, d.at, d.model"
    " from search_docs d {hint} join search_vectors v on v.doc_id = d.id"
)


def _load_sql(conn, where=""):
    # The covering index keeps a full load off the text pages; databases
    # made by an early build of m002 lack it and load the slow way.
    has_index = next(iter(conn.execute(
        "select count(*) from sqlite_master where type = 'index' and name = 'search_docs_meta'")))[0]
    return _LOAD_SQL.format(hint="indexed by search_docs_meta" if has_index else "") + where

KIND_CODES = {"prompt": 0, "reply": 1, "thinking": 2, "tool": 3, "commit": 4}
_DEAD = -1


class Matrix:
    """Coarse vectors plus the metadata filters need, as growable numpy arrays."""

    def __init__(self):
        self.lock = threading.Lock()  # held while scoring or patching
        self.n = 0
        self.last_seq = None
        self.snapshot_seq = None  # the log position the file on disk (snapshot.py) reflects
        self.models = {}
        self._alloc(1024)

    def _alloc(self, capacity):
        old, n = getattr(self, "ids", None), self.n
        self.capacity = capacity
        fresh = {
            "ids": np.zeros(capacity, dtype=np.int64),
            "head": np.zeros((capacity, COARSE_DIMS), dtype=np.float32),
            "kind": np.full(capacity, _DEAD, dtype=np.int8),
            "project": np.full(capacity, -1, dtype=np.int64),
            "session": np.full(capacity, -1, dtype=np.int64),
            "at": np.zeros(capacity, dtype="S27"),
            "model": np.full(capacity, -1, dtype=np.int32),
        }
        for name, array in fresh.items():
            if old is not None:
                array[:n] = getattr(self, name)[:n]
            setattr(self, name, array)

    def _model_code(self, name):
        if name is None:
            return -1
        return self.models.setdefault(name, len(self.models))

    def load(self, rows):
        """Replace everything with ``rows`` (id, blob, kind, project, session, at, model) in id order.

        Read in chunks: holding a million rows of blobs as Python objects
        at once would cost several times the matrix itself.
        """
        self.n = 0
        self.models = {}
        self.ids = None
        self._alloc(1024)
        rows = iter(rows)
        while True:
            chunk = list(itertools.islice(rows, LOAD_CHUNK))
            if not chunk:
                break
            self._append(chunk)

    def _append(self, rows):
        if not rows:
            return
        need = self.n + len(rows)
        if need > self.capacity:
            self._alloc(max(need, self.capacity * 2))
        ids, blobs, kinds, projects, sessions, ats, models = zip(*rows)
        span = slice(self.n, need)
        self.ids[span] = ids
        self.head[span] = normalize(decode_many(list(blobs))[:, :COARSE_DIMS])
        self.kind[span] = [KIND_CODES.get(k, _DEAD) for k in kinds]
        self.project[span] = [-1 if p is None else p for p in projects]
        self.session[span] = [-1 if s is None else s for s in sessions]
        self.at[span] = [(a or "").encode()[:27] for a in ats]
        self.model[span] = [self._model_code(m) for m in models]
        self.n = need

    def patch(self, doc_ids, rows):
        """Apply changes for ``doc_ids``; ``rows`` are the current rows of those still present.

        Returns False when a new id falls inside the sorted range (the caller reloads).
        """
        present = {r[0]: r for r in rows}
        ids = self.ids[: self.n]
        appended = []
        top = ids[-1] if self.n else -1
        for doc_id in sorted(set(doc_ids)):
            at = np.searchsorted(ids, doc_id)
            known = at < self.n and ids[at] == doc_id
            row = present.get(doc_id)
            if known:
                if row is None:
                    self.kind[at] = _DEAD
                else:
                    self._set(at, row)
            elif row is not None:
                if doc_id < top:
                    return False
                appended.append(row)
        self._append(appended)
        return True

    def _set(self, i, row):
        _, blob, kind, project, session, at, model_name = row
        self.head[i] = normalize(decode_many([blob])[0, :COARSE_DIMS])
        self.kind[i] = KIND_CODES.get(kind, _DEAD)
        self.project[i] = -1 if project is None else project
        self.session[i] = -1 if session is None else session
        self.at[i] = (at or "").encode()[:27]
        self.model[i] = self._model_code(model_name)

    def mask(self, filters):
        n = self.n
        keep = self.kind[:n] != _DEAD
        if filters is None:
            return keep
        if filters.kinds:
            keep &= np.isin(self.kind[:n], [KIND_CODES[k] for k in filters.kinds])
        if filters.project_ids:
            keep &= np.isin(self.project[:n], filters.project_ids)
        if filters.session_id is not None:
            keep &= self.session[:n] == filters.session_id
        if filters.since:
            keep &= self.at[:n] >= filters.since.encode()
        if filters.until:
            keep &= (self.at[:n] <= filters.until.encode()) & (self.at[:n] != b"")
        if filters.model:
            keep &= self.model[:n] == self.models.get(filters.model, -2)
        if filters.agent_session_ids:
            keep &= np.isin(self.session[:n], filters.agent_session_ids)
        return keep

    def coarse(self, query64, filters, count):
        """Doc ids of the ``count`` best matches at COARSE_DIMS that pass the filters."""
        n = self.n
        if n == 0:
            return []
        scores = self.head[:n] @ query64
        if filters is not None and filters.active():
            scores[~self.mask(filters)] = -np.inf
        else:
            scores[self.kind[:n] == _DEAD] = -np.inf
        return self.ids[_top(scores, count)].tolist()


def _top(scores, count):
    """Indices of the ``count`` highest finite scores, in no order.

    A full argpartition over a million scores costs ~10 ms; a threshold
    taken from a strided sample first cuts the candidates to a few thousand.
    """
    n = len(scores)
    if n > SAMPLE_FROM:
        sample = scores[:: n // SAMPLE_SIZE]
        # Oversample 4x so the threshold almost never cuts too deep.
        rank = min(len(sample) - 1, 4 * count * len(sample) // n + 8)
        threshold = np.partition(sample, len(sample) - 1 - rank)[len(sample) - 1 - rank]
        if np.isfinite(threshold):
            picked = np.flatnonzero(scores >= threshold)
            if len(picked) >= count:
                best = np.argpartition(-scores[picked], count - 1)[:count]
                return picked[best]
    finite = np.flatnonzero(np.isfinite(scores))
    if len(finite) <= count:
        return finite
    best = np.argpartition(-scores[finite], count - 1)[:count]
    return finite[best]


_matrices = {}
_matrices_lock = threading.Lock()


def _current(conn):
    key = database_file(conn)
    with _matrices_lock:
        found = _matrices.setdefault(key, Matrix())
    with found.lock:
        _refresh(conn, found)
    return found


def warm(conn):
    """Load (or catch up) the matrix now, so the first search does not wait for it."""
    _current(conn)


def start(conn, query, filters, count):
    """Catch the matrix up, then run the coarse pass in a worker thread.

    numpy releases the GIL, so the SQL paths run on the caller's thread
    meanwhile: on two cores the vector pass costs almost no wall time.
    """
    found = _current(conn)
    query64 = normalize(query[:COARSE_DIMS])

    def run():
        with found.lock:
            return found.coarse(query64, filters, count)

    return _pool().submit(run)


def finish(conn, job, query, count):
    """Re-rank the coarse candidates at full size: [(doc id, cosine)], best first."""
    candidates = job.result()
    vectors = full_vectors(conn, candidates)
    if not vectors:
        return []
    ids = list(vectors)
    scores = np.stack([vectors[i] for i in ids]) @ query
    order = np.argsort(-scores)[:count]
    return [(ids[i], float(scores[i])) for i in order]


_executor = None


def _pool():
    global _executor
    with _matrices_lock:
        if _executor is None:
            import concurrent.futures

            _executor = concurrent.futures.ThreadPoolExecutor(2, thread_name_prefix="cctracker-vectors")
        return _executor


def forget(conn=None):
    """Drop cached matrices (tests and reindex use it)."""
    with _matrices_lock:
        if conn is None:
            _matrices.clear()
        else:
            _matrices.pop(database_file(conn), None)


def _refresh(conn, m):
    low, high = next(iter(conn.execute("select min(seq), max(seq) from search_vector_log")))
    if high is None:
        if m.last_seq is None or m.n:
            m.load(conn.execute(_load_sql(conn, " order by d.id")))
            m.last_seq = 0
        return
    if m.last_seq is None:
        # A fresh process: map the matrix another one wrote instead of reading every vector.
        m.last_seq = m.snapshot_seq = snapshot.load(conn, m, database_file(conn), low, high)
    if m.last_seq is not None and high == m.last_seq:
        return
    changed = None
    if m.last_seq is not None and low - 1 <= m.last_seq:
        changed = [r[0] for r in conn.execute(
            "select distinct doc_id from search_vector_log where seq > ? limit ?",
            (m.last_seq, PATCH_LIMIT + 1))]
    reloaded = changed is None or len(changed) > PATCH_LIMIT or -1 in changed
    if not reloaded:
        rows = list(conn.execute(
            _load_sql(conn, " where d.id in (select value from json_each(?))"), (_json_ids(changed),)))
        reloaded = not m.patch(changed, rows)
    if reloaded:
        m.load(conn.execute(_load_sql(conn, " order by d.id")))
    m.last_seq = high
    if reloaded or m.snapshot_seq is None or high - m.snapshot_seq > snapshot.REWRITE_AFTER:
        if snapshot.save(conn, m, database_file(conn), high):
            m.snapshot_seq = high


def _json_ids(ids):
    return "[%s]" % ",".join(str(int(i)) for i in ids)


def full_vectors(conn, doc_ids):
    """{doc id: float32 vector at VECTOR_DIMS} for the given ids."""
    if not doc_ids:
        return {}
    found = list(conn.execute(
        "select doc_id, vector from search_vectors where doc_id in (select value from json_each(?))",
        (_json_ids(doc_ids),)))
    if not found:
        return {}
    matrix_ = normalize(decode_many([r[1] for r in found]))
    return {r[0]: matrix_[i] for i, r in enumerate(found)}


def search(conn, text, filters, count):
    """Doc ids ranked by meaning: coarse pass over all, re-rank at full dims."""
    query = embed([text])[0]
    return finish(conn, start(conn, query, filters, max(count, RERANK_CANDIDATES)), query, count)
