from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from mentorship.models import Program

from .enums import CohortPhase, EnrollmentStatus, ParticipantRole


class Cohort(models.Model):
    """One run of a program: people enroll, train, are matched, meet and graduate together."""

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

    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-created_at"]
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

    @property
    def organization_id(self) -> int:
        return self.program.organization_id

    def clean(self) -> None:
        if self.mentor_default_capacity > self.mentor_max_capacity:
            raise ValidationError({"mentor_default_capacity": _("The default capacity cannot be above the maximum.")})
        if self.meeting_cadence_days < 1:
            raise ValidationError({"meeting_cadence_days": _("Pairs meet at least every day or more rarely.")})


class SubcommitteeMember(models.Model):
    """A member of the cohort's matching subcommittee: reads applications, reviews proposed pairs."""

    cohort = models.ForeignKey(Cohort, on_delete=models.CASCADE, related_name="subcommittee")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="subcommittee_seats")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["cohort", "user"], name="one_seat_per_cohort")]
        ordering = ["cohort", "user"]

    def __str__(self) -> str:
        return f"{self.user} on the subcommittee of {self.cohort}"


class Enrollment(models.Model):
    """A person's place in a cohort as a mentor or a mentee, from invitation to the end."""

    cohort = models.ForeignKey(Cohort, on_delete=models.CASCADE, related_name="enrollments")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="enrollments")
    role = models.CharField(_("role"), max_length=10, choices=ParticipantRole.choices)
    status = models.CharField(
        _("status"), max_length=20, choices=EnrollmentStatus.choices, default=EnrollmentStatus.APPLIED
    )
    capacity = models.PositiveSmallIntegerField(
        _("mentee capacity"), null=True, blank=True, help_text=_("Mentors only: how many mentees they take.")
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
    def organization_id(self) -> int:
        return self.cohort.program.organization_id

    @property
    def effective_capacity(self) -> int:
        if self.role != ParticipantRole.MENTOR:
            return 0
        return self.capacity if self.capacity is not None else self.cohort.mentor_default_capacity


class PairStatus(models.TextChoices):
    ACTIVE = "active", _("Active")
    ENDED = "ended", _("Ended")
    GRADUATED = "graduated", _("Graduated")


class Pair(models.Model):
    """An approved, published mentor–mentee relationship."""

    cohort = models.ForeignKey(Cohort, on_delete=models.CASCADE, related_name="pairs")
    mentor = models.ForeignKey(Enrollment, on_delete=models.PROTECT, related_name="pairs_as_mentor")
    mentee = models.ForeignKey(Enrollment, on_delete=models.PROTECT, related_name="pairs_as_mentee")
    status = models.CharField(_("status"), max_length=20, choices=PairStatus.choices, default=PairStatus.ACTIVE)
    matched_at = models.DateTimeField(_("matched"), default=timezone.now)
    ended_at = models.DateTimeField(_("ended"), null=True, blank=True)
    end_reason = models.TextField(_("why it ended"), blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["cohort", "matched_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["mentee"], condition=models.Q(status="active"), name="one_active_pair_per_mentee"
            ),
        ]
        indexes = [models.Index(fields=["cohort", "status"])]

    def __str__(self) -> str:
        return f"{self.mentor.user} & {self.mentee.user}"

    @property
    def organization_id(self) -> int:
        return self.cohort.program.organization_id

    def clean(self) -> None:
        if self.mentor_id and self.mentor.role != ParticipantRole.MENTOR:
            raise ValidationError({"mentor": _("This person is not a mentor in the cohort.")})
        if self.mentee_id and self.mentee.role != ParticipantRole.MENTEE:
            raise ValidationError({"mentee": _("This person is not a mentee in the cohort.")})
        if self.cohort_id and self.mentor_id and self.mentor.cohort_id != self.cohort_id:
            raise ValidationError(_("Both people must be in the pair's cohort."))
        if self.cohort_id and self.mentee_id and self.mentee.cohort_id != self.cohort_id:
            raise ValidationError(_("Both people must be in the pair's cohort."))
