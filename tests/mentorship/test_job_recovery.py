"""A real worker killed in the middle of a job: another worker takes the job over within a
minute and finishes it, and nothing is done twice. Runs with ``-m worker`` (Redis broker,
PostgreSQL: the workers read the test database).

To kill the worker at a known point, the test holds a lock on the job's row once the job has
done part of its work: the worker blocks on its next write (its heartbeat too), and is then
killed with SIGKILL by its own PID, as the kernel's out-of-memory killer or a lost machine
would. The second worker runs beat inside it, so the periodic recovery task finds the job.
"""

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.db import connection, transaction

from cohorts.enums import CohortPhase, EnrollmentStatus, ParticipantRole
from cohorts.models import Enrollment, ImportJob, Invitation, Pair
from matching.enums import EventKind, ProposalStatus
from matching.models import MatchRun, Proposal, ProposalEvent, PublishJob
from mentorship.enums import JobStatus
from mentorship.models import SentEmail, User
from tests.factories import CohortFactory, MatchRunFactory

ROOT = Path(__file__).resolve().parents[2]

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]

# Seconds: what the workers are started with, so that a death is seen in a few seconds.
HEARTBEAT, STALE, RECOVER = 1, 4, 2
# A job whose worker died must be running again, or failed, within this.
WITHIN = 60


@pytest.fixture
def start_worker(tmp_path):
    broker = os.environ.get("CELERY_BROKER_URL")
    if not broker:
        if os.environ.get("CI") == "true":
            pytest.fail("CELERY_BROKER_URL is not set: the worker tests cannot run.")
        pytest.skip("CELERY_BROKER_URL is not set")
    if connection.vendor != "postgresql":
        pytest.skip("a worker process cannot share the in-memory test database")
    db = connection.settings_dict
    database_url = (
        f"postgres://{db['USER']}:{db['PASSWORD']}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"
    )
    started = []
    from mentorship.celery_app import app

    # Messages left by earlier tests (their rows are gone) would keep the workers busy.
    app.control.purge()

    def start(*, with_beat: bool = False, max_attempts: int = 3) -> subprocess.Popen:
        env = {
            **os.environ,
            "DATABASE_URL": database_url,
            "CELERY_RESULT_BACKEND": os.environ.get("CELERY_RESULT_BACKEND", broker),
            "DJANGO_JOB_HEARTBEAT_SECONDS": str(HEARTBEAT),
            "DJANGO_JOB_STALE_SECONDS": str(STALE),
            "DJANGO_JOB_RECOVER_SECONDS": str(RECOVER),
            "DJANGO_JOB_MAX_ATTEMPTS": str(max_attempts),
        }
        # The worker to kill runs tasks in its own process (solo), so SIGKILL stops the work
        # itself; the one that takes over has threads, as a production worker has processes,
        # so that the job's recovery is not queued behind the emails the first one sent.
        pool = ["--pool", "threads", "--concurrency", "4"] if with_beat else ["--pool", "solo"]
        command = [sys.executable, "-m", "celery", "-A", "mentorship", "worker", *pool]
        command += ["--loglevel", "INFO", "--without-gossip", "--without-mingle", "--without-heartbeat"]
        command += ["--hostname", f"recovery-{os.getpid()}-{len(started)}@%h"]
        if with_beat:
            command += ["--beat", "--schedule", str(tmp_path / "beat-schedule")]
        log_path = tmp_path / f"worker-{len(started)}.log"
        process = subprocess.Popen(command, cwd=ROOT, env=env, stdout=log_path.open("w"), stderr=subprocess.STDOUT)
        started.append(process)
        # A loaded machine takes a while to start one: the minute counts from when it is up.
        wait_for(lambda: " ready." in log_path.read_text(), timeout=180, what="the worker started")
        return process

    yield start
    for number in range(len(started)):
        # Shown by pytest when the test fails.
        print(f"--- worker {number}:", *(tmp_path / f"worker-{number}.log").read_text().splitlines()[-30:], sep="\n")
    for process in started:
        if process.poll() is None:
            process.send_signal(signal.SIGTERM)
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()


def wait_for(condition, *, timeout: float, what: str):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(0.1)
    raise AssertionError(f"not within {timeout} s: {what}")


def kill_while_holding(model, pk: int, worker: subprocess.Popen, *, when) -> None:
    """Wait until ``when(job)``, freeze the worker on the job's row, then kill it."""
    wait_for(lambda: when(model.objects.get(pk=pk)), timeout=120, what=f"{model.__name__} under way")
    with transaction.atomic():
        model.objects.select_for_update().get(pk=pk)
        time.sleep(HEARTBEAT * 2)  # the worker is now blocked on the row, heartbeat and all
        os.kill(worker.pid, signal.SIGKILL)
        worker.wait(timeout=10)


def test_an_import_whose_worker_dies_resumes_on_another_and_invites_nobody_twice(
    start_worker, coordinator, organization
):
    from cohorts.services.imports import CHUNK, import_job_create

    cohort = CohortFactory(program__organization=organization)
    rows = CHUNK * 3
    content = "name,email,role\n" + "".join(f"Person {i},person{i}@example.test,mentee\n" for i in range(rows))
    first = start_worker()
    job = import_job_create(cohort=cohort, by=coordinator, filename="people.csv", content=content)

    kill_while_holding(ImportJob, job.pk, first, when=lambda j: 0 < j.processed_rows < rows)
    stopped_at = ImportJob.objects.get(pk=job.pk).processed_rows
    start_worker(with_beat=True)

    wait_for(lambda: ImportJob.objects.get(pk=job.pk).attempts == 2, timeout=WITHIN, what="the import taken over")
    done = wait_for(
        lambda: (j := ImportJob.objects.get(pk=job.pk)).is_done and j, timeout=300, what="the import finished"
    )
    assert (done.status, done.processed_rows, done.invited_count, done.skipped_count) == (
        JobStatus.SUCCEEDED,
        rows,
        rows,
        0,
    )
    assert 0 < stopped_at < rows
    assert Invitation.objects.filter(cohort=cohort).count() == rows


def _people(cohort, n):
    users = User.objects.bulk_create(
        [User(email=f"pub-{i}@example.test", full_name=f"Person {i}") for i in range(2 * n)]
    )
    roles = [ParticipantRole.MENTEE] * n + [ParticipantRole.MENTOR] * n
    return Enrollment.objects.bulk_create(
        [
            Enrollment(cohort=cohort, user=u, role=r, status=EnrollmentStatus.ACCEPTED)
            for u, r in zip(users, roles, strict=True)
        ]
    )


def test_a_publish_whose_worker_dies_resumes_and_never_publishes_or_emails_twice(
    start_worker, coordinator, organization
):
    from matching.services.publishing import BATCH, publish_job_start

    cohort = CohortFactory(
        program__organization=organization,
        phase=CohortPhase.TRAINING,
        mentor_default_capacity=1,
    )
    n = BATCH * 3
    people = _people(cohort, n)
    run = MatchRunFactory(cohort=cohort, status=JobStatus.SUCCEEDED, criteria=[])
    Proposal.objects.bulk_create(
        [
            Proposal(
                run=run,
                cohort=cohort,
                mentee=people[i],
                mentor=people[n + i],
                status=ProposalStatus.APPROVED,
                score=0.5,
                breakdown={},
            )
            for i in range(n)
        ]
    )
    first = start_worker()
    job = publish_job_start(cohort=cohort, by=coordinator)

    kill_while_holding(PublishJob, job.pk, first, when=lambda j: 0 < j.published_count < n)
    start_worker(with_beat=True)

    wait_for(lambda: PublishJob.objects.get(pk=job.pk).attempts == 2, timeout=WITHIN, what="publishing taken over")
    done = wait_for(
        lambda: (j := PublishJob.objects.get(pk=job.pk)).is_done and j, timeout=300, what="publishing finished"
    )
    wait_for(lambda: SentEmail.objects.count() >= 2 * n, timeout=120, what="every email sent")
    assert (done.status, done.published_count, done.failed_count) == (JobStatus.SUCCEEDED, n, 0)
    assert Pair.objects.filter(cohort=cohort).count() == n
    assert Proposal.objects.filter(cohort=cohort, pair__isnull=True).count() == 0
    assert ProposalEvent.objects.filter(kind=EventKind.PUBLISHED).count() == n
    assert SentEmail.objects.count() == 2 * n
    assert set(SentEmail.objects.values_list("key", flat=True)) == {
        f"match-published:{p}:{side}"
        for p in Proposal.objects.values_list("pk", flat=True)
        for side in ("mentee", "mentor")
    }


def _matching_cohort(organization):
    from matching.services.criteria import criteria_set_up_defaults
    from questionnaires.services.templating import questionnaire_from_template
    from tests.matching.conftest import person

    cohort = CohortFactory(program__organization=organization, phase=CohortPhase.TRAINING)
    applications = {
        role: questionnaire_from_template(cohort=cohort, template_key=f"{role}_application", by=None)
        for role in ("mentee", "mentor")
    }
    criteria_set_up_defaults(cohort=cohort)
    person(cohort, applications, "mentee", name="Ada", track="data")
    person(cohort, applications, "mentor", name="Xena", track="data")
    return cohort


def _kill_after_claim(run, start_worker) -> None:
    # A round is over in milliseconds here: freeze the worker right after its claim, where it
    # reads the proposals, by locking that table before the worker starts.
    with transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute("LOCK TABLE matching_proposal IN ACCESS EXCLUSIVE MODE")
        first = start_worker()
        wait_for(lambda: MatchRun.objects.get(pk=run.pk).status == JobStatus.RUNNING, timeout=120, what="run claimed")
        time.sleep(HEARTBEAT * 2)
        os.kill(first.pid, signal.SIGKILL)
        first.wait(timeout=10)


def test_a_matching_run_whose_worker_dies_is_taken_over_and_finished_by_another(
    start_worker, coordinator, organization
):
    from matching.services.runs import match_run_start

    cohort = _matching_cohort(organization)
    run = match_run_start(cohort=cohort, by=coordinator)
    _kill_after_claim(run, start_worker)
    second = start_worker(with_beat=True)

    wait_for(lambda: MatchRun.objects.get(pk=run.pk).attempts == 2, timeout=WITHIN, what="the run taken over")
    done = wait_for(lambda: (r := MatchRun.objects.get(pk=run.pk)).is_done and r, timeout=120, what="the run finished")

    assert second.poll() is None
    # A round stores all its proposals or none: the second worker started it over, once.
    assert (done.status, done.attempts, done.failure, done.stats["proposals"]) == (JobStatus.SUCCEEDED, 2, "", 1)
    assert Proposal.objects.filter(run=run).count() == 1
    assert MatchRun.objects.filter(cohort=cohort).count() == 1


def test_a_matching_run_whose_worker_died_too_often_fails_with_a_reason_and_is_retried_at_once(
    start_worker, coordinator, organization
):
    from matching.services.runs import match_run_retry, match_run_start

    cohort = _matching_cohort(organization)
    run = match_run_start(cohort=cohort, by=coordinator)
    _kill_after_claim(run, start_worker)
    # This worker allows one claim per run: the recovery gives the run up instead of repeating it.
    second = start_worker(with_beat=True, max_attempts=1)

    failed = wait_for(
        lambda: (r := MatchRun.objects.get(pk=run.pk)).status == JobStatus.FAILED and r,
        timeout=WITHIN,
        what="the run marked failed",
    )
    assert failed.failure.startswith("The worker stopped 1 times while running this job, so it was given up.")
    assert not Proposal.objects.filter(run=run).exists()

    match_run_retry(run=failed)
    done = wait_for(lambda: (r := MatchRun.objects.get(pk=run.pk)).is_done and r, timeout=120, what="the run finished")
    assert second.poll() is None
    assert (done.status, done.attempts, done.stats["proposals"]) == (JobStatus.SUCCEEDED, 1, 1)
    assert Proposal.objects.filter(run=run).count() == 1
