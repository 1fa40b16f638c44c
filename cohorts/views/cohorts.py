from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from mentorship.form_errors import errors_to_form, flash_errors, flash_form_errors
from mentorship.periodic import periodic_runs_shown
from mentorship.selectors import programs_for

from ..access import cohort_for, own_enrollment
from ..enums import CohortPhase, ParticipantRole
from ..forms import AcknowledgeForm, CapacityForm, CohortForm, GuidelinesForm
from ..hooks import cohort_sections
from ..next_steps import all_next_steps
from ..phases import next_phase, phase_allows, phases_of, previous_phase
from ..services import cohorts as cohort_services
from ..services import enrollment as enrollment_services


def cohort_create(request: HttpRequest, program_pk: int) -> HttpResponse:
    program = get_object_or_404(programs_for(user=request.user), pk=program_pk)
    if not request.user.has_perm("mentorship.change_program", program):
        raise PermissionDenied
    form = CohortForm(request.POST or None, program=program)
    if request.method == "POST" and form.is_valid():
        try:
            cohort = cohort_services.cohort_create(program=program, by=request.user, **form.cleaned_data)
        except ValidationError as error:
            errors_to_form(form, error)
        else:
            messages.success(
                request, _("The cohort was created. Next: adapt the guidelines and name the subcommittee.")
            )
            return redirect(cohort)
    return render(request, "cohorts/cohort_form.html", {"form": form, "program": program})


def cohort_update(request: HttpRequest, pk: int) -> HttpResponse:
    cohort = cohort_for(request, pk, "cohorts.manage_cohort")
    form = CohortForm(request.POST or None, instance=cohort, program=cohort.program)
    if request.method == "POST" and form.is_valid():
        try:
            cohort_services.cohort_update(cohort=cohort, **form.cleaned_data)
        except ValidationError as error:
            errors_to_form(form, error)
        else:
            messages.success(request, _("The cohort was saved."))
            return redirect(cohort)
    return render(request, "cohorts/cohort_form.html", {"form": form, "program": cohort.program, "cohort": cohort})


def _phase_moves(cohort) -> list[dict]:
    moves = []
    for target, direction in ((next_phase(cohort), "forward"), (previous_phase(cohort), "back")):
        if target is not None:
            blockers = cohort_services.cohort_phase_blockers(cohort=cohort, target=target)
            moves.append(
                {
                    "target": target,
                    "label": CohortPhase(target).label,
                    "direction": direction,
                    "blockers": [b for b in blockers if not b.warning],
                    "warnings": [b for b in blockers if b.warning],
                }
            )
    return moves


def cohort_detail(request: HttpRequest, pk: int) -> HttpResponse:
    cohort = cohort_for(request, pk)
    user = request.user
    enrollment = own_enrollment(request, cohort)
    can_manage = user.has_perm("cohorts.manage_cohort", cohort)
    context = {
        "cohort": cohort,
        "my_enrollment": enrollment,
        "can_manage": can_manage,
        "can_read_people": user.has_perm("cohorts.view_participants", cohort),
        "sections": cohort_sections(cohort, user),
        "steps": all_next_steps(enrollment) if enrollment else [],
        "phases": [(p, CohortPhase(p).label) for p in phases_of(cohort)],
    }
    if enrollment and enrollment.role == ParticipantRole.MENTOR:
        context["capacity_form"] = CapacityForm(initial={"capacity": enrollment.effective_capacity}, cohort=cohort)
    if can_manage:
        context["moves"] = _phase_moves(cohort)
        context["phase_changes"] = cohort.phase_changes.select_related("changed_by")[:10]
        context["application_url"] = request.build_absolute_uri(
            reverse("cohorts:cohort-apply", kwargs={"token": cohort.application_token})
        )
        context["applications_open"] = phase_allows(cohort, "apply")
        context["periodic_work"] = periodic_runs_shown()
    return render(request, "cohorts/cohort_detail.html", context)


@require_POST
def cohort_phase(request: HttpRequest, pk: int) -> HttpResponse:
    cohort = cohort_for(request, pk, "cohorts.manage_cohort")
    target = request.POST.get("target", "")
    try:
        cohort = cohort_services.cohort_move_phase(
            cohort=cohort, target=target, by=request.user, reason=request.POST.get("reason", "")
        )
    except ValidationError as error:
        flash_errors(request, error)
    else:
        messages.success(
            request, _("The cohort is now in the %(phase)s phase.") % {"phase": cohort.get_phase_display()}
        )
    return redirect(cohort)


def guidelines(request: HttpRequest, pk: int) -> HttpResponse:
    cohort = cohort_for(request, pk)
    enrollment = own_enrollment(request, cohort)
    form = AcknowledgeForm(request.POST or None)
    if request.method == "POST":
        if enrollment is None:
            raise PermissionDenied
        if form.is_valid():
            enrollment_services.enrollment_acknowledge_guidelines(enrollment=enrollment)
            messages.success(request, _("Thank you: your acknowledgement is recorded."))
            return redirect(cohort)
    return render(request, "cohorts/guidelines.html", {"cohort": cohort, "enrollment": enrollment, "form": form})


def guidelines_edit(request: HttpRequest, pk: int) -> HttpResponse:
    cohort = cohort_for(request, pk, "cohorts.manage_cohort")
    form = GuidelinesForm(request.POST or None, initial={"guidelines": cohort.guidelines})
    if request.method == "POST" and form.is_valid():
        cohort_services.cohort_guidelines_update(cohort=cohort, guidelines=form.cleaned_data["guidelines"])
        messages.success(request, _("The guidelines were saved."))
        return redirect("cohorts:guidelines", pk=cohort.pk)
    return render(request, "cohorts/guidelines_form.html", {"cohort": cohort, "form": form})


@require_POST
def enrollment_capacity(request: HttpRequest, pk: int) -> HttpResponse:
    cohort = cohort_for(request, pk)
    enrollment = own_enrollment(request, cohort)
    if enrollment is None or enrollment.role != ParticipantRole.MENTOR:
        raise PermissionDenied
    form = CapacityForm(request.POST, cohort=cohort)
    if form.is_valid():
        try:
            enrollment_services.enrollment_set_capacity(enrollment=enrollment, capacity=form.cleaned_data["capacity"])
        except ValidationError as error:
            flash_errors(request, error)
        else:
            messages.success(request, _("Your capacity is saved."))
    else:
        flash_form_errors(request, form)
    return redirect(reverse("cohorts:cohort-detail", kwargs={"pk": cohort.pk}) + "#capacity")
