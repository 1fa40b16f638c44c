from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from cohorts.models import Cohort
from mentorship.enums import ACTIVE_JOB_STATUSES
from mentorship.jobs import Job
from mentorship.tenancy import OrganizationOwned

from ..enums import CriterionKind


class MatchRun(OrganizationOwned, Job):
    """One matching round of a cohort, from the coordinator's click to stored proposals.

    ``criteria`` is the snapshot the run used (keys, labels, kinds, weights, hard flags,
    scales and the questions' matching keys), so that later edits to the criteria never
    change what an old run's scores mean. Claim, heartbeat and recovery are the shared job
    machinery's.
    """

    organization_path = "cohort__program__organization"

    task_kwarg = "match_run_id"

    @staticmethod
    def task():
        from ..tasks import task_run_round  # noqa: PLC0415 -- tasks import the services, which import models

        return task_run_round

    cohort = models.ForeignKey(Cohort, on_delete=models.CASCADE, related_name="match_runs")
    round_number = models.PositiveSmallIntegerField(_("round"))
    progress = models.PositiveSmallIntegerField(_("progress (%)"), default=0)
    started_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    queued_at = models.DateTimeField(_("queued"), auto_now_add=True)
    duration = models.DurationField(_("duration"), null=True, blank=True)
    criteria = models.JSONField(default=list)
    # Counts and timings: mentees, mentors, seats, matched, unmatched (id -> reason), ...
    stats = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["cohort", "-queued_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["cohort"],
                condition=models.Q(status__in=ACTIVE_JOB_STATUSES),
                name="one_active_match_run_per_cohort",
            ),
            models.CheckConstraint(condition=models.Q(progress__lte=100), name="match_run_progress_percent"),
        ]
        indexes = [models.Index(fields=["cohort", "status"])]

    def __str__(self) -> str:
        return f"{self.cohort}: round {self.round_number} ({self.get_status_display()})"

    def get_absolute_url(self) -> str:
        return reverse("matching:run-detail", kwargs={"pk": self.cohort_id, "run_pk": self.pk})

    def progress_counts(self) -> tuple[int, int]:
        return self.progress, 100

    @property
    def criteria_by_key(self) -> dict[str, dict]:
        return {c["key"]: c for c in self.criteria}

    @property
    def criteria_display(self) -> list[dict]:
        return [
            {
                **c,
                "kind_label": CriterionKind(c["kind"]).label
                if c.get("kind") in CriterionKind.values
                else c.get("kind"),
            }
            for c in self.criteria
        ]

    @property
    def unmatched_count(self) -> int:
        return len(self.stats.get("unmatched", {}))


class PublishJob(OrganizationOwned, Job):
    """Publishing a cohort's approved proposals as pairs, in batches, by a worker.

    ``cursor`` is the last proposal handled; it is committed with each batch's pairs, so a
    job taken over after its worker died carries on after it and publishes nothing twice.
    """

    organization_path = "cohort__program__organization"

    task_kwarg = "publish_job_id"

    @staticmethod
    def task():
        from ..tasks import task_publish  # noqa: PLC0415 -- tasks import the services, which import models

        return task_publish

    cohort = models.ForeignKey(Cohort, on_delete=models.CASCADE, related_name="publish_jobs")
    started_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    total = models.PositiveIntegerField(_("pairs to publish"), default=0)
    published_count = models.PositiveIntegerField(default=0)
    failed_count = models.PositiveIntegerField(default=0)
    cursor = models.PositiveBigIntegerField(default=0)
    # [{"proposal": 12, "mentee": "...", "mentor": "...", "reason": "..."}]: pairs that could not be made.
    problems = models.JSONField(default=list, blank=True)

    class Meta:
        ordering = ["cohort", "-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["cohort"],
                condition=models.Q(status__in=ACTIVE_JOB_STATUSES),
                name="one_active_publish_job_per_cohort",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.cohort}: publishing ({self.get_status_display()})"

    def get_absolute_url(self) -> str:
        return reverse("matching:publish-detail", kwargs={"pk": self.cohort_id, "job_pk": self.pk})

    def progress_counts(self) -> tuple[int, int]:
        return self.published_count + self.failed_count, self.total
