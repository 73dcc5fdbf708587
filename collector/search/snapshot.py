"""The coarse vector matrix on disk, memory-mapped by the next process that searches.

Loading the matrix from SQLite reads every document's 256-d vector (1M
documents: ~0.5 GB of blobs, seconds). A process that starts afresh for each
Claude Code session (``cctracker mcp``) would pay that on its first search,
so whoever builds the matrix also writes it out, already cut to the coarse
dimensions and normalised, as plain ``.npy`` arrays beside the database
(``cctracker.db.vectors/``). The next process maps them copy-on-write (pages
are read as the first pass touches them, never parsed) and catches up from
``search_vector_log`` like any matrix. Arrays are written with spare
capacity so that catching up appends in place instead of copying.

The files hold only what the search already stores (coarse vectors, kinds,
project/session ids, times, model names), under the same 0600/0700 modes as
the database; ``cctracker forget`` deletes them (:func:`drop`).
"""

import hashlib
import json
import os
import shutil

import numpy as np

VERSION = 1
ARRAYS = ("ids", "head", "kind", "project", "session", "at", "model")
#: Rewrite the snapshot once this many vector changes piled up since it was written.
REWRITE_AFTER = 20000
#: Spare rows written at the end of each array (appends land there without a copy).
SPARE_MIN = 1024


def directory(db_file):
    # CCTRACKER_VECTOR_SNAPSHOT=0 turns the snapshot off (benchmarks compare both ways).
    if os.environ.get("CCTRACKER_VECTOR_SNAPSHOT") == "0":
        return None
    if not db_file or db_file.startswith(":memory:") or not os.path.isabs(db_file):
        return None
    return db_file + ".vectors"


def _identity(db_file):
    # A database deleted and created again under the same name restarts its
    # log sequence: the inode tells the two apart (when the filesystem does not
    # hand the same number out again; the probe below covers that case).
    st = os.stat(db_file)
    return [st.st_dev, st.st_ino]


def _probe(conn, doc_id):
    """A digest of one stored vector: the same database still holds the same bytes for it."""
    row = conn.execute("select vector from search_vectors where doc_id = ?", (int(doc_id),)).fetchone()
    return hashlib.sha1(row[0]).hexdigest() if row else None


def save(conn, matrix, db_file, last_seq):
    """Write ``matrix`` (a vectors.Matrix) for ``db_file``; False when it cannot."""
    target = directory(db_file)
    if target is None or last_seq is None or matrix.n == 0:
        return False
    probe_id = int(matrix.ids[matrix.n - 1])
    tmp = "%s.tmp-%d" % (target, os.getpid())
    n = matrix.n
    capacity = n + max(SPARE_MIN, n // 8)
    try:
        shutil.rmtree(tmp, ignore_errors=True)
        os.makedirs(tmp, mode=0o700)
        for name in ARRAYS:
            source = getattr(matrix, name)
            out = np.lib.format.open_memmap(os.path.join(tmp, name + ".npy"), mode="w+",
                                            dtype=source.dtype, shape=(capacity,) + source.shape[1:])
            out[:n] = source[:n]
            if name == "kind":
                out[n:] = -1  # spare rows are dead until used
            out.flush()
            del out
        meta = {"version": VERSION, "n": n, "last_seq": last_seq, "models": matrix.models,
                "identity": _identity(db_file), "probe": [probe_id, _probe(conn, probe_id)]}
        with open(os.path.join(tmp, "meta.json"), "w") as f:
            json.dump(meta, f)
        for path in os.listdir(tmp):
            os.chmod(os.path.join(tmp, path), 0o600)
        old = "%s.old-%d" % (target, os.getpid())
        if os.path.exists(target):
            os.rename(target, old)  # processes mapping the old files keep them until they let go
        os.rename(tmp, target)
        shutil.rmtree(old, ignore_errors=True)
        return True
    except OSError:
        shutil.rmtree(tmp, ignore_errors=True)
        return False


def load(conn, matrix, db_file, low, high):
    """Fill ``matrix`` from the snapshot when it is usable; returns its last_seq or None.

    Usable: same database file, and the log still holds every change since
    it was written (``low - 1 <= last_seq <= high``).
    """
    target = directory(db_file)
    if target is None or high is None:
        return None
    try:
        with open(os.path.join(target, "meta.json")) as f:
            meta = json.load(f)
        if meta.get("version") != VERSION or meta.get("identity") != _identity(db_file):
            return None
        last = meta["last_seq"]
        if not (low - 1 <= last <= high):
            return None
        probe_id, digest = meta["probe"]
        if _probe(conn, probe_id) != digest:
            return None  # another database under the same name, or that vector changed since
        arrays = {name: np.load(os.path.join(target, name + ".npy"), mmap_mode="c") for name in ARRAYS}
    except (OSError, ValueError, KeyError):
        return None
    for name, array in arrays.items():
        setattr(matrix, name, array)
    matrix.capacity = len(arrays["ids"])
    matrix.n = meta["n"]
    matrix.models = dict(meta["models"])
    return last


def drop(db_file):
    """Delete the snapshot (after ``forget``: it holds the forgotten documents' vectors)."""
    target = directory(db_file)
    if target and os.path.exists(target):
        shutil.rmtree(target, ignore_errors=True)
