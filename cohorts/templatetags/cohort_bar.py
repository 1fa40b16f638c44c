from django import template
from django.db import models

from ..areas import cohort_bar as bar_links
from ..models import Cohort

register = template.Library()

# Where a page of a cohort keeps its cohort when the view did not put ``cohort`` itself in
# the context (a pair, a questionnaire, a project, ...): each of these has ``.cohort``.
_HOLDERS = ("pair", "questionnaire", "project", "proposal", "run", "module", "meeting", "group", "response", "goal")


def _cohort_in(context) -> Cohort | None:
    cohort = context.get("cohort")
    if isinstance(cohort, Cohort):
        return cohort
    for name in _HOLDERS:
        holder = context.get(name)
        if isinstance(holder, models.Model):
            cohort = getattr(holder, "cohort", None)
            if isinstance(cohort, Cohort):
                return cohort
    return None


@register.inclusion_tag("cohorts/_cohort_bar.html", takes_context=True)
def cohort_bar(context) -> dict:
    """The bar of the cohort's areas, on every page of a cohort (see ``cohorts.areas``)."""
    request = context.get("request")
    match = getattr(request, "resolver_match", None)
    user = getattr(request, "user", None)
    cohort = _cohort_in(context)
    if match is None or user is None or not user.is_authenticated or cohort is None:
        return {"links": []}
    return {"cohort": cohort, "links": bar_links(cohort=cohort, user=user, view_name=match.view_name)}
