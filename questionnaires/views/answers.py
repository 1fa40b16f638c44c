"""Reading answers: who answered, each person's answers, summaries, CSV exports."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from mentorship.form_errors import flash_errors
from mentorship.jobs import job_retry

from ..enums import Kind
from ..forms import ExportForm, PeopleFilterForm
from ..selectors import people_with_status, response_answers
from ..selectors import questionnaire_summary as summarize
from ..services.exports import export_request
from .access import export_for, questionnaire_for, response_for

PAGE_SIZE = 50


def response_list(request, pk: int):
    questionnaire = questionnaire_for(request, pk, "questionnaires.view_answers")
    filters = PeopleFilterForm(request.GET or None)
    status = search = ""
    if filters.is_valid():
        status, search = filters.cleaned_data["status"], filters.cleaned_data["q"]
    people = people_with_status(questionnaire=questionnaire, status=status, search=search)
    page = Paginator(people, PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "questionnaires/response_list.html",
        {
            "questionnaire": questionnaire,
            "cohort": questionnaire.cohort,
            "page": page,
            "filters": filters,
            "query": query.urlencode(),
            "export_form": ExportForm(),
            "can_export": request.user.has_perm("questionnaires.export_answers", questionnaire),
            "can_export_sensitive": request.user.has_perm("questionnaires.view_sensitive_answers", questionnaire),
            "jobs": questionnaire.export_jobs.filter(requested_by=request.user)[:3],
        },
    )


def response_detail(request, pk: int):
    response = response_for(request, pk)
    user = request.user
    questionnaire = response.questionnaire
    is_own = response.enrollment.user_id == user.pk
    include_sensitive = is_own or user.has_perm("questionnaires.view_sensitive_answers", questionnaire)
    # The other person of a pair reads the submitted application only.
    partner_only = not is_own and not user.has_perm("questionnaires.view_answers", questionnaire)
    if partner_only and (questionnaire.kind != Kind.APPLICATION or not response.is_submitted):
        raise Http404
    return render(
        request,
        "questionnaires/response_detail.html",
        {
            "response": response,
            "questionnaire": questionnaire,
            "cohort": questionnaire.cohort,
            "rows": response_answers(response=response, include_sensitive=include_sensitive),
            "is_own": is_own,
            "can_read_all": user.has_perm("questionnaires.view_answers", questionnaire),
            "hidden_sensitive": not include_sensitive,
        },
    )


def questionnaire_summary(request, pk: int):
    questionnaire = questionnaire_for(request, pk, "questionnaires.view_summary")
    can_read = request.user.has_perm("questionnaires.view_answers", questionnaire)
    total, summaries = summarize(
        questionnaire=questionnaire,
        include_sensitive=request.user.has_perm("questionnaires.view_sensitive_answers", questionnaire),
        include_texts=can_read,
    )
    return render(
        request,
        "questionnaires/questionnaire_summary.html",
        {
            "questionnaire": questionnaire,
            "cohort": questionnaire.cohort,
            "total": total,
            "summaries": summaries,
            "can_read": can_read,
        },
    )


@require_POST
def export_create(request, pk: int):
    questionnaire = questionnaire_for(request, pk, "questionnaires.export_answers")
    form = ExportForm(request.POST)
    include = form.is_valid() and form.cleaned_data["include_sensitive"]
    try:
        job = export_request(questionnaire=questionnaire, by=request.user, include_sensitive=include)
    except ValidationError as error:
        flash_errors(request, error)
        return redirect("questionnaires:response-list", pk=questionnaire.pk)
    return redirect(job)


def export_detail(request, pk: int):
    job = export_for(request, pk)
    template = "questionnaires/_export_status.html" if request.htmx else "questionnaires/export_detail.html"
    # export_for has checked that this person may export these answers, so may retry.
    context = {
        "job": job,
        "questionnaire": job.questionnaire,
        "cohort": job.questionnaire.cohort,
        "can_manage_job": True,
    }
    return render(request, template, context)


@require_POST
def export_retry(request, pk: int):
    job = export_for(request, pk)
    try:
        job_retry(job)
    except ValidationError as error:
        flash_errors(request, error)
    return redirect(job)


def export_download(request, pk: int):
    job = export_for(request, pk)
    if not job.file:
        messages.error(request, _("The file is not ready yet."))
        return redirect(job)
    try:
        handle = job.file.open("rb")
    except FileNotFoundError:
        messages.error(request, _("The file is no longer there; export the answers again."))
        return redirect("questionnaires:response-list", pk=job.questionnaire_id)
    return FileResponse(handle, as_attachment=True, filename=job.file.name.rsplit("/", 1)[-1], content_type="text/csv")
