from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth.decorators import login_not_required
from django.contrib.auth.forms import SetPasswordForm
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from mentorship.form_errors import errors_to_form, flash_errors, flash_form_errors
from mentorship.models import User
from mentorship.tenancy import scope, unscoped

from ..access import cohort_for
from ..enums import InvitationRole, InvitationStatus
from ..forms import AcknowledgeForm, ImportForm, ImportMappingForm, InvitationForm, SubcommitteeAddForm
from ..models import ImportJob, ImportUpload, Invitation, SubcommitteeMember
from ..phases import phase_allows
from ..services import import_answers as answer_services
from ..services import imports as import_services
from ..services import invitations as invitation_services

# The report lists this many problem rows; the rest are counted.
PROBLEMS_SHOWN = 200


def invitation_list(request: HttpRequest, pk: int) -> HttpResponse:
    cohort = cohort_for(request, pk, "cohorts.manage_cohort")
    form = InvitationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            invitation = invitation_services.invitation_create(cohort=cohort, by=request.user, **form.cleaned_data)
        except ValidationError as error:
            errors_to_form(form, error)
        else:
            messages.success(request, _("An invitation is on its way to %(email)s.") % {"email": invitation.email})
            return redirect("cohorts:invitation-list", pk=cohort.pk)
    invitations = cohort.invitations.select_related("accepted_by").order_by("status", "-created_at")
    page = Paginator(invitations, 50).get_page(request.GET.get("page"))
    return render(
        request,
        "cohorts/invitations.html",
        {
            "cohort": cohort,
            "form": form,
            "import_form": ImportForm(),
            "page": page,
            "jobs": cohort.import_jobs.defer("content", "problems")[:5],
            "can_invite": phase_allows(cohort, "invite"),
        },
    )


@require_POST
def invitation_resend(request: HttpRequest, pk: int, invitation_pk: int) -> HttpResponse:
    cohort = cohort_for(request, pk, "cohorts.manage_cohort")
    invitation = get_object_or_404(Invitation, cohort=cohort, pk=invitation_pk)
    try:
        invitation_services.invitation_send(invitation=invitation)
    except ValidationError as error:
        flash_errors(request, error)
    else:
        messages.success(request, _("The invitation was sent again to %(email)s.") % {"email": invitation.email})
    return redirect("cohorts:invitation-list", pk=cohort.pk)


@require_POST
def invitation_revoke(request: HttpRequest, pk: int, invitation_pk: int) -> HttpResponse:
    cohort = cohort_for(request, pk, "cohorts.manage_cohort")
    invitation = get_object_or_404(Invitation, cohort=cohort, pk=invitation_pk)
    invitation_services.invitation_revoke(invitation=invitation)
    messages.success(request, _("The invitation to %(email)s was withdrawn.") % {"email": invitation.email})
    return redirect("cohorts:invitation-list", pk=cohort.pk)


@require_POST
def import_create(request: HttpRequest, pk: int) -> HttpResponse:
    cohort = cohort_for(request, pk, "cohorts.manage_cohort")
    form = ImportForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            started = import_services.import_start(
                cohort=cohort,
                by=request.user,
                filename=form.cleaned_data["file"].name,
                content=form.cleaned_data["content"],
            )
        except ValidationError as error:
            flash_errors(request, error)
        else:
            if isinstance(started, ImportUpload):
                return redirect("cohorts:import-map", pk=cohort.pk, upload_pk=started.pk)
            return redirect("cohorts:import-detail", pk=cohort.pk, job_pk=started.pk)
    else:
        flash_form_errors(request, form)
    return redirect("cohorts:invitation-list", pk=cohort.pk)


def import_map(request: HttpRequest, pk: int, upload_pk: int) -> HttpResponse:
    """The mapping step of an upload with extra columns: each column to a question or
    ignored, a preview of the first rows and every row that does not fit; then import."""
    cohort = cohort_for(request, pk, "cohorts.manage_cohort")
    upload = get_object_or_404(ImportUpload, cohort=cohort, pk=upload_pk)
    columns = answer_services.extra_columns(upload.content)
    questions = answer_services.import_questions(cohort)
    form = ImportMappingForm(
        request.POST or None,
        columns=columns,
        questions=questions,
        initial_mapping=answer_services.mapping_guess(columns, questions),
    )
    if request.method == "POST":
        if request.POST.get("action") == "cancel":
            upload.delete()
            messages.info(request, _("The file was put aside; nothing was imported."))
            return redirect("cohorts:invitation-list", pk=cohort.pk)
        if form.is_valid() and request.POST.get("action") == "import":
            try:
                job = answer_services.import_upload_confirm(upload=upload, mapping=form.mapping(), by=request.user)
            except ValidationError as error:
                for message in error.messages:
                    messages.error(request, message)
                if error.code == "gone":
                    return redirect("cohorts:invitation-list", pk=cohort.pk)
            else:
                return redirect("cohorts:import-detail", pk=cohort.pk, job_pk=job.pk)
    try:
        preview = answer_services.import_preview(cohort=cohort, content=upload.content, mapping=form.mapping())
    except ValidationError as error:
        preview = None
        messages.error(request, " ".join(error.messages))
    return render(
        request,
        "cohorts/import_map.html",
        {
            "cohort": cohort,
            "upload": upload,
            "form": form,
            "preview": preview,
            "mapped_headers": [e["header"] for e in form.mapping()],
            "questions": questions,
            "problems_listed": answer_services.PROBLEMS_LISTED,
        },
    )


def import_detail(request: HttpRequest, pk: int, job_pk: int) -> HttpResponse:
    cohort = cohort_for(request, pk, "cohorts.manage_cohort")
    job = get_object_or_404(ImportJob.objects.defer("content"), cohort=cohort, pk=job_pk)
    template = "cohorts/_import_job.html" if request.htmx else "cohorts/import_detail.html"
    context = {"cohort": cohort, "job": job, "problems_shown": PROBLEMS_SHOWN, "can_manage_job": True}
    return render(request, template, context)


@require_POST
def import_retry(request: HttpRequest, pk: int, job_pk: int) -> HttpResponse:
    cohort = cohort_for(request, pk, "cohorts.manage_cohort")
    job = get_object_or_404(ImportJob, cohort=cohort, pk=job_pk)
    try:
        import_services.import_job_retry(job=job)
    except ValidationError as error:
        flash_errors(request, error)
    return redirect("cohorts:import-detail", pk=cohort.pk, job_pk=job.pk)


@login_not_required
def invitation_respond(request: HttpRequest, signed: str) -> HttpResponse:
    """Where the link in the invitation email lands: sign up or sign in, then join. The signed
    link opens its invitation's organization, whoever follows it."""
    try:
        with unscoped():
            invitation = invitation_services.invitation_resolve(signed=signed)
    except invitation_services.InvitationError as error:
        return render(request, "cohorts/invitation_invalid.html", {"reason": str(error)}, status=410)
    with scope(organization=invitation.organization_id):
        return _invitation_respond(request, invitation)


def _invitation_respond(request: HttpRequest, invitation: Invitation) -> HttpResponse:
    cohort = invitation.cohort
    if not request.user.is_authenticated:
        here = request.get_full_path()
        # Placed in the cohort by an import, the person has an account without a password:
        # the link, sent to their address, lets them choose one.
        account = invitation_services.invitation_account_to_claim(invitation=invitation)
        password_form = SetPasswordForm(account, request.POST or None) if account is not None else None
        if password_form is not None and request.method == "POST" and password_form.is_valid():
            try:
                user = invitation_services.invitation_claim_account(
                    invitation=invitation, password=password_form.cleaned_data["new_password1"]
                )
            except ValidationError as error:
                # Chosen a moment ago in another tab, or the cohort closed: sign in instead.
                messages.error(request, " ".join(error.messages))
                return redirect(reverse("account_login") + "?" + urlencode({"next": here, "login": invitation.email}))
            login(request, user, backend="mentorship.auth_backends.ScopedModelBackend")
            return redirect(here)
        return render(
            request,
            "cohorts/invitation_respond.html",
            {
                "invitation": invitation,
                "cohort": cohort,
                "password_form": password_form,
                "signup_url": reverse("account_signup") + "?" + urlencode({"next": here, "email": invitation.email}),
                "login_url": reverse("account_login") + "?" + urlencode({"next": here, "login": invitation.email}),
            },
        )
    if invitation.status == InvitationStatus.ACCEPTED and invitation.accepted_by_id == request.user.pk:
        return redirect(cohort)
    form = AcknowledgeForm(request.POST or None)
    needs_guidelines = invitation.role != "subcommittee"
    if request.method == "POST" and (form.is_valid() or not needs_guidelines):
        try:
            invitation_services.invitation_accept(
                invitation=invitation, user=request.user, acknowledge_guidelines=form.is_valid()
            )
        except ValidationError as error:
            flash_errors(request, error)
        else:
            review = invitation_services.invitation_answers_url(invitation=invitation)
            if review:
                messages.success(
                    request,
                    _(
                        "Welcome to %(cohort)s! These are the application answers your program imported for you: "
                        "check them, correct what is wrong and save."
                    )
                    % {"cohort": cohort},
                )
                return redirect(review)
            messages.success(request, _("Welcome to %(cohort)s!") % {"cohort": cohort})
            return redirect(cohort)
    return render(
        request,
        "cohorts/invitation_respond.html",
        {"invitation": invitation, "cohort": cohort, "form": form, "needs_guidelines": needs_guidelines},
    )


def subcommittee(request: HttpRequest, pk: int) -> HttpResponse:
    cohort = cohort_for(request, pk, "cohorts.view_participants")
    can_manage = request.user.has_perm("cohorts.manage_cohort", cohort)
    members = list(cohort.subcommittee.select_related("user"))
    seated = {m.user_id for m in members}
    candidates = [
        u
        for u in User.objects.filter(org_memberships__organization_id=cohort.organization_id).order_by("full_name")
        if u.pk not in seated
    ]
    form = SubcommitteeAddForm(request.POST or None, candidates=candidates)
    if request.method == "POST":
        if not can_manage:
            raise PermissionDenied
        if form.is_valid():
            user = next(u for u in candidates if str(u.pk) == form.cleaned_data["user"])
            invitation_services.subcommittee_add(cohort=cohort, user=user)
            messages.success(request, _("%(name)s joined the subcommittee.") % {"name": user})
            return redirect("cohorts:subcommittee", pk=cohort.pk)
    pending = cohort.invitations.filter(role=InvitationRole.SUBCOMMITTEE, status=InvitationStatus.PENDING)
    return render(
        request,
        "cohorts/subcommittee.html",
        {
            "cohort": cohort,
            "members": members,
            "form": form,
            "can_manage": can_manage,
            "pending": pending,
            "invite_form": InvitationForm(initial={"role": "subcommittee"}),
        },
    )


@require_POST
def subcommittee_remove(request: HttpRequest, pk: int, member_pk: int) -> HttpResponse:
    cohort = cohort_for(request, pk, "cohorts.manage_cohort")
    member = get_object_or_404(SubcommitteeMember.objects.select_related("user"), cohort=cohort, pk=member_pk)
    invitation_services.subcommittee_remove(member=member)
    messages.success(request, _("%(name)s left the subcommittee.") % {"name": member.user})
    return redirect("cohorts:subcommittee", pk=cohort.pk)
