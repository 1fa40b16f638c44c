from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from cohorts.models import Cohort
from mentorship.tenancy import OrganizationOwned

from ..enums import CHOICE_TYPES, Audience, Kind, QuestionType, audience_roles


class Questionnaire(OrganizationOwned):
    """A cohort's questionnaire: an application form or one of the surveys that follow.

    ``kind`` (questionnaires.enums.Kind) and ``audience`` (mentor, mentee, both) are read by
    other apps: the matching engine reads the ``application`` ones, the meetings app the
    ``first_meeting`` one. A cohort has at most one application questionnaire per audience.
    ``version`` goes up with every change to the questions once people have answered, and
    each response records the version it was last submitted against.
    """

    organization_path = "cohort__program__organization"

    cohort = models.ForeignKey(Cohort, on_delete=models.CASCADE, related_name="questionnaires")
    title = models.CharField(_("title"), max_length=200)
    intro = models.TextField(_("introduction"), blank=True, help_text=_("Shown above the questions."))
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    audience = models.CharField(_("for"), max_length=10, choices=Audience.choices, default=Audience.BOTH)
    # The ready template it was made from, so that setting up from templates twice adds nothing twice.
    template_key = models.SlugField(max_length=60, blank=True, editable=False)
    closes_at = models.DateTimeField(
        _("closes"), null=True, blank=True, help_text=_("After this, answers can be read but no longer changed.")
    )
    reminder_days = models.PositiveSmallIntegerField(
        _("reminder after (days)"),
        null=True,
        blank=True,
        default=7,
        # A year at most: beyond it nobody is waiting, and a huge number cannot be turned into a date.
        validators=[MaxValueValidator(365)],
        help_text=_("Remind those who have not answered this many days after it was sent. Empty: no reminder."),
    )
    version = models.PositiveIntegerField(default=1, editable=False)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["cohort", "created_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["cohort", "audience"],
                condition=models.Q(kind="application"),
                name="one_application_per_audience",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("questionnaires:questionnaire-detail", kwargs={"pk": self.pk})

    @property
    def roles(self) -> tuple[str, ...]:
        return audience_roles(self.audience)

    @property
    def is_closed(self) -> bool:
        return self.closes_at is not None and self.closes_at <= timezone.now()


class Section(OrganizationOwned):
    """An optional heading that groups questions."""

    organization_path = "questionnaire__cohort__program__organization"

    questionnaire = models.ForeignKey(Questionnaire, on_delete=models.CASCADE, related_name="sections")
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    position = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["questionnaire", "position", "pk"]

    def __str__(self) -> str:
        return self.title


class Question(OrganizationOwned):
    """One question. ``key`` is a stable slug, unique within the questionnaire (templates set
    it, e.g. ``good_fit``); ``matching_key`` is blank or the matching criterion the answers
    feed (questionnaires.enums.MatchingKey or a slug a coordinator names).

    A question that has answers is never deleted: it is retired (``retired_at``), which takes
    it off the form while its answers stay readable.
    """

    organization_path = "questionnaire__cohort__program__organization"

    questionnaire = models.ForeignKey(Questionnaire, on_delete=models.CASCADE, related_name="questions")
    section = models.ForeignKey(
        Section, on_delete=models.SET_NULL, null=True, blank=True, related_name="questions", verbose_name=_("section")
    )
    key = models.SlugField(max_length=60)
    text = models.CharField(_("question"), max_length=500)
    help_text = models.CharField(_("help text"), max_length=500, blank=True)
    type = models.CharField(_("type"), max_length=20, choices=QuestionType.choices)
    required = models.BooleanField(_("required"), default=True)
    position = models.PositiveIntegerField(default=0)
    sensitive = models.BooleanField(
        _("sensitive"),
        default=False,
        help_text=_(
            "Answers are seen only by the cohort's coordinators and subcommittee, never by the other person "
            "of a pair, and are left out of exports unless asked for."
        ),
    )
    matching_key = models.SlugField(_("feeds matching criterion"), max_length=60, blank=True)
    max_choices = models.PositiveSmallIntegerField(
        _("maximum selections"), null=True, blank=True, help_text=_("Multiple choice only. Empty: no limit.")
    )
    min_value = models.FloatField(_("smallest number"), null=True, blank=True)
    max_value = models.FloatField(_("largest number"), null=True, blank=True)
    unit = models.CharField(
        _("unit"),
        max_length=40,
        blank=True,
        help_text=_("Number questions: what the number counts, shown with every answer, e.g. “years in tech”."),
    )
    scale_min_label = models.CharField(_("label of 1"), max_length=80, blank=True)
    scale_max_label = models.CharField(_("label of 5"), max_length=80, blank=True)
    retired_at = models.DateTimeField(null=True, blank=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["questionnaire", "position", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["questionnaire", "key"], name="question_key_unique_in_questionnaire"),
            models.UniqueConstraint(
                fields=["questionnaire", "matching_key"],
                condition=~models.Q(matching_key="") & models.Q(retired_at__isnull=True),
                name="one_live_question_per_matching_key",
            ),
        ]

    def __str__(self) -> str:
        return self.text

    @property
    def has_choices(self) -> bool:
        return self.type in CHOICE_TYPES

    @property
    def is_retired(self) -> bool:
        return self.retired_at is not None

    def with_unit(self, display: str) -> str:
        """An answer's display with the question's unit, so "18" reads "18 (years in tech)"."""
        if self.type == QuestionType.NUMBER and self.unit and display:
            return f"{display} ({self.unit})"
        return display

    def clean(self) -> None:
        errors = {}
        if self.type != QuestionType.MULTIPLE_CHOICE and self.max_choices is not None:
            errors["max_choices"] = _("Only multiple-choice questions have a maximum of selections.")
        if self.max_choices is not None and self.max_choices < 1:
            errors["max_choices"] = _("Allow at least one selection.")
        if self.type != QuestionType.NUMBER and (self.min_value is not None or self.max_value is not None):
            errors["min_value"] = _("Only number questions have bounds.")
        if self.type != QuestionType.NUMBER and self.unit:
            errors["unit"] = _("Only number questions have a unit.")
        if self.min_value is not None and self.max_value is not None and self.min_value > self.max_value:
            errors["max_value"] = _("The largest number must not be below the smallest.")
        if errors:
            raise ValidationError(errors)


class Choice(OrganizationOwned):
    """A choice of a single- or multiple-choice question. ``value`` is a stable slug that
    answers store and other apps read; ``label`` is what people see and may be reworded."""

    organization_path = "question__questionnaire__cohort__program__organization"

    question = models.ForeignKey(Question, on_delete=models.CASCADE, related_name="choices")
    value = models.SlugField(max_length=60)
    label = models.CharField(_("label"), max_length=200)
    position = models.PositiveIntegerField(default=0)
    retired_at = models.DateTimeField(null=True, blank=True, editable=False)

    class Meta:
        ordering = ["question", "position", "pk"]
        constraints = [models.UniqueConstraint(fields=["question", "value"], name="choice_value_unique_in_question")]

    def __str__(self) -> str:
        return self.label

    @property
    def is_retired(self) -> bool:
        return self.retired_at is not None
