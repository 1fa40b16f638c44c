from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt, csrf_protect
from django.views.decorators.http import require_POST

from cohorts.enums import EnrollmentStatus, ParticipantRole
from cohorts.phases import phase_allows
from mentorship.form_errors import errors_to_form, flash_errors
from mentorship.tenancy import scope, unscoped

from ..enums import FileKind
from ..forms import ShowcaseForm, SubmissionForm
from ..models import Showcase, Submission
from ..selectors.projects import programme
from ..services import showcase as services
from ..uploads import SizeLimitUploadHandler
from .access import (
    cohort_for,
    managed_submission,
    own_submission_project,
    submission_for,
)

PAGE_SIZE = 24


def _submissions(showcase: Showcase, *, public: bool):
    submissions = showcase.submissions.select_related("project__enrollment__user").order_by(
        "project__enrollment__user__full_name", "pk"
    )
    if public:
        submissions = submissions.filter(allow_public=True)
    return submissions


def showcase_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """The showcase for the people of the program: every submitted project."""
    cohort = cohort_for(request, pk, "showcase.view_showcase")
    showcase = Showcase.objects.filter(cohort=cohort).first()
    can_manage = request.user.has_perm("showcase.manage_showcase", cohort)
    context = {"cohort": cohort, "showcase": showcase, "can_manage": can_manage}
    if showcase is not None:
        context["programme"] = programme(showcase=showcase)
        context["page"] = Paginator(_submissions(showcase, public=False), PAGE_SIZE).get_page(request.GET.get("page"))
        if can_manage and showcase.is_public:
            context["public_url"] = request.build_absolute_uri(showcase.get_public_url())
    own = cohort.enrollments.filter(
        user=request.user, role=ParticipantRole.MENTEE, status=EnrollmentStatus.ACCEPTED
    ).first()
    if own is not None:
        context["own_project"] = getattr(own, "showcase_project", None)
    return render(request, "showcase/showcase_detail.html", context)


def showcase_update(request: HttpRequest, pk: int) -> HttpResponse:
    cohort = cohort_for(request, pk, "showcase.manage_showcase")
    showcase = Showcase.objects.filter(cohort=cohort).first()
    if showcase is not None:
        initial = ShowcaseForm.initial_from(showcase)
    else:
        initial = {"title": _("%(cohort)s showcase") % {"cohort": cohort.name}, "day": cohort.showcase_on}
    form = ShowcaseForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            showcase = services.showcase_save(cohort=cohort, by=request.user, **form.service_fields())
        except ValidationError as error:
            errors_to_form(form, error)
        else:
            messages.success(request, _("The showcase was saved."))
            return redirect(showcase)
    return render(request, "showcase/showcase_form.html", {"form": form, "cohort": cohort, "showcase": showcase})


def programme_edit(request: HttpRequest, pk: int) -> HttpResponse:
    cohort = cohort_for(request, pk, "showcase.manage_showcase")
    showcase = Showcase.objects.filter(cohort=cohort).first()
    if showcase is None:
        messages.info(request, _("Set up the showcase first."))
        return redirect("showcase:showcase-update", pk=cohort.pk)
    waiting = showcase.submissions.filter(position__isnull=True).select_related("project__enrollment__user")
    return render(
        request,
        "showcase/programme_edit.html",
        {
            "cohort": cohort,
            "showcase": showcase,
            "programme": programme(showcase=showcase),
            "waiting": Paginator(waiting.order_by("submitted_at", "pk"), PAGE_SIZE).get_page(request.GET.get("page")),
        },
    )


@require_POST
def programme_change(request: HttpRequest, pk: int) -> HttpResponse:
    submission = managed_submission(request, pk)
    action = request.POST.get("action", "")
    try:
        if action == "add":
            services.programme_add(submission=submission)
        elif action == "remove":
            services.programme_remove(submission=submission)
        elif action in ("up", "down"):
            services.programme_move(submission=submission, direction=action)
        else:
            raise ValidationError(_("Unknown change to the programme."))
    except ValidationError as error:
        flash_errors(request, error)
    return redirect(reverse("showcase:programme-edit", kwargs={"pk": submission.showcase.cohort_id}) + "#programme")


@require_POST
def programme_add_all(request: HttpRequest, pk: int) -> HttpResponse:
    cohort = cohort_for(request, pk, "showcase.manage_showcase")
    showcase = get_object_or_404(Showcase, cohort=cohort)
    try:
        added = services.programme_add_all(showcase=showcase)
    except ValidationError as error:
        flash_errors(request, error)
    else:
        messages.success(request, _("%(n)d project(s) added to the programme.") % {"n": added})
    return redirect(reverse("showcase:programme-edit", kwargs={"pk": cohort.pk}) + "#programme")


@csrf_exempt
def submission_edit(request: HttpRequest, pk: int) -> HttpResponse:
    # The size limit must apply while the file streams in, before the CSRF check reads the
    # body: the check is made just after, by csrf_protect.
    request.upload_handlers.insert(0, SizeLimitUploadHandler(request))
    return _submission_edit(request, pk)


@csrf_protect
def _submission_edit(request: HttpRequest, pk: int) -> HttpResponse:
    project = own_submission_project(request, pk)
    cohort = project.enrollment.cohort
    showcase = Showcase.objects.filter(cohort=cohort).first()
    submission = Submission.objects.filter(project=project).first()
    if showcase is None:
        messages.info(request, _("The coordinators have not set up the showcase yet; you can submit once they have."))
        return redirect(project)
    if submission is not None:
        initial = {
            "summary": submission.summary,
            "materials_url": submission.materials_url,
            "allow_public": submission.allow_public,
        }
    else:
        initial = {"summary": project.summary}
    form = SubmissionForm(
        request.POST or None,
        request.FILES or None,
        initial=initial,
        skipped_uploads=getattr(request, "skipped_uploads", ()),
        has_file=bool(submission and submission.file),
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.submission_save(
                project=project,
                by=request.user,
                summary=data["summary"],
                materials_url=data["materials_url"],
                allow_public=data["allow_public"],
                upload=data.get("file") or None,
                remove_file=data.get("remove_file", False),
            )
        except ValidationError as error:
            errors_to_form(form, error)
        else:
            messages.success(
                request,
                _("Your project is submitted to the showcase.")
                if submission is None
                else _("Your submission was saved."),
            )
            return redirect(project)
    return render(
        request,
        "showcase/submission_form.html",
        {
            "form": form,
            "project": project,
            "cohort": cohort,
            "showcase": showcase,
            "submission": submission,
            "open": phase_allows(cohort, "showcase"),
        },
    )


@require_POST
def submission_withdraw(request: HttpRequest, pk: int) -> HttpResponse:
    project = own_submission_project(request, pk)
    submission = Submission.objects.filter(project=project).first()
    if submission is None:
        messages.info(request, _("Your project was not submitted."))
        return redirect(project)
    try:
        services.submission_withdraw(submission=submission, by=request.user)
    except ValidationError as error:
        flash_errors(request, error)
    else:
        messages.success(request, _("Your project was withdrawn from the showcase."))
    return redirect(project)


def _file_response(submission: Submission) -> FileResponse:
    if not submission.file:
        raise Http404
    try:
        handle = submission.file.storage.open(submission.file.name, "rb")
    except FileNotFoundError:
        raise Http404 from None
    is_image = submission.file_kind == FileKind.IMAGE
    response = FileResponse(
        handle,
        # PDFs are downloaded, never rendered in our origin; images are shown inline.
        as_attachment=not is_image,
        filename=submission.file_name or "file",
        content_type=submission.file_content_type or "application/octet-stream",
    )
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    response["Cache-Control"] = "private, max-age=300"
    return response


def submission_file(request: HttpRequest, pk: int) -> HttpResponse:
    submission = submission_for(request, pk)
    cohort = submission.showcase.cohort
    user = request.user
    if not (
        user.has_perm("showcase.view_showcase", cohort) or user.has_perm("showcase.view_project", submission.project)
    ):
        raise PermissionDenied
    return _file_response(submission)


def _public_showcase(token: str) -> Showcase:
    # The token says which organization the page belongs to: looked up in all of them.
    with unscoped():
        showcase = (
            Showcase.objects.filter(public_token=token, is_public=True)
            .select_related("cohort__program__organization")
            .first()
        )
    if showcase is None:
        raise Http404
    return showcase


@login_not_required
def showcase_public(request: HttpRequest, token: str) -> HttpResponse:
    """The public page: only if the coordinators published the showcase, and only the
    projects whose mentees allowed it."""
    showcase = _public_showcase(token)
    with scope(organization=showcase.organization_id):
        scheduled = [(s, start) for s, start in programme(showcase=showcase) if s.allow_public]
        page = Paginator(_submissions(showcase, public=True), PAGE_SIZE).get_page(request.GET.get("page"))
        return render(
            request,
            "showcase/showcase_public.html",
            {"showcase": showcase, "cohort": showcase.cohort, "programme": scheduled, "page": page},
        )


@login_not_required
def public_file(request: HttpRequest, token: str, pk: int) -> HttpResponse:
    showcase = _public_showcase(token)
    with scope(organization=showcase.organization_id):
        submission = get_object_or_404(
            Submission.objects.select_related("project__enrollment__user"), pk=pk, showcase=showcase, allow_public=True
        )
        return _file_response(submission)
