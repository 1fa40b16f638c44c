from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from mentorship.dates import SensibleDatesMixin
from mentorship.form_errors import errors_to_form

from .enums import ContactKind, GoalStatus, Health, LogOutcome
from .models import Goal
from .models.goals import FRAMEWORK_FIELDS
from .models.meetings import MAX_DURATION_MINUTES, MIN_DURATION_MINUTES
from .models.pairs import MAX_CADENCE_DAYS, MIN_CADENCE_DAYS
from .selectors import ENDED_FILTER
from .services.agenda import AGENDA_ITEM_MAX_LENGTH
from .services.pairs import MESSAGE_MAX_LENGTH
from .services.scheduling import local_to_utc


def shared_notes_field() -> forms.CharField:
    """The notes of a meeting or contact that both people of the pair read."""
    return forms.CharField(
        label=_("Shared notes"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_("Seen by both of you and by the program's coordinators."),
    )


def private_note_field() -> forms.CharField:
    """The note on a meeting or contact that only its author reads."""
    return forms.CharField(
        label=_("Private note"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Seen by you alone."),
    )


class MeetingForm(SensibleDatesMixin, forms.Form):
    """Date and time in the proposer's own time zone; the form gives back ``starts_at`` in UTC."""

    day = forms.DateField(label=_("Date"), widget=forms.DateInput(attrs={"type": "date"}))
    time = forms.TimeField(label=_("Time"), widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M"))
    duration_minutes = forms.IntegerField(
        label=_("Length (minutes)"), min_value=MIN_DURATION_MINUTES, max_value=MAX_DURATION_MINUTES, initial=60
    )
    location = forms.CharField(
        label=_("Place"), max_length=200, required=False, help_text=_("A café, an office, or “online”.")
    )
    video_url = forms.URLField(
        label=_("Video link"), max_length=500, required=False, assume_scheme="https", help_text=_("If you meet online.")
    )

    def __init__(self, *args, user, other=None, **kwargs):
        self.user = user
        super().__init__(*args, **kwargs)
        # Times are typed in the active zone: the person's own (see mentorship.middleware).
        self.zone = timezone.get_current_timezone_name()
        # crispy-bootstrap5 renders help texts unescaped: the other person's name is theirs to
        # choose, so the whole hint is escaped here.
        hint = format_html("{}", _("In your time zone, %(zone)s.") % {"zone": self.zone})
        if other is not None and other.time_zone_name != self.zone:
            other_hint = _("%(name)s is in %(zone)s.") % {"name": other, "zone": other.time_zone_name}
            hint = format_html("{} {}", hint, other_hint)
        self.fields["time"].help_text = hint

    def clean(self):
        cleaned = super().clean()
        day, time = cleaned.get("day"), cleaned.get("time")
        if day and time:
            try:
                cleaned["starts_at"] = local_to_utc(day=day, time=time, time_zone=self.zone)
            except ValidationError as error:
                errors_to_form(self, error)
        return cleaned


class ContactForm(SensibleDatesMixin, forms.Form):
    """A contact that already happened, in one step. The moment is typed in the person's
    own time zone; the form gives back ``happened_at`` in UTC."""

    kind = forms.ChoiceField(
        label=_("How were you in touch?"), choices=ContactKind.choices, widget=forms.RadioSelect, initial="call"
    )
    day = forms.DateField(label=_("Date"), widget=forms.DateInput(attrs={"type": "date"}))
    time = forms.TimeField(label=_("Time"), widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M"))
    held_minutes = forms.IntegerField(
        label=_("How long did it last (minutes)?"),
        min_value=MIN_DURATION_MINUTES,
        max_value=MAX_DURATION_MINUTES,
        required=False,
        help_text=_("Needed for a meeting or a call; optional for an exchange of emails or messages."),
    )
    shared_notes = shared_notes_field()
    private_note = private_note_field()

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.zone = timezone.get_current_timezone_name()
        self.fields["time"].help_text = _("In your time zone, %(zone)s.") % {"zone": self.zone}

    def clean(self):
        cleaned = super().clean()
        day, time = cleaned.get("day"), cleaned.get("time")
        if day and time:
            try:
                cleaned["happened_at"] = local_to_utc(day=day, time=time, time_zone=self.zone)
            except ValidationError as error:
                errors_to_form(self, error)
        return cleaned


class GroupMeetingForm(MeetingForm):
    """A mentor's meeting with several mentees: the topic, the agenda, whom to invite, and
    when and where as for any meeting."""

    title = forms.CharField(label=_("Topic"), max_length=200, help_text=_("Seen by every mentee invited."))
    mentees = forms.TypedMultipleChoiceField(
        label=_("Mentees invited"), coerce=int, widget=forms.CheckboxSelectMultiple, help_text=_("Two or more.")
    )
    agenda = forms.CharField(
        label=_("Agenda"),
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_("One agenda for everybody; you can change it until the meeting."),
    )
    field_order = ["title", "mentees", "day", "time", "duration_minutes", "location", "video_url", "agenda"]

    def __init__(self, *args, pairs, **kwargs):
        super().__init__(*args, **kwargs)
        self.pairs = {pair.pk: pair for pair in pairs}
        self.fields["mentees"].choices = [(pair.pk, str(pair.mentee.user)) for pair in pairs]

    def chosen_pairs(self) -> list:
        return [self.pairs[pk] for pk in self.cleaned_data["mentees"]]


class GroupAgendaForm(forms.Form):
    agenda = forms.CharField(
        label=_("Agenda"), required=False, max_length=5000, widget=forms.Textarea(attrs={"rows": 6})
    )


class GroupLogForm(forms.Form):
    attended = forms.TypedMultipleChoiceField(
        label=_("Who attended?"), coerce=int, widget=forms.CheckboxSelectMultiple, required=False
    )
    held_minutes = forms.IntegerField(
        label=_("How long did it last (minutes)?"), min_value=MIN_DURATION_MINUTES, max_value=MAX_DURATION_MINUTES
    )
    shared_notes = forms.CharField(
        label=_("Shared notes"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_("Read by the mentees who attended (not by those absent) and by the program's coordinators."),
    )

    def __init__(self, *args, seats, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["attended"].choices = [(seat.pair_id, str(seat.pair.mentee.user)) for seat in seats]


class AgendaItemForm(forms.Form):
    text = forms.CharField(label=_("Add an item"), max_length=AGENDA_ITEM_MAX_LENGTH)


class LogForm(forms.Form):
    outcome = forms.ChoiceField(label=_("What happened?"), choices=LogOutcome.choices, widget=forms.RadioSelect)
    held_minutes = forms.IntegerField(
        label=_("How long did it last (minutes)?"),
        min_value=MIN_DURATION_MINUTES,
        max_value=MAX_DURATION_MINUTES,
        required=False,
    )
    shared_notes = shared_notes_field()
    private_note = private_note_field()
    # The meeting's version when the form was drawn (see ``meeting_log``).
    version = forms.CharField(required=False, widget=forms.HiddenInput)

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("outcome") == LogOutcome.HELD and not cleaned.get("held_minutes"):
            self.add_error("held_minutes", _("How long did it last?"))
        return cleaned


class ActionItemForm(SensibleDatesMixin, forms.Form):
    """One new action item; a row left empty is ignored."""

    text = forms.CharField(label=_("Action item"), max_length=300, required=False)
    owner = forms.TypedChoiceField(label=_("Owner"), coerce=int, required=False, empty_value=None)
    due_on = forms.DateField(label=_("Due"), required=False, widget=forms.DateInput(attrs={"type": "date"}))

    def __init__(self, *args, pair, **kwargs):
        self.pair = pair
        super().__init__(*args, **kwargs)
        self.people = {pair.mentee.user_id: pair.mentee.user, pair.mentor.user_id: pair.mentor.user}
        self.fields["owner"].choices = [
            (pair.mentee.user_id, _("%(name)s (mentee)") % {"name": pair.mentee.user}),
            (pair.mentor.user_id, _("%(name)s (mentor)") % {"name": pair.mentor.user}),
        ]

    def clean(self):
        cleaned = super().clean()
        text = (cleaned.get("text") or "").strip()
        if not text:
            if cleaned.get("due_on"):
                self.add_error("text", _("Describe the action item, or clear its due date."))
            cleaned["empty"] = True
            return cleaned
        if cleaned.get("owner") is None:
            self.add_error("owner", _("Who will do it?"))
        cleaned["empty"] = False
        return cleaned

    def as_item(self) -> dict | None:
        if self.cleaned_data.get("empty", True):
            return None
        return {
            "text": self.cleaned_data["text"].strip(),
            "owner": self.people[self.cleaned_data["owner"]],
            "due_on": self.cleaned_data.get("due_on"),
        }


ActionItemFormSet = forms.formset_factory(ActionItemForm, extra=3, max_num=10, validate_max=True)


class CancelForm(forms.Form):
    reason = forms.CharField(
        label=_("Why (optional)"),
        max_length=500,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Added to the shared notes."),
    )


class PrivateNoteForm(forms.Form):
    text = forms.CharField(
        label=_("Your private note"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Seen by you alone: not by the other person, not by the coordinators."),
    )


class GoalForm(SensibleDatesMixin, forms.Form):
    """A goal's common fields and the fields of its framework (each required)."""

    title = forms.CharField(label=_("Title"), max_length=200, help_text=_("Your goal in a few words."))
    status = forms.ChoiceField(label=_("Status"), choices=GoalStatus.choices, initial=GoalStatus.NOT_STARTED)
    progress = forms.IntegerField(label=_("Progress (%)"), min_value=0, max_value=100, initial=0)
    target_on = forms.DateField(label=_("Target date"), required=False, widget=forms.DateInput(attrs={"type": "date"}))

    def __init__(self, *args, framework: str, **kwargs):
        self.framework = framework
        super().__init__(*args, **kwargs)
        for name in FRAMEWORK_FIELDS[framework]:
            model_field = Goal._meta.get_field(name)
            self.fields[name] = forms.CharField(
                label=model_field.verbose_name,
                help_text=model_field.help_text,
                widget=forms.Textarea(attrs={"rows": 3}),
            )

    @classmethod
    def initial_for(cls, goal: Goal) -> dict:
        names = ["title", "status", "progress", "target_on", *FRAMEWORK_FIELDS[goal.framework]]
        return {name: getattr(goal, name) for name in names}


class CadenceForm(forms.Form):
    cadence_days = forms.IntegerField(
        label=_("Meet every (days)"),
        min_value=MIN_CADENCE_DAYS,
        max_value=MAX_CADENCE_DAYS,
        required=False,
        help_text=_("Leave empty to follow the cohort's cadence."),
    )


class MessageForm(forms.Form):
    text = forms.CharField(label=_("Message"), max_length=MESSAGE_MAX_LENGTH, widget=forms.Textarea(attrs={"rows": 3}))


class HealthFilterForm(forms.Form):
    health = forms.ChoiceField(
        label=_("Show"),
        required=False,
        choices=[("", _("All active pairs")), *Health.choices, (ENDED_FILTER, _("Ended or graduated"))],
    )
