import datetime
import uuid

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from cohorts.models import Cohort, Enrollment
from mentorship.tenancy import OrganizationOwned

from ..enums import GroupMeetingStatus
from .meetings import MAX_DURATION_MINUTES, MIN_DURATION_MINUTES


class GroupMeeting(OrganizationOwned):
    """One meeting of a mentor with several of their mentees together.

    Each mentee invited has a ``Meeting`` of their own pair linked here (``meetings``): it
    carries their answer (confirmed, cannot come) and, once the mentor records attendance,
    held or missed. A mentee present thus counts a contact held for their pair, like any
    meeting; the agenda and the shared notes live here, once for everybody, and the notes
    are read only by the mentees present (and the mentor and the coordinators).
    """

    organization_path = "cohort__program__organization"

    cohort = models.ForeignKey(Cohort, on_delete=models.CASCADE, related_name="group_meetings")
    mentor = models.ForeignKey(Enrollment, on_delete=models.CASCADE, related_name="group_meetings")
    title = models.CharField(_("topic"), max_length=200)
    agenda = models.TextField(_("agenda"), blank=True)
    starts_at = models.DateTimeField(_("starts"))
    duration_minutes = models.PositiveSmallIntegerField(_("planned length (minutes)"), default=60)
    location = models.CharField(_("place"), max_length=200, blank=True)
    video_url = models.URLField(_("video link"), max_length=500, blank=True)
    status = models.CharField(
        _("status"), max_length=20, choices=GroupMeetingStatus.choices, default=GroupMeetingStatus.SCHEDULED
    )
    held_minutes = models.PositiveSmallIntegerField(_("length (minutes)"), null=True, blank=True)
    shared_notes = models.TextField(_("shared notes"), blank=True)
    logged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    logged_at = models.DateTimeField(_("logged"), null=True, blank=True)

    uid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    sequence = models.PositiveIntegerField(default=0, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["starts_at", "pk"]
        indexes = [models.Index(fields=["mentor", "starts_at"])]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(duration_minutes__gte=MIN_DURATION_MINUTES)
                & models.Q(duration_minutes__lte=MAX_DURATION_MINUTES),
                name="group_meeting_duration_in_range",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.title} – {self.starts_at:%Y-%m-%d %H:%M} UTC"

    def get_absolute_url(self) -> str:
        return reverse("meetings:groupmeeting-detail", kwargs={"pk": self.pk})

    @property
    def ends_at(self) -> datetime.datetime:
        return self.starts_at + datetime.timedelta(minutes=self.duration_minutes)

    @property
    def is_open(self) -> bool:
        return self.status == GroupMeetingStatus.SCHEDULED
