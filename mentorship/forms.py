from allauth.account.forms import LoginForm as AllauthLoginForm
from allauth.account.forms import SignupForm as AllauthSignupForm
from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.utils.translation import gettext_lazy as _

from .enums import OrgRole
from .models import TIME_ZONES, ApiAccess, Delivery, Program, User, WebhookEvent

TIME_ZONE_CHOICES = [(tz, tz.replace("_", " ")) for tz in sorted(TIME_ZONES)]


class LoginForm(AllauthLoginForm):
    """allauth's sign-in, with the address filled in when a link carries it
    (``?login=...``, as the invitation's "I already have an account" does)."""

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        if self.is_bound or self.request is None:
            return
        address = self.request.GET.get("login", "").strip()[:254]
        try:
            validate_email(address)
        except ValidationError:
            return
        self.initial.setdefault("login", address)


class SignupForm(AllauthSignupForm):
    full_name = forms.CharField(
        label=_("Full name"),
        max_length=150,
        widget=forms.TextInput(attrs={"autocomplete": "name"}),
        help_text=_("As you would like mentors, mentees and coordinators to see it."),
    )

    # Filled by static/js/site.js with the browser's zone; empty without JavaScript (the site
    # then offers to set it on every page until the person chooses).
    time_zone = forms.CharField(
        required=False, max_length=64, widget=forms.HiddenInput(attrs={"data-browser-time-zone": ""})
    )

    field_order = ["full_name", "email", "password1", "password2"]

    def clean_time_zone(self) -> str:
        # Not typed by the person: a zone this server does not know is left unset, not an error.
        zone = self.cleaned_data.get("time_zone", "").strip()
        return zone if zone in TIME_ZONES else ""

    def save(self, request):
        user = super().save(request)
        user.full_name = self.cleaned_data["full_name"].strip()
        user.time_zone = self.cleaned_data["time_zone"]
        user.save(update_fields=["full_name", "time_zone"])
        return user


class ProgramForm(forms.ModelForm):
    required_emails = forms.MultipleChoiceField(
        label=_("Emails participants cannot turn off"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_(
            "People choose for themselves how they get each kind of email (right away, in a daily digest, or not "
            "at all). Tick the ones this program needs everybody to get right away."
        ),
    )

    class Meta:
        model = Program
        fields = [
            "name",
            "description",
            "is_active",
            "required_emails",
            "uses_training",
            "uses_showcase",
            "graduation_min_contacts",
            "graduation_requires_project",
            "graduation_requires_final_survey",
        ]
        widgets = {"description": forms.Textarea(attrs={"rows": 4})}

    def __init__(self, *args, organization, **kwargs):
        from .notifications import PROGRAM_OPTIONAL  # noqa: PLC0415 -- notifications import models

        self.organization = organization
        super().__init__(*args, **kwargs)
        self.fields["required_emails"].choices = [(kind.key, kind.label) for kind in PROGRAM_OPTIONAL]

    def clean_name(self) -> str:
        name = self.cleaned_data["name"].strip()
        others = Program.objects.filter(organization=self.organization, name__iexact=name)
        if self.instance.pk:
            others = others.exclude(pk=self.instance.pk)
        if others.exists():
            raise forms.ValidationError(_("This organization already has a program with this name."))
        return name


class ProfileForm(forms.ModelForm):
    time_zone = forms.ChoiceField(
        label=_("Time zone"),
        choices=[("", _("Choose your time zone")), *TIME_ZONE_CHOICES],
        # Preselected with the browser's zone by static/js/site.js while none is chosen.
        widget=forms.Select(attrs={"data-browser-time-zone": ""}),
    )
    language = forms.ChoiceField(
        label=_("Language"),
        required=False,
        help_text=_("The language of the pages and of the emails you get."),
    )

    class Meta:
        model = User
        fields = ["full_name", "time_zone", "language"]
        widgets = {"full_name": forms.TextInput(attrs={"autocomplete": "name"})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["language"].choices = language_choices()

    def clean_full_name(self) -> str:
        name = self.cleaned_data["full_name"].strip()
        if not name:
            raise forms.ValidationError(_("Please give the name people should see."))
        return name


def language_choices() -> list[tuple[str, str]]:
    return [("", _("As my browser prefers")), *settings.LANGUAGES]


class NotificationPreferencesForm(forms.Form):
    """One choice per kind of email: right away, in the daily digest, or off. Kinds that
    every program needs are listed without a choice; kinds a person's program requires
    keep the choice (it applies to their other programs) and say which program overrides it."""

    def __init__(self, *args, user: User, **kwargs):
        from .notifications import G_COORDINATION, KINDS  # noqa: PLC0415 -- notifications import models

        super().__init__(*args, **kwargs)
        chosen = dict(user.notification_preferences.values_list("kind", "delivery"))
        required_by = programs_requiring(user=user)
        coordinates = user.org_memberships.filter(role=OrgRole.COORDINATOR).exists()
        groups: dict[str, list] = {}
        for kind in KINDS.values():
            if not kind.email or (kind.group == G_COORDINATION and not coordinates):
                continue
            entry = {"kind": kind, "field": None, "required_by": required_by.get(kind.key, [])}
            if not kind.always:
                self.fields[kind.key] = forms.ChoiceField(
                    label=kind.label,
                    choices=Delivery.choices,
                    initial=chosen.get(kind.key, Delivery.IMMEDIATE),
                    widget=forms.RadioSelect(attrs={"class": "form-check-input"}),
                )
                entry["field"] = self[kind.key]
            groups.setdefault(str(kind.group), []).append(entry)
        self.groups = list(groups.items())


def programs_requiring(*, user: User) -> dict[str, list[str]]:
    """For each kind of email, the names of the person's programs that require it."""
    names: dict[str, list[str]] = {}
    programs = Program.objects.filter(cohorts__enrollments__user=user).distinct().order_by("name")
    for name, required in programs.values_list("name", "required_emails"):
        for key in required or []:
            names.setdefault(key, []).append(name)
    return names


class ApiTokenForm(forms.Form):
    name = forms.CharField(
        label=_("Name"), max_length=100, help_text=_("What will use the key, e.g. “HR system nightly sync”.")
    )
    access = forms.ChoiceField(label=_("Access"), choices=ApiAccess.choices, initial=ApiAccess.READ)
    can_read_sensitive = forms.BooleanField(
        label=_("May read answers to sensitive questions"),
        required=False,
        help_text=_("Demographic and other answers marked sensitive. Leave this off unless the integration needs them."),
    )


class WebhookForm(forms.Form):
    url = forms.URLField(
        label=_("URL"),
        max_length=500,
        assume_scheme="https",
        help_text=_("Your system's address that receives the events (https, on the public internet)."),
    )
    events = forms.MultipleChoiceField(
        label=_("Events"), choices=WebhookEvent.choices, widget=forms.CheckboxSelectMultiple
    )
    description = forms.CharField(label=_("Description"), max_length=200, required=False)
