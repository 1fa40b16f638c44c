from django.db import models
from django.utils.translation import gettext_lazy as _


class OrgRole(models.TextChoices):
    COORDINATOR = "coordinator", _("Coordinator")
    VIEWER = "viewer", _("Viewer")


class JobStatus(models.TextChoices):
    """The life of every long job (imports, exports, matching runs, publishing)."""

    QUEUED = "queued", _("Queued")
    RUNNING = "running", _("Running")
    SUCCEEDED = "succeeded", _("Finished")
    FAILED = "failed", _("Failed")


ACTIVE_JOB_STATUSES = (JobStatus.QUEUED, JobStatus.RUNNING)
