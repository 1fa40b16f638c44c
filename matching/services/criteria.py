"""Setting up what matching compares (criteria), how votes decide (settings) and which
pairs must never be proposed (exclusions)."""

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils.text import slugify
from django.utils.translation import gettext as _

from cohorts.enums import ParticipantRole
from cohorts.models import Cohort, Enrollment
from cohorts.phases import require_open, require_phase
from mentorship.models import User
from questionnaires.enums import Kind, MatchingKey, QuestionType
from questionnaires.models import Question
from questionnaires.selectors import matching_questions

from ..enums import CriterionKind, ExclusionReason, Threshold
from ..models import Exclusion, MatchingCriterion, MatchingSettings
from ..models.criteria import MAX_WEIGHT

T = QuestionType

# The question types each kind can compare. Both questions of a criterion share one type.
# Short text answers (a sub-department, a city) compare after trimming and case-folding.
KIND_TYPES: dict[str, frozenset[str]] = {
    CriterionKind.SAME: frozenset({T.SINGLE_CHOICE, T.COUNTRY, T.YES_NO, T.SHORT_TEXT}),
    CriterionKind.DIFFERENT: frozenset({T.SINGLE_CHOICE, T.COUNTRY, T.YES_NO, T.SHORT_TEXT}),
    CriterionKind.DISTANCE: frozenset({T.TIME_ZONE, T.NUMBER, T.SCALE}),
    CriterionKind.OVERLAP: frozenset({T.MULTIPLE_CHOICE}),
    CriterionKind.ORDINAL: frozenset({T.NUMBER, T.SCALE}),
}

# (key, kind, weight, hard, scale): the criteria the application templates were written for.
DEFAULTS = [
    (MatchingKey.CAREER_TRACK, CriterionKind.SAME, 5, False, 12.0),
    # Twelve hours apart (wrapping around the day) is as far as two people can live.
    (MatchingKey.GEOGRAPHY, CriterionKind.DISTANCE, 3, False, 12.0),
    (MatchingKey.VALUES, CriterionKind.OVERLAP, 4, False, 12.0),
    (MatchingKey.DEPARTMENT, CriterionKind.DIFFERENT, 2, False, 12.0),
    # A constraint more than a preference: every proposed mentor is more senior.
    (MatchingKey.SENIORITY, CriterionKind.ORDINAL, 0, True, 12.0),
]

CRITERION_FIELDS = ("label", "kind", "weight", "hard", "mentee_question", "mentor_question", "scale")


def _serves(question: Question, cohort: Cohort, role: str) -> bool:
    questionnaire = question.questionnaire
    return (
        questionnaire.cohort_id == cohort.pk
        and questionnaire.kind == Kind.APPLICATION
        and role in questionnaire.roles
        and question.retired_at is None
        and bool(question.matching_key)
    )


def criterion_check(
    *,
    cohort: Cohort,
    kind: str,
    weight: int,
    mentee_question: Question,
    mentor_question: Question,
    scale: float,
) -> None:
    """Raise ValidationError (by field) when the criterion cannot work as given."""
    errors: dict[str, str] = {}
    if kind not in CriterionKind.values:
        errors["kind"] = _("Choose how the answers compare.")
    if weight is None or not 0 <= weight <= MAX_WEIGHT:
        errors["weight"] = _("The weight goes from 0 to 10.")
    if not _serves(mentee_question, cohort, ParticipantRole.MENTEE):
        errors["mentee_question"] = _("Choose a question of this cohort's mentee application that feeds matching.")
    if not _serves(mentor_question, cohort, ParticipantRole.MENTOR):
        errors["mentor_question"] = _("Choose a question of this cohort's mentor application that feeds matching.")
    if scale is None or scale <= 0:
        errors["scale"] = _("The distance must be above zero.")
    if not errors:
        allowed = KIND_TYPES[kind]
        if mentee_question.type != mentor_question.type:
            errors["mentor_question"] = _("Both questions must be of the same type (%(type)s).") % {
                "type": mentee_question.get_type_display()
            }
        elif mentee_question.type not in allowed:
            errors["kind"] = _("“%(kind)s” cannot compare %(type)s questions; it compares: %(allowed)s.") % {
                "kind": CriterionKind(kind).label,
                "type": mentee_question.get_type_display().lower(),
                "allowed": ", ".join(sorted(str(QuestionType(t).label).lower() for t in allowed)),
            }
    if errors:
        raise ValidationError(errors)


def _free_key(cohort: Cohort, wanted: str) -> str:
    taken = set(MatchingCriterion.objects.filter(cohort=cohort).values_list("key", flat=True))
    base = slugify(wanted)[:50] or "criterion"
    key, n = base, 2
    while key in taken:
        key = f"{base}-{n}"
        n += 1
    return key


@transaction.atomic
def criterion_create(
    *,
    cohort: Cohort,
    label: str,
    kind: str,
    weight: int,
    hard: bool,
    mentee_question: Question,
    mentor_question: Question,
    scale: float = 12.0,
) -> MatchingCriterion:
    """Add a criterion; its key is the mentee question's matching key when still free."""
    require_phase(cohort, "edit_setup")
    criterion_check(
        cohort=cohort,
        kind=kind,
        weight=weight,
        mentee_question=mentee_question,
        mentor_question=mentor_question,
        scale=scale,
    )
    position = (MatchingCriterion.objects.filter(cohort=cohort).aggregate(p=Max("position"))["p"] or 0) + 1
    return MatchingCriterion.objects.create(
        cohort=cohort,
        key=_free_key(cohort, mentee_question.matching_key),
        label=label.strip(),
        kind=kind,
        weight=weight,
        hard=hard,
        mentee_question=mentee_question,
        mentor_question=mentor_question,
        scale=scale,
        position=position,
    )


@transaction.atomic
def criterion_update(*, criterion: MatchingCriterion, **fields: object) -> MatchingCriterion:
    """Change a criterion; runs already made keep the criteria they used."""
    require_phase(criterion.cohort, "edit_setup")
    unknown = set(fields) - set(CRITERION_FIELDS)
    if unknown:
        raise ValueError(f"unknown criterion fields {sorted(unknown)}")
    for name, value in fields.items():
        setattr(criterion, name, value.strip() if isinstance(value, str) else value)
    criterion_check(
        cohort=criterion.cohort,
        kind=criterion.kind,
        weight=criterion.weight,
        mentee_question=criterion.mentee_question,
        mentor_question=criterion.mentor_question,
        scale=criterion.scale,
    )
    criterion.save()
    return criterion


def criterion_delete(*, criterion: MatchingCriterion) -> None:
    require_phase(criterion.cohort, "edit_setup")
    criterion.delete()


@transaction.atomic
def criteria_set_up_defaults(*, cohort: Cohort) -> list[MatchingCriterion]:
    """Create the default criteria whose questions the cohort's applications have (career
    track, geography, values, department, seniority), skipping any key already set up.
    Running it twice adds nothing twice."""
    require_phase(cohort, "edit_setup")
    pairs = matching_questions(cohort=cohort)
    existing = set(MatchingCriterion.objects.filter(cohort=cohort).values_list("key", flat=True))
    created = []
    for key, kind, weight, hard, scale in DEFAULTS:
        pair = pairs.get(key)
        if pair is None or key in existing:
            continue
        try:
            criterion_check(
                cohort=cohort,
                kind=kind,
                weight=weight,
                mentee_question=pair["mentee"],
                mentor_question=pair["mentor"],
                scale=scale,
            )
        except ValidationError:
            # A coordinator changed the question's type: it no longer fits the default kind.
            continue
        created.append(
            criterion_create(
                cohort=cohort,
                label=str(MatchingKey(key).label),
                kind=kind,
                weight=weight,
                hard=hard,
                mentee_question=pair["mentee"],
                mentor_question=pair["mentor"],
                scale=scale,
            )
        )
    return created


def matching_settings_update(*, cohort: Cohort, threshold: str, min_votes: int) -> MatchingSettings:
    """Save how votes decide. Decisions already taken stay; open proposals follow the new rule
    from their next vote."""
    require_open(cohort)
    if threshold not in Threshold.values:
        raise ValidationError({"threshold": _("Choose how many votes decide.")})
    if not 1 <= min_votes <= 20:
        raise ValidationError({"min_votes": _("The quorum goes from 1 to 20 votes.")})
    settings, _created = MatchingSettings.objects.update_or_create(
        cohort=cohort, defaults={"threshold": threshold, "min_votes": min_votes}
    )
    return settings


def exclusion_create(
    *, cohort: Cohort, mentee: Enrollment, mentor: Enrollment, reason: str, note: str = "", by: User | None
) -> Exclusion:
    """Never propose these two together, from the next round on."""
    require_open(cohort)
    if reason not in ExclusionReason.values:
        raise ValidationError({"reason": _("Choose a reason.")})
    if mentee.cohort_id != cohort.pk or mentee.role != ParticipantRole.MENTEE:
        raise ValidationError({"mentee": _("Choose a mentee of this cohort.")})
    if mentor.cohort_id != cohort.pk or mentor.role != ParticipantRole.MENTOR:
        raise ValidationError({"mentor": _("Choose a mentor of this cohort.")})
    try:
        with transaction.atomic():
            return Exclusion.objects.create(
                cohort=cohort, mentee=mentee, mentor=mentor, reason=reason, note=note.strip(), created_by=by
            )
    except IntegrityError:
        raise ValidationError(_("These two are already excluded from being matched.")) from None


def exclusion_delete(*, exclusion: Exclusion) -> None:
    require_open(exclusion.cohort)
    exclusion.delete()
