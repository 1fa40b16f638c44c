import datetime
import uuid

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from cohorts.models import Pair
from mentorship.tenancy import OrganizationOwned

from ..enums import (
    LOGGED_MEETING_STATUSES,
    OPEN_MEETING_STATUSES,
    TIMED_CONTACT_KINDS,
    AgendaItemKind,
    ContactKind,
    MeetingStatus,
)

MIN_DURATION_MINUTES = 5
MAX_DURATION_MINUTES = 8 * 60


class Meeting(OrganizationOwned):
    """One meeting of a pair: proposed by one side, confirmed by the other, logged afterwards.

    ``starts_at`` is stored in UTC; each person sees it in their own time zone. A meeting's
    date, for the cadence and the pair's health, is its date in UTC.
    """

    organization_path = "pair__cohort__program__organization"

    pair = models.ForeignKey(Pair, on_delete=models.CASCADE, related_name="meetings")
    starts_at = models.DateTimeField(_("starts"))
    duration_minutes = models.PositiveSmallIntegerField(_("planned length (minutes)"), default=60)
    location = models.CharField(_("place"), max_length=200, blank=True)
    video_url = models.URLField(_("video link"), max_length=500, blank=True)
    status = models.CharField(_("status"), max_length=20, choices=MeetingStatus.choices, default=MeetingStatus.PROPOSED)
    kind = models.CharField(_("kind"), max_length=20, choices=ContactKind.choices, default=ContactKind.MEETING)
    # A contact recorded after it happened (a phone call, an email exchange), held from
    # the start: it was never proposed nor confirmed.
    recorded_after = models.BooleanField(_("recorded after it happened"), default=False)
    # This pair's seat at a meeting of the mentor with several mentees together: its
    # status is this mentee's answer, then their attendance.
    group = models.ForeignKey(
        "meetings.GroupMeeting", on_delete=models.CASCADE, null=True, blank=True, related_name="meetings"
    )

    proposed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    proposed_at = models.DateTimeField(_("proposed"), null=True, blank=True)
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    confirmed_at = models.DateTimeField(_("confirmed"), null=True, blank=True)

    logged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    logged_at = models.DateTimeField(_("logged"), null=True, blank=True)
    held_minutes = models.PositiveSmallIntegerField(_("length (minutes)"), null=True, blank=True)
    shared_notes = models.TextField(_("shared notes"), blank=True)

    # Calendar identity: the UID stays the same when the meeting moves, and the sequence
    # tells calendar applications that a newer version replaces what they hold.
    uid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    sequence = models.PositiveIntegerField(default=0, editable=False)

    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["starts_at", "pk"]
        indexes = [
            models.Index(fields=["pair", "status", "starts_at"]),
            models.Index(fields=["status", "starts_at"]),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(duration_minutes__gte=MIN_DURATION_MINUTES)
                & models.Q(duration_minutes__lte=MAX_DURATION_MINUTES),
                name="meeting_duration_in_range",
            ),
            models.CheckConstraint(
                condition=models.Q(status=MeetingStatus.HELD) | models.Q(held_minutes__isnull=True),
                name="meeting_length_only_when_held",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.pair} – {self.starts_at:%Y-%m-%d %H:%M} UTC"

    def get_absolute_url(self) -> str:
        if self.group_id:
            return reverse("meetings:groupmeeting-detail", kwargs={"pk": self.group_id})
        return reverse("meetings:meeting-detail", kwargs={"pk": self.pk})

    @property
    def ends_at(self) -> datetime.datetime:
        return self.starts_at + datetime.timedelta(minutes=self.duration_minutes)

    @property
    def date_utc(self) -> datetime.date:
        return self.starts_at.astimezone(datetime.UTC).date()

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_MEETING_STATUSES

    @property
    def is_logged(self) -> bool:
        return self.status in LOGGED_MEETING_STATUSES

    @property
    def is_timed(self) -> bool:
        """A meeting or a call: it has a time and a length, and belongs in calendars."""
        return self.kind in TIMED_CONTACT_KINDS

    @property
    def version(self) -> str:
        """Changes with every save: a form carries it to tell whether the meeting changed
        while someone was filling it in."""
        return self.updated_at.isoformat() if self.updated_at else ""


class ActionItem(OrganizationOwned):
    """Something one of the pair agreed to do, with an owner and a due date."""

    organization_path = "pair__cohort__program__organization"

    pair = models.ForeignKey(Pair, on_delete=models.CASCADE, related_name="action_items")
    meeting = models.ForeignKey(Meeting, on_delete=models.SET_NULL, null=True, blank=True, related_name="action_items")
    text = models.CharField(_("action item"), max_length=300)
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    due_on = models.DateField(_("due"), null=True, blank=True)
    done = models.BooleanField(_("done"), default=False)
    done_at = models.DateTimeField(null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["done", models.F("due_on").asc(nulls_last=True), "pk"]
        indexes = [models.Index(fields=["pair", "done"])]

    def __str__(self) -> str:
        return self.text


class AgendaItem(OrganizationOwned):
    """A line of a meeting's agenda: prepared by the app (a guiding question, an action item
    or a goal to review) or added by one of the pair; ticked off during the meeting."""

    organization_path = "meeting__pair__cohort__program__organization"

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="agenda_items")
    kind = models.CharField(max_length=20, choices=AgendaItemKind.choices, default=AgendaItemKind.TOPIC)
    text = models.CharField(_("item"), max_length=500)
    action_item = models.ForeignKey(
        ActionItem, on_delete=models.SET_NULL, null=True, blank=True, related_name="agenda_items"
    )
    goal = models.ForeignKey(
        "meetings.Goal", on_delete=models.SET_NULL, null=True, blank=True, related_name="agenda_items"
    )
    # Empty for the items prepared before the meeting.
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    position = models.PositiveIntegerField(default=0)
    done = models.BooleanField(_("done"), default=False)
    done_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["meeting", "position", "pk"]
        constraints = [
            # Preparing an agenda twice (or from two workers) never lists a thing twice.
            models.UniqueConstraint(
                fields=["meeting", "action_item"],
                condition=models.Q(action_item__isnull=False),
                name="agenda_action_item_once",
            ),
            models.UniqueConstraint(
                fields=["meeting", "goal"], condition=models.Q(goal__isnull=False), name="agenda_goal_once"
            ),
            models.UniqueConstraint(
                fields=["meeting", "text"],
                condition=models.Q(kind=AgendaItemKind.QUESTION),
                name="agenda_question_once",
            ),
        ]

    def __str__(self) -> str:
        return self.text


class PrivateNote(OrganizationOwned):
    """Notes on a meeting that only their author ever sees (not the other side, not the coordinators)."""

    organization_path = "meeting__pair__cohort__program__organization"

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="private_notes")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    text = models.TextField(_("private notes"))
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["meeting", "author"], name="one_private_note_per_author")]

    def __str__(self) -> str:
        return f"Private note of {self.author} on {self.meeting}"
