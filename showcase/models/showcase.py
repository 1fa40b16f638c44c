import secrets

from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from cohorts.models import Cohort
from mentorship.tenancy import OrganizationOwned

from ..enums import FileKind
from ..uploads import submission_upload_to
from .projects import TEXT_MAX, Project


def new_public_token() -> str:
    return secrets.token_urlsafe(24)


class Showcase(OrganizationOwned):
    """The cohort's end-of-program showcase, where mentees present their projects."""

    organization_path = "cohort__program__organization"

    cohort = models.OneToOneField(Cohort, on_delete=models.CASCADE, related_name="showcase")
    title = models.CharField(_("title"), max_length=200)
    starts_at = models.DateTimeField(_("starts"))
    duration_minutes = models.PositiveSmallIntegerField(_("length (minutes)"), default=120)
    slot_minutes = models.PositiveSmallIntegerField(
        _("minutes per presentation"), default=10, help_text=_("Used to give each presentation its time.")
    )
    location = models.CharField(_("place"), max_length=200, blank=True)
    video_url = models.URLField(_("video link"), max_length=500, blank=True)
    description = models.TextField(_("description"), max_length=TEXT_MAX, blank=True, help_text=_("Markdown."))
    is_public = models.BooleanField(
        _("public page"),
        default=False,
        help_text=_(
            "Anyone with the public link sees the showcase and the projects whose mentees allowed it. "
            "Members of the organization always see every project when signed in."
        ),
    )
    # The public page's address carries this, not the id, so that it cannot be guessed.
    public_token = models.CharField(max_length=64, unique=True, default=new_public_token, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-starts_at", "pk"]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("showcase:showcase-detail", kwargs={"pk": self.cohort_id})

    def get_public_url(self) -> str:
        return reverse("showcase:showcase-public", kwargs={"token": self.public_token})


class Submission(OrganizationOwned):
    """A project submitted to its cohort's showcase. ``position`` places it in the
    programme (empty: submitted, not scheduled yet)."""

    organization_path = "showcase__cohort__program__organization"

    showcase = models.ForeignKey(Showcase, on_delete=models.CASCADE, related_name="submissions")
    project = models.OneToOneField(Project, on_delete=models.CASCADE, related_name="submission")
    summary = models.TextField(
        _("presentation summary"), max_length=TEXT_MAX, help_text=_("What you will present, in a few sentences.")
    )
    materials_url = models.URLField(
        _("link to materials"), max_length=500, blank=True, help_text=_("Slides, a repository, a demo.")
    )
    file = models.FileField(_("image or PDF"), upload_to=submission_upload_to, max_length=255, blank=True)
    file_kind = models.CharField(max_length=10, choices=FileKind.choices, blank=True)
    file_content_type = models.CharField(max_length=50, blank=True)
    file_name = models.CharField(max_length=150, blank=True)
    file_size = models.PositiveIntegerField(null=True, blank=True)
    allow_public = models.BooleanField(
        _("show on the public page"),
        default=False,
        help_text=_("If the coordinators publish the showcase, people outside the program see your project."),
    )
    position = models.PositiveIntegerField(null=True, blank=True)
    submitted_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["showcase", models.F("position").asc(nulls_last=True), "submitted_at", "pk"]

    def __str__(self) -> str:
        return f"{self.project} at {self.showcase}"

    @property
    def in_programme(self) -> bool:
        return self.position is not None

    @property
    def has_image(self) -> bool:
        return bool(self.file) and self.file_kind == FileKind.IMAGE
