from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from cohorts.enums import CohortPhase
from cohorts.models import Enrollment

from ..enums import DateAnchor, Direction, OffsetUnit, SendTrigger
from .questionnaire import Questionnaire

# Ten years either way covers every survey a program sends (the last check-in is 18 months
# after the end); a larger offset is a typo, and a date past year 9999 cannot be computed.
MAX_OFFSET_DAYS = 3660
MAX_OFFSET_MONTHS = 120


class SendRule(models.Model):
    """When a questionnaire goes out: when the cohort enters ``phase``, or ``offset``
    days or calendar months before or after one of the cohort's dates."""

    questionnaire = models.ForeignKey(Questionnaire, on_delete=models.CASCADE, related_name="send_rules")
    trigger = models.CharField(_("send"), max_length=10, choices=SendTrigger.choices, default=SendTrigger.DATE)
    phase = models.CharField(_("phase"), max_length=20, choices=CohortPhase.choices, blank=True)
    offset = models.PositiveSmallIntegerField(_("how many"), default=0, validators=[MaxValueValidator(MAX_OFFSET_DAYS)])
    unit = models.CharField(_("unit"), max_length=10, choices=OffsetUnit.choices, default=OffsetUnit.DAYS)
    direction = models.CharField(
        _("before or after"), max_length=10, choices=Direction.choices, default=Direction.AFTER
    )
    anchor = models.CharField(_("cohort date"), max_length=30, choices=DateAnchor.choices, blank=True)
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

    @property
    def organization_id(self) -> int:
        return self.questionnaire.organization_id


class Delivery(models.Model):
    """A questionnaire sent to one person. The unique constraint is what guarantees that
    each person gets each questionnaire once, whichever worker sends it."""

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
