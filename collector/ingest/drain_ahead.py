"""Redaction ahead of the drain, in a worker process.

Redacting a payload costs about as much as applying it to the model, and
the two do not depend on each other: on a large backlog a worker process
reads the same spool files, sorts the lines the same way and redacts batch
after batch while the drain writes the previous ones. The worker only
reads; every write (and every exactly-once decision) stays in the drain.
If the worker fails or disagrees about a line, the drain redacts the rest
itself, so the worker can only make a drain faster, never different.
"""

import os

import orjson

from cctracker_client import spool_read

from ..times import utc
from . import hookfields
from .worker import Worker, WorkerError

#: Below this much spool (about 5,000 events) a worker costs more to start than it saves.
MIN_BYTES = 3 * 1024 * 1024

#: Batches the worker may prepare ahead of the drain: bounds the tmp space.
AHEAD = 4

#: Prepare a batch here rather than wait for a worker that is behind (off in tests,
#: which must see the worker's results used).
STEAL = True


class Bad:
    """A line that cannot be stored: the drain keeps it under ``errors/`` with ``reason``."""

    __slots__ = ("reason",)

    def __init__(self, reason):
        self.reason = reason

    def __reduce__(self):  # picklable across the worker's result files
        return Bad, (self.reason,)


def prepare(privacy, line):
    """``(payload, payload_json)`` as stored (redacted), None for an excluded project,
    or :class:`Bad` for a line that fails a step (checking, redacting, serialising).

    Never raises: one poison line must not stop the drain.
    """
    try:
        payload = line.payload
        reason = hookfields.check(payload)
        if reason:
            return Bad(reason)
        if privacy.excluded(line.project_dir or payload.get("cwd")):
            return None
        payload = privacy.payload(payload)  # redacted once, used for everything
        return payload, orjson.dumps(payload).decode()
    except Exception as e:  # noqa: BLE001 - the line is kept with this reason
        return Bad("cannot prepare the event: %s: %s" % (type(e).__name__, e))


def start(privacy, files, batch_size):
    """An :class:`Ahead` for a large spool on a machine with a second CPU, else a :class:`Local`."""
    size = 0
    for path in files:
        try:
            size += os.path.getsize(path)
        except OSError:
            pass
    if size >= MIN_BYTES and (os.cpu_count() or 1) > 1:
        return Ahead(privacy, files, batch_size)
    return Local(privacy)


class Local:
    """Prepares each batch in this process (small drains, tests, a failed worker)."""

    def __init__(self, privacy):
        self.privacy = privacy

    git_ops = {}

    def batch(self, index, batch):
        return [prepare(self.privacy, line) for _, _, _, line in batch]

    def close(self):
        pass


class Ahead(Local):
    """Prepares the batches in a worker process (:mod:`collector.ingest.worker`); falls back to
    :class:`Local` on any trouble."""

    def __init__(self, privacy, files, batch_size):
        super().__init__(privacy)
        self.git_ops = {}   # command -> its git operations, for the last batch
        self.taken = 0      # batches the worker prepared and the drain used
        try:
            self.worker = Worker("collector.ingest.drain_ahead:preparer", (privacy, list(files), batch_size))
            for number in range(AHEAD):  # batch n is task n: at most AHEAD prepared ahead
                self.worker.submit(number)
        except (OSError, WorkerError):
            self._stop()

    def batch(self, index, batch):
        self.git_ops = {}
        if self.worker is not None:
            try:
                ready = self._take(index, batch)
                if ready is not None:
                    return ready
            except (OSError, EOFError, ValueError, WorkerError, orjson.JSONDecodeError):
                self._stop()
        return super().batch(index, batch)

    def _take(self, index, batch):
        """The worker's result for batch ``index``, or None when it is not ready yet.

        Not waited for: at the start the worker is still reading the files,
        and this process is the busier one; a batch prepared here is skipped
        when the worker's copy arrives later.
        """
        worker = self.worker
        while True:
            if not worker.ready(0 if STEAL else None):
                return None
            number = worker.taken
            results = worker.take()
            worker.submit(worker.sent)
            if number == index:
                break
        results, self.git_ops = results
        if len(results) != len(batch):
            raise ValueError("drain worker read a different spool")
        out = []
        loads = orjson.loads
        for (_, _, _, line), (event_id, text, same) in zip(batch, results):
            if event_id != line.id:
                raise ValueError("drain worker read a different spool")
            if isinstance(same, Bad):
                out.append(same)
                continue
            # Nothing redacted (the usual case): the payload this process parsed is the one.
            out.append(None if text is None else (line.payload if same else loads(text), text))
        self.taken += 1
        return out

    def _stop(self):
        worker, self.worker = getattr(self, "worker", None), None
        if worker is not None:
            worker.close(kill=True)

    def close(self):
        self._stop()  # at once: anything the worker still prepares is not wanted


def read_events(files, bad=None):
    """Every good line of the spool files as ``(at, file order, line number, SpoolLine)``,
    sorted by receive time (overflow files interleave with segments).

    ``bad(raw, reason, path)`` hears about each line that cannot be used.
    """
    events = []
    for order, path in enumerate(files):
        for number, (raw, complete) in enumerate(spool_read.read_lines(path)):
            if not complete:
                reason = "torn line: its writer died mid-write"
            else:
                try:
                    line = spool_read.parse_line(raw)
                    received = line.received
                    # The client writes the canonical form; only replays and old lines need parsing.
                    at = received if _canonical(received) else utc.normalize(received)
                except ValueError as e:
                    reason = str(e)
                except Exception as e:  # noqa: BLE001 - one line, never the drain
                    reason = "cannot read the line: %s: %s" % (type(e).__name__, e)
                else:
                    if at is not None:
                        events.append((at, order, number, line))
                        continue
                    reason = "bad receive time %r: %s" % (line.received[:64], utc.OUT_OF_RANGE)
            if bad is not None:
                bad(raw, reason, path)
    events.sort(key=lambda e: e[:3])
    return events


def _canonical(text):
    return (len(text) == 27 and text[10] == "T" and text[19] == "." and text[26] == "Z"
            and "%04d" % utc.MIN_YEAR <= text[:4] <= "%04d" % utc.MAX_YEAR and text[:4].isdigit())


def preparer(setup):
    """The worker's side: reads and sorts the spool once, then task ``n`` prepares batch ``n``:
    ``([(event id, payload JSON or None, unchanged)], {command: git operations})``."""
    from .. import gitops
    from ..sessions.tool_calls import git_command

    privacy, files, size = setup
    events = read_events(files)

    def prepare_batch(index):
        results, git_ops = [], {}
        for _, _, _, line in events[index * size:(index + 1) * size]:
            prepared = prepare(privacy, line)
            if prepared is None or isinstance(prepared, Bad):
                results.append((line.id, None, prepared or False))
                continue
            results.append((line.id, prepared[1], prepared[0] is line.payload))
            # Parsing shell commands is pure work: done here, the drain only looks it up.
            name = prepared[0].get("hook_event_name")
            command = git_command(prepared[0]) if name in ("PostToolUse", "PostToolUseFailure") else None
            if command is not None and command not in git_ops:
                git_ops[command] = gitops.classify(command)
        return results, git_ops

    return prepare_batch
