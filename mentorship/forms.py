from allauth.account.forms import SignupForm as AllauthSignupForm
from django import forms
from django.utils.translation import gettext_lazy as _

from .models import TIME_ZONES, Program, User

TIME_ZONE_CHOICES = [(tz, tz.replace("_", " ")) for tz in sorted(TIME_ZONES)]


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
    class Meta:
        model = Program
        fields = ["name", "description", "is_active"]
        widgets = {"description": forms.Textarea(attrs={"rows": 4})}

    def __init__(self, *args, organization, **kwargs):
        self.organization = organization
        super().__init__(*args, **kwargs)

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

    class Meta:
        model = User
        fields = ["full_name", "time_zone"]
        widgets = {"full_name": forms.TextInput(attrs={"autocomplete": "name"})}

    def clean_full_name(self) -> str:
        name = self.cleaned_data["full_name"].strip()
        if not name:
            raise forms.ValidationError(_("Please give the name people should see."))
        return name
