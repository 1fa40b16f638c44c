from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from mentorship.form_errors import errors_to_form, flash_errors

from ..access import cohort_for, own_enrollment
from ..enums import EnrollmentStatus
from ..forms import TrainingModuleForm
from ..models import Enrollment, TrainingCompletion, TrainingModule
from ..selectors import required_module_counts, with_training_progress
from ..services import training as training_services


def _trainee(request, cohort):
    """The person's own enrollment if training is theirs to read."""
    enrollment = own_enrollment(request, cohort)
    return enrollment if training_services.training_is_theirs(enrollment) else None


def training_list(request: HttpRequest, pk: int) -> HttpResponse:
    cohort = cohort_for(request, pk)
    can_manage = request.user.has_perm("cohorts.manage_cohort", cohort)
    can_read_all = request.user.has_perm("cohorts.view_participants", cohort)
    enrollment = _trainee(request, cohort)
    modules = list(cohort.training_modules.all())
    if not can_read_all:
        if enrollment is None:
            raise PermissionDenied
        modules = [m for m in modules if m.is_for(enrollment.role)]
    done = set()
    if enrollment is not None:
        done = set(enrollment.training_completions.values_list("module_id", flat=True))
    return render(
        request,
        "cohorts/training_list.html",
        {
            "cohort": cohort,
            "modules": modules,
            "done": done,
            "enrollment": enrollment,
            "can_manage": can_manage,
            "can_train": training_services.training_can_complete(enrollment=enrollment),
        },
    )


def _module_for(request, pk: int, module_pk: int, perm: str = "cohorts.view_cohort"):
    cohort = cohort_for(request, pk, perm)
    module = get_object_or_404(TrainingModule, cohort=cohort, pk=module_pk)
    return cohort, module


def training_detail(request: HttpRequest, pk: int, module_pk: int) -> HttpResponse:
    cohort, module = _module_for(request, pk, module_pk)
    can_manage = request.user.has_perm("cohorts.manage_cohort", cohort)
    enrollment = _trainee(request, cohort)
    readable = request.user.has_perm("cohorts.view_participants", cohort) or (
        enrollment is not None and module.is_for(enrollment.role)
    )
    if not readable:
        raise PermissionDenied
    completed = enrollment is not None and module.completions.filter(enrollment=enrollment).exists()
    return render(
        request,
        "cohorts/training_detail.html",
        {
            "cohort": cohort,
            "module": module,
            "enrollment": enrollment,
            "completed": completed,
            "can_manage": can_manage,
            "can_train": training_services.training_can_complete(enrollment=enrollment),
        },
    )


@require_POST
def training_complete(request: HttpRequest, pk: int, module_pk: int) -> HttpResponse:
    cohort, module = _module_for(request, pk, module_pk)
    enrollment = own_enrollment(request, cohort)
    if enrollment is None:
        raise PermissionDenied
    undo = request.POST.get("undo") == "1"
    try:
        if undo:
            training_services.training_uncomplete(module=module, enrollment=enrollment)
        else:
            training_services.training_complete(module=module, enrollment=enrollment)
    except ValidationError as error:
        flash_errors(request, error)
    else:
        messages.success(
            request, _("Marked as not done.") if undo else _("“%(title)s” is done.") % {"title": module.title}
        )
    return redirect("cohorts:training-list", pk=cohort.pk)


def training_create(request: HttpRequest, pk: int) -> HttpResponse:
    cohort = cohort_for(request, pk, "cohorts.manage_cohort")
    form = TrainingModuleForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            training_services.training_module_create(cohort=cohort, **form.cleaned_data)
        except ValidationError as error:
            errors_to_form(form, error)
        else:
            messages.success(request, _("The module was added."))
            return redirect("cohorts:training-list", pk=cohort.pk)
    return render(request, "cohorts/training_form.html", {"cohort": cohort, "form": form})


def training_update(request: HttpRequest, pk: int, module_pk: int) -> HttpResponse:
    cohort, module = _module_for(request, pk, module_pk, "cohorts.manage_cohort")
    form = TrainingModuleForm(request.POST or None, instance=module)
    if request.method == "POST" and form.is_valid():
        try:
            training_services.training_module_update(module=module, **form.cleaned_data)
        except ValidationError as error:
            errors_to_form(form, error)
        else:
            messages.success(request, _("The module was saved."))
            return redirect("cohorts:training-list", pk=cohort.pk)
    return render(request, "cohorts/training_form.html", {"cohort": cohort, "form": form, "module": module})


@require_POST
def training_delete(request: HttpRequest, pk: int, module_pk: int) -> HttpResponse:
    cohort, module = _module_for(request, pk, module_pk, "cohorts.manage_cohort")
    try:
        training_services.training_module_delete(module=module)
    except ValidationError as error:
        flash_errors(request, error)
    else:
        messages.success(request, _("The module was deleted."))
    return redirect("cohorts:training-list", pk=cohort.pk)


@require_POST
def training_move(request: HttpRequest, pk: int, module_pk: int) -> HttpResponse:
    cohort, module = _module_for(request, pk, module_pk, "cohorts.manage_cohort")
    direction = request.POST.get("direction")
    if direction in ("up", "down"):
        training_services.training_module_move(module=module, direction=direction)
    return redirect("cohorts:training-list", pk=cohort.pk)


def training_grid(request: HttpRequest, pk: int) -> HttpResponse:
    """Who completed which module: people down, modules across; paginated people."""
    cohort = cohort_for(request, pk, "cohorts.view_participants")
    modules = list(cohort.training_modules.all())
    totals = required_module_counts(cohort=cohort)
    people = with_training_progress(
        Enrollment.objects.filter(cohort=cohort, status=EnrollmentStatus.ACCEPTED).select_related("user")
    ).order_by("role", "user__full_name")
    behind_only = request.GET.get("behind") == "1"
    if behind_only:
        people = [e for e in people if e.required_done < totals[e.role]]
    page = Paginator(people, 50).get_page(request.GET.get("page"))
    ids = [e.pk for e in page.object_list]
    completions = set(
        TrainingCompletion.objects.filter(enrollment_id__in=ids).values_list("enrollment_id", "module_id")
    )
    rows = [
        {
            "enrollment": e,
            "behind": e.required_done < totals[e.role],
            "cells": [
                {"applies": m.is_for(e.role), "done": (e.pk, m.pk) in completions, "required": m.required}
                for m in modules
            ],
        }
        for e in page.object_list
    ]
    return render(
        request,
        "cohorts/training_grid.html",
        {
            "cohort": cohort,
            "modules": modules,
            "rows": rows,
            "page": page,
            "behind_only": behind_only,
            "query": "behind=1" if behind_only else "",
            "can_manage": request.user.has_perm("cohorts.manage_cohort", cohort),
        },
    )


@require_POST
def training_remind(request: HttpRequest, pk: int) -> HttpResponse:
    cohort = cohort_for(request, pk, "cohorts.manage_cohort")
    try:
        training_services.training_remind_request(cohort=cohort)
    except ValidationError as error:
        flash_errors(request, error)
    else:
        messages.success(request, _("A reminder is on its way to everyone who has required training left."))
    return redirect("cohorts:training-grid", pk=cohort.pk)
