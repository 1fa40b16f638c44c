"""Participants: their questionnaires, and filling one in."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from cohorts.models import Enrollment
from cohorts.selectors import cohorts_visible_to

from ..enums import Kind
from ..forms import ResponseForm
from ..models import Questionnaire, Response
from ..selectors import grouped, ordered_questions, questionnaires_for_participant
from ..services.responses import NEW, fill_problem, response_save
from .access import cohort_for


def response_mine(request, cohort_pk: int):
    cohort = cohort_for(request, cohort_pk, "questionnaires.view_own_questionnaires")
    enrollment = get_object_or_404(Enrollment.objects.select_related("cohort"), cohort=cohort, user=request.user)
    return render(
        request,
        "questionnaires/response_mine.html",
        {"cohort": cohort, "enrollment": enrollment, "items": questionnaires_for_participant(enrollment=enrollment)},
    )


def response_fill(request, pk: int):
    questionnaire = get_object_or_404(
        Questionnaire.objects.filter(cohort__in=cohorts_visible_to(user=request.user).values("pk")).select_related(
            "cohort__program__organization"
        ),
        pk=pk,
    )
    enrollment = Enrollment.objects.filter(cohort=questionnaire.cohort, user=request.user).first()
    response = (
        Response.objects.filter(questionnaire=questionnaire, enrollment=enrollment).first() if enrollment else None
    )
    problem = fill_problem(questionnaire=questionnaire, enrollment=enrollment)
    not_theirs = enrollment is None or enrollment.role not in questionnaire.roles
    if not not_theirs and questionnaire.kind != Kind.APPLICATION:
        not_theirs = not questionnaire.deliveries.filter(enrollment=enrollment).exists()
    if problem and response is None and not_theirs:
        # Not theirs to fill, and nothing of theirs to read: as if it did not exist.
        raise Http404
    questions = ordered_questions(questionnaire=questionnaire)
    answers = {a.question_id: a for a in response.answers.all()} if response else {}
    revision = response.revision if response else NEW
    form = ResponseForm(
        request.POST if request.method == "POST" else None, questions=questions, answers=answers, revision=revision
    )
    if request.method == "POST" and not problem and form.is_valid():
        try:
            response_save(
                questionnaire=questionnaire,
                enrollment=enrollment,
                answers=form.raw_answers(),
                submit=form.submit,
                revision=form.cleaned_data["revision"],
            )
        except ValidationError as error:
            form.add_service_errors(error)
        else:
            if form.submit:
                messages.success(request, _("Thank you: your answers were submitted."))
                return redirect("questionnaires:response-mine", cohort_pk=questionnaire.cohort_id)
            messages.success(request, _("Your draft was saved. Come back to finish it before you submit."))
            return redirect("questionnaires:response-fill", pk=questionnaire.pk)
    elif request.method == "POST" and problem:
        messages.error(request, problem)
    return render(
        request,
        "questionnaires/response_fill.html",
        {
            "questionnaire": questionnaire,
            "cohort": questionnaire.cohort,
            "form": form,
            "groups": grouped(list(form.entries())),
            "response": response,
            "problem": problem,
            "read_only": bool(problem),
            "answers": answers,
        },
    )
