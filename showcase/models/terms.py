from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from cohorts.models import Pair
from mentorship.tenancy import OrganizationOwned

from ..enums import TermChoice


class TermChoiceRecord(OrganizationOwned):
    """What one person of a pair chose for the end of the pair's term. ``term_ends_on``
    names the term: a pair that continues gets a new term and chooses again."""

    organization_path = "pair__cohort__program__organization"

    pair = models.ForeignKey(Pair, on_delete=models.CASCADE, related_name="term_choices")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    term_ends_on = models.DateField()
    choice = models.CharField(_("your choice"), max_length=10, choices=TermChoice.choices)
    note = models.CharField(_("anything the coordinators should know"), max_length=500, blank=True)
    chosen_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["pair", "term_ends_on", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["pair", "user", "term_ends_on"], name="one_term_choice_per_person"),
        ]

    def __str__(self) -> str:
        return f"{self.user}: {self.get_choice_display()} ({self.pair})"


class TermDecision(OrganizationOwned):
    """The coordinator's decision on a pair at the end of a term. Continuing sets the end
    of the next term; re-matching and ending end the pair."""

    organization_path = "pair__cohort__program__organization"

    pair = models.ForeignKey(Pair, on_delete=models.CASCADE, related_name="term_decisions")
    term_ends_on = models.DateField()
    decision = models.CharField(_("decision"), max_length=10, choices=TermChoice.choices)
    new_term_ends_on = models.DateField(_("the next term ends"), null=True, blank=True)
    note = models.CharField(_("note"), max_length=500, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["pair", "term_ends_on", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["pair", "term_ends_on"], name="one_decision_per_term"),
            models.CheckConstraint(
                condition=models.Q(decision="continue", new_term_ends_on__isnull=False)
                | (~models.Q(decision="continue") & models.Q(new_term_ends_on__isnull=True)),
                name="only_continuing_sets_a_new_term",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.pair}: {self.get_decision_display()}"


class TermReminder(OrganizationOwned):
    """A reminder to choose that went out; the unique key makes it go out once per person
    and term, even when the task runs twice."""

    organization_path = "pair__cohort__program__organization"

    pair = models.ForeignKey(Pair, on_delete=models.CASCADE, related_name="+")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    term_ends_on = models.DateField()
    sent_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["pair", "user", "term_ends_on"], name="one_term_reminder_per_person"),
        ]

    def __str__(self) -> str:
        return f"Term reminder to {self.user} ({self.term_ends_on})"
