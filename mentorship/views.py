from allauth.account import views as allauth_views
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_not_required, login_required
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.templatetags.static import static
from django.utils import translation
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from django.views.generic import DetailView, FormView
from rules.contrib.views import PermissionRequiredMixin

from . import services
from .enums import OrgRole
from .form_errors import errors_to_form
from .forms import ProfileForm, ProgramForm
from .selectors import organizations_for, programs_for


@login_not_required
def favicon(request: HttpRequest) -> HttpResponse:
    # Browsers ask for /favicon.ico whatever the page links; the file lives with the static
    # files (hashed name in production), so this only points there.
    response = redirect(static("favicon.ico"))
    response["Cache-Control"] = "public, max-age=86400"
    return response


@login_required
def home(request: HttpRequest) -> HttpResponse:
    return render(request, "mentorship/home.html")


def profile(request: HttpRequest) -> HttpResponse:
    form = ProfileForm(request.POST or None, instance=request.user)
    if request.method == "POST" and form.is_valid():
        services.user_update_profile(user=request.user, **form.cleaned_data)
        if request.user.language:
            translation.activate(request.user.language)
        messages.success(request, _("Your profile was saved."))
        return redirect("mentorship:profile")
    return render(request, "mentorship/profile.html", {"form": form})


@require_POST
def time_zone_set(request: HttpRequest) -> HttpResponse:
    """The offer shown while a person has no time zone: take the one their browser gave."""
    try:
        services.user_time_zone_set(user=request.user, time_zone=request.POST.get("time_zone", ""))
    except ValidationError as error:
        messages.error(request, error.messages[0])
    else:
        messages.success(request, _("Times are now shown in %(zone)s.") % {"zone": request.user.time_zone})
    target = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        target = "home"
    return redirect(target)


class OrganizationDetailView(PermissionRequiredMixin, DetailView):
    permission_required = "mentorship.view_organization"
    template_name = "mentorship/organization_detail.html"
    context_object_name = "organization"
    # A 403 for a member who may not, a 404 for everybody outside: nothing of another
    # organization is given away, not even that it exists.
    raise_exception = True

    def get_queryset(self):
        return organizations_for(user=self.request.user)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        org = self.object
        context["programs"] = org.programs.all()
        context["coordinators"] = [
            m.user for m in org.memberships.select_related("user") if m.role == OrgRole.COORDINATOR
        ]
        return context


class ProgramDetailView(PermissionRequiredMixin, DetailView):
    permission_required = "mentorship.view_program"
    template_name = "mentorship/program_detail.html"
    context_object_name = "program"
    raise_exception = True

    def get_queryset(self):
        return programs_for(user=self.request.user)


class ProgramCreateView(PermissionRequiredMixin, FormView):
    permission_required = "mentorship.add_program"
    template_name = "mentorship/program_form.html"
    form_class = ProgramForm
    raise_exception = True

    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            return self.handle_no_permission()
        self.organization = get_object_or_404(organizations_for(user=request.user), slug=kwargs["slug"])
        return super().dispatch(request, *args, **kwargs)

    def get_permission_object(self):
        return self.organization

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "organization": self.organization}

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), "organization": self.organization}

    def form_valid(self, form):
        try:
            program = services.program_create(organization=self.organization, **form.cleaned_data)
        except ValidationError as error:
            errors_to_form(form, error)
            return self.form_invalid(form)
        messages.success(self.request, _("The program “%(name)s” was created.") % {"name": program.name})
        return redirect(program)


class ProgramUpdateView(PermissionRequiredMixin, FormView):
    permission_required = "mentorship.change_program"
    template_name = "mentorship/program_form.html"
    form_class = ProgramForm
    raise_exception = True

    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            return self.handle_no_permission()
        self.program = get_object_or_404(programs_for(user=request.user), pk=kwargs["pk"])
        return super().dispatch(request, *args, **kwargs)

    def get_permission_object(self):
        return self.program

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "organization": self.program.organization, "instance": self.program}

    def get_context_data(self, **kwargs):
        return {
            **super().get_context_data(**kwargs),
            "organization": self.program.organization,
            "program": self.program,
        }

    def form_valid(self, form):
        try:
            program = services.program_update(program=self.program, **form.cleaned_data)
        except ValidationError as error:
            errors_to_form(form, error)
            return self.form_invalid(form)
        messages.success(self.request, _("The program was saved."))
        return redirect(program)


organization_detail_view = OrganizationDetailView.as_view()
program_detail_view = ProgramDetailView.as_view()
program_create_view = ProgramCreateView.as_view()
program_update_view = ProgramUpdateView.as_view()


@login_not_required
@require_POST
def language_switch(request: HttpRequest) -> HttpResponse:
    """The language switch in the footer: kept on the person's profile when signed in, and
    in a cookie for everyone (so that the sign-in page after signing out keeps it too)."""
    language = request.POST.get("language", "")
    codes = {code for code, _name in settings.LANGUAGES}
    target = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        target = "/"
    response = redirect(target)
    if language not in codes:
        return response
    if request.user.is_authenticated:
        services.user_set_language(user=request.user, language=language)
    response.set_cookie(
        settings.LANGUAGE_COOKIE_NAME,
        language,
        max_age=365 * 24 * 3600,
        samesite="Lax",
        secure=settings.SESSION_COOKIE_SECURE,
    )
    return response


class SignupView(allauth_views.SignupView):
    """allauth's sign-up, safe against two sign-ups with the same new address at once.

    The form checks that the address is free before it creates the account; between that
    check and the insert another request can create it, and the unique index then refuses
    the second. That request answers as if it had come second all along (a sequential
    duplicate): the form's "already registered" error, or, where addresses must be verified,
    allauth's "account already exists" email, which keeps addresses from being guessed.
    """

    def form_valid(self, form) -> HttpResponse:
        try:
            with transaction.atomic():
                return super().form_valid(form)
        except IntegrityError:
            email = form.cleaned_data.get("email", "")
            try:
                # Sets account_already_exists, or raises where enumeration is not hidden.
                form.validate_unique_email(email)
            except ValidationError as error:
                form.add_error("email", error)
                return self.form_invalid(form)
            if not form.account_already_exists:  # the conflict was not this address: not ours to hide
                raise
            _user, response = form.try_save(self.request)
            return response


signup_view = SignupView.as_view()
