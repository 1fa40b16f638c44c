from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from cohorts.models import Enrollment
from mentorship.tenancy import OrganizationOwned

from ..enums import ResponseStatus
from .questionnaire import Question, Questionnaire


class Response(OrganizationOwned):
    """One person's answers to one questionnaire: a draft until submitted, editable until
    the questionnaire closes. ``revision`` goes up with every save, so that a form posted
    twice (a double click, an old tab) is recognised and refused."""

    organization_path = "questionnaire__cohort__program__organization"

    questionnaire = models.ForeignKey(Questionnaire, on_delete=models.CASCADE, related_name="responses")
    enrollment = models.ForeignKey(Enrollment, on_delete=models.CASCADE, related_name="questionnaire_responses")
    status = models.CharField(_("status"), max_length=10, choices=ResponseStatus.choices, default=ResponseStatus.DRAFT)
    revision = models.PositiveIntegerField(default=0)
    questionnaire_version = models.PositiveIntegerField(default=1)
    submitted_at = models.DateTimeField(_("submitted"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["questionnaire", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["questionnaire", "enrollment"], name="one_response_per_person"),
        ]
        indexes = [models.Index(fields=["questionnaire", "status"])]

    def __str__(self) -> str:
        return f"{self.enrollment.user} – {self.questionnaire}"

    def get_absolute_url(self) -> str:
        return reverse("questionnaires:response-detail", kwargs={"pk": self.pk})

    @property
    def cohort(self):
        return self.questionnaire.cohort

    @property
    def is_submitted(self) -> bool:
        return self.status == ResponseStatus.SUBMITTED


class Answer(OrganizationOwned):
    """An answer, with the question's text and the chosen labels as they were when given.

    ``value`` is canonical: a string (text, ISO date, time zone name, country code, or a
    single choice's value slug), a list of value slugs (multiple choice), a number (number,
    scale) or a boolean (yes/no). A time zone answer also keeps its UTC offset in hours.
    """

    organization_path = "response__questionnaire__cohort__program__organization"

    response = models.ForeignKey(Response, on_delete=models.CASCADE, related_name="answers")
    # PROTECT: a question with answers is retired, never deleted, so that no answer disappears.
    question = models.ForeignKey(Question, on_delete=models.PROTECT, related_name="answers")
    question_text = models.CharField(max_length=500)
    value = models.JSONField()
    display = models.TextField()
    utc_offset = models.FloatField(null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["response", "question__position", "pk"]
        constraints = [models.UniqueConstraint(fields=["response", "question"], name="one_answer_per_question")]

    def __str__(self) -> str:
        return f"{self.question_text}: {self.display}"
