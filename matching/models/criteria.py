from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from cohorts.models import Cohort, Enrollment
from mentorship.tenancy import OrganizationOwned
from questionnaires.models import Question

from ..enums import CriterionKind, ExclusionReason, Threshold

MAX_WEIGHT = 10


class MatchingCriterion(OrganizationOwned):
    """One thing matching compares: a mentee question against a mentor question.

    ``key`` names the criterion in scores and breakdowns; the answers themselves are read
    through each question's ``matching_key``. ``scale`` only matters for ``distance``: two
    answers that far apart score nothing (time-zone answers wrap around the 24 hours).
    """

    organization_path = "cohort__program__organization"

    cohort = models.ForeignKey(Cohort, on_delete=models.CASCADE, related_name="matching_criteria")
    key = models.SlugField(_("key"), max_length=60)
    label = models.CharField(_("label"), max_length=120)
    kind = models.CharField(_("how answers compare"), max_length=20, choices=CriterionKind.choices)
    weight = models.PositiveSmallIntegerField(
        _("weight"),
        default=1,
        validators=[MinValueValidator(0), MaxValueValidator(MAX_WEIGHT)],
        help_text=_("0 to 10: how much this criterion counts in a pair's score."),
    )
    hard = models.BooleanField(
        _("hard criterion"), default=False, help_text=_("A pair that fails it is never proposed.")
    )
    # A question deleted from its questionnaire (possible only while nobody answered it)
    # takes its criterion with it rather than leaving a criterion that reads nothing.
    mentee_question = models.ForeignKey(
        Question, on_delete=models.CASCADE, related_name="+", verbose_name=_("mentee question")
    )
    mentor_question = models.ForeignKey(
        Question, on_delete=models.CASCADE, related_name="+", verbose_name=_("mentor question")
    )
    scale = models.FloatField(
        _("distance at which the score reaches zero"),
        default=12.0,
        validators=[MinValueValidator(0.1)],
        help_text=_("Closeness only: in hours for time zones, in the question's unit for numbers."),
    )
    position = models.PositiveSmallIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["cohort", "position", "pk"]
        verbose_name = _("matching criterion")
        verbose_name_plural = _("matching criteria")
        constraints = [
            models.UniqueConstraint(fields=["cohort", "key"], name="criterion_key_unique_in_cohort"),
            models.CheckConstraint(
                condition=models.Q(weight__gte=0, weight__lte=MAX_WEIGHT), name="criterion_weight_0_to_10"
            ),
            models.CheckConstraint(condition=models.Q(scale__gt=0), name="criterion_scale_positive"),
        ]

    def __str__(self) -> str:
        return self.label


class MatchingSettings(OrganizationOwned):
    """How the subcommittee's votes decide a proposal in this cohort.

    A proposal is approved when enough of the members who have not recused approve
    (``threshold``) and at least ``min_votes`` of them did; rejected in the same way.
    """

    organization_path = "cohort__program__organization"

    cohort = models.OneToOneField(Cohort, on_delete=models.CASCADE, related_name="matching_settings")
    threshold = models.CharField(
        _("votes needed"), max_length=20, choices=Threshold.choices, default=Threshold.MAJORITY
    )
    min_votes = models.PositiveSmallIntegerField(
        _("quorum"),
        default=2,
        validators=[MinValueValidator(1), MaxValueValidator(20)],
        help_text=_("The fewest agreeing votes that decide a proposal, however many members recuse."),
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("matching settings")
        verbose_name_plural = _("matching settings")
        constraints = [models.CheckConstraint(condition=models.Q(min_votes__gte=1), name="quorum_at_least_one")]

    def __str__(self) -> str:
        return f"Matching settings of {self.cohort}"


class Exclusion(OrganizationOwned):
    """A mentee and a mentor who must never be proposed together."""

    organization_path = "cohort__program__organization"

    cohort = models.ForeignKey(Cohort, on_delete=models.CASCADE, related_name="matching_exclusions")
    mentee = models.ForeignKey(Enrollment, on_delete=models.CASCADE, related_name="+", verbose_name=_("mentee"))
    mentor = models.ForeignKey(Enrollment, on_delete=models.CASCADE, related_name="+", verbose_name=_("mentor"))
    reason = models.CharField(_("reason"), max_length=20, choices=ExclusionReason.choices)
    note = models.CharField(_("note"), max_length=300, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["cohort", "-created_at", "-pk"]
        constraints = [models.UniqueConstraint(fields=["mentee", "mentor"], name="one_exclusion_per_pair")]

    def __str__(self) -> str:
        return f"{self.mentee} ≠ {self.mentor}"

    def clean(self) -> None:
        if self.mentee_id and self.mentee.cohort_id != self.cohort_id:
            raise ValidationError({"mentee": _("This person is not in the cohort.")})
        if self.mentor_id and self.mentor.cohort_id != self.cohort_id:
            raise ValidationError({"mentor": _("This person is not in the cohort.")})
