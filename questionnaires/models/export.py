from django.conf import settings
from django.db import models
from django.urls import reverse

from ..enums import ExportStatus
from .questionnaire import Questionnaire


class ExportJob(models.Model):
    """A CSV of a questionnaire's answers, written by a worker; the page polls its progress."""

    questionnaire = models.ForeignKey(Questionnaire, on_delete=models.CASCADE, related_name="export_jobs")
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    include_sensitive = models.BooleanField(default=False)
    status = models.CharField(max_length=10, choices=ExportStatus.choices, default=ExportStatus.QUEUED)
    total_rows = models.PositiveIntegerField(default=0)
    processed_rows = models.PositiveIntegerField(default=0)
    file = models.FileField(upload_to="exports/questionnaires/", blank=True)
    failure = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"Export of {self.questionnaire} ({self.get_status_display()})"

    def get_absolute_url(self) -> str:
        return reverse("questionnaires:export-detail", kwargs={"pk": self.pk})

    @property
    def organization_id(self) -> int:
        return self.questionnaire.organization_id

    @property
    def cohort(self):
        return self.questionnaire.cohort

    @property
    def percent(self) -> int:
        if not self.total_rows:
            return 100 if self.status == ExportStatus.SUCCEEDED else 0
        return min(100, round(100 * self.processed_rows / self.total_rows))

    @property
    def is_done(self) -> bool:
        return self.status in (ExportStatus.SUCCEEDED, ExportStatus.FAILED)
