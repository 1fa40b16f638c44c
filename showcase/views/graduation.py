from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from cohorts.enums import ParticipantRole
from cohorts.models import Pair
from cohorts.phases import phase_allows
from mentorship.form_errors import errors_to_form, flash_errors, flash_form_errors

from ..enums import GraduationFilter
from ..forms import GraduateForm, GraduationFilterForm, GraduationSettingsForm
from ..policies import default_min_meetings
from ..selectors.graduation import (
    criteria_of,
    default_graduation_filter,
    final_survey_candidates,
    graduation_pairs,
    graduation_rule,
    settings_of,
)
from ..services import graduation as services
from .access import cohort_for, graduation_for

PAGE_SIZE = 25


def graduation_list(request: HttpRequest, pk: int) -> HttpResponse:
    cohort = cohort_for(request, pk, "showcase.manage_graduation")
    filter_form = GraduationFilterForm(request.GET or None)
    show = filter_form.cleaned_data["show"] if filter_form.is_valid() and filter_form.cleaned_data["show"] else ""
    show = show or default_graduation_filter(cohort=cohort)
    rule = graduation_rule(cohort=cohort)
    page = Paginator(graduation_pairs(cohort=cohort, rule=rule, show=show), PAGE_SIZE).get_page(request.GET.get("page"))
    rows = [(pair, criteria_of(pair, rule=rule)) for pair in page.object_list]
    return render(
        request,
        "showcase/graduation_list.html",
        {
            "cohort": cohort,
            "rule": rule,
            "default_min_meetings": default_min_meetings(
                term_months=cohort.term_months, cadence_days=cohort.meeting_cadence_days
            ),
            "filter_form": filter_form,
            "show": show,
            "page": page,
            "rows": rows,
            "can_graduate": phase_allows(cohort, "graduate"),
            "query": f"show={show}",
        },
    )


@require_POST
def graduation_graduate(request: HttpRequest, pk: int) -> HttpResponse:
    cohort = cohort_for(request, pk, "showcase.manage_graduation")
    ids = list(Pair.objects.filter(cohort=cohort).values_list("pk", flat=True))
    form = GraduateForm(request.POST, pair_ids=ids)
    back = request.POST.get("show", "")
    if not form.is_valid():
        flash_form_errors(request, form)
    else:
        try:
            result = services.pairs_graduate(
                cohort=cohort,
                pair_ids=form.cleaned_data["pairs"],
                by=request.user,
                override_reason=form.cleaned_data["override_reason"],
            )
        except ValidationError as error:
            flash_errors(request, error)
        else:
            if result.graduated:
                messages.success(
                    request,
                    ngettext(
                        "%(n)d pair graduated; both people were emailed their certificate.",
                        "%(n)d pairs graduated; each person was emailed their certificate.",
                        len(result.graduated),
                    )
                    % {"n": len(result.graduated)},
                )
            if result.not_eligible:
                messages.warning(
                    request,
                    ngettext(
                        "%(n)d pair has not finished what the program asks, so it was not graduated: %(pairs)s. "
                        "To graduate it anyway, choose it again and give the reason.",
                        "%(n)d pairs have not finished what the program asks, so they were not graduated: %(pairs)s. "
                        "To graduate them anyway, choose them again and give the reason.",
                        len(result.not_eligible),
                    )
                    % {
                        "n": len(result.not_eligible),
                        "pairs": "; ".join(f"{pair} ({missing})" for pair, missing in result.not_eligible),
                    },
                )
            for message in result.skipped:
                messages.warning(request, message)
    url = redirect("showcase:graduation-list", pk=cohort.pk).url
    if back in GraduationFilter.values:
        url += f"?show={back}"
    return redirect(url)


def graduation_settings(request: HttpRequest, pk: int) -> HttpResponse:
    cohort = cohort_for(request, pk, "showcase.manage_graduation")
    settings = settings_of(cohort=cohort)
    initial = {
        "min_meetings": settings.min_meetings if settings else None,
        "final_survey": settings.final_survey if settings else None,
    }
    form = GraduationSettingsForm(request.POST or None, initial=initial, surveys=final_survey_candidates(cohort=cohort))
    if request.method == "POST" and form.is_valid():
        try:
            services.graduation_settings_save(cohort=cohort, **form.cleaned_data)
        except ValidationError as error:
            errors_to_form(form, error)
        else:
            messages.success(request, _("What the cohort asks for graduation was saved."))
            return redirect("showcase:graduation-list", pk=cohort.pk)
    return render(
        request,
        "showcase/graduation_settings.html",
        {
            "cohort": cohort,
            "form": form,
            "default_min_meetings": default_min_meetings(
                term_months=cohort.term_months, cadence_days=cohort.meeting_cadence_days
            ),
        },
    )


def certificate(request: HttpRequest, pk: int, role: str) -> HttpResponse:
    graduation = graduation_for(request, pk)
    pair = graduation.pair
    if role not in ParticipantRole.values:
        raise Http404
    is_mentee = role == ParticipantRole.MENTEE
    holder = pair.mentee.user if is_mentee else pair.mentor.user
    partner = pair.mentor.user if is_mentee else pair.mentee.user
    project = getattr(pair.mentee, "showcase_project", None)
    return render(
        request,
        "showcase/certificate.html",
        {
            "graduation": graduation,
            "pair": pair,
            "cohort": pair.cohort,
            "role": role,
            "holder": holder,
            "partner": partner,
            "project": project,
            "other_role": ParticipantRole.MENTOR if is_mentee else ParticipantRole.MENTEE,
        },
    )
