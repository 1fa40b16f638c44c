"""A real Celery worker against the real broker: the task leaves this process, a worker
picks it up and the answer comes back. Runs with ``-m worker``; needs CELERY_BROKER_URL."""

import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]

pytestmark = pytest.mark.worker


@pytest.fixture(scope="module")
def celery_worker_process():
    broker = os.environ.get("CELERY_BROKER_URL")
    if not broker:
        if os.environ.get("CI") == "true":
            pytest.fail("CELERY_BROKER_URL is not set: the worker tests cannot run.")
        pytest.skip("CELERY_BROKER_URL is not set")
    env = {**os.environ, "CELERY_RESULT_BACKEND": os.environ.get("CELERY_RESULT_BACKEND", broker)}
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "mentorship",
            "worker",
            "--concurrency",
            "1",
            "--loglevel",
            "INFO",
            "--without-gossip",
            "--without-mingle",
            "--without-heartbeat",
            "--hostname",
            f"test-worker-{os.getpid()}@%h",
        ],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    yield process
    process.send_signal(signal.SIGTERM)
    try:
        process.wait(timeout=20)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


def test_worker_round_trip(celery_worker_process):
    from mentorship.tasks import task_ping

    result = task_ping.apply_async(kwargs={"value": "round-trip"})
    answer = result.get(timeout=60)

    assert answer == "round-trip"
    assert celery_worker_process.poll() is None
