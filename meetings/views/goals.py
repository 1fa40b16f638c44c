from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from mentorship.form_errors import errors_to_form

from ..enums import GoalFramework
from ..forms import GoalForm
from ..models import Goal
from ..selectors import PAIR_RELATED, pairs_visible_to
from ..services.goals import goal_create as goal_create_service
from ..services.goals import goal_update as goal_update_service
from .common import pair_for

FRAMEWORK_INTRODUCTIONS = {
    GoalFramework.SMART: gettext_lazy(
        "A goal that is Specific, Measurable, Achievable, Relevant and Time-bound: good for a concrete "
        "outcome such as a certification, a talk or a promotion case."
    ),
    GoalFramework.GROW: gettext_lazy(
        "Goal, Reality, Options, Will: a coaching conversation on paper, good when the way forward is not clear yet."
    ),
    GoalFramework.SWOT: gettext_lazy(
        "Your Strengths, Weaknesses, Opportunities and Threats: good at the start, to see where to focus."
    ),
}


def _goal_for(request: HttpRequest, pk: int, perm: str) -> Goal:
    """A goal of a pair the person may see (else 404), if they may do ``perm`` on the pair
    (else 403)."""
    goal = get_object_or_404(
        Goal.objects.select_related(*(f"pair__{name}" for name in PAIR_RELATED)),
        pk=pk,
        pair__in=pairs_visible_to(user=request.user).values("pk"),
    )
    if not request.user.has_perm(perm, goal.pair):
        raise PermissionDenied
    return goal


def goal_detail(request: HttpRequest, pk: int) -> HttpResponse:
    goal = _goal_for(request, pk, "meetings.view_pair")
    return render(request, "meetings/goal_detail.html", {"goal": goal, "pair": goal.pair})


def goal_create(request: HttpRequest, pk: int, framework: str) -> HttpResponse:
    if framework not in GoalFramework.values:
        raise Http404
    framework = GoalFramework(framework)
    pair = pair_for(request, pk, "meetings.change_goal")
    form = GoalForm(request.POST if request.method == "POST" else None, framework=framework)
    if request.method == "POST" and form.is_valid():
        try:
            goal = goal_create_service(pair=pair, by=request.user, framework=framework, **form.cleaned_data)
        except ValidationError as error:
            errors_to_form(form, error)
        else:
            messages.success(request, _("Your goal was saved and shared with your mentor."))
            return redirect(goal)
    return render(
        request,
        "meetings/goal_form.html",
        {"form": form, "pair": pair, "framework": framework, "introduction": FRAMEWORK_INTRODUCTIONS[framework]},
    )


def goal_update(request: HttpRequest, pk: int) -> HttpResponse:
    goal = _goal_for(request, pk, "meetings.change_goal")
    form = GoalForm(
        request.POST if request.method == "POST" else None,
        initial=GoalForm.initial_for(goal),
        framework=goal.framework,
    )
    if request.method == "POST" and form.is_valid():
        try:
            goal_update_service(goal=goal, by=request.user, **form.cleaned_data)
        except ValidationError as error:
            errors_to_form(form, error)
        else:
            messages.success(request, _("Your goal was saved."))
            return redirect(reverse("meetings:goal-detail", kwargs={"pk": goal.pk}))
    return render(
        request,
        "meetings/goal_form.html",
        {
            "form": form,
            "pair": goal.pair,
            "goal": goal,
            "framework": GoalFramework(goal.framework),
            "introduction": FRAMEWORK_INTRODUCTIONS[goal.framework],
        },
    )
