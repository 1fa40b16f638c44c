import secrets

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from mentorship.jobs import Job
from mentorship.models import Program
from mentorship.tenancy import OrganizationOwned

from .enums import (
    Audience,
    CohortPhase,
    EnrollmentStatus,
    InvitationRole,
    InvitationStatus,
    PairHealth,
    ParticipantRole,
)


def new_token() -> str:
    return secrets.token_urlsafe(24)


class Cohort(OrganizationOwned):
    """One run of a program: people enroll, train, are matched, meet and graduate together."""

    organization_path = "program__organization"

    program = models.ForeignKey(Program, on_delete=models.CASCADE, related_name="cohorts")
    name = models.CharField(_("name"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    phase = models.CharField(_("phase"), max_length=20, choices=CohortPhase.choices, default=CohortPhase.DRAFT)

    enrollment_opens_on = models.DateField(_("enrollment opens"), null=True, blank=True)
    enrollment_closes_on = models.DateField(_("enrollment closes"), null=True, blank=True)
    training_due_on = models.DateField(_("training due"), null=True, blank=True)
    launch_on = models.DateField(_("launch"), null=True, blank=True)
    showcase_on = models.DateField(_("showcase"), null=True, blank=True)
    ends_on = models.DateField(_("end of program"), null=True, blank=True)

    meeting_cadence_days = models.PositiveSmallIntegerField(
        _("meeting cadence (days)"), default=14, help_text=_("How often each pair is expected to meet.")
    )
    term_months = models.PositiveSmallIntegerField(_("term (months)"), default=3)
    mentor_default_capacity = models.PositiveSmallIntegerField(
        _("default mentor capacity"),
        default=1,
        help_text=_("How many mentees a mentor takes unless they say otherwise."),
    )
    mentor_max_capacity = models.PositiveSmallIntegerField(
        _("maximum mentor capacity"), default=3, help_text=_("The most mentees one mentor may take.")
    )
    guidelines = models.TextField(
        _("participant guidelines"),
        blank=True,
        help_text=_("Markdown. Every participant acknowledges these when joining."),
    )
    training_reminded_at = models.DateTimeField(null=True, blank=True, editable=False)
    # The public application link carries this instead of the id, so that links cannot be guessed.
    application_token = models.CharField(max_length=64, unique=True, default=new_token, editable=False)

    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        # Wherever cohorts are listed: by start date, newest first (launch, else the opening
        # of enrollment); a cohort without dates is being set up and comes first.
        ordering = [
            Coalesce("launch_on", "enrollment_opens_on").desc(nulls_first=True),
            "-created_at",
            "-pk",
        ]
        constraints = [
            models.UniqueConstraint(fields=["program", "name"], name="cohort_name_unique_in_program"),
            models.CheckConstraint(
                condition=models.Q(mentor_default_capacity__lte=models.F("mentor_max_capacity")),
                name="cohort_default_capacity_within_max",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("cohorts:cohort-detail", kwargs={"pk": self.pk})

    def clean(self) -> None:
        if self.mentor_default_capacity > self.mentor_max_capacity:
            raise ValidationError({"mentor_default_capacity": _("The default capacity cannot be above the maximum.")})
        if self.meeting_cadence_days < 1:
            raise ValidationError({"meeting_cadence_days": _("Pairs meet at least every day or more rarely.")})


class SubcommitteeMember(OrganizationOwned):
    """A member of the cohort's matching subcommittee: reads applications, reviews proposed pairs."""

    organization_path = "cohort__program__organization"
    tenant_person_field = "user"

    cohort = models.ForeignKey(Cohort, on_delete=models.CASCADE, related_name="subcommittee")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="subcommittee_seats")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["cohort", "user"], name="one_seat_per_cohort")]
        ordering = ["cohort", "user"]

    def __str__(self) -> str:
        return f"{self.user} on the subcommittee of {self.cohort}"


class Enrollment(OrganizationOwned):
    """A person's place in a cohort as a mentor or a mentee, from invitation to the end."""

    organization_path = "cohort__program__organization"
    tenant_person_field = "user"

    cohort = models.ForeignKey(Cohort, on_delete=models.CASCADE, related_name="enrollments")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="enrollments")
    role = models.CharField(_("role"), max_length=10, choices=ParticipantRole.choices)
    status = models.CharField(
        _("status"), max_length=20, choices=EnrollmentStatus.choices, default=EnrollmentStatus.APPLIED
    )
    capacity = models.PositiveSmallIntegerField(
        _("mentee capacity"), null=True, blank=True, help_text=_("Mentors only: how many mentees they take.")
    )
    guidelines_acknowledged_at = models.DateTimeField(_("guidelines acknowledged"), null=True, blank=True)
    decided_at = models.DateTimeField(_("decided"), null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["cohort", "user"], name="one_enrollment_per_cohort")]
        ordering = ["cohort", "role", "user"]
        indexes = [models.Index(fields=["cohort", "status", "role"])]

    def __str__(self) -> str:
        return f"{self.user} – {self.get_role_display()} in {self.cohort}"

    @property
    def effective_capacity(self) -> int:
        if self.role != ParticipantRole.MENTOR:
            return 0
        return self.capacity if self.capacity is not None else self.cohort.mentor_default_capacity


class PairStatus(models.TextChoices):
    ACTIVE = "active", _("Active")
    ENDED = "ended", _("Ended")
    GRADUATED = "graduated", _("Graduated")


class PairEndKind(models.TextChoices):
    """What an ended pair means for the mentee: matched again (never with the same mentor),
    or out of the cohort's later rounds until the coordinator puts them back."""

    REMATCH = "rematch", _("Re-match: the mentee goes into the next round, with another mentor")
    END = "end", _("End: the mentee takes no part in the cohort's later rounds")


class Pair(OrganizationOwned):
    """An approved, published mentor–mentee relationship."""

    organization_path = "cohort__program__organization"

    cohort = models.ForeignKey(Cohort, on_delete=models.CASCADE, related_name="pairs")
    mentor = models.ForeignKey(Enrollment, on_delete=models.PROTECT, related_name="pairs_as_mentor")
    mentee = models.ForeignKey(Enrollment, on_delete=models.PROTECT, related_name="pairs_as_mentee")
    status = models.CharField(_("status"), max_length=20, choices=PairStatus.choices, default=PairStatus.ACTIVE)
    matched_at = models.DateTimeField(_("matched"), default=timezone.now)
    ended_at = models.DateTimeField(_("ended"), null=True, blank=True)
    end_reason = models.TextField(_("why it ended"), blank=True)
    end_kind = models.CharField(_("what the ending means"), max_length=10, choices=PairEndKind.choices, blank=True)
    ended_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    # A mentee ended out of the cohort's rounds whom the coordinator put back: when and by whom.
    mentee_back_at = models.DateTimeField(_("mentee put back into the rounds"), null=True, blank=True)
    mentee_back_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    # Kept up to date by the meetings app (a meeting proposed, held, logged or cancelled, and
    # the hourly health check), so that a page of ten pairs reads ten pairs.
    health = models.CharField(_("health"), max_length=20, choices=PairHealth.choices, default=PairHealth.ON_TRACK)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["cohort", "matched_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["mentee"], condition=models.Q(status="active"), name="one_active_pair_per_mentee"
            ),
        ]
        # (cohort, status) first: also serves every query on a cohort's active pairs.
        indexes = [models.Index(fields=["cohort", "status", "health"], name="cohorts_pair_health_idx")]

    def __str__(self) -> str:
        return f"{self.mentor.user} & {self.mentee.user}"

    def clean(self) -> None:
        if self.mentor_id and self.mentor.role != ParticipantRole.MENTOR:
            raise ValidationError({"mentor": _("This person is not a mentor in the cohort.")})
        if self.mentee_id and self.mentee.role != ParticipantRole.MENTEE:
            raise ValidationError({"mentee": _("This person is not a mentee in the cohort.")})
        if self.cohort_id and self.mentor_id and self.mentor.cohort_id != self.cohort_id:
            raise ValidationError(_("Both people must be in the pair's cohort."))
        if self.cohort_id and self.mentee_id and self.mentee.cohort_id != self.cohort_id:
            raise ValidationError(_("Both people must be in the pair's cohort."))


class PhaseChange(OrganizationOwned):
    """Who moved a cohort from one phase to another, when, and (for a reopening) why."""

    organization_path = "cohort__program__organization"

    cohort = models.ForeignKey(Cohort, on_delete=models.CASCADE, related_name="phase_changes")
    from_phase = models.CharField(max_length=20, choices=CohortPhase.choices)
    to_phase = models.CharField(max_length=20, choices=CohortPhase.choices)
    changed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    changed_at = models.DateTimeField(default=timezone.now)
    reason = models.TextField(_("reason"), blank=True)

    class Meta:
        ordering = ["-changed_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.cohort}: {self.from_phase} → {self.to_phase}"


class ImportJob(OrganizationOwned, Job):
    """A CSV of people to invite, processed by a worker; the page shows its progress."""

    organization_path = "cohort__program__organization"

    task_kwarg = "import_job_id"

    @staticmethod
    def task():
        from .tasks import task_run_import  # noqa: PLC0415 -- tasks import the services, which import models

        return task_run_import

    cohort = models.ForeignKey(Cohort, on_delete=models.CASCADE, related_name="import_jobs")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    filename = models.CharField(max_length=255)
    content = models.TextField()
    total_rows = models.PositiveIntegerField(default=0)
    # Committed with each chunk's invitations: where a resumed job carries on.
    processed_rows = models.PositiveIntegerField(default=0)
    invited_count = models.PositiveIntegerField(default=0)
    skipped_count = models.PositiveIntegerField(default=0)
    # [{"row": 3, "email": "...", "reason": "..."}]: bad rows and rows skipped as already there;
    # "answers": true on a row imported without the answers that did not fit their question.
    problems = models.JSONField(default=list, blank=True)
    # Extra columns taken as application answers: [{"column": 4, "header": "Track", "question": 17}],
    # one entry per column and questionnaire. Empty: the people are only invited.
    mapping = models.JSONField(default=list, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.filename} ({self.get_status_display()})"

    def progress_counts(self) -> tuple[int, int]:
        return self.processed_rows, self.total_rows

    @property
    def skipped_problems(self) -> list[dict]:
        return [p for p in self.problems if not p.get("answers")]

    @property
    def answer_problems(self) -> list[dict]:
        return [p for p in self.problems if p.get("answers")]


class ImportUpload(OrganizationOwned):
    """A CSV whose extra columns wait for the coordinator to map them to application
    questions; it becomes an ImportJob once the mapping is confirmed."""

    organization_path = "cohort__program__organization"

    cohort = models.ForeignKey(Cohort, on_delete=models.CASCADE, related_name="import_uploads")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    filename = models.CharField(max_length=255)
    content = models.TextField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return self.filename


class Invitation(OrganizationOwned):
    """An email invitation into a cohort as a mentor, a mentee or a subcommittee member.

    The link in the email is signed and expires; the invitation itself is kept, so that the
    coordinator can send it again, and so that importing the same person twice does nothing.
    """

    organization_path = "cohort__program__organization"

    cohort = models.ForeignKey(Cohort, on_delete=models.CASCADE, related_name="invitations")
    email = models.EmailField(_("email"))
    full_name = models.CharField(_("name"), max_length=150, blank=True)
    role = models.CharField(_("role"), max_length=20, choices=InvitationRole.choices)
    capacity = models.PositiveSmallIntegerField(_("mentee capacity"), null=True, blank=True)
    token = models.CharField(max_length=64, unique=True, default=new_token, editable=False)
    status = models.CharField(max_length=20, choices=InvitationStatus.choices, default=InvitationStatus.PENDING)
    invited_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    import_job = models.ForeignKey(
        ImportJob, on_delete=models.SET_NULL, null=True, blank=True, related_name="invitations"
    )
    # The place an import with answers made at once, so that the person can be matched before
    # signing in; accepting the invitation confirms it.
    enrollment = models.ForeignKey(
        "Enrollment", on_delete=models.SET_NULL, null=True, blank=True, related_name="invitations"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    accepted_at = models.DateTimeField(null=True, blank=True)
    accepted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="accepted_invitations"
    )

    class Meta:
        ordering = ["-created_at", "-pk"]
        constraints = [models.UniqueConstraint(fields=["cohort", "email"], name="one_invitation_per_email")]

    def __str__(self) -> str:
        return f"{self.email} → {self.cohort} ({self.get_role_display()})"


class TrainingModule(OrganizationOwned):
    organization_path = "cohort__program__organization"

    cohort = models.ForeignKey(Cohort, on_delete=models.CASCADE, related_name="training_modules")
    title = models.CharField(_("title"), max_length=200)
    content = models.TextField(_("content"), blank=True, help_text=_("Markdown."))
    url = models.URLField(_("link"), blank=True, help_text=_("Instead of, or besides, the content: a course or video."))
    audience = models.CharField(_("for"), max_length=10, choices=Audience.choices, default=Audience.BOTH)
    required = models.BooleanField(_("required"), default=True)
    due_on = models.DateField(
        _("due"), null=True, blank=True, help_text=_("Leave empty to use the cohort's training due date.")
    )
    position = models.PositiveSmallIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["cohort", "position", "pk"]

    def __str__(self) -> str:
        return self.title

    @property
    def effective_due_on(self):
        return self.due_on or self.cohort.training_due_on

    def is_for(self, role: str) -> bool:
        return self.audience in (Audience.BOTH, role)

    def clean(self) -> None:
        if not self.content.strip() and not self.url:
            raise ValidationError(_("Write the content or give a link (or both)."))


class TrainingCompletion(OrganizationOwned):
    organization_path = "module__cohort__program__organization"

    module = models.ForeignKey(TrainingModule, on_delete=models.CASCADE, related_name="completions")
    enrollment = models.ForeignKey(Enrollment, on_delete=models.CASCADE, related_name="training_completions")
    completed_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["module", "enrollment"], name="one_completion_per_module")]

    def __str__(self) -> str:
        return f"{self.enrollment.user} completed {self.module}"


class ChatAlert(models.TextChoices):
    AT_RISK_DIGEST = "at_risk_digest", _("Pairs that need attention (the daily health check)")
    FAILED_RUN = "failed_run", _("A background job failed (matching, import, export, publishing, announcement)")


class ChatChannel(OrganizationOwned):
    """Where a cohort's coordinator alerts also go: a Slack-compatible incoming webhook (Slack,
    Mattermost, Rocket.Chat, Zulip's Slack endpoint...), posted ``{"text": ...}``."""

    organization_path = "cohort__program__organization"

    cohort = models.OneToOneField(Cohort, on_delete=models.CASCADE, related_name="chat_channel")
    url = models.URLField(_("incoming webhook URL"), max_length=500)
    alerts = models.JSONField(_("alerts"), default=list)
    is_active = models.BooleanField(_("active"), default=True)
    last_sent_at = models.DateTimeField(null=True, blank=True)
    last_error = models.CharField(max_length=500, blank=True)
    updated_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"Chat alerts of {self.cohort}"


class Announcement(OrganizationOwned, Job):
    """A message a coordinator sends to the cohort or a segment of it, by email and in the
    app, from a background job. The people it reaches are fixed when the job first runs."""

    organization_path = "cohort__program__organization"

    task_kwarg = "announcement_id"

    @staticmethod
    def task():
        from .tasks import task_send_announcement  # noqa: PLC0415 -- tasks import the services, which import models

        return task_send_announcement

    cohort = models.ForeignKey(Cohort, on_delete=models.CASCADE, related_name="announcements")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    subject = models.CharField(_("subject"), max_length=200)
    body = models.TextField(_("message"), help_text=_("Markdown: **bold**, *italic*, lists, [links](https://…)."))
    segment = models.CharField(max_length=40)
    segment_option = models.CharField(max_length=60, blank=True)
    role = models.CharField(max_length=10, blank=True)
    # Who it was meant for, in words, as the coordinator chose it.
    audience_label = models.CharField(max_length=300)
    # The count the coordinator saw before sending.
    expected_count = models.PositiveIntegerField(default=0)
    # Fixed at the first run: a resumed job sends to the same people.
    recipient_ids = models.JSONField(default=list, blank=True)
    total_count = models.PositiveIntegerField(default=0)
    # Committed with each chunk: where a resumed job carries on, and how many it reached.
    processed_count = models.PositiveIntegerField(default=0)
    sent_count = models.PositiveIntegerField(default=0)
    # The one-time token of the preview it was sent from: the same preview sent twice (a
    # double click, a resubmitted page) makes one announcement.
    send_token = models.UUIDField(null=True, blank=True, editable=False)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(fields=["cohort", "send_token"], name="announcement_sent_once_per_preview")
        ]

    def __str__(self) -> str:
        return self.subject

    def get_absolute_url(self) -> str:
        return reverse("cohorts:announcement-detail", kwargs={"pk": self.cohort_id, "announcement_pk": self.pk})

    def progress_counts(self) -> tuple[int, int]:
        return self.processed_count, self.total_count


class AnnouncementDelivery(OrganizationOwned):
    """Who an announcement reached: one row per person, so that it reaches each person once
    whatever happens to the job."""

    organization_path = "announcement__cohort__program__organization"

    announcement = models.ForeignKey(Announcement, on_delete=models.CASCADE, related_name="deliveries")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["announcement", "user"], name="one_announcement_per_person"),
        ]

    def __str__(self) -> str:
        return f"{self.announcement} → {self.user}"
