"""Loading what a request may see: first a queryset scoped to the person (anything of
another organization or cohort is a 404, so nothing of it is given away), then the rules
permission on the object (a 403 for someone who may see it but not do this)."""

from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404

from cohorts.access import cohort_for  # noqa: F401 -- the one lookup of a cohort, re-exported for this app's views
from cohorts.models import Pair
from cohorts.selectors import cohorts_visible_to
from meetings.selectors import pairs_of, pairs_visible_to

from ..models import Graduation, Milestone, Project, ProjectUpdate, Submission
from ..selectors.graduation import graduations_visible_to
from ..selectors.projects import projects_visible_to


def require(user, perm: str, obj) -> None:
    if not user.has_perm(perm, obj):
        raise PermissionDenied


def project_for(request, pk: int, perm: str = "showcase.view_project") -> Project:
    project = get_object_or_404(projects_visible_to(user=request.user), pk=pk)
    require(request.user, perm, project)
    return project


def milestone_for(request, pk: int) -> Milestone:
    milestone = get_object_or_404(
        Milestone.objects.filter(project__in=projects_visible_to(user=request.user).values("pk")).select_related(
            "project__enrollment__cohort__program__organization", "project__enrollment__user"
        ),
        pk=pk,
    )
    require(request.user, "showcase.change_project", milestone.project)
    return milestone


def update_for(request, pk: int) -> ProjectUpdate:
    update = get_object_or_404(
        ProjectUpdate.objects.filter(project__in=projects_visible_to(user=request.user).values("pk")).select_related(
            "project__enrollment__cohort__program__organization", "project__enrollment__user"
        ),
        pk=pk,
    )
    require(request.user, "showcase.comment_project", update.project)
    return update


def own_submission_project(request, pk: int) -> Project:
    return project_for(request, pk, "showcase.submit_project")


def submission_for(request, pk: int) -> Submission:
    """A submission of a cohort the person may open (then: may they see it?)."""
    submission = get_object_or_404(
        Submission.objects.filter(
            showcase__cohort__in=cohorts_visible_to(user=request.user).values("pk")
        ).select_related("showcase__cohort__program__organization", "project__enrollment__user"),
        pk=pk,
    )
    return submission


def managed_submission(request, pk: int) -> Submission:
    submission = submission_for(request, pk)
    require(request.user, "showcase.manage_showcase", submission.showcase.cohort)
    return submission


def graduation_for(request, pk: int) -> Graduation:
    graduation = get_object_or_404(graduations_visible_to(user=request.user), pk=pk)
    require(request.user, "showcase.view_certificate", graduation)
    return graduation


def own_pair(request, pk: int) -> Pair:
    """A pair the person is the mentor or the mentee of; 404 for anyone else."""
    return get_object_or_404(pairs_of(user=request.user), pk=pk)


def managed_pair(request, pk: int) -> Pair:
    pair = get_object_or_404(pairs_visible_to(user=request.user), pk=pk)
    require(request.user, "showcase.manage_terms", pair.cohort)
    return pair
