from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from cohorts.enums import CohortPhase
from cohorts.models import Enrollment
from mentorship.tenancy import OrganizationOwned

from ..enums import DateAnchor, Direction, OffsetUnit, RepeatBound, RepeatUnit, SendTrigger
from .questionnaire import Questionnaire

# Ten years either way covers every survey a program sends (the last check-in is 18 months
# after the end); a larger offset is a typo, and a date past year 9999 cannot be computed.
MAX_OFFSET_DAYS = 3660
MAX_OFFSET_MONTHS = 120
# Every 52 weeks or 12 months at most: beyond that it is a one-off rule.
MAX_REPEAT = {"weeks": 52, "months": 12}


class SendRule(OrganizationOwned):
    """When a questionnaire goes out: when the cohort enters ``phase``, ``offset`` days or
    calendar months before or after one of the cohort's dates, or (recurring) every
    ``repeat_every`` weeks or months from one moment until another. Each occurrence of a
    recurring rule is its own copy of the questionnaire, sent once (``SendOccurrence``)."""

    organization_path = "questionnaire__cohort__program__organization"

    questionnaire = models.ForeignKey(Questionnaire, on_delete=models.CASCADE, related_name="send_rules")
    trigger = models.CharField(_("send"), max_length=10, choices=SendTrigger.choices, default=SendTrigger.DATE)
    phase = models.CharField(_("phase"), max_length=20, choices=CohortPhase.choices, blank=True)
    offset = models.PositiveSmallIntegerField(_("how many"), default=0, validators=[MaxValueValidator(MAX_OFFSET_DAYS)])
    unit = models.CharField(_("unit"), max_length=10, choices=OffsetUnit.choices, default=OffsetUnit.DAYS)
    direction = models.CharField(
        _("before or after"), max_length=10, choices=Direction.choices, default=Direction.AFTER
    )
    anchor = models.CharField(_("cohort date"), max_length=30, choices=DateAnchor.choices, blank=True)
    repeat_every = models.PositiveSmallIntegerField(_("every"), null=True, blank=True)
    repeat_unit = models.CharField(_("weeks or months"), max_length=10, choices=RepeatUnit.choices, blank=True)
    from_event = models.CharField(_("from"), max_length=30, choices=RepeatBound.choices, blank=True)
    from_date = models.DateField(_("from the date"), null=True, blank=True)
    until_event = models.CharField(_("until"), max_length=30, choices=RepeatBound.choices, blank=True)
    until_date = models.DateField(_("until the date"), null=True, blank=True)
    last_sent_at = models.DateTimeField(null=True, blank=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["questionnaire", "pk"]

    def __str__(self) -> str:
        from ..scheduling import rule_describe  # noqa: PLC0415 -- scheduling imports the models

        return rule_describe(self)

    def clean(self) -> None:
        if self.unit == OffsetUnit.MONTHS and self.offset is not None and self.offset > MAX_OFFSET_MONTHS:
            raise ValidationError(
                {"offset": _("Count at most %(n)d months.") % {"n": MAX_OFFSET_MONTHS}}, code="max_value"
            )
        if self.trigger != SendTrigger.RECURRING:
            return
        errors = {}
        if not self.repeat_every or self.repeat_unit not in RepeatUnit.values:
            errors["repeat_every"] = _("Say how often: every so many weeks or months.")
        elif self.repeat_every > MAX_REPEAT[self.repeat_unit]:
            errors["repeat_every"] = _("Repeat at least once a year (every 52 weeks or 12 months at most).")
        for name in ("from", "until"):
            event, day = getattr(self, f"{name}_event"), getattr(self, f"{name}_date")
            if not event:
                errors[f"{name}_event"] = _("Choose when it starts.") if name == "from" else _("Choose when it stops.")
            elif event == RepeatBound.FIXED and day is None:
                errors[f"{name}_date"] = _("Give the date.")
        if (
            not errors
            and self.from_event == RepeatBound.FIXED
            and self.until_event == RepeatBound.FIXED
            and self.until_date <= self.from_date
        ):
            errors["until_date"] = _("It must stop after it starts.")
        if errors:
            raise ValidationError(errors)


class Delivery(OrganizationOwned):
    """A questionnaire sent to one person. The unique constraint is what guarantees that
    each person gets each questionnaire once, whichever worker sends it."""

    organization_path = "questionnaire__cohort__program__organization"

    questionnaire = models.ForeignKey(Questionnaire, on_delete=models.CASCADE, related_name="deliveries")
    enrollment = models.ForeignKey(Enrollment, on_delete=models.CASCADE, related_name="questionnaire_deliveries")
    rule = models.ForeignKey(SendRule, on_delete=models.SET_NULL, null=True, blank=True, related_name="deliveries")
    sent_at = models.DateTimeField(default=timezone.now)
    reminded_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["questionnaire", "sent_at", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["questionnaire", "enrollment"], name="one_delivery_per_person"),
        ]

    def __str__(self) -> str:
        return f"{self.questionnaire} → {self.enrollment.user}"


class SendOccurrence(OrganizationOwned):
    """One occurrence of a recurring send rule: the copy of the questionnaire it sent. The
    unique key makes each occurrence happen once, however often the task runs."""

    organization_path = "rule__questionnaire__cohort__program__organization"

    rule = models.ForeignKey(SendRule, on_delete=models.CASCADE, related_name="occurrences")
    due_on = models.DateField()
    questionnaire = models.OneToOneField(
        # A copy deleted by the coordinator leaves the record: the occurrence is not sent again.
        Questionnaire,
        on_delete=models.SET_NULL,
        related_name="occurrence_of",
        null=True,
        blank=True,
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["rule", "due_on"]
        constraints = [models.UniqueConstraint(fields=["rule", "due_on"], name="one_send_per_occurrence")]

    def __str__(self) -> str:
        return f"{self.rule} on {self.due_on}"
