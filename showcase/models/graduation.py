from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from cohorts.models import Cohort, Pair
from mentorship.tenancy import OrganizationOwned
from questionnaires.models import Questionnaire


class GraduationSettings(OrganizationOwned):
    """What a cohort asks of a pair before it graduates; a cohort without a row uses the
    defaults described in ``showcase.graduation``."""

    organization_path = "cohort__program__organization"

    cohort = models.OneToOneField(Cohort, on_delete=models.CASCADE, related_name="graduation_settings")
    min_meetings = models.PositiveSmallIntegerField(
        _("meetings held, at least"),
        null=True,
        blank=True,
        help_text=_("Leave empty to ask for two thirds of the meetings the term and the cadence allow."),
    )
    final_survey = models.ForeignKey(
        Questionnaire,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("final survey"),
        help_text=_("Leave empty to use the cohort's latest check-in."),
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name_plural = "graduation settings"

    def __str__(self) -> str:
        return f"Graduation settings of {self.cohort}"


class Graduation(OrganizationOwned):
    """A pair that graduated: when, by whom, and what it had done by then. A pair that
    graduated without meeting every criterion carries the coordinator's reason."""

    organization_path = "pair__cohort__program__organization"

    pair = models.OneToOneField(Pair, on_delete=models.CASCADE, related_name="graduation")
    graduated_at = models.DateTimeField(_("graduated"))
    graduated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    override_reason = models.TextField(_("why it graduated without meeting every criterion"), blank=True)
    meetings_held = models.PositiveSmallIntegerField(default=0)
    meetings_required = models.PositiveSmallIntegerField(default=0)
    project_submitted = models.BooleanField(default=False)
    survey_answered = models.BooleanField(default=False)

    class Meta:
        ordering = ["-graduated_at", "pk"]

    def __str__(self) -> str:
        return f"{self.pair} graduated"

    def get_absolute_url(self) -> str:
        return reverse("showcase:certificate", kwargs={"pk": self.pk, "role": "mentee"})

    @property
    def was_overridden(self) -> bool:
        return bool(self.override_reason)
