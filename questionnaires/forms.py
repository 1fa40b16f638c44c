"""HTTP input of the questionnaires app, validated before it reaches a service."""

from django import forms
from django.core.exceptions import ValidationError
from django.forms import formset_factory
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from django_countries import countries

from mentorship.dates import SensibleDatesMixin
from mentorship.form_errors import errors_to_form

from .enums import CHOICE_TYPES, MatchingKey, QuestionType
from .models import Question, Questionnaire, Section, SendRule
from .services.builder import ChoiceSpec
from .timezones import time_zone_choices
from .validators import LONG_TEXT_MAX, NO, SHORT_TEXT_MAX, YES, clean_answer, raw_from_value

# --- Builder ------------------------------------------------------------------------------


class DateTimeLocalInput(forms.DateTimeInput):
    input_type = "datetime-local"

    def __init__(self, attrs=None):
        super().__init__(attrs, format="%Y-%m-%dT%H:%M")


class QuestionnaireForm(SensibleDatesMixin, forms.ModelForm):
    class Meta:
        model = Questionnaire
        fields = ["title", "intro", "kind", "audience", "closes_at", "reminder_days"]
        widgets = {"intro": forms.Textarea(attrs={"rows": 3}), "closes_at": DateTimeLocalInput()}


class SectionForm(forms.ModelForm):
    class Meta:
        model = Section
        fields = ["title", "description"]
        widgets = {"description": forms.Textarea(attrs={"rows": 2})}


OTHER = "__other__"


class QuestionForm(forms.ModelForm):
    criterion = forms.ChoiceField(
        label=_("Feeds matching criterion"),
        required=False,
        help_text=_("The matching engine pairs a mentee question with a mentor question of the same criterion."),
    )
    criterion_name = forms.SlugField(
        label=_("Name of another criterion"),
        required=False,
        max_length=60,
        help_text=_("Only when you chose “another criterion”: a short name, e.g. languages."),
    )

    class Meta:
        model = Question
        fields = [
            "text",
            "help_text",
            "type",
            "required",
            "section",
            "sensitive",
            "max_choices",
            "min_value",
            "max_value",
            "unit",
            "scale_min_label",
            "scale_max_label",
        ]
        widgets = {"type": forms.Select(attrs={"data-question-type": ""})}

    def __init__(self, *args, questionnaire: Questionnaire, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["section"].queryset = questionnaire.sections.all()
        self.fields["section"].empty_label = _("(no section)")
        self.fields["criterion"].choices = [
            ("", _("(none)")),
            *MatchingKey.choices,
            (OTHER, _("Another criterion…")),
        ]
        current = self.instance.matching_key if self.instance.pk else ""
        if current and current not in MatchingKey.values:
            self.initial.update(criterion=OTHER, criterion_name=current)
        else:
            self.initial.setdefault("criterion", current)
        for name in ("max_choices", "min_value", "max_value", "unit", "scale_min_label", "scale_max_label"):
            self.fields[name].widget.attrs["data-for-types"] = {
                "max_choices": QuestionType.MULTIPLE_CHOICE,
                "min_value": QuestionType.NUMBER,
                "max_value": QuestionType.NUMBER,
                "unit": QuestionType.NUMBER,
                "scale_min_label": QuestionType.SCALE,
                "scale_max_label": QuestionType.SCALE,
            }[name]

    def clean(self):
        cleaned = super().clean()
        criterion = cleaned.get("criterion")
        if criterion == OTHER:
            if not cleaned.get("criterion_name"):
                self.add_error("criterion_name", _("Name the criterion."))
            cleaned["matching_key"] = (cleaned.get("criterion_name") or "").replace("-", "_")
        else:
            cleaned["matching_key"] = criterion or ""
        return cleaned

    def service_fields(self) -> dict:
        data = {name: self.cleaned_data[name] for name in self.Meta.fields}
        data["matching_key"] = self.cleaned_data["matching_key"]
        if data["type"] != QuestionType.MULTIPLE_CHOICE:
            data["max_choices"] = None
        if data["type"] != QuestionType.NUMBER:
            data["min_value"] = data["max_value"] = None
            data["unit"] = ""
        return data


class ChoiceForm(forms.Form):
    pk = forms.IntegerField(widget=forms.HiddenInput, required=False)
    label = forms.CharField(label=_("Choice"), max_length=200, required=False)
    retired = forms.BooleanField(
        label=_("Retired"), required=False, help_text=_("Kept in past answers, no longer offered.")
    )


ChoiceFormSet = formset_factory(ChoiceForm, extra=3, can_delete=True, can_order=True, max_num=50, absolute_max=60)


def choice_specs(formset) -> list[ChoiceSpec]:
    rows = [f for f in formset.forms if f.has_changed() or f.cleaned_data.get("pk")]
    ordered = sorted(
        enumerate(rows),
        key=lambda item: (item[1].cleaned_data.get("ORDER") is None, item[1].cleaned_data.get("ORDER") or 0, item[0]),
    )
    return [
        ChoiceSpec(
            pk=form.cleaned_data.get("pk"),
            label=form.cleaned_data.get("label") or "",
            retired=bool(form.cleaned_data.get("retired")),
            delete=bool(form.cleaned_data.get("DELETE")),
        )
        for _, form in ordered
    ]


def choice_initial(question: Question | None) -> list[dict]:
    if question is None:
        return []
    return [
        {"pk": c.pk, "label": c.label, "retired": c.retired_at is not None, "ORDER": i}
        for i, c in enumerate(question.choices.all(), start=1)
    ]


class SendRuleForm(SensibleDatesMixin, forms.ModelForm):
    class Meta:
        model = SendRule
        fields = [
            "trigger",
            "phase",
            "offset",
            "unit",
            "direction",
            "anchor",
            "repeat_every",
            "repeat_unit",
            "from_event",
            "from_date",
            "until_event",
            "until_date",
        ]
        widgets = {
            "trigger": forms.RadioSelect,
            "from_date": forms.DateInput(attrs={"type": "date"}),
            "until_date": forms.DateInput(attrs={"type": "date"}),
        }
        help_texts = {
            "repeat_every": _("Recurring only: for a monthly check-in, every 1 month."),
            "from_event": _(
                "Recurring only: the first one goes out one interval after this (a month after launch, "
                "for a monthly check-in)."
            ),
            "until_event": _("Recurring only: the last one goes out on or before this."),
        }

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("trigger") == "phase" and not cleaned.get("phase"):
            self.add_error("phase", _("Choose the phase."))
        if cleaned.get("trigger") == "date" and not cleaned.get("anchor"):
            self.add_error("anchor", _("Choose the cohort date to count from."))
        return cleaned


class ExportForm(forms.Form):
    include_sensitive = forms.BooleanField(
        label=_("Include the answers to sensitive questions"),
        required=False,
        help_text=_("Only if you need them: the file then holds answers people gave in confidence."),
    )


class PeopleFilterForm(forms.Form):
    STATUS_CHOICES = [
        ("", _("Everyone")),
        ("submitted", _("Submitted")),
        ("draft", _("Draft")),
        ("not_started", _("Not started")),
    ]
    q = forms.CharField(label=_("Name or email"), required=False, max_length=100)
    status = forms.ChoiceField(label=_("Status"), choices=STATUS_CHOICES, required=False)


# --- Filling in ---------------------------------------------------------------------------


class RawField(forms.Field):
    """Passes the raw input through: the answer validators judge it, with their own messages."""

    def __init__(self, *, many: bool = False, **kwargs):
        self.many = many
        super().__init__(required=False, **kwargs)

    def to_python(self, value):
        if self.many:
            return [str(v) for v in (value or [])]
        return "" if value is None else str(value)


class ScaleRadioSelect(forms.RadioSelect):
    pass


def _field_for(question: Question) -> RawField:
    kind = question.type
    attrs = {}
    if kind in (QuestionType.SINGLE_CHOICE, QuestionType.MULTIPLE_CHOICE):
        choices = [(str(c.pk), c.label) for c in question.offered_choices]
        if kind == QuestionType.SINGLE_CHOICE:
            return RawField(widget=forms.RadioSelect(attrs={"class": "form-check-input"}, choices=choices))
        return RawField(
            many=True, widget=forms.CheckboxSelectMultiple(attrs={"class": "form-check-input"}, choices=choices)
        )
    if kind == QuestionType.SCALE:
        labels = {1: question.scale_min_label, 5: question.scale_max_label}
        choices = [(str(n), f"{n} – {labels[n]}" if labels.get(n) else str(n)) for n in range(1, 6)]
        return RawField(widget=ScaleRadioSelect(attrs={"class": "form-check-input"}, choices=choices))
    if kind == QuestionType.YES_NO:
        return RawField(
            widget=forms.RadioSelect(attrs={"class": "form-check-input"}, choices=[(YES, _("Yes")), (NO, _("No"))])
        )
    if kind == QuestionType.LONG_TEXT:
        return RawField(widget=forms.Textarea(attrs={"class": "form-control", "rows": 4, "maxlength": LONG_TEXT_MAX}))
    if kind == QuestionType.NUMBER:
        attrs = {"class": "form-control", "inputmode": "decimal", "step": "any"}
        if question.min_value is not None:
            attrs["min"] = question.min_value
        if question.max_value is not None:
            attrs["max"] = question.max_value
        return RawField(widget=forms.NumberInput(attrs=attrs))
    if kind == QuestionType.DATE:
        return RawField(widget=forms.DateInput(attrs={"class": "form-control", "type": "date"}))
    if kind == QuestionType.TIME_ZONE:
        return RawField(
            widget=forms.Select(
                attrs={"class": "form-select"}, choices=[("", _("Choose a time zone")), *time_zone_choices()]
            )
        )
    if kind == QuestionType.COUNTRY:
        return RawField(
            widget=forms.Select(attrs={"class": "form-select"}, choices=[("", _("Choose a country")), *countries])
        )
    return RawField(widget=forms.TextInput(attrs={"class": "form-control", "maxlength": SHORT_TEXT_MAX}))


def field_name(question: Question) -> str:
    return f"q_{question.pk}"


class ResponseForm(forms.Form):
    """The questions of a questionnaire as one form. ``submit`` decides whether required
    questions must be answered (a draft may leave them empty)."""

    # Hidden: a bad value comes from an old or altered page, not from the person's answers.
    revision = forms.IntegerField(
        widget=forms.HiddenInput,
        min_value=0,
        error_messages={
            "required": _("This page is out of date; reload it and answer again."),
            "invalid": _("This page is out of date; reload it and answer again."),
            "min_value": _("This page is out of date; reload it and answer again."),
        },
    )

    def __init__(self, *args, questions: list[Question], answers: dict | None = None, revision: int = 0, **kwargs):
        super().__init__(*args, **kwargs)
        self.questions = questions
        self.submit = bool(self.data.get("submit")) if self.is_bound else False
        self.fields["revision"].initial = revision
        answers = answers or {}
        for question in questions:
            name = field_name(question)
            field = _field_for(question)
            field.label = question.text
            # Typed by a coordinator: escaped here, as crispy would show it as it is.
            field.help_text = format_html("{}", question.help_text) if question.help_text else ""
            described = [f"{name}_help"] if question.help_text else []
            described.append(f"{name}_error")
            field.widget.attrs["aria-describedby"] = " ".join(described)
            if question.required and question.type not in CHOICE_TYPES | {QuestionType.SCALE, QuestionType.YES_NO}:
                field.widget.attrs["aria-required"] = "true"
            self.fields[name] = field
            answer = answers.get(question.pk)
            if answer is not None:
                self.initial[name] = raw_from_value(question, answer.value, question.offered_choices)

    def clean(self):
        cleaned = super().clean()
        tampered = [key for key in self.data if key.startswith("q_") and key not in self.fields]
        if tampered:
            raise ValidationError(_("The form contained answers to questions that are not on it."), code="tampered")
        for question in self.questions:
            name = field_name(question)
            try:
                clean_answer(
                    question,
                    cleaned.get(name),
                    choices=question.offered_choices,
                    required=self.submit and question.required,
                )
            except ValidationError as error:
                self.add_error(name, error)
        return cleaned

    def raw_answers(self) -> dict[int, object]:
        return {question.pk: self.cleaned_data.get(field_name(question)) for question in self.questions}

    def add_service_errors(self, error: ValidationError) -> None:
        """Errors the service found (keyed by question id) shown next to their fields."""
        errors_to_form(self, error, field_name=lambda key: f"q_{key}")

    def entries(self):
        """(question, bound field) in form order, with is-invalid marked for the widgets."""
        for question in self.questions:
            bound = self[field_name(question)]
            if bound.errors:
                css = bound.field.widget.attrs.get("class", "")
                bound.field.widget.attrs["class"] = f"{css} is-invalid".strip()
                bound.field.widget.attrs["aria-invalid"] = "true"
            yield question, bound
