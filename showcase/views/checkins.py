from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from ..selectors.checkins import MONTHS, checkin_people_page, checkins_by_cohort
from ..services.checkins import checkins_set_up
from .access import cohort_for


def checkin_list(request: HttpRequest, pk: int) -> HttpResponse:
    """Who answered the post-program check-ins at 6, 12 and 18 months."""
    cohort = cohort_for(request, pk, "showcase.view_checkins")
    checkins = checkins_by_cohort(cohorts=[cohort])[cohort.pk]
    page, rows = checkin_people_page(cohort=cohort, checkins=checkins, page=request.GET.get("page"))
    return render(
        request,
        "showcase/checkin_list.html",
        {
            "cohort": cohort,
            "checkins": [checkins[m] for m in MONTHS],
            "missing": [m for m in MONTHS if checkins[m].questionnaire is None],
            "page": page,
            "rows": rows,
            "can_set_up": request.user.has_perm("questionnaires.manage_questionnaires", cohort),
        },
    )


@require_POST
def checkin_setup(request: HttpRequest, pk: int) -> HttpResponse:
    cohort = cohort_for(request, pk, "questionnaires.manage_questionnaires")
    created = checkins_set_up(cohort=cohort, by=request.user)
    if created:
        messages.success(
            request,
            ngettext(
                "%(n)d post-program survey was added; it goes out on its date.",
                "%(n)d post-program surveys were added; each goes out on its date.",
                len(created),
            )
            % {"n": len(created)},
        )
    else:
        messages.info(request, _("The cohort already has its post-program surveys."))
    return redirect("showcase:checkin-list", pk=cohort.pk)
