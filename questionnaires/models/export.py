from django.conf import settings
from django.db import models
from django.urls import reverse

from mentorship.jobs import Job
from mentorship.tenancy import OrganizationOwned

from .questionnaire import Questionnaire


class ExportJob(OrganizationOwned, Job):
    """A CSV of a questionnaire's answers, written by a worker; the page polls its progress."""

    organization_path = "questionnaire__cohort__program__organization"

    task_kwarg = "export_job_id"

    @staticmethod
    def task():
        from ..tasks import task_export_answers  # noqa: PLC0415 -- tasks import the services, which import models

        return task_export_answers

    questionnaire = models.ForeignKey(Questionnaire, on_delete=models.CASCADE, related_name="export_jobs")
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    include_sensitive = models.BooleanField(default=False)
    total_rows = models.PositiveIntegerField(default=0)
    processed_rows = models.PositiveIntegerField(default=0)
    file = models.FileField(upload_to="exports/questionnaires/", blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"Export of {self.questionnaire} ({self.get_status_display()})"

    def get_absolute_url(self) -> str:
        return reverse("questionnaires:export-detail", kwargs={"pk": self.pk})

    @property
    def cohort(self):
        return self.questionnaire.cohort

    def progress_counts(self) -> tuple[int, int]:
        return self.processed_rows, self.total_rows
