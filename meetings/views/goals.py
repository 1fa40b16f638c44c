from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.generic import FormView, TemplateView
from rules.contrib.views import PermissionRequiredMixin

from mentorship.form_errors import errors_to_form

from ..enums import GoalFramework
from ..forms import GoalForm
from ..models import Goal
from ..selectors import PAIR_RELATED, pairs_visible_to
from ..services.goals import goal_create, goal_update
from .common import PairPermissionMixin

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


class GoalPermissionMixin(PermissionRequiredMixin):
    raise_exception = True

    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            return self.handle_no_permission()
        self.goal = get_object_or_404(
            Goal.objects.select_related(*(f"pair__{name}" for name in PAIR_RELATED)),
            pk=kwargs["pk"],
            pair__in=pairs_visible_to(user=request.user).values("pk"),
        )
        self.pair = self.goal.pair
        return super().dispatch(request, *args, **kwargs)

    def get_permission_object(self):
        return self.pair


class GoalDetailView(GoalPermissionMixin, TemplateView):
    permission_required = "meetings.view_pair"
    template_name = "meetings/goal_detail.html"

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), "goal": self.goal, "pair": self.pair}


class GoalCreateView(PairPermissionMixin, FormView):
    permission_required = "meetings.change_goal"
    template_name = "meetings/goal_form.html"
    form_class = GoalForm

    def dispatch(self, request, *args, **kwargs):
        if kwargs["framework"] not in GoalFramework.values:
            raise Http404
        self.framework = GoalFramework(kwargs["framework"])
        return super().dispatch(request, *args, **kwargs)

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "framework": self.framework}

    def get_context_data(self, **kwargs):
        return {
            **super().get_context_data(**kwargs),
            "pair": self.pair,
            "framework": self.framework,
            "introduction": FRAMEWORK_INTRODUCTIONS[self.framework],
        }

    def form_valid(self, form):
        try:
            goal = goal_create(pair=self.pair, by=self.request.user, framework=self.framework, **form.cleaned_data)
        except ValidationError as error:
            errors_to_form(form, error)
            return self.form_invalid(form)
        messages.success(self.request, _("Your goal was saved and shared with your mentor."))
        return redirect(goal)


class GoalUpdateView(GoalPermissionMixin, FormView):
    permission_required = "meetings.change_goal"
    template_name = "meetings/goal_form.html"
    form_class = GoalForm

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "framework": self.goal.framework}

    def get_initial(self):
        return GoalForm.initial_for(self.goal)

    def get_context_data(self, **kwargs):
        return {
            **super().get_context_data(**kwargs),
            "pair": self.pair,
            "goal": self.goal,
            "framework": GoalFramework(self.goal.framework),
            "introduction": FRAMEWORK_INTRODUCTIONS[self.goal.framework],
        }

    def form_valid(self, form):
        try:
            goal_update(goal=self.goal, by=self.request.user, **form.cleaned_data)
        except ValidationError as error:
            errors_to_form(form, error)
            return self.form_invalid(form)
        messages.success(self.request, _("Your goal was saved."))
        return redirect(reverse("meetings:goal-detail", kwargs={"pk": self.goal.pk}))
