"""One machinery for every long job: imports, exports, matching runs, publishing.

A job is a row of a model that inherits ``Job``; the app keeps the job's own data on it
(the file, the counters, the results) and this module does the rest the same way for all:

- claim: a conditional update (queued, or running with a dead worker -> running), so a task
  delivered twice runs once, and a job whose worker died is taken over instead of repeated;
- heartbeat: while the work runs, a thread of the worker writes ``heartbeat_at`` every few
  seconds, however long one step (a solve, a bulk insert) takes; a job whose heartbeat is
  older than ``JOB_STALE_SECONDS`` has lost its worker;
- progress: the app's counters and a message, written outside the work's transaction so that
  the status page sees them at once;
- recovery: a periodic task queues a job whose worker died again (it resumes from what it
  stored) or, after ``JOB_MAX_ATTEMPTS`` claims, marks it failed with the reason;
- retry: a coordinator queues a failed or stalled job again at once.

Each model names its Celery task (``task()``, taking ``task_kwarg=<id>``); the work itself
must be safe to run again after a death half-way (one transaction per unit of work).
"""

import contextlib
import contextvars
import datetime
import logging
import threading
from collections.abc import Callable, Iterator
from typing import TypeVar

from django.apps import apps
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import DatabaseError, IntegrityError, connection, models, transaction
from django.db.models import F, Q, Value
from django.db.models.functions import Coalesce
from django.dispatch import Signal
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy

from .enums import ACTIVE_JOB_STATUSES, JobStatus

logger = logging.getLogger(__name__)

J = TypeVar("J", bound="Job")


def stale_after() -> datetime.timedelta:
    return datetime.timedelta(seconds=settings.JOB_STALE_SECONDS)


class Job(models.Model):
    """What every long job has; a concrete job adds its own data and ``task()``."""

    # The keyword argument of the job's task (``task()``) that carries its id.
    task_kwarg: str = "job_id"

    status = models.CharField(_lazy("status"), max_length=20, choices=JobStatus.choices, default=JobStatus.QUEUED)
    progress_message = models.CharField(max_length=200, blank=True)
    failure = models.TextField(_lazy("why it failed"), blank=True)
    # How many times a worker has claimed it: a job that kills its worker every time stops.
    attempts = models.PositiveSmallIntegerField(default=0)
    heartbeat_at = models.DateTimeField(null=True, blank=True)
    started_at = models.DateTimeField(_lazy("started"), null=True, blank=True)
    finished_at = models.DateTimeField(_lazy("finished"), null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        abstract = True

    @property
    def is_active(self) -> bool:
        return self.status in ACTIVE_JOB_STATUSES

    @property
    def is_done(self) -> bool:
        return self.status in (JobStatus.SUCCEEDED, JobStatus.FAILED)

    @property
    def is_stalled(self) -> bool:
        """Running, but its worker has stopped beating: it died."""
        return job_is_stale(self)

    @property
    def can_retry(self) -> bool:
        return self.status == JobStatus.FAILED or self.is_stalled

    @property
    def duration_seconds(self) -> float | None:
        if self.started_at is None or self.finished_at is None:
            return None
        return (self.finished_at - self.started_at).total_seconds()

    @staticmethod
    def task():
        """The Celery task that runs the job (imported here: tasks import the services)."""
        raise NotImplementedError

    def progress_counts(self) -> tuple[int, int]:
        """(done, total) in the job's own units: rows, pairs, percent."""
        raise NotImplementedError

    @property
    def percent(self) -> int:
        done, total = self.progress_counts()
        if not total:
            return 100 if self.status == JobStatus.SUCCEEDED else 0
        return max(0, min(100, round(100 * done / total)))


def job_models() -> list[type[Job]]:
    return [m for m in apps.get_models() if issubclass(m, Job)]


def job_is_stale(job: Job, *, now: datetime.datetime | None = None) -> bool:
    if job.status != JobStatus.RUNNING:
        return False
    beat = job.heartbeat_at or job.updated_at
    return beat is None or beat < (now or timezone.now()) - stale_after()


def _stale_q(now: datetime.datetime) -> Q:
    cutoff = now - stale_after()
    return Q(status=JobStatus.RUNNING) & (
        Q(heartbeat_at__lt=cutoff) | Q(heartbeat_at__isnull=True, updated_at__lt=cutoff)
    )


def job_dispatch(job: Job) -> None:
    """Queue the job's task once the surrounding transaction commits."""
    model = type(job)
    task = model.task()
    kwargs = {model.task_kwarg: job.pk}
    transaction.on_commit(lambda: task.apply_async(kwargs=kwargs))


def job_claim(model: type[Job], pk: int, **fields) -> bool:
    """Take the job for this worker: a queued one, or a running one whose worker died and
    that has claims left. False when another live worker has it or it is finished."""
    now = timezone.now()
    claimable = Q(status=JobStatus.QUEUED) | (_stale_q(now) & Q(attempts__lt=settings.JOB_MAX_ATTEMPTS))
    claimed = model.objects.filter(claimable, pk=pk).update(
        status=JobStatus.RUNNING,
        attempts=F("attempts") + 1,
        heartbeat_at=now,
        started_at=Coalesce("started_at", Value(now), output_field=models.DateTimeField()),
        failure="",
        updated_at=now,
        **fields,
    )
    return claimed == 1


def job_progress(model: type[Job], pk: int, *, message: str | None = None, **fields) -> bool:
    """Write progress (and the heartbeat) where the status page sees it at once. False when
    the job is no longer running (marked failed meanwhile): the worker should stop."""
    if message is not None:
        fields["progress_message"] = message[:200]
    now = timezone.now()
    return model.objects.filter(pk=pk, status=JobStatus.RUNNING).update(heartbeat_at=now, updated_at=now, **fields) == 1


def job_succeed(model: type[Job], pk: int, **fields) -> bool:
    now = timezone.now()
    return (
        model.objects.filter(pk=pk, status=JobStatus.RUNNING).update(
            status=JobStatus.SUCCEEDED, progress_message="", finished_at=now, heartbeat_at=now, updated_at=now, **fields
        )
        == 1
    )


# Sent once when a job is marked failed (by its worker, or given up after its worker died):
# ``sender`` is the job's model, ``pk`` its id, ``reason`` the failure. Apps tell people.
job_failed = Signal()


def job_fail(model: type[Job], pk: int, reason: str, **fields) -> bool:
    now = timezone.now()
    failed = (
        model.objects.filter(pk=pk, status__in=ACTIVE_JOB_STATUSES).update(
            status=JobStatus.FAILED,
            failure=str(reason)[:2000],
            progress_message="",
            finished_at=now,
            updated_at=now,
            **fields,
        )
        == 1
    )
    if failed:
        job_failed.send(sender=model, pk=pk, reason=str(reason))
    return failed


def _beat_forever(model: type[Job], pk: int, stop: threading.Event, every: float) -> None:
    try:
        while not stop.wait(every):
            try:
                if not job_progress(model, pk):
                    return
            except DatabaseError:
                # A busy SQLite file or a dropped connection: the next beat tries again.
                logger.warning("Heartbeat of %s %s not written", model.__name__, pk, exc_info=True)
    finally:
        connection.close()


@contextlib.contextmanager
def keep_alive(model: type[Job], pk: int) -> Iterator[None]:
    """Beat for the job from a thread while the body runs, so that a long step is not taken
    for a death. In-process (eager) runs need no heartbeat: the request waits for them."""
    from .celery_app import app  # noqa: PLC0415

    if app.conf.task_always_eager:
        yield
        return
    stop = threading.Event()
    # In the task's tenant scope (mentorship.tenancy): a new thread starts with none.
    beater = threading.Thread(
        target=contextvars.copy_context().run,
        args=(_beat_forever, model, pk, stop, settings.JOB_HEARTBEAT_SECONDS),
        daemon=True,
        name=f"beat-{pk}",
    )
    beater.start()
    try:
        yield
    finally:
        stop.set()
        beater.join(timeout=10)


def job_execute(
    model: type[J], pk: int, work: Callable[[J], None], *, error_message: str = "", **claim_fields
) -> J | None:
    """Claim the job, run ``work(job)`` with a heartbeat, and record the outcome.

    ``work`` writes its units and progress itself and may finish the job (``job_succeed``);
    a job still running when it returns is marked succeeded. An error marks it failed with
    the error (``error_message`` with ``%(error)s``), never raised: the status page says what
    happened. Returns None when the job was not this worker's to run.
    """
    if not job_claim(model, pk, **claim_fields):
        logger.info("%s %s is taken or finished; nothing to do", model.__name__, pk)
        return None
    job = model.objects.get(pk=pk)
    with keep_alive(model, pk):
        try:
            work(job)
        except Exception as error:
            logger.exception("%s %s failed", model.__name__, pk)
            job_fail(model, pk, (error_message or _("It stopped with an error: %(error)s")) % {"error": error})
        else:
            job_succeed(model, pk)
    job.refresh_from_db()
    return job


def job_retry(job: J) -> J:
    """Queue a failed or stalled job again at once (the coordinator's button); it resumes
    from what it stored. Its claims start again from zero.

    Side effects: queues the job's task after commit.
    """
    now = timezone.now()
    retryable = Q(status=JobStatus.FAILED) | _stale_q(now)
    try:
        with transaction.atomic():
            updated = (
                type(job)
                .objects.filter(retryable, pk=job.pk)
                .update(
                    status=JobStatus.QUEUED,
                    failure="",
                    attempts=0,
                    heartbeat_at=None,
                    finished_at=None,
                    progress_message=_("Waiting for a worker"),
                    updated_at=now,
                )
            )
    except IntegrityError:
        # Models that allow one active job per cohort: another one runs now.
        raise ValidationError(_("Another job of this kind is under way; wait until it finishes.")) from None
    if not updated:
        raise ValidationError(_("Only a failed or stalled job can be retried."))
    job_dispatch(job)
    job.refresh_from_db()
    return job


def job_give_up(job: J, *, reason: str) -> J:
    """Mark a stalled job failed (the coordinator no longer wants it retried)."""
    if not job_is_stale(job):
        raise ValidationError(_("This job is still moving; it is not stalled."))
    job_fail(type(job), job.pk, reason)
    job.refresh_from_db()
    return job


def jobs_recover(*, now: datetime.datetime | None = None) -> dict[str, int]:
    """Periodic: find every job whose worker died. One with claims left is queued again and
    resumes; one that has used them all is marked failed, saying why. A queued job that no
    worker has taken for a while is sent again, in case its message was lost.

    Returns counts by outcome.
    """
    now = now or timezone.now()
    counts = {"requeued": 0, "failed": 0, "resent": 0}
    limit = settings.JOB_MAX_ATTEMPTS
    for model in job_models():
        for pk, attempts, beat in model.objects.filter(_stale_q(now)).values_list("pk", "attempts", "heartbeat_at"):
            # Conditional on the heartbeat read: a worker that came back to life in between wins.
            still = model.objects.filter(_stale_q(now), pk=pk, heartbeat_at=beat)
            if attempts >= limit:
                message = _(
                    "The worker stopped %(n)d times while running this job, so it was given up. "
                    "Retry it once the cause is fixed; it resumes where it stopped."
                ) % {"n": attempts}
                if still.update(
                    status=JobStatus.FAILED, failure=message, finished_at=now, progress_message="", updated_at=now
                ):
                    counts["failed"] += 1
                    logger.warning("%s %s failed after %d attempts", model.__name__, pk, attempts)
                    job_failed.send(sender=model, pk=pk, reason=message)
                continue
            with transaction.atomic():
                if still.update(
                    status=JobStatus.QUEUED,
                    progress_message=_("The worker stopped; waiting for another one to resume"),
                    updated_at=now,
                ):
                    counts["requeued"] += 1
                    logger.warning("%s %s lost its worker; queued again", model.__name__, pk)
                    job_dispatch(model(pk=pk))
        lost = model.objects.filter(status=JobStatus.QUEUED, updated_at__lt=now - settings.JOB_RESEND_AFTER)
        for pk in lost.values_list("pk", flat=True):
            with transaction.atomic():
                if model.objects.filter(pk=pk, status=JobStatus.QUEUED).update(updated_at=now):
                    counts["resent"] += 1
                    job_dispatch(model(pk=pk))
    return counts
