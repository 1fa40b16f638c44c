"""The shared job machinery, on the import job (any concrete job behaves the same)."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from cohorts.models import ImportJob
from matching.models import MatchRun
from mentorship.enums import JobStatus
from mentorship.jobs import (
    job_claim,
    job_execute,
    job_fail,
    job_give_up,
    job_is_stale,
    job_models,
    job_progress,
    job_retry,
    jobs_recover,
    stale_after,
)
from questionnaires.models import ExportJob
from tests.factories import CohortFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def job(coordinator, organization):
    cohort = CohortFactory(program__organization=organization)
    return ImportJob.objects.create(cohort=cohort, created_by=coordinator, filename="people.csv", content="")


def go_quiet(job, seconds_past_stale=1):
    """The worker stops beating: as if it died that long after the stale limit."""
    beat = timezone.now() - stale_after() - datetime.timedelta(seconds=seconds_past_stale)
    ImportJob.objects.filter(pk=job.pk).update(heartbeat_at=beat)
    job.refresh_from_db()


def test_every_long_job_uses_the_machinery():
    from matching.models import PublishJob

    assert set(job_models()) >= {ImportJob, ExportJob, MatchRun, PublishJob}


def test_a_job_is_claimed_once(job):
    assert job_claim(ImportJob, job.pk) is True
    assert job_claim(ImportJob, job.pk) is False

    job.refresh_from_db()
    assert (job.status, job.attempts) == (JobStatus.RUNNING, 1)
    assert job.heartbeat_at is not None and job.started_at is not None


def test_a_job_whose_worker_died_is_claimed_again_until_its_attempts_run_out(job, settings):
    settings.JOB_MAX_ATTEMPTS = 2
    job_claim(ImportJob, job.pk)
    go_quiet(job)

    assert job_claim(ImportJob, job.pk) is True
    go_quiet(job)
    assert job_claim(ImportJob, job.pk) is False

    job.refresh_from_db()
    assert job.attempts == 2


def test_progress_beats_and_stops_a_job_no_longer_running(job):
    job_claim(ImportJob, job.pk)
    go_quiet(job)
    assert job_is_stale(job) is True

    assert job_progress(ImportJob, job.pk, message="Half way", processed_rows=3) is True
    job.refresh_from_db()
    assert (job_is_stale(job), job.progress_message, job.processed_rows) == (False, "Half way", 3)

    job_fail(ImportJob, job.pk, "Given up")
    assert job_progress(ImportJob, job.pk, processed_rows=4) is False
    job.refresh_from_db()
    assert (job.status, job.failure, job.processed_rows) == (JobStatus.FAILED, "Given up", 3)


def test_execute_records_success_failure_and_skips_a_job_not_its_own(job):
    def boom(_job):
        raise ValueError("bad row")

    failed = job_execute(ImportJob, job.pk, boom, error_message="Stopped: %(error)s")
    assert (failed.status, failed.failure) == (JobStatus.FAILED, "Stopped: bad row")
    assert job_execute(ImportJob, job.pk, lambda _job: None) is None

    job_retry(failed)
    done = job_execute(ImportJob, job.pk, lambda _job: None)
    assert (done.status, done.failure, done.finished_at is not None) == (JobStatus.SUCCEEDED, "", True)


def test_recovery_queues_a_dead_workers_job_again(job, django_capture_on_commit_callbacks):
    job_claim(ImportJob, job.pk)
    alive = ImportJob.objects.create(cohort=job.cohort, filename="b.csv", content="")
    job_claim(ImportJob, alive.pk)
    go_quiet(job)

    with django_capture_on_commit_callbacks() as callbacks:
        counts = jobs_recover()

    job.refresh_from_db()
    alive.refresh_from_db()
    assert counts == {"requeued": 1, "failed": 0, "resent": 0}
    assert (job.status, job.progress_message) == (
        JobStatus.QUEUED,
        "The worker stopped; waiting for another one to resume",
    )
    assert alive.status == JobStatus.RUNNING
    assert len(callbacks) == 1


def test_recovery_gives_up_on_a_job_that_killed_its_worker_every_time(job, settings):
    settings.JOB_MAX_ATTEMPTS = 1
    job_claim(ImportJob, job.pk)
    go_quiet(job)

    counts = jobs_recover()

    job.refresh_from_db()
    assert counts["failed"] == 1
    assert job.status == JobStatus.FAILED
    assert job.failure.startswith("The worker stopped 1 times while running this job, so it was given up.")


def test_recovery_sends_a_job_again_that_no_worker_took(job, django_capture_on_commit_callbacks):
    ImportJob.objects.filter(pk=job.pk).update(updated_at=timezone.now() - datetime.timedelta(minutes=6))

    with django_capture_on_commit_callbacks() as callbacks:
        counts = jobs_recover()

    assert counts["resent"] == 1
    assert len(callbacks) == 1
    with django_capture_on_commit_callbacks() as callbacks:
        assert jobs_recover()["resent"] == 0
    assert callbacks == []


def test_retry_takes_a_failed_or_stalled_job_but_not_a_live_or_finished_one(job, django_capture_on_commit_callbacks):
    job_claim(ImportJob, job.pk)
    with pytest.raises(ValidationError, match="Only a failed or stalled job"):
        job_retry(job)
    go_quiet(job)

    with django_capture_on_commit_callbacks() as callbacks:
        queued = job_retry(job)

    assert (queued.status, queued.attempts, queued.heartbeat_at) == (JobStatus.QUEUED, 0, None)
    assert len(callbacks) == 1
    ImportJob.objects.filter(pk=job.pk).update(status=JobStatus.SUCCEEDED)
    job.refresh_from_db()
    with pytest.raises(ValidationError):
        job_retry(job)


def test_give_up_only_on_a_stalled_job(job):
    job_claim(ImportJob, job.pk)
    job.refresh_from_db()
    with pytest.raises(ValidationError, match="still moving"):
        job_give_up(job, reason="No")
    go_quiet(job)

    failed = job_give_up(job, reason="Nobody runs it")

    assert (failed.status, failed.failure) == (JobStatus.FAILED, "Nobody runs it")


def test_percent_follows_the_jobs_own_counts(job):
    job.total_rows, job.processed_rows = 8, 2

    assert job.percent == 25
    job.total_rows = 0
    assert job.percent == 0
    job.status = JobStatus.SUCCEEDED
    assert job.percent == 100
