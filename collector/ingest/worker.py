"""One helper process that works ahead of its parent: the protocol the drain and the importer share.

The parent starts ``Worker(entry, setup)``: ``entry`` names a function of the
worker side (``"collector.ingest.importer:reader"``) that takes ``setup`` once and
returns the handler of one task. The parent then ``submit``s tasks and
``take``s their results, in the order it submitted them.

Why this shape:

- A plain subprocess (``python -c``), not ``fork``: the parent may hold
  threads (the API server) and an open database; and not multiprocessing's
  spawn, which imports the caller's main module again.
- Tasks go in on stdin, pickled; each result goes out through a file in a
  private temporary directory (written as ``.part``, then renamed) and one
  byte on stdout says it is ready. A pipe holds 64 KB, and a thread to empty
  it would fight the parent's own work for the GIL.
- A task that raises gives a :class:`WorkerError` at ``take``; a worker that
  dies gives one too. Callers fall back to doing the work themselves, so a
  worker can only make them faster, never different.
"""

import importlib
import os
import pickle
import select
import shutil
import subprocess
import sys
import tempfile


class WorkerError(RuntimeError):
    """A task failed in the worker, or the worker is gone."""


class _Failed:
    __slots__ = ("message",)

    def __init__(self, message):
        self.message = message

    def __reduce__(self):
        return _Failed, (self.message,)


class Worker:
    """The parent's end: ``submit(task)``, ``ready(timeout)``, ``take()``, ``close()``."""

    def __init__(self, entry, setup):
        package_root = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
        env = dict(os.environ)
        env["PYTHONPATH"] = os.pathsep.join(p for p in (package_root, env.get("PYTHONPATH")) if p)
        self.dir = tempfile.mkdtemp(prefix="cctracker-worker-")
        serve = "from collector.ingest import worker; worker.serve()"
        self.proc = subprocess.Popen([sys.executable, "-c", serve],
                                     stdin=subprocess.PIPE, stdout=subprocess.PIPE, env=env, bufsize=0)
        self.sent = 0       # tasks submitted
        self.taken = 0      # results taken (the next result is that of task number ``taken``)
        self.announced = 0  # results announced on stdout and not yet taken
        self._send(pickle.dumps((entry, setup, self.dir), protocol=pickle.HIGHEST_PROTOCOL))

    @property
    def in_flight(self):
        return self.sent - self.taken

    def submit(self, task):
        """Queue a task; returns its number (results come back in this order)."""
        self._send(pickle.dumps(task, protocol=pickle.HIGHEST_PROTOCOL))
        self.sent += 1
        return self.sent - 1

    def _send(self, data):
        try:
            view = memoryview(data)
            while view:
                view = view[self.proc.stdin.write(view):]
        except OSError as e:
            raise WorkerError("worker gone: %s" % e) from None

    def ready(self, timeout=0):
        """True when the next result is ready, waiting at most ``timeout`` seconds (None: no limit)."""
        if self.announced == 0 and self.in_flight and select.select([self.proc.stdout], [], [], timeout)[0]:
            done = self.proc.stdout.read(4096)
            if not done:
                raise WorkerError("worker exited (status %s)" % self.proc.wait())
            self.announced += len(done)
        return self.announced > 0

    def take(self):
        """The next result, in submission order (waits for it)."""
        if not self.in_flight:
            raise WorkerError("no task in flight")
        while not self.ready(None):
            pass
        self.announced -= 1
        name = os.path.join(self.dir, "%d.pickle" % self.taken)
        self.taken += 1
        try:
            with open(name, "rb") as f:
                result = pickle.load(f)
        except (OSError, EOFError, pickle.UnpicklingError) as e:
            raise WorkerError("unreadable result %s: %s" % (name, e)) from None
        os.remove(name)
        if isinstance(result, _Failed):
            raise WorkerError(result.message)
        return result

    def close(self, kill=False):
        """Stop the worker (at once with ``kill``: what it still works on is not wanted)."""
        if self.proc is None:
            return
        try:
            self.proc.stdin.close()  # the worker exits at EOF
        except OSError:
            pass
        if kill or self.in_flight:
            self.proc.kill()
        self.proc.wait()
        self.proc.stdout.close()
        self.proc = None
        shutil.rmtree(self.dir, ignore_errors=True)


def serve():
    """The worker's end: (entry, setup, dir), then tasks on stdin until EOF."""
    tasks = sys.stdin.buffer
    out = os.fdopen(os.dup(sys.stdout.fileno()), "wb", buffering=0)
    sys.stdout = sys.stderr  # a stray print must not corrupt the protocol
    entry, setup, directory = pickle.load(tasks)
    module, _, name = entry.partition(":")
    handle = getattr(importlib.import_module(module), name)(setup)
    number = 0
    while True:
        try:
            task = pickle.load(tasks)
        except EOFError:
            # The parent closed or died (kill -9 gives it no time to clean up): the
            # results nobody will take go with their directory.
            shutil.rmtree(directory, ignore_errors=True)
            return
        try:
            result = handle(task)
        except Exception as e:  # noqa: BLE001 - raised again in the parent
            result = _Failed("%s: %s" % (type(e).__name__, e))
        path = os.path.join(directory, "%d.pickle" % number)
        with open(path + ".part", "wb") as f:
            pickle.dump(result, f, protocol=pickle.HIGHEST_PROTOCOL)
        os.rename(path + ".part", path)
        out.write(b".")
        number += 1
