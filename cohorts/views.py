from django.views.generic import DetailView
from rules.contrib.views import PermissionRequiredMixin

from .selectors import cohorts_visible_to


class CohortDetailView(PermissionRequiredMixin, DetailView):
    permission_required = "cohorts.view_cohort"
    template_name = "cohorts/cohort_detail.html"
    context_object_name = "cohort"
    raise_exception = True

    def get_queryset(self):
        return cohorts_visible_to(user=self.request.user)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["my_enrollment"] = self.object.enrollments.filter(user=self.request.user).first()
        return context


cohort_detail_view = CohortDetailView.as_view()
