from django import forms
from django.utils.translation import gettext_lazy as _

from cohorts.enums import ACTIVE_ENROLLMENT_STATUSES, EnrollmentStatus, ParticipantRole
from cohorts.models import Cohort, Enrollment, Pair, PairEndKind, PairStatus
from questionnaires.models import Question

from .enums import KIND_HELP, CriterionKind, ExclusionReason, ProposalStatus, Threshold, VoteChoice
from .models import MatchingCriterion
from .models.criteria import MAX_WEIGHT
from .selectors import application_questions


class QuestionChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Question) -> str:
        return f"{obj.text} ({obj.get_type_display()}, {obj.questionnaire.title})"


class PersonChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Enrollment) -> str:
        return f"{obj.user.get_full_name()} <{obj.user.email}>"


class CriterionForm(forms.ModelForm):
    class Meta:
        model = MatchingCriterion
        fields = ["label", "mentee_question", "mentor_question", "kind", "weight", "hard", "scale"]
        widgets = {"kind": forms.RadioSelect}

    def __init__(self, *args, cohort: Cohort, **kwargs):
        super().__init__(*args, **kwargs)
        self.cohort = cohort
        self.fields["mentee_question"] = QuestionChoiceField(
            label=_("Mentee question"),
            queryset=application_questions(cohort=cohort, role=ParticipantRole.MENTEE),
            help_text=_("Application questions that feed matching (set in the questionnaire builder)."),
        )
        self.fields["mentor_question"] = QuestionChoiceField(
            label=_("Mentor question"),
            queryset=application_questions(cohort=cohort, role=ParticipantRole.MENTOR),
        )
        self.fields["kind"].choices = [
            (value, f"{label}: {KIND_HELP[value]}") for value, label in CriterionKind.choices
        ]
        self.fields["weight"].widget.attrs.update({"min": 0, "max": MAX_WEIGHT})

    def clean_label(self) -> str:
        label = self.cleaned_data["label"].strip()
        if not label:
            raise forms.ValidationError(_("Name the criterion."))
        return label


class MatchingSettingsForm(forms.Form):
    threshold = forms.ChoiceField(
        label=_("Votes needed"),
        choices=Threshold.choices,
        help_text=_("Of the members who have not recused, how many must agree to approve or to reject."),
    )
    min_votes = forms.IntegerField(
        label=_("Quorum"),
        min_value=1,
        max_value=20,
        help_text=_("The fewest agreeing votes that decide, however many members recuse."),
    )


class ExclusionForm(forms.Form):
    mentee = PersonChoiceField(label=_("Mentee"), queryset=Enrollment.objects.none())
    mentor = PersonChoiceField(label=_("Mentor"), queryset=Enrollment.objects.none())
    reason = forms.ChoiceField(label=_("Reason"), choices=ExclusionReason.choices)
    note = forms.CharField(label=_("Note"), max_length=300, required=False)

    def __init__(self, *args, cohort: Cohort, **kwargs):
        super().__init__(*args, **kwargs)
        people = Enrollment.objects.filter(cohort=cohort, status__in=ACTIVE_ENROLLMENT_STATUSES).select_related("user")
        self.fields["mentee"].queryset = people.filter(role=ParticipantRole.MENTEE).order_by("user__full_name", "pk")
        self.fields["mentor"].queryset = people.filter(role=ParticipantRole.MENTOR).order_by("user__full_name", "pk")


class ProposalFilterForm(forms.Form):
    STATUS_CHOICES = [
        ("", _("All")),
        *ProposalStatus.choices,
        ("to_publish", _("Approved, not published")),
        ("published", _("Published")),
    ]
    MY_VOTE_CHOICES = [("", _("Any")), ("none", _("Not voted yet")), *VoteChoice.choices]

    status = forms.ChoiceField(label=_("Status"), choices=STATUS_CHOICES, required=False)
    my_vote = forms.ChoiceField(label=_("My vote"), choices=MY_VOTE_CHOICES, required=False)
    round = forms.IntegerField(label=_("Round"), min_value=1, required=False)


class VoteForm(forms.Form):
    choice = forms.ChoiceField(label=_("Your vote"), choices=VoteChoice.choices, widget=forms.RadioSelect)
    comment = forms.CharField(
        label=_("Comment"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Required when you reject: the reason guides the next round."),
    )

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("choice") == VoteChoice.REJECT and not (cleaned.get("comment") or "").strip():
            self.add_error("comment", _("Say why you reject this pair."))
        return cleaned


class DecideForm(forms.Form):
    decision = forms.ChoiceField(
        label=_("Decision"),
        choices=[(ProposalStatus.APPROVED, _("Approve")), (ProposalStatus.REJECTED, _("Reject"))],
        widget=forms.RadioSelect,
        error_messages={"required": _("Choose approve or reject.")},
    )
    reason = forms.CharField(
        label=_("Reason"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Kept on record."),
        error_messages={"required": _("Give the reason for your decision; it is kept on record.")},
    )


class SwapForm(forms.Form):
    mentor = PersonChoiceField(label=_("Another mentor"), queryset=Enrollment.objects.none())
    comment = forms.CharField(label=_("Why"), required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, cohort: Cohort, exclude: int | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        mentors = Enrollment.objects.filter(
            cohort=cohort, role=ParticipantRole.MENTOR, status=EnrollmentStatus.ACCEPTED
        ).select_related("user")
        if exclude is not None:
            mentors = mentors.exclude(pk=exclude)
        self.fields["mentor"].queryset = mentors.order_by("user__full_name", "pk")


class PairChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Pair) -> str:
        return f"{obj.mentee.user.get_full_name()} – {obj.mentor.user.get_full_name()}"


def end_kind_field() -> forms.ChoiceField:
    return forms.ChoiceField(
        label=_("What follows for the mentee"),
        choices=PairEndKind.choices,
        initial=PairEndKind.REMATCH,
        widget=forms.RadioSelect,
        help_text=_("Either way the mentor's seat frees up, and the two are never proposed together again."),
        error_messages={"required": _("Choose whether the mentee is re-matched or the mentorship ends.")},
    )


class EndPairForm(forms.Form):
    pair = PairChoiceField(label=_("Pair"), queryset=Pair.objects.none())
    reason = forms.CharField(
        label=_("Reason"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
        error_messages={"required": _("Say why the pair ends; it is kept on record.")},
    )
    kind = end_kind_field()

    def __init__(self, *args, cohort: Cohort, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["pair"].queryset = (
            Pair.objects.filter(cohort=cohort, status=PairStatus.ACTIVE)
            .select_related("mentee__user", "mentor__user")
            .order_by("mentee__user__full_name", "pk")
        )


class ReasonForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
        error_messages={"required": _("Say why the pair ends; it is kept on record.")},
    )
    kind = end_kind_field()


class IdListField(forms.Field):
    """Ticked ids (checkboxes of one name): a list of distinct positive integers."""

    widget = forms.MultipleHiddenInput
    default_error_messages = {"invalid": _("The chosen proposals were not understood: nothing was recorded.")}

    def to_python(self, value) -> list[int]:
        if not value:
            return []
        if isinstance(value, str):
            value = [value]
        try:
            ids = sorted({int(v) for v in value})
        except (TypeError, ValueError):
            raise forms.ValidationError(self.error_messages["invalid"], code="invalid") from None
        if any(i <= 0 or i > 2**63 - 1 for i in ids):
            raise forms.ValidationError(self.error_messages["invalid"], code="invalid")
        return ids


class BulkReviewForm(forms.Form):
    """One vote or one decision, with one reason, on the proposals ticked in the list or on
    every pending proposal the person has opened."""

    SELECTED, VIEWED = "selected", "viewed"
    VOTES = {"vote-approve": VoteChoice.APPROVE, "vote-reject": VoteChoice.REJECT, "vote-recuse": VoteChoice.RECUSE}
    DECISIONS = {"decide-approve": ProposalStatus.APPROVED, "decide-reject": ProposalStatus.REJECTED}

    action = forms.ChoiceField(
        label=_("What to record"),
        widget=forms.RadioSelect,
        error_messages={"required": _("Choose the vote or the decision to record.")},
    )
    reason = forms.CharField(
        label=_("Reason"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Recorded on each proposal. Required when you reject, and for a coordinator's decision."),
    )
    scope = forms.ChoiceField(label=_("Which proposals"), widget=forms.RadioSelect, initial=SELECTED, required=False)
    proposals = IdListField(required=False)

    def __init__(self, *args, can_vote: bool, can_decide: bool, viewed_count: int = 0, **kwargs):
        super().__init__(*args, **kwargs)
        choices = []
        if can_vote:
            choices += [
                ("vote-approve", _("Vote approve")),
                ("vote-reject", _("Vote reject")),
                ("vote-recuse", _("Recuse myself")),
            ]
        if can_decide:
            choices += [("decide-approve", _("Decide: approve")), ("decide-reject", _("Decide: reject"))]
        self.fields["action"].choices = choices
        viewed_label = (
            _("All pending proposals I have opened and not voted on yet (%(n)d)")
            if can_vote
            else _("All pending proposals I have opened (%(n)d)")
        )
        self.fields["scope"].choices = [
            (self.SELECTED, _("The proposals ticked in the list")),
            (self.VIEWED, viewed_label % {"n": viewed_count}),
        ]

    def clean(self):
        cleaned = super().clean()
        if not cleaned.get("scope"):
            cleaned["scope"] = self.SELECTED
        action = cleaned.get("action")
        if action and (action == "vote-reject" or action in self.DECISIONS) and not cleaned.get("reason", "").strip():
            self.add_error("reason", _("Give the reason: it is recorded on each proposal."))
        if cleaned.get("scope") == self.SELECTED and "proposals" in cleaned and not cleaned["proposals"]:
            self.add_error("proposals", _("Tick at least one proposal, or choose all you have opened."))
        return cleaned

    @property
    def is_vote(self) -> bool:
        return self.cleaned_data["action"] in self.VOTES
