"""Loading what a request may see: a queryset scoped to the person first (so that anything
of another organization or cohort is a 404), then the rules permission (403)."""

from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404

from cohorts.access import cohort_for  # noqa: F401 -- the one lookup of a cohort, re-exported for this app's views
from cohorts.selectors import cohorts_visible_to

from ..models import ExportJob, Question, Questionnaire, Response, Section, SendRule


def _require(user, perm: str, obj) -> None:
    if not user.has_perm(perm, obj):
        raise PermissionDenied


def _visible(user):
    return cohorts_visible_to(user=user).values("pk")


def questionnaire_for(request, pk: int, perm: str) -> Questionnaire:
    questionnaire = get_object_or_404(
        Questionnaire.objects.filter(cohort__in=_visible(request.user)).select_related("cohort__program__organization"),
        pk=pk,
    )
    _require(request.user, perm, questionnaire)
    return questionnaire


def question_for(request, pk: int, perm: str = "questionnaires.manage_questionnaires") -> Question:
    question = get_object_or_404(
        Question.objects.filter(questionnaire__cohort__in=_visible(request.user)).select_related(
            "questionnaire__cohort__program__organization", "section"
        ),
        pk=pk,
    )
    _require(request.user, perm, question.questionnaire)
    return question


def section_for(request, pk: int) -> Section:
    section = get_object_or_404(
        Section.objects.filter(questionnaire__cohort__in=_visible(request.user)).select_related(
            "questionnaire__cohort__program__organization"
        ),
        pk=pk,
    )
    _require(request.user, "questionnaires.manage_questionnaires", section.questionnaire)
    return section


def rule_for(request, pk: int) -> SendRule:
    rule = get_object_or_404(
        SendRule.objects.filter(questionnaire__cohort__in=_visible(request.user)).select_related(
            "questionnaire__cohort__program__organization"
        ),
        pk=pk,
    )
    _require(request.user, "questionnaires.manage_questionnaires", rule.questionnaire)
    return rule


def response_for(request, pk: int) -> Response:
    response = get_object_or_404(
        Response.objects.filter(questionnaire__cohort__in=_visible(request.user)).select_related(
            "questionnaire__cohort__program__organization", "enrollment__user"
        ),
        pk=pk,
    )
    _require(request.user, "questionnaires.view_response", response)
    return response


def export_for(request, pk: int) -> ExportJob:
    job = get_object_or_404(
        ExportJob.objects.filter(questionnaire__cohort__in=_visible(request.user)).select_related(
            "questionnaire__cohort__program__organization"
        ),
        pk=pk,
    )
    _require(request.user, "questionnaires.export_answers", job.questionnaire)
    return job
