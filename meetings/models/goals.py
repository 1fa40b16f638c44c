from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from cohorts.models import Pair
from mentorship.tenancy import OrganizationOwned

from ..enums import ACTIVE_GOAL_STATUSES, GoalFramework, GoalStatus

# Each framework's own fields, in the order they are asked; the help texts are the
# guiding prompts shown next to each field.
FRAMEWORK_FIELDS = {
    GoalFramework.SMART: [
        "smart_specific",
        "smart_measurable",
        "smart_achievable",
        "smart_relevant",
        "smart_time_bound",
    ],
    GoalFramework.GROW: ["grow_goal", "grow_reality", "grow_options", "grow_will"],
    GoalFramework.SWOT: ["swot_strengths", "swot_weaknesses", "swot_opportunities", "swot_threats"],
}
ALL_FRAMEWORK_FIELDS = [name for names in FRAMEWORK_FIELDS.values() for name in names]


def _text(label, help_text):
    return models.TextField(label, blank=True, help_text=help_text)


class Goal(OrganizationOwned):
    """A goal the mentee sets, in one of three frameworks, shared with the mentor."""

    organization_path = "pair__cohort__program__organization"

    pair = models.ForeignKey(Pair, on_delete=models.CASCADE, related_name="goals")
    framework = models.CharField(_("framework"), max_length=10, choices=GoalFramework.choices)
    title = models.CharField(_("title"), max_length=200, help_text=_("Your goal in a few words."))
    status = models.CharField(_("status"), max_length=20, choices=GoalStatus.choices, default=GoalStatus.NOT_STARTED)
    progress = models.PositiveSmallIntegerField(_("progress (%)"), default=0, validators=[MaxValueValidator(100)])
    target_on = models.DateField(_("target date"), null=True, blank=True)

    smart_specific = _text(_("Specific"), _("What exactly do you want to achieve? Who, what, where?"))
    smart_measurable = _text(_("Measurable"), _("How will you know you got there? What will you count or show?"))
    smart_achievable = _text(
        _("Achievable"), _("Is it within reach with the time and help you have? What do you need?")
    )
    smart_relevant = _text(_("Relevant"), _("Why does it matter to you and to where you want to go?"))
    smart_time_bound = _text(_("Time-bound"), _("By when? What are the milestones on the way?"))

    grow_goal = _text(_("Goal"), _("What do you want? What would success look like?"))
    grow_reality = _text(_("Reality"), _("Where are you now? What have you tried, what is in the way?"))
    grow_options = _text(_("Options"), _("What could you do? Which paths are open, even unlikely ones?"))
    grow_will = _text(_("Will"), _("What will you do, by when? How committed are you, from 1 to 10?"))

    swot_strengths = _text(
        _("Strengths"), _("What do you do well? What do others see as your strengths? What are you proud of?")
    )
    swot_weaknesses = _text(
        _("Weaknesses"), _("What could you improve? Where do you lack skills or confidence? What do you avoid?")
    )
    swot_opportunities = _text(
        _("Opportunities"), _("Which trends, people, projects or training could you use? Who could help you?")
    )
    swot_threats = _text(
        _("Threats"), _("What could get in your way? What obstacles do you face at work or around you?")
    )

    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["pair", "created_at", "pk"]
        constraints = [
            models.CheckConstraint(condition=models.Q(progress__lte=100), name="goal_progress_at_most_100"),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("meetings:goal-detail", kwargs={"pk": self.pk})

    @property
    def is_active(self) -> bool:
        return self.status in ACTIVE_GOAL_STATUSES

    def framework_fields(self) -> list[tuple[str, str, str]]:
        """(label, prompt, answer) for each field of the goal's framework."""
        return [
            (self._meta.get_field(name).verbose_name, self._meta.get_field(name).help_text, getattr(self, name))
            for name in FRAMEWORK_FIELDS.get(self.framework, [])
        ]

    def clean(self) -> None:
        missing = {
            name: _("Please fill this in.")
            for name in FRAMEWORK_FIELDS.get(self.framework, [])
            if not getattr(self, name).strip()
        }
        if missing:
            raise ValidationError(missing)
