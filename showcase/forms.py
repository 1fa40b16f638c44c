import datetime

from django import forms
from django.core.exceptions import ValidationError
from django.template.defaultfilters import filesizeformat
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from mentorship.dates import SensibleDatesMixin
from mentorship.zones import site_today

from .enums import GraduationFilter, TermChoice
from .models.projects import TEXT_MAX, TITLE_MAX
from .services.graduation import REASON_MAX
from .services.terms import NOTE_MAX
from .uploads import ACCEPT_ATTRIBUTE, max_upload_bytes, validate_upload


class ProjectForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=TITLE_MAX)
    summary = forms.CharField(
        label=_("Summary"),
        max_length=TEXT_MAX,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_("What you will build, learn or research. Markdown is fine."),
    )
    goals = forms.CharField(
        label=_("Goals"),
        max_length=TEXT_MAX,
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("What you want to have achieved by the showcase."),
    )


class MilestoneForm(SensibleDatesMixin, forms.Form):
    title = forms.CharField(label=_("Milestone"), max_length=TITLE_MAX)
    due_on = forms.DateField(label=_("Due"), widget=forms.DateInput(attrs={"type": "date"}))


class UpdateForm(forms.Form):
    text = forms.CharField(
        label=_("Your update"),
        max_length=TEXT_MAX,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("What you did, what you learnt, where you are stuck. Your mentor is told."),
    )


class CommentForm(forms.Form):
    text = forms.CharField(label=_("Comment"), max_length=2000, widget=forms.Textarea(attrs={"rows": 2}))


class SubmissionForm(forms.Form):
    summary = forms.CharField(
        label=_("What you will present"),
        max_length=TEXT_MAX,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_("A few sentences for the programme and the showcase page."),
    )
    materials_url = forms.URLField(
        label=_("Link to your materials"),
        max_length=500,
        required=False,
        assume_scheme="https",
        help_text=_("Slides, a repository, a demo."),
    )
    file = forms.FileField(
        label=_("An image or a PDF"),
        required=False,
        widget=forms.FileInput(attrs={"accept": ACCEPT_ATTRIBUTE}),
    )
    remove_file = forms.BooleanField(label=_("Remove the file submitted before"), required=False)
    allow_public = forms.BooleanField(
        label=_("Show my project on the public showcase page"),
        required=False,
        help_text=_("Only if the coordinators publish the showcase; the program's members always see it."),
    )

    def __init__(self, *args, skipped_uploads=(), has_file: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.skipped_uploads = list(skipped_uploads)
        limit = filesizeformat(max_upload_bytes())
        self.fields["file"].help_text = _("PNG, JPEG or WebP image, or PDF; up to %(limit)s.") % {"limit": limit}
        if not has_file:
            del self.fields["remove_file"]

    def clean_file(self):
        upload = self.cleaned_data.get("file")
        if "file" in self.skipped_uploads:
            raise ValidationError(
                _("The file is larger than %(limit)s.") % {"limit": filesizeformat(max_upload_bytes())},
                code="too_large",
            )
        if upload:
            validate_upload(upload)
        return upload


class ShowcaseForm(SensibleDatesMixin, forms.Form):
    title = forms.CharField(label=_("Title"), max_length=200)
    day = forms.DateField(label=_("Date"), widget=forms.DateInput(attrs={"type": "date"}))
    time = forms.TimeField(label=_("Time"), widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M"))
    duration_minutes = forms.IntegerField(label=_("Length (minutes)"), min_value=15, max_value=12 * 60, initial=120)
    slot_minutes = forms.IntegerField(label=_("Minutes per presentation"), min_value=2, max_value=120, initial=10)
    location = forms.CharField(label=_("Place"), max_length=200, required=False)
    video_url = forms.URLField(label=_("Video link"), max_length=500, required=False, assume_scheme="https")
    description = forms.CharField(
        label=_("Description"),
        max_length=TEXT_MAX,
        required=False,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_("Markdown. Shown on the showcase page."),
    )
    is_public = forms.BooleanField(
        label=_("Publish a public page"),
        required=False,
        help_text=_("Anyone with its link sees the showcase and the projects whose mentees allowed it."),
    )

    def __init__(self, *args, **kwargs):
        # Times are typed in the active zone: the person's own (see mentorship.middleware).
        self.zone = timezone.get_current_timezone()
        super().__init__(*args, **kwargs)
        self.fields["time"].help_text = _("In your time zone, %(zone)s.") % {
            "zone": timezone.get_current_timezone_name()
        }

    @classmethod
    def initial_from(cls, showcase) -> dict:
        local = timezone.localtime(showcase.starts_at)
        return {
            "title": showcase.title,
            "day": local.date(),
            "time": local.time().replace(second=0, microsecond=0),
            "duration_minutes": showcase.duration_minutes,
            "slot_minutes": showcase.slot_minutes,
            "location": showcase.location,
            "video_url": showcase.video_url,
            "description": showcase.description,
            "is_public": showcase.is_public,
        }

    def clean(self):
        cleaned = super().clean()
        day, time = cleaned.get("day"), cleaned.get("time")
        if day and time:
            cleaned["starts_at"] = datetime.datetime.combine(day, time, tzinfo=self.zone)
        if not cleaned.get("location", "").strip() and not cleaned.get("video_url"):
            self.add_error("location", _("Give a place, a video link, or both."))
        return cleaned

    def service_fields(self) -> dict:
        data = self.cleaned_data
        return {
            "title": data["title"],
            "starts_at": data["starts_at"].astimezone(datetime.UTC),
            "duration_minutes": data["duration_minutes"],
            "slot_minutes": data["slot_minutes"],
            "location": data["location"],
            "video_url": data["video_url"],
            "description": data["description"],
            "is_public": data["is_public"],
        }


class GraduationSettingsForm(forms.Form):
    min_meetings = forms.IntegerField(
        label=_("Meetings held, at least"),
        min_value=0,
        max_value=100,
        required=False,
        help_text=_("Leave empty for the default: two thirds of the meetings the term and the cadence allow."),
    )
    final_survey = forms.ModelChoiceField(
        label=_("Final survey"),
        queryset=None,
        required=False,
        empty_label=_("The latest check-in (default)"),
        help_text=_("Both people of a pair must have answered it."),
    )

    def __init__(self, *args, surveys, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["final_survey"].queryset = surveys


class GraduateForm(forms.Form):
    pairs = forms.TypedMultipleChoiceField(coerce=int, choices=(), required=True)
    override_reason = forms.CharField(
        label=_("Reason to graduate pairs that have not met every criterion"),
        required=False,
        max_length=REASON_MAX,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Leave empty to graduate only the eligible pairs. The reason is recorded on each pair."),
    )

    def __init__(self, *args, pair_ids: list[int], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["pairs"].choices = [(pk, pk) for pk in pair_ids]
        self.fields["pairs"].error_messages["required"] = _("Choose at least one pair.")
        self.fields["pairs"].error_messages["invalid_choice"] = _("One of the chosen pairs is not in this cohort.")


class GraduationFilterForm(forms.Form):
    show = forms.ChoiceField(
        label=_("Show"),
        choices=GraduationFilter.choices,
        required=False,
        initial=GraduationFilter.TO_GRADUATE,
        widget=forms.Select(attrs={"class": "form-select"}),
    )


class TermChoiceForm(forms.Form):
    choice = forms.ChoiceField(
        label=_("At the end of the term, I would like to"), choices=TermChoice.choices, widget=forms.RadioSelect
    )
    note = forms.CharField(
        label=_("Anything the coordinators should know"),
        max_length=NOTE_MAX,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Only the coordinators read this."),
    )


class TermDecisionForm(SensibleDatesMixin, forms.Form):
    decision = forms.ChoiceField(
        label=_("Decision"),
        choices=TermChoice.choices,
        widget=forms.Select(attrs={"class": "form-select form-select-sm"}),
    )
    new_term_ends_on = forms.DateField(
        label=_("If they continue: the next term ends"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date", "class": "form-control form-control-sm"}),
    )
    note = forms.CharField(
        label=_("Note"),
        max_length=NOTE_MAX,
        required=False,
        widget=forms.TextInput(attrs={"class": "form-control form-control-sm"}),
    )

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("decision") == TermChoice.CONTINUE and not cleaned.get("new_term_ends_on"):
            self.add_error("new_term_ends_on", _("Say when the next term ends."))
        if cleaned.get("new_term_ends_on") and cleaned["new_term_ends_on"] <= site_today():
            self.add_error("new_term_ends_on", _("The next term must end after today."))
        return cleaned
