"""Criteria, the voting rule and exclusions: the coordinator's set-up of matching."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from mentorship.form_errors import errors_to_form, flash_errors, flash_form_errors
from questionnaires.selectors import matching_questions

from ..forms import CriterionForm, ExclusionForm, MatchingSettingsForm
from ..models import Exclusion, MatchingCriterion
from ..selectors import criteria_of, matching_settings_of
from ..services import criteria as services
from .access import cohort_for

MANAGE = "matching.manage_matching"
PAGE_SIZE = 50


def criteria_list(request: HttpRequest, pk: int) -> HttpResponse:
    cohort = cohort_for(request, pk, MANAGE)
    criteria = criteria_of(cohort=cohort)
    settings = matching_settings_of(cohort=cohort)
    have = {c.key for c in criteria}
    available = [key for key, _kind, *_rest in services.DEFAULTS if key in matching_questions(cohort=cohort)]
    return render(
        request,
        "matching/criteria.html",
        {
            "cohort": cohort,
            "criteria": criteria,
            "total_weight": sum(c.weight for c in criteria),
            "defaults_missing": [k for k in available if k not in have],
            "settings_form": MatchingSettingsForm(
                initial={"threshold": settings.threshold, "min_votes": settings.min_votes}
            ),
        },
    )


@require_POST
def criteria_defaults(request: HttpRequest, pk: int) -> HttpResponse:
    cohort = cohort_for(request, pk, MANAGE)
    try:
        created = services.criteria_set_up_defaults(cohort=cohort)
    except ValidationError as error:
        flash_errors(request, error)
    else:
        if created:
            messages.success(
                request,
                ngettext("%(n)d default criterion was set up.", "%(n)d default criteria were set up.", len(created))
                % {"n": len(created)},
            )
        else:
            messages.info(
                request,
                _("Nothing to add: the default criteria are set up, or the applications lack their questions."),
            )
    return redirect("matching:criteria-list", pk=cohort.pk)


def criterion_create(request: HttpRequest, pk: int) -> HttpResponse:
    cohort = cohort_for(request, pk, MANAGE)
    form = CriterionForm(request.POST or None, cohort=cohort)
    if request.method == "POST" and form.is_valid():
        try:
            services.criterion_create(cohort=cohort, **form.cleaned_data)
        except ValidationError as error:
            errors_to_form(form, error)
        else:
            messages.success(request, _("The criterion was added."))
            return redirect("matching:criteria-list", pk=cohort.pk)
    return render(request, "matching/criterion_form.html", {"cohort": cohort, "form": form})


def criterion_update(request: HttpRequest, pk: int, criterion_pk: int) -> HttpResponse:
    cohort = cohort_for(request, pk, MANAGE)
    criterion = get_object_or_404(MatchingCriterion, cohort=cohort, pk=criterion_pk)
    original = MatchingCriterion.objects.get(pk=criterion.pk)
    form = CriterionForm(request.POST or None, instance=criterion, cohort=cohort)
    if request.method == "POST" and form.is_valid():
        try:
            services.criterion_update(criterion=original, **form.cleaned_data)
        except ValidationError as error:
            errors_to_form(form, error)
        else:
            messages.success(request, _("The criterion was saved."))
            return redirect("matching:criteria-list", pk=cohort.pk)
    return render(request, "matching/criterion_form.html", {"cohort": cohort, "form": form, "criterion": original})


@require_POST
def criterion_delete(request: HttpRequest, pk: int, criterion_pk: int) -> HttpResponse:
    cohort = cohort_for(request, pk, MANAGE)
    criterion = get_object_or_404(MatchingCriterion, cohort=cohort, pk=criterion_pk)
    try:
        services.criterion_delete(criterion=criterion)
    except ValidationError as error:
        flash_errors(request, error)
    else:
        messages.success(request, _("The criterion “%(label)s” was deleted.") % {"label": criterion.label})
    return redirect("matching:criteria-list", pk=cohort.pk)


@require_POST
def settings_update(request: HttpRequest, pk: int) -> HttpResponse:
    cohort = cohort_for(request, pk, MANAGE)
    form = MatchingSettingsForm(request.POST)
    if form.is_valid():
        services.matching_settings_update(cohort=cohort, **form.cleaned_data)
        messages.success(request, _("The voting rule was saved."))
    else:
        flash_form_errors(request, form)
    return redirect("matching:criteria-list", pk=cohort.pk)


def exclusion_list(request: HttpRequest, pk: int) -> HttpResponse:
    cohort = cohort_for(request, pk, MANAGE)
    form = ExclusionForm(request.POST or None, cohort=cohort)
    if request.method == "POST" and form.is_valid():
        try:
            services.exclusion_create(cohort=cohort, by=request.user, **form.cleaned_data)
        except ValidationError as error:
            errors_to_form(form, error)
        else:
            messages.success(request, _("These two will never be proposed together."))
            return redirect("matching:exclusion-list", pk=cohort.pk)
    exclusions = Exclusion.objects.filter(cohort=cohort).select_related("mentee__user", "mentor__user", "created_by")
    page = Paginator(exclusions.order_by("-created_at", "-pk"), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "matching/exclusions.html", {"cohort": cohort, "form": form, "page": page})


@require_POST
def exclusion_delete(request: HttpRequest, pk: int, exclusion_pk: int) -> HttpResponse:
    cohort = cohort_for(request, pk, MANAGE)
    exclusion = get_object_or_404(Exclusion, cohort=cohort, pk=exclusion_pk)
    services.exclusion_delete(exclusion=exclusion)
    messages.success(request, _("The exclusion was removed; the two may be proposed together from the next round."))
    return redirect("matching:exclusion-list", pk=cohort.pk)
