"""The one worker protocol (collector.ingest.worker) the drain and the importer share, on real processes."""

import os

import pytest

from collector.ingest.worker import Worker, WorkerError


def squares(offset):
    """A worker-side entry for these tests: task n -> n * n + offset; task -1 fails."""
    def handle(n):
        if n == -1:
            raise ValueError("no square for -1")
        return n * n + offset
    return handle


@pytest.fixture
def tests_on_path(monkeypatch):
    here = os.path.dirname(os.path.abspath(__file__))
    monkeypatch.setenv("PYTHONPATH", os.pathsep.join(p for p in (here, os.environ.get("PYTHONPATH")) if p))


def test_results_come_back_in_submission_order(tests_on_path):
    worker = Worker("test_worker:squares", 1)
    for n in (3, 1, 2):
        worker.submit(n)
    assert worker.in_flight == 3
    assert [worker.take() for _ in range(3)] == [10, 2, 5]
    assert worker.in_flight == 0 and not worker.ready(0)
    directory = worker.dir
    worker.close()
    assert not os.path.exists(directory)


def test_a_failing_task_raises_in_the_parent_and_the_worker_goes_on(tests_on_path):
    worker = Worker("test_worker:squares", 0)
    worker.submit(-1)
    worker.submit(4)
    with pytest.raises(WorkerError, match="ValueError: no square for -1"):
        worker.take()
    assert worker.take() == 16
    worker.close()


def test_a_dead_worker_is_an_error_not_a_hang(tests_on_path):
    worker = Worker("test_worker:squares", 0)
    worker.proc.kill()
    worker.proc.wait()
    with pytest.raises(WorkerError):
        worker.submit(2)
        worker.take()
    worker.close()
