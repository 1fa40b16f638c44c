"""The cohort bar: one entry per area of a cohort (overview, people, questionnaires, training,
matching, pairs, projects and showcase, graduation, outcomes), on every page of a cohort.

Each app registers its areas (``cohorts.hooks.register_cohort_area``); this module registers
the cohorts app's own and builds the bar for a person: only the areas they may open, with the
one the page belongs to marked. The rules predicates cache what they read for the request,
so the bar costs a fixed number of queries whatever the number of areas."""

from dataclasses import dataclass

from django.urls import reverse
from django.utils.translation import gettext_lazy as _lazy

from .hooks import CohortArea, cohort_areas, register_cohort_area
from .rules import is_participant


@dataclass(frozen=True)
class BarLink:
    key: str
    title: str
    url: str
    current: bool


def _url(name: str, cohort) -> str:
    return reverse(name, kwargs={"pk": cohort.pk})


def _overview(cohort, user) -> str | None:
    return _url("cohorts:cohort-detail", cohort)


def _people(cohort, user) -> str | None:
    if user.has_perm("cohorts.view_participants", cohort):
        return _url("cohorts:cohort-dashboard", cohort)
    return None


def _training(cohort, user) -> str | None:
    if not cohort.program.uses_training:
        return None
    if user.has_perm("cohorts.manage_cohort", cohort):
        return _url("cohorts:training-list", cohort)
    if user.has_perm("cohorts.view_participants", cohort):
        return _url("cohorts:training-grid", cohort)
    if is_participant(user, cohort):
        return _url("cohorts:training-list", cohort)
    return None


def _names(namespace: str, *names: str) -> frozenset[str]:
    return frozenset(f"{namespace}:{name}" for name in names)


AREAS = [
    CohortArea(
        "overview",
        _lazy("Overview"),
        _names(
            "cohorts",
            "cohort-detail",
            "cohort-update",
            "guidelines",
            "guidelines-edit",
            "chat-channel",
            "announcement-list",
            "announcement-create",
        ),
        _overview,
        order=10,
    ),
    CohortArea(
        "people",
        _lazy("People"),
        _names(
            "cohorts",
            "cohort-dashboard",
            "invitation-list",
            "import-create",
            "import-map",
            "import-detail",
            "subcommittee",
        ),
        _people,
        order=20,
    ),
    CohortArea(
        "training",
        _lazy("Training"),
        _names("cohorts", "training-list", "training-create", "training-grid", "training-detail", "training-update"),
        _training,
        order=40,
    ),
]


def register() -> None:
    for area in AREAS:
        register_cohort_area(area)


def view_names_of_cohort_pages() -> frozenset[str]:
    return frozenset(name for area in cohort_areas() for name in area.view_names)


def cohort_bar(*, cohort, user, view_name: str) -> list[BarLink]:
    """The bar's links for ``user`` on the page ``view_name`` of ``cohort``: nothing for a
    page that is not a cohort's, nor for a person who may not see the cohort."""
    areas = cohort_areas()
    if not any(view_name in area.view_names for area in areas):
        return []
    if not user.has_perm("cohorts.view_cohort", cohort):
        return []
    links = []
    for area in areas:
        url = area.link(cohort, user)
        if url:
            links.append(BarLink(area.key, str(area.title), url, view_name in area.view_names))
    return links
