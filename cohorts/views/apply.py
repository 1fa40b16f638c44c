from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _

from mentorship.form_errors import errors_to_form
from mentorship.tenancy import scope, unscoped

from ..enums import EnrollmentStatus
from ..forms import ApplyForm
from ..models import Cohort, Enrollment
from ..phases import phase_allows
from ..services import enrollment as enrollment_services


@login_not_required
def cohort_apply(request: HttpRequest, token: str) -> HttpResponse:
    """The cohort's public application link: what the program is, and the application. The
    token opens its cohort's organization, whoever follows it."""
    with unscoped():
        cohort = get_object_or_404(Cohort.objects.select_related("program__organization"), application_token=token)
    with scope(organization=cohort.organization_id):
        return _cohort_apply(request, cohort)


def _cohort_apply(request: HttpRequest, cohort: Cohort) -> HttpResponse:
    is_open = phase_allows(cohort, "apply")
    context = {"cohort": cohort, "is_open": is_open}
    if not request.user.is_authenticated:
        here = request.get_full_path()
        context["signup_url"] = reverse("account_signup") + "?" + urlencode({"next": here})
        context["login_url"] = reverse("account_login") + "?" + urlencode({"next": here})
        return render(request, "cohorts/apply.html", context)
    existing = (
        Enrollment.objects.filter(cohort=cohort, user=request.user).exclude(status=EnrollmentStatus.WITHDRAWN).first()
    )
    if existing is not None and existing.status == EnrollmentStatus.DECLINED:
        # Declined people no longer see the cohort's pages; tell them here instead of a 404.
        context["declined"] = existing
        return render(request, "cohorts/apply.html", context)
    if existing is not None:
        messages.info(
            request, _("You are already in this cohort (%(status)s).") % {"status": existing.get_status_display()}
        )
        return redirect(cohort)
    form = ApplyForm(request.POST or None, cohort=cohort)
    if request.method == "POST" and is_open and form.is_valid():
        try:
            enrollment_services.enrollment_apply(cohort=cohort, user=request.user, **form.cleaned_data)
        except ValidationError as error:
            errors_to_form(form, error)
        else:
            messages.success(request, _("Thank you for applying! Next: fill in your application questionnaire."))
            return redirect(cohort)
    context["form"] = form
    return render(request, "cohorts/apply.html", context)
