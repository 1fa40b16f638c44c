from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from cohorts.models import Enrollment
from mentorship.tenancy import OrganizationOwned

TITLE_MAX = 200
TEXT_MAX = 5000


class Project(OrganizationOwned):
    """A mentee's independent project in a cohort: what they build or learn beside the
    meetings, shown at the end-of-program showcase. One per mentee and cohort; it stays
    with the mentee if they are matched with another mentor."""

    organization_path = "enrollment__cohort__program__organization"

    enrollment = models.OneToOneField(Enrollment, on_delete=models.CASCADE, related_name="showcase_project")
    title = models.CharField(_("title"), max_length=TITLE_MAX)
    summary = models.TextField(_("summary"), max_length=TEXT_MAX, help_text=_("What the project is about. Markdown."))
    goals = models.TextField(
        _("goals"), max_length=TEXT_MAX, blank=True, help_text=_("What you want to have achieved by the showcase.")
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["enrollment__cohort", "title", "pk"]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("showcase:project-detail", kwargs={"pk": self.pk})

    @property
    def cohort(self):
        return self.enrollment.cohort


class Milestone(OrganizationOwned):
    organization_path = "project__enrollment__cohort__program__organization"

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="milestones")
    title = models.CharField(_("milestone"), max_length=TITLE_MAX)
    due_on = models.DateField(_("due"))
    done_at = models.DateTimeField(_("done"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["project", "due_on", "pk"]

    def __str__(self) -> str:
        return self.title

    @property
    def is_done(self) -> bool:
        return self.done_at is not None


class ProjectUpdate(OrganizationOwned):
    """A progress update the mentee posts; their mentor reads it and comments."""

    organization_path = "project__enrollment__cohort__program__organization"

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="updates")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    text = models.TextField(_("update"), max_length=TEXT_MAX)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["project", "created_at"])]

    def __str__(self) -> str:
        return f"{self.project} – {self.created_at:%Y-%m-%d}"


class UpdateComment(OrganizationOwned):
    organization_path = "update__project__enrollment__cohort__program__organization"

    update = models.ForeignKey(ProjectUpdate, on_delete=models.CASCADE, related_name="comments")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    text = models.TextField(_("comment"), max_length=2000)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["update", "created_at", "pk"]

    def __str__(self) -> str:
        return f"{self.author} on {self.update}"
