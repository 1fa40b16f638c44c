import csv

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from mentorship.form_errors import flash_errors, flash_form_errors
from mentorship.spreadsheets import csv_safe, csv_streaming_response
from mentorship.zones import local_iso

from ..access import cohort_for
from ..enums import EnrollmentStatus, ParticipantRole
from ..forms import BulkDecisionForm, PeopleFilterForm
from ..hooks import dashboard_panels
from ..models import Enrollment
from ..selectors import FUNNEL_HELP, cohort_funnel, funnel_stages, people_table, required_module_counts
from ..services import enrollment as enrollment_services

PAGE_SIZE = 25
FUNNEL_LABELS = {
    "invited": _("Invited"),
    "applied": _("Applied"),
    "accepted": _("Accepted"),
    "trained": _("Trained"),
    "matched": _("Matched"),
    "active": _("Active"),
    "graduated": _("Graduated"),
    "withdrawn": _("Withdrawn"),
}


def _filtered(request, cohort):
    form = PeopleFilterForm(request.GET or None)
    filters = form.cleaned_data if form.is_valid() else {}
    queryset = people_table(
        cohort=cohort,
        search=filters.get("q", ""),
        role=filters.get("role", ""),
        status=filters.get("status", ""),
    )
    return form, queryset


def cohort_dashboard(request: HttpRequest, pk: int) -> HttpResponse:
    cohort = cohort_for(request, pk, "cohorts.view_participants")
    form, queryset = _filtered(request, cohort)
    page = Paginator(queryset, PAGE_SIZE).get_page(request.GET.get("page"))
    required = required_module_counts(cohort=cohort)
    funnel = cohort_funnel(cohort=cohort)
    query = request.GET.copy()
    query.pop("page", None)
    context = {
        "cohort": cohort,
        "form": form,
        "page": page,
        "funnel": [(stage, FUNNEL_LABELS[stage], funnel[stage], FUNNEL_HELP[stage]) for stage in funnel_stages(funnel)],
        "required": required,
        "can_manage": request.user.has_perm("cohorts.manage_cohort", cohort),
        "query": query.urlencode(),
        "decisions": BulkDecisionForm.base_fields["decision"].choices,
        "panels": dashboard_panels(cohort, request),
    }
    template = (
        "cohorts/_people_table.html" if request.htmx and request.htmx.target == "people" else "cohorts/dashboard.html"
    )
    return render(request, template, context)


class _Lines:
    """A file for ``csv.writer`` that keeps what it is given until taken."""

    def __init__(self):
        self.parts: list[str] = []

    def write(self, value: str) -> None:
        self.parts.append(value)

    def take(self) -> str:
        text, self.parts = "".join(self.parts), []
        return text


# Rows sent to the server together: one write per row costs more than the row itself.
EXPORT_BATCH = 500


def people_export(request: HttpRequest, pk: int) -> StreamingHttpResponse:
    cohort = cohort_for(request, pk, "cohorts.view_participants")
    _form, queryset = _filtered(request, cohort)
    required = required_module_counts(cohort=cohort)
    lines = _Lines()
    writer = csv.writer(lines)
    # Plain values, no model instances: the export reads every person of the cohort.
    values = queryset.values_list(
        "user__full_name",
        "user__email",
        "role",
        "status",
        "capacity",
        "required_done",
        "guidelines_acknowledged_at",
        "created_at",
    )

    def rows():
        writer.writerow(
            [
                "name",
                "email",
                "role",
                "status",
                "capacity",
                "required_training_done",
                "required_training_total",
                "guidelines_acknowledged_at",
                "joined_at",
            ]
        )
        # A server-side cursor on PostgreSQL: rows stream as they are read, never all in memory.
        for count, (name, email, role, status, own_capacity, done, acknowledged, joined) in enumerate(
            values.iterator(chunk_size=EXPORT_BATCH), start=1
        ):
            capacity = ""
            if role == ParticipantRole.MENTOR:
                capacity = own_capacity if own_capacity is not None else cohort.mentor_default_capacity
            writer.writerow(
                [
                    csv_safe(v)
                    for v in (
                        name,
                        email,
                        role,
                        status,
                        capacity,
                        done,
                        required[role],
                        local_iso(acknowledged),
                        local_iso(joined),
                    )
                ]
            )
            if count % EXPORT_BATCH == 0:
                yield lines.take()
        yield lines.take()

    return csv_streaming_response(lines=rows(), filename=f"{slugify(cohort.name) or 'cohort'}-people.csv")


def _back(request, cohort) -> str:
    target = request.POST.get("next", "")
    if target and url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        return target
    return cohort.get_absolute_url()


def _seen(data) -> dict[int, str]:
    """The status each row showed when the page was drawn (``seen-<pk>`` fields), so that a
    decision taken on a stale page is refused instead of overwriting someone else's."""
    seen = {}
    for key, value in data.items():
        pk = key.removeprefix("seen-")
        if pk != key and pk.isdigit() and value in EnrollmentStatus.values:
            seen[int(pk)] = value
    return seen


@require_POST
def enrollment_decide(request: HttpRequest, pk: int, enrollment_pk: int) -> HttpResponse:
    cohort = cohort_for(request, pk, "cohorts.manage_cohort")
    enrollment = get_object_or_404(Enrollment.objects.select_related("user"), cohort=cohort, pk=enrollment_pk)
    # A row's own button sends decision_one; "decision" is the bulk form's select around it.
    status = request.POST.get("decision_one") or request.POST.get("decision", "")
    try:
        enrollment_services.enrollment_decide(
            enrollment=enrollment, status=status, by=request.user, seen_status=_seen(request.POST).get(enrollment.pk)
        )
    except ValidationError as error:
        flash_errors(request, error)
    else:
        messages.success(
            request,
            _("%(name)s: %(status)s.") % {"name": enrollment.user, "status": EnrollmentStatus(status).label.lower()},
        )
    return redirect(_back(request, cohort))


@require_POST
def enrollment_decide_bulk(request: HttpRequest, pk: int) -> HttpResponse:
    cohort = cohort_for(request, pk, "cohorts.manage_cohort")
    ids = list(Enrollment.objects.filter(cohort=cohort).values_list("pk", flat=True))
    form = BulkDecisionForm(request.POST, enrollment_ids=ids)
    if not form.is_valid():
        flash_form_errors(request, form)
        return redirect(_back(request, cohort))
    changed, problems = enrollment_services.enrollment_decide_bulk(
        cohort=cohort,
        enrollment_ids=form.cleaned_data["enrollments"],
        status=form.cleaned_data["decision"],
        by=request.user,
        seen=_seen(request.POST),
    )
    messages.success(request, _("%(n)d people updated.") % {"n": changed})
    for problem in problems:
        messages.warning(request, problem)
    return redirect(_back(request, cohort))


@require_POST
def enrollment_withdraw(request: HttpRequest, pk: int, enrollment_pk: int) -> HttpResponse:
    cohort = cohort_for(request, pk)
    enrollment = get_object_or_404(Enrollment, cohort=cohort, pk=enrollment_pk)
    is_self = enrollment.user_id == request.user.pk
    if not is_self and not request.user.has_perm("cohorts.manage_cohort", cohort):
        raise PermissionDenied
    try:
        enrollment_services.enrollment_withdraw(enrollment=enrollment, by=request.user)
    except ValidationError as error:
        flash_errors(request, error)
        return redirect(cohort if is_self else _back(request, cohort))
    if is_self:
        messages.success(request, _("You have withdrawn from %(cohort)s.") % {"cohort": cohort})
        return redirect("home")
    messages.success(request, _("%(name)s was withdrawn.") % {"name": enrollment.user})
    return redirect(_back(request, cohort))
