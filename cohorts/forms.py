from django import forms
from django.utils.translation import gettext_lazy as _

from mentorship.dates import SensibleDatesMixin

from . import hooks
from .enums import Audience, EnrollmentStatus, InvitationRole, ParticipantRole
from .models import ChatAlert, Cohort, TrainingModule
from .services.cohorts import COHORT_FIELDS, cohort_dates_check
from .services.imports import MAX_BYTES

DATE_WIDGET = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class CohortForm(SensibleDatesMixin, forms.ModelForm):
    class Meta:
        model = Cohort
        fields = COHORT_FIELDS
        widgets = {
            "description": forms.Textarea(attrs={"rows": 3}),
            **dict.fromkeys(
                (
                    "enrollment_opens_on",
                    "enrollment_closes_on",
                    "training_due_on",
                    "launch_on",
                    "showcase_on",
                    "ends_on",
                ),
                DATE_WIDGET,
            ),
        }

    def __init__(self, *args, program, **kwargs):
        self.program = program
        super().__init__(*args, **kwargs)
        # A phase the program leaves out has no date to set.
        if not program.uses_training:
            del self.fields["training_due_on"]
        if not program.uses_showcase:
            del self.fields["showcase_on"]

    def clean_name(self) -> str:
        name = self.cleaned_data["name"].strip()
        others = Cohort.objects.filter(program=self.program, name__iexact=name)
        if self.instance.pk:
            others = others.exclude(pk=self.instance.pk)
        if others.exists():
            raise forms.ValidationError(_("This program already has a cohort with this name."))
        return name

    def clean(self):
        cleaned = super().clean()
        for field, message in cohort_dates_check(cleaned).items():
            self.add_error(field, message)
        default, maximum = cleaned.get("mentor_default_capacity"), cleaned.get("mentor_max_capacity")
        if default is not None and maximum is not None and default > maximum:
            self.add_error("mentor_default_capacity", _("The default capacity cannot be above the maximum."))
        for name in ("meeting_cadence_days", "term_months", "mentor_max_capacity", "mentor_default_capacity"):
            if cleaned.get(name) == 0:
                self.add_error(name, _("Must be at least 1."))
        return cleaned


class GuidelinesForm(forms.Form):
    guidelines = forms.CharField(
        label=_("Participant guidelines"),
        widget=forms.Textarea(attrs={"rows": 18}),
        help_text=_("Markdown: ## for headings, - for lists, **bold**, [link](https://…)."),
        max_length=20_000,
    )


class AcknowledgeForm(forms.Form):
    acknowledge_guidelines = forms.BooleanField(
        label=_("I have read the participant guidelines and will follow them."), required=True
    )


class ApplyForm(AcknowledgeForm):
    role = forms.ChoiceField(label=_("I apply as"), choices=ParticipantRole.choices, widget=forms.RadioSelect)
    capacity = forms.IntegerField(
        label=_("Mentors: how many mentees can you take?"), required=False, min_value=1, max_value=20
    )

    field_order = ["role", "capacity", "acknowledge_guidelines"]

    def __init__(self, *args, cohort: Cohort, **kwargs):
        self.cohort = cohort
        super().__init__(*args, **kwargs)
        self.fields["capacity"].max_value = cohort.mentor_max_capacity
        self.fields["capacity"].help_text = _("Between 1 and %(max)d; leave empty for %(default)d.") % {
            "max": cohort.mentor_max_capacity,
            "default": cohort.mentor_default_capacity,
        }

    def clean(self):
        cleaned = super().clean()
        capacity = cleaned.get("capacity")
        if cleaned.get("role") == ParticipantRole.MENTEE:
            cleaned["capacity"] = None
        elif capacity is not None and capacity > self.cohort.mentor_max_capacity:
            self.add_error("capacity", _("At most %(max)d.") % {"max": self.cohort.mentor_max_capacity})
        return cleaned


class CapacityForm(forms.Form):
    capacity = forms.IntegerField(label=_("How many mentees you take"), min_value=1)

    def __init__(self, *args, cohort: Cohort, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["capacity"].max_value = cohort.mentor_max_capacity
        self.fields["capacity"].widget.attrs["max"] = cohort.mentor_max_capacity
        self.fields["capacity"].help_text = _("At most %(max)d in this cohort.") % {"max": cohort.mentor_max_capacity}


class InvitationForm(forms.Form):
    full_name = forms.CharField(label=_("Name"), max_length=150, required=False)
    email = forms.EmailField(label=_("Email"), max_length=254)
    role = forms.ChoiceField(
        label=_("Role"), choices=InvitationRole.choices, widget=forms.Select(attrs={"data-invite-role": ""})
    )
    capacity = forms.IntegerField(
        label=_("Mentee capacity (mentors)"),
        min_value=1,
        required=False,
        help_text=_("Mentors only: how many mentees they take. Leave empty for the cohort's default."),
        # static/js/invitations.js shows the field only while the role is mentor.
        widget=forms.NumberInput(attrs={"data-mentor-only": ""}),
    )

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("role") != InvitationRole.MENTOR:
            # Only mentors take mentees: a number left in the field (typed before the role
            # changed, or with the field hidden) is dropped, not held against the invitation.
            self.errors.pop("capacity", None)
            cleaned["capacity"] = None
        return cleaned


class ImportForm(forms.Form):
    file = forms.FileField(
        label=_("CSV file"),
        help_text=_("Columns: name, email, role (mentor, mentee or subcommittee), capacity (mentors, optional)."),
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > MAX_BYTES:
            raise forms.ValidationError(_("The file is larger than 5 MB."))
        raw = upload.read()
        try:
            self.cleaned_data["content"] = raw.decode("utf-8-sig")
        except UnicodeDecodeError:
            raise forms.ValidationError(_("Save the file as CSV with UTF-8 encoding and try again.")) from None
        if "\x00" in self.cleaned_data["content"]:
            raise forms.ValidationError(_("This does not look like a CSV file."))
        return upload


class ImportMappingForm(forms.Form):
    """Each extra column of an upload, for each application questionnaire: the question it
    answers, or nothing. Field ``map_<column>_<questionnaire>``."""

    def __init__(self, *args, columns, questions, initial_mapping, **kwargs):
        super().__init__(*args, **kwargs)
        self.columns, self.questions = columns, questions
        groups = hooks_groups(questions)
        guessed = {
            (e["column"], q.group_id): e["question"]
            for e in initial_mapping
            for q in questions
            if q.id == e["question"]
        }
        self.rows = []
        for column in columns:
            fields = []
            for group_id, title, _roles in groups:
                name = f"map_{column.index}_{group_id}"
                self.fields[name] = forms.TypedChoiceField(
                    label=_("“%(column)s” in %(group)s") % {"column": column.header, "group": title},
                    choices=[("", _("Ignore"))] + [(q.id, q.text) for q in questions if q.group_id == group_id],
                    coerce=int,
                    empty_value=None,
                    required=False,
                    initial=guessed.get((column.index, group_id)),
                    widget=forms.Select(attrs={"class": "form-select form-select-sm"}),
                )
                fields.append(self[name])
            self.rows.append((column, fields))
        self.groups = groups

    def mapping(self) -> list[dict]:
        """The mapping chosen (``cleaned_data`` after ``is_valid()``, else the initial one)."""
        data = self.cleaned_data if hasattr(self, "cleaned_data") else {n: f.initial for n, f in self.fields.items()}
        return [
            {"column": column.index, "header": column.header, "question": data.get(f"map_{column.index}_{group_id}")}
            for column in self.columns
            for group_id, _title, _roles in self.groups
            if data.get(f"map_{column.index}_{group_id}")
        ]


def hooks_groups(questions):
    from .services.import_answers import groups_of  # noqa: PLC0415 -- keep the form module light

    return groups_of(questions)


class SubcommitteeAddForm(forms.Form):
    user = forms.ChoiceField(label=_("Member of the organization"))

    def __init__(self, *args, candidates, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["user"].choices = [("", "—")] + [(u.pk, f"{u.get_full_name()} <{u.email}>") for u in candidates]


class PeopleFilterForm(forms.Form):
    q = forms.CharField(
        label=_("Search"),
        required=False,
        max_length=100,
        widget=forms.TextInput(attrs={"class": "form-control", "type": "search"}),
    )
    role = forms.ChoiceField(
        label=_("Role"),
        required=False,
        choices=[("", _("All roles")), *ParticipantRole.choices],
        widget=forms.Select(attrs={"class": "form-select"}),
    )
    status = forms.ChoiceField(
        label=_("Status"),
        required=False,
        choices=[("", _("All statuses")), *EnrollmentStatus.choices],
        widget=forms.Select(attrs={"class": "form-select"}),
    )


class BulkDecisionForm(forms.Form):
    decision = forms.ChoiceField(
        choices=[
            (EnrollmentStatus.ACCEPTED, _("Accept")),
            (EnrollmentStatus.WAITLISTED, _("Waitlist")),
            (EnrollmentStatus.DECLINED, _("Decline")),
        ]
    )
    enrollments = forms.TypedMultipleChoiceField(coerce=int, choices=[])

    def __init__(self, *args, enrollment_ids, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["enrollments"].choices = [(pk, pk) for pk in enrollment_ids]
        self.fields["enrollments"].error_messages["invalid_choice"] = _(
            "Some of the people chosen are not in this cohort."
        )
        self.fields["enrollments"].error_messages["required"] = _("Tick at least one person.")


class TrainingModuleForm(SensibleDatesMixin, forms.ModelForm):
    class Meta:
        model = TrainingModule
        fields = ["title", "content", "url", "audience", "required", "due_on"]
        widgets = {"content": forms.Textarea(attrs={"rows": 12}), "due_on": DATE_WIDGET}
        help_texts = {"content": _("Markdown: ## headings, - lists, **bold**, [links](https://…).")}

    audience = forms.ChoiceField(label=_("For"), choices=Audience.choices)
    url = forms.URLField(
        label=_("Link"),
        required=False,
        assume_scheme="https",
        help_text=_("Instead of, or besides, the content: a course or video."),
    )


class ChatChannelForm(forms.Form):
    url = forms.URLField(
        label=_("Incoming webhook URL"),
        max_length=500,
        assume_scheme="https",
        help_text=_(
            "Create an incoming webhook in your chat tool (Slack, Mattermost, Rocket.Chat...) for the channel "
            "the coordinators read, and paste its address here."
        ),
    )
    alerts = forms.MultipleChoiceField(
        label=_("Alerts to post"),
        choices=ChatAlert.choices,
        widget=forms.CheckboxSelectMultiple,
        initial=list(ChatAlert.values),
    )
    is_active = forms.BooleanField(label=_("Post alerts to the channel"), required=False, initial=True)


class AnnouncementForm(forms.Form):
    subject = forms.CharField(label=_("Subject"), max_length=200)
    body = forms.CharField(
        label=_("Message"),
        max_length=20_000,
        widget=forms.Textarea(attrs={"rows": 10}),
        help_text=_("Markdown: **bold**, *italic*, lists, [a link](https://example.org)."),
    )
    audience = forms.ChoiceField(label=_("To"))
    role = forms.ChoiceField(
        label=_("Role"),
        required=False,
        choices=[("", _("Mentors and mentees")), *ParticipantRole.choices],
        help_text=_("Narrows the group to mentors or mentees where that applies."),
    )

    def __init__(self, *args, cohort, **kwargs):
        super().__init__(*args, **kwargs)
        choices = []
        for segment in hooks.segments():
            if segment.options is None:
                choices.append((segment.key, segment.label))
                continue
            options = segment.options(cohort)
            if options:
                choices.append((segment.label, [(f"{segment.key}:{value}", label) for value, label in options]))
        self.fields["audience"].choices = choices

    def clean(self):
        data = super().clean()
        segment, _sep, option = data.get("audience", "").partition(":")
        data["segment"], data["option"] = segment, option
        return data
