from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from cohorts.models import PairStatus
from mentorship.form_errors import errors_to_form, flash_errors, flash_form_errors
from mentorship.zones import site_today

from ..enums import TermChoice
from ..forms import TermChoiceForm, TermDecisionForm
from ..policies import add_months, choice_window_open, choice_window_opens_on
from ..selectors.terms import SHOW_ALL, SHOW_DUE, choice_of, current_term, decision_for, decisions_page, term_page
from ..services import terms as services
from .access import cohort_for, managed_pair, own_pair


def term_choose(request: HttpRequest, pk: int) -> HttpResponse:
    """One person of a pair says what they want when the term ends."""
    pair = own_pair(request, pk)
    today = site_today()
    context = {"pair": pair, "cohort": pair.cohort, "is_mentee": request.user.pk == pair.mentee.user_id}
    if pair.status != PairStatus.ACTIVE:
        context["closed"] = True
        return render(request, "showcase/term_choose.html", context)
    ends_on = current_term(pair=pair)
    mine = choice_of(pair=pair, user=request.user, ends_on=ends_on)
    decision = decision_for(pair=pair, ends_on=ends_on)
    initial = {"choice": mine.choice, "note": mine.note} if mine else {}
    form = TermChoiceForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.term_choose(pair=pair, user=request.user, today=today, **form.cleaned_data)
        except ValidationError as error:
            errors_to_form(form, error)
        else:
            messages.success(request, _("Your choice is recorded; the coordinators will act on it."))
            return redirect("showcase:term-choose", pk=pair.pk)
    context.update(
        {
            "ends_on": ends_on,
            "opens_on": choice_window_opens_on(ends_on),
            "window_open": choice_window_open(ends_on=ends_on, today=today),
            "mine": mine,
            "decision": decision,
            "form": form,
        }
    )
    return render(request, "showcase/term_choose.html", context)


def term_list(request: HttpRequest, pk: int) -> HttpResponse:
    cohort = cohort_for(request, pk, "showcase.manage_terms")
    show = SHOW_ALL if request.GET.get("show") == SHOW_ALL else SHOW_DUE
    today = site_today()
    data = term_page(cohort=cohort, show=show, page=request.GET.get("page"), today=today)
    for row in data.rows:
        row.form = TermDecisionForm(
            initial={
                "decision": row.suggested or TermChoice.CONTINUE,
                "new_term_ends_on": add_months(max(row.ends_on, today), cohort.term_months),
            },
            prefix=f"pair-{row.pair.pk}",
        )
    return render(
        request,
        "showcase/term_list.html",
        {
            "cohort": cohort,
            "data": data,
            "show": show,
            "decisions": decisions_page(cohort=cohort, page=request.GET.get("decided_page")),
            "query": f"show={show}",
        },
    )


@require_POST
def term_decide(request: HttpRequest, pk: int) -> HttpResponse:
    pair = managed_pair(request, pk)
    form = TermDecisionForm(request.POST, prefix=f"pair-{pair.pk}")
    if form.is_valid():
        try:
            record = services.term_decide(pair=pair, by=request.user, **form.cleaned_data)
        except ValidationError as error:
            flash_errors(request, error)
        else:
            messages.success(
                request,
                _("%(pair)s: %(decision)s.") % {"pair": pair, "decision": record.get_decision_display()},
            )
    else:
        flash_form_errors(request, form)
    show = SHOW_ALL if request.POST.get("show") == SHOW_ALL else SHOW_DUE
    return redirect(reverse("showcase:term-list", kwargs={"pk": pair.cohort_id}) + f"?show={show}")
