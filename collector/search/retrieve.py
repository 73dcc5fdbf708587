"""The three ways of finding documents, and how their rankings are fused.

Each path returns doc ids best first; ``fuse`` combines them by weighted
reciprocal rank. Cost is bounded on purpose: FTS5 scores every document a
term matches, so a word found in most documents would take seconds at a
million. Every term's document frequency is first counted (capped, rowid
only, cheap); the rarest terms are ranked over the whole history within
``BM25_BUDGET`` matches, and when even the rarest is too common the newest
documents holding every term are taken instead.
"""

import math

from . import query as query_mod
from . import vectors

#: Matched documents BM25 may score per query (1-2.5 µs each): bounds the slow path.
BM25_BUDGET = 5000
#: Document frequencies are counted up to here; beyond, a term is just "common".
DF_COUNT_CAP = BM25_BUDGET + 1

#: Filters passed by fewer documents than this (a session, a small project, a
#: short date range) bound the FTS walk to their documents' id range.
FILTER_DRIVEN_MAX = 20000
#: Results each path hands to the fusion.
PATH_DEPTH = 50
#: Reciprocal rank constant: 60 is the value from the RRF paper (Cormack et al.).
RRF_K = 60
#: How much each path's ranking counts in the fusion.
WEIGHTS = {"bm25": 1.0, "vector": 1.0, "trigram": 1.0, "like": 1.0}
#: A BM25 hit holding less than this share of the query's information gets no
#: vote: matching "on" and "people" in "people cannot sign on through google"
#: is noise, and in rank fusion even small votes reorder close vector ranks.
MIN_COVERAGE = 0.5
#: A punctuation-only query (no words) is looked up as one substring, cut here.
PHRASE_CHARS = 200
#: Scripts without spaces and under 3 characters are matched with LIKE over
#: only the newest documents (no index can serve them).
LIKE_WINDOW = 50000


def _scalar(conn, sql, params=()):
    for row in conn.execute(sql, params):
        return row[0]
    return None


def _filter_sql(filters):
    """WHERE terms on ``search_docs d`` for the filters, with their parameters."""
    clauses, params = [], []
    if filters is None:
        return clauses, params
    if filters.project_ids:
        clauses.append("d.project_id in (%s)" % ",".join("?" * len(filters.project_ids)))
        params.extend(filters.project_ids)
    if filters.session_id is not None:
        clauses.append("d.session_id = ?")
        params.append(filters.session_id)
    if filters.since:
        clauses.append("d.at >= ?")
        params.append(filters.since)
    if filters.until:
        clauses.append("d.at <= ?")
        params.append(filters.until)
    if filters.kinds:
        clauses.append("d.kind in (%s)" % ",".join("?" * len(filters.kinds)))
        params.extend(filters.kinds)
    if filters.model:
        clauses.append("d.model = ?")
        params.append(filters.model)
    if filters.agent:
        clauses.append("d.session_id in (select id from sessions where agent = ?)")
        params.append(filters.agent)
    return clauses, params


def doc_frequency(conn, table, match, cap=DF_COUNT_CAP):
    """How many documents match, counted up to ``cap`` (rowids only: no scoring)."""
    return _scalar(
        conn,
        "select count(*) from (select rowid from %s where %s match ? limit ?)" % (table, table),
        (match, cap))


def _order(order):
    return "f.rank" if order == "rank" else "f." + order


def _id_range(conn, filters, clauses, params):
    """(first, last) doc id passing selective filters (a session, a small project), else None."""
    if filters is None or not (filters.session_id is not None or filters.project_ids
                               or filters.since or filters.until):
        return None
    low, high, count = next(iter(conn.execute(
        "select min(id), max(id), count(*) from (select d.id from search_docs d where %s limit ?)"
        % " and ".join(clauses), params + [FILTER_DRIVEN_MAX])))
    return (low or 0, high or 0) if count < FILTER_DRIVEN_MAX else None


def _ranked(conn, table, match, filters, depth, order="rank"):
    clauses, params = _filter_sql(filters)
    span = _id_range(conn, filters, clauses, params)
    if span is not None:
        # FTS5 bounds its doclist walk by rowid: a session's documents sit
        # close together, so this reads a sliver of the index, not all of it.
        clauses.insert(0, "f.rowid between ? and ?")
        params[:0] = list(span)
    where = "".join(" and " + c for c in clauses)
    if filters is not None and filters.active():
        sql = ("select f.rowid from %s f join search_docs d on d.id = f.rowid"
               " where f.%s match ?%s order by %s limit ?" % (table, table, where, _order(order)))
    else:
        sql = "select f.rowid from %s f where f.%s match ?%s order by %s limit ?" % (
            table, table, where, _order(order))
    return [r[0] for r in conn.execute(sql, [match] + params + [depth])]


def _budgeted(conn, table, terms, filters, depth, counts=None):
    """Rank by BM25 over the rarest terms that fit the budget (see module doc).

    ``counts``, when given, receives each term's (capped) document frequency.
    """
    counted = [(doc_frequency(conn, table, query_mod.fts_string(t)), t) for t in terms]
    if counts is not None:
        counts.update((t, df) for df, t in counted)
    counted = sorted((df, t) for df, t in counted if df)
    if not counted:
        return []
    chosen, total = [], 0
    for df, term in counted:
        if chosen and total + df > BM25_BUDGET:
            break
        chosen.append(term)
        total += df
    if total <= BM25_BUDGET:
        return _ranked(conn, table, " OR ".join(query_mod.fts_string(t) for t in chosen), filters, depth)
    # Every term is common: BM25 would score most of the history to learn
    # little (their IDF is near zero). The newest documents holding all of
    # them are found instead, stopping at ``depth``; meaning comes from vectors.
    every = " AND ".join(query_mod.fts_string(t) for _, t in counted)
    return _ranked(conn, table, every, filters, depth, order="rowid desc")


def bm25(conn, q, filters, depth=PATH_DEPTH, boosts=None):
    """Word search (porter stems) ranked by BM25.

    ``boosts``, when given, receives each hit's coverage: the share of the
    query's information (IDF-weighted terms) the document contains. A hit
    on "the" and "database" alone says little about "database stuck while
    a different process is saving"; fusion scales its vote by that share.
    """
    counts = {}
    found = _budgeted(conn, "search_docs_fts", q.terms, filters, depth, counts)
    if boosts is not None and found:
        boosts.update(coverage(conn, q, found, counts))
    return found


def coverage(conn, q, doc_ids, counts):
    """{doc id: IDF-weighted share of the query terms found in the document's text}."""
    total_docs = max(_scalar(conn, "select max(id) from search_docs") or 1, 1)
    weights = {t: math.log(1 + (total_docs - df + 0.5) / (df + 0.5)) for t, df in counts.items()}
    whole = sum(weights.values()) or 1.0
    patterns = {t: query_mod.term_pattern(t) for t in counts}
    shares = {}
    for doc_id, text in conn.execute(
            "select id, text from search_docs where id in (select value from json_each(?))",
            ("[%s]" % ",".join(str(int(d)) for d in doc_ids),)):
        share = sum(w for t, w in weights.items() if patterns[t].search(text)) / whole
        shares[doc_id] = share if share >= MIN_COVERAGE else 0.0
    return shares


def trigram(conn, q, filters, depth=PATH_DEPTH):
    """Substring search for identifiers, partial words and spaceless scripts, newest first.

    Runs only where words cannot match: code-like chunks, scripts without
    spaces, and a lone term that is rare or absent as a whole word (a
    partial word). A query of punctuation only is looked up as it is.
    """
    wanted = q.code_terms + [t for t in q.spaceless if t not in q.code_terms]
    if len(q.terms) == 1 and not wanted:
        if (doc_frequency(conn, "search_docs_fts", query_mod.fts_string(q.terms[0]), depth)
                < depth):
            wanted.append(q.terms[0])
    if not q.terms:
        wanted.append(q.text[:PHRASE_CHARS])
    found, seen = [], set()
    for chunk in wanted:
        if len(chunk) < 3:
            continue
        match = query_mod.fts_string(chunk)
        for doc_id in _ranked(conn, "search_docs_trigram", match, filters, depth, order="rowid desc"):
            if doc_id not in seen:
                seen.add(doc_id)
                found.append(doc_id)
    return found[:depth]


def like(conn, q, filters, depth=PATH_DEPTH):
    """Spaceless-script chunks under 3 characters: LIKE over the newest documents."""
    short = [t for t in q.spaceless if len(t) < 3]
    if not short:
        return []
    top = _scalar(conn, "select max(id) from search_docs") or 0
    clauses, params = _filter_sql(filters)
    for chunk in short:
        escaped = chunk.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
        clauses.append("d.text like ? escape '\\'")
        params.append("%" + escaped + "%")
    sql = ("select d.id from search_docs d where d.id > ?%s order by d.id desc limit ?"
           % "".join(" and " + c for c in clauses))
    return [r[0] for r in conn.execute(sql, [top - LIKE_WINDOW] + params + [depth])]


def vector(conn, q, filters, depth=PATH_DEPTH):
    """Meaning search: wordllama vectors, coarse then fine."""
    if not q.terms:
        return []  # punctuation alone has no meaning to compare
    return [doc_id for doc_id, _ in vectors.search(conn, q.text, filters, depth)]


PATHS = {"bm25": bm25, "vector": vector, "trigram": trigram, "like": like}


def fuse(rankings, boosts=None, weights=None):
    """Weighted reciprocal rank fusion: [(doc id, score, {path: rank})], best first.

    ``boosts`` {path: {doc id: factor}} scales single votes (BM25 coverage).
    """
    weights = weights or WEIGHTS
    boosts = boosts or {}
    scores, ranks = {}, {}
    for path, ids in rankings.items():
        factors = boosts.get(path, {})
        for rank, doc_id in enumerate(ids, 1):
            vote = weights.get(path, 1.0) * factors.get(doc_id, 1.0) / (RRF_K + rank)
            scores[doc_id] = scores.get(doc_id, 0.0) + vote
            ranks.setdefault(doc_id, {})[path] = rank
    order = sorted(scores, key=lambda d: (-scores[d], -d))
    return [(d, scores[d], ranks[d]) for d in order]


def retrieve(conn, q, filters, paths=("bm25", "vector", "trigram", "like"), depth=PATH_DEPTH):
    """Run the chosen paths and fuse them; the vector pass overlaps the SQL ones."""
    job = None
    if "vector" in paths and q.terms:
        query_vector = vectors.embed([q.text])[0]
        job = vectors.start(conn, query_vector, filters, max(depth, vectors.RERANK_CANDIDATES))
    # Coverage only matters when BM25 votes beside other paths.
    boosts = {"bm25": {}} if len(paths) > 1 else {}
    rankings = {}
    for name in paths:
        if name == "bm25":
            rankings[name] = bm25(conn, q, filters, depth, boosts.get("bm25"))
        elif name != "vector":
            rankings[name] = PATHS[name](conn, q, filters, depth)
    if job is not None:
        rankings["vector"] = [d for d, _ in vectors.finish(conn, job, query_vector, depth)]
    return fuse(rankings, boosts)
