from django.shortcuts import get_object_or_404
from django.views.generic import TemplateView
from rules.contrib.views import PermissionRequiredMixin

from cohorts.selectors import cohorts_visible_to

from ..forms import HealthFilterForm
from ..selectors import cohort_pairs_page


class CohortPairsView(PermissionRequiredMixin, TemplateView):
    """The coordinator's list of a cohort's pairs with their health."""

    permission_required = "meetings.view_cohort_pairs"
    template_name = "meetings/cohort_pairs.html"
    raise_exception = True

    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            return self.handle_no_permission()
        self.cohort = get_object_or_404(cohorts_visible_to(user=request.user), pk=kwargs["pk"])
        return super().dispatch(request, *args, **kwargs)

    def get_permission_object(self):
        return self.cohort

    def get_context_data(self, **kwargs):
        form = HealthFilterForm(self.request.GET or None)
        health = form.cleaned_data["health"] if form.is_valid() else ""
        return {
            **super().get_context_data(**kwargs),
            "cohort": self.cohort,
            "health_form": form,
            "pairs_data": cohort_pairs_page(cohort=self.cohort, health=health, page=self.request.GET.get("page")),
            "page_param": "page",
        }
