from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from cohorts.models import Pair, PairStatus
from cohorts.phases import phase_allows
from mentorship.form_errors import errors_to_form, flash_errors, flash_form_errors

from ..enums import ProjectStage
from ..forms import CommentForm, MilestoneForm, ProjectForm, UpdateForm
from ..models import Showcase
from ..selectors.projects import current_pair_of, mentee_projects, own_mentee_enrollment, updates_page, with_stage
from ..services import projects as services
from .access import cohort_for, milestone_for, project_for, update_for

PAGE_SIZE = 25


def project_mine(request: HttpRequest, pk: int) -> HttpResponse:
    """A mentee's way in: their project, or the form to start it."""
    cohort = cohort_for(request, pk, "cohorts.view_cohort")
    enrollment = own_mentee_enrollment(cohort=cohort, user=request.user)
    if enrollment is None:
        raise PermissionDenied
    project = getattr(enrollment, "showcase_project", None)
    if project is not None:
        return redirect(project)
    return redirect("showcase:project-create", pk=cohort.pk)


def project_create(request: HttpRequest, pk: int) -> HttpResponse:
    cohort = cohort_for(request, pk, "cohorts.view_cohort")
    enrollment = own_mentee_enrollment(cohort=cohort, user=request.user)
    if enrollment is None:
        raise PermissionDenied
    existing = getattr(enrollment, "showcase_project", None)
    if existing is not None:
        return redirect(existing)
    form = ProjectForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            project = services.project_create(enrollment=enrollment, **form.cleaned_data)
        except ValidationError as error:
            errors_to_form(form, error)
        else:
            messages.success(request, _("Your project is started. Add its milestones next."))
            return redirect(project)
    return render(
        request,
        "showcase/project_form.html",
        {"form": form, "cohort": cohort, "open": phase_allows(cohort, "showcase")},
    )


def project_detail(request: HttpRequest, pk: int) -> HttpResponse:
    project = project_for(request, pk)
    user = request.user
    cohort = project.enrollment.cohort
    is_open = phase_allows(cohort, "showcase")
    can_change = user.has_perm("showcase.change_project", project)
    can_comment = user.has_perm("showcase.comment_project", project) and is_open
    submission = getattr(project, "submission", None)
    context = {
        "project": project,
        "cohort": cohort,
        "mentee": project.enrollment.user,
        "pair": current_pair_of(enrollment=project.enrollment),
        "milestones": list(project.milestones.all()),
        "updates": updates_page(project=project, page=request.GET.get("page")),
        "submission": submission,
        "showcase": Showcase.objects.filter(cohort=cohort).first(),
        "can_change": can_change and is_open,
        "can_comment": can_comment,
        "is_open": is_open,
        "is_coordinator": user.has_perm("showcase.view_cohort_projects", cohort),
        "milestone_form": MilestoneForm(),
        "update_form": UpdateForm(),
        "comment_form": CommentForm(),
    }
    return render(request, "showcase/project_detail.html", context)


def project_update(request: HttpRequest, pk: int) -> HttpResponse:
    project = project_for(request, pk, "showcase.change_project")
    initial = {"title": project.title, "summary": project.summary, "goals": project.goals}
    form = ProjectForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.project_update(project=project, **form.cleaned_data)
        except ValidationError as error:
            errors_to_form(form, error)
        else:
            messages.success(request, _("The project was saved."))
            return redirect(project)
    return render(
        request,
        "showcase/project_form.html",
        {"form": form, "cohort": project.enrollment.cohort, "project": project, "open": True},
    )


@require_POST
def milestone_create(request: HttpRequest, pk: int) -> HttpResponse:
    project = project_for(request, pk, "showcase.change_project")
    form = MilestoneForm(request.POST)
    if form.is_valid():
        try:
            services.milestone_create(project=project, **form.cleaned_data)
        except ValidationError as error:
            flash_errors(request, error)
        else:
            messages.success(request, _("The milestone was added."))
    else:
        flash_form_errors(request, form)
    return redirect(reverse("showcase:project-detail", kwargs={"pk": project.pk}) + "#milestones")


def milestone_update(request: HttpRequest, pk: int) -> HttpResponse:
    milestone = milestone_for(request, pk)
    project = milestone.project
    form = MilestoneForm(request.POST or None, initial={"title": milestone.title, "due_on": milestone.due_on})
    if request.method == "POST" and form.is_valid():
        try:
            services.milestone_update(milestone=milestone, **form.cleaned_data)
        except ValidationError as error:
            errors_to_form(form, error)
        else:
            messages.success(request, _("The milestone was saved."))
            return redirect(reverse("showcase:project-detail", kwargs={"pk": project.pk}) + "#milestones")
    return render(request, "showcase/milestone_form.html", {"form": form, "project": project, "milestone": milestone})


@require_POST
def milestone_toggle(request: HttpRequest, pk: int) -> HttpResponse:
    milestone = milestone_for(request, pk)
    try:
        services.milestone_set_done(milestone=milestone, done=request.POST.get("done") == "1")
    except ValidationError as error:
        flash_errors(request, error)
    return redirect(reverse("showcase:project-detail", kwargs={"pk": milestone.project_id}) + "#milestones")


@require_POST
def milestone_delete(request: HttpRequest, pk: int) -> HttpResponse:
    milestone = milestone_for(request, pk)
    project_id = milestone.project_id
    try:
        services.milestone_delete(milestone=milestone)
    except ValidationError as error:
        flash_errors(request, error)
    else:
        messages.success(request, _("The milestone was removed."))
    return redirect(reverse("showcase:project-detail", kwargs={"pk": project_id}) + "#milestones")


@require_POST
def update_create(request: HttpRequest, pk: int) -> HttpResponse:
    project = project_for(request, pk, "showcase.change_project")
    form = UpdateForm(request.POST)
    if form.is_valid():
        try:
            services.progress_update_post(project=project, by=request.user, text=form.cleaned_data["text"])
        except ValidationError as error:
            flash_errors(request, error)
        else:
            messages.success(request, _("Your update is posted; your mentor is told."))
    else:
        flash_form_errors(request, form)
    return redirect(reverse("showcase:project-detail", kwargs={"pk": project.pk}) + "#updates")


@require_POST
def comment_create(request: HttpRequest, pk: int) -> HttpResponse:
    update = update_for(request, pk)
    form = CommentForm(request.POST)
    if form.is_valid():
        try:
            services.update_comment_post(update=update, by=request.user, text=form.cleaned_data["text"])
        except ValidationError as error:
            flash_errors(request, error)
        else:
            messages.success(request, _("Your comment is posted."))
    else:
        flash_form_errors(request, form)
    next_url = request.POST.get("next", "")
    if next_url == "pair":
        pair = current_pair_of(enrollment=update.project.enrollment)
        if pair is not None:
            return redirect(reverse("meetings:pair-detail", kwargs={"pk": pair.pk}) + "#project")
    return redirect(reverse("showcase:project-detail", kwargs={"pk": update.project_id}) + f"#update-{update.pk}")


def project_list(request: HttpRequest, pk: int) -> HttpResponse:
    """Where each mentee's project stands: every mentee of the cohort for coordinators,
    their own mentees for a mentor."""
    cohort = cohort_for(request, pk, "cohorts.view_cohort")
    user = request.user
    if user.has_perm("showcase.view_cohort_projects", cohort):
        rows = mentee_projects(cohort=cohort)
        scope = "cohort"
    elif Pair.objects.filter(
        cohort=cohort, mentor__user=user, status__in=[PairStatus.ACTIVE, PairStatus.GRADUATED]
    ).exists():
        rows = mentee_projects(cohort=cohort, mentor=user)
        scope = "mentor"
    else:
        raise PermissionDenied
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    items = with_stage(page.object_list)
    return render(
        request,
        "showcase/project_list.html",
        {"cohort": cohort, "page": page, "items": items, "scope": scope, "Stage": ProjectStage},
    )
