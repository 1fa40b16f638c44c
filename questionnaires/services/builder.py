"""Building questionnaires: questionnaires, sections, questions and choices.

Once people have answered, nothing that would change the meaning of their answers is
allowed: a question or choice with answers is retired (taken off the form, answers kept)
rather than deleted, a question's type cannot change, and a sensitive question cannot be
made non-sensitive. Every change made after the first response bumps the questionnaire's
version; answers keep the question text and choice labels they were given.
"""

import datetime
from collections.abc import Sequence
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F, Max, QuerySet
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from cohorts.models import Cohort
from cohorts.phases import require_open
from mentorship.models import User

from ..enums import CHOICE_TYPES, Audience, Kind, QuestionType
from ..models import Answer, Choice, Question, Questionnaire, Section, SendRule

QUESTIONNAIRE_FIELDS = ["title", "intro", "kind", "audience", "closes_at", "reminder_days"]
QUESTION_FIELDS = [
    "text",
    "help_text",
    "type",
    "required",
    "section",
    "sensitive",
    "matching_key",
    "max_choices",
    "min_value",
    "max_value",
    "unit",
    "scale_min_label",
    "scale_max_label",
]


@dataclass
class ChoiceSpec:
    """A choice as the builder form gives it: ``pk`` None for a new one."""

    label: str
    pk: int | None = None
    value: str = ""
    retired: bool = False
    delete: bool = False


def slug_key(text: str, taken: set[str], *, fallback: str = "question", limit: int = 50) -> str:
    base = slugify(text).replace("-", "_")[:limit].strip("_") or fallback
    key, n = base, 2
    while key in taken:
        key = f"{base}_{n}"
        n += 1
    return key


# What a closed cohort still prepares: the surveys that go to graduates after the program.
AFTER_CLOSE_KINDS = {Kind.CHECK_IN, Kind.POST_PROGRAM}


def require_editable(cohort: Cohort, kind: str | None = None) -> None:
    """A closed cohort's questionnaires are a record, except those sent after the program."""
    if kind not in AFTER_CLOSE_KINDS:
        require_open(cohort)


def lock_cohort(cohort: Cohort, kind: str | None = None) -> None:
    """Take the cohort's row lock: two requests that add questionnaires to the same cohort
    (a double click on "Set up from the templates") take turns, so that the second sees
    what the first made instead of failing on the unique constraint or making it twice."""
    locked = Cohort.objects.select_for_update().only("pk", "phase").get(pk=cohort.pk)
    require_editable(locked, kind)


def _lock(questionnaire: Questionnaire) -> Questionnaire:
    """The questionnaire, re-read under its row lock: changes to its questions and sections
    take turns, so that keys, positions and versions computed from what is there hold."""
    locked = Questionnaire.objects.select_for_update(of=("self",)).select_related("cohort").get(pk=questionnaire.pk)
    require_editable(locked.cohort, locked.kind)
    return locked


def _touch(questionnaire: Questionnaire) -> None:
    """A change to the questions: a new version once people have answered."""
    if questionnaire.responses.exists():
        Questionnaire.objects.filter(pk=questionnaire.pk).update(version=F("version") + 1)
        questionnaire.refresh_from_db(fields=["version"])


def _check_application_audience(questionnaire: Questionnaire) -> None:
    if questionnaire.kind != Kind.APPLICATION:
        return
    others = Questionnaire.objects.filter(cohort_id=questionnaire.cohort_id, kind=Kind.APPLICATION).exclude(
        pk=questionnaire.pk
    )
    for other in others.values_list("audience", flat=True):
        if Audience.BOTH in (other, questionnaire.audience) or other == questionnaire.audience:
            raise ValidationError(
                {
                    "audience": _(
                        "The cohort already has an application questionnaire for %(audience)s; "
                        "each person fills one application questionnaire."
                    )
                    % {"audience": Audience(other).label.lower()}
                }
            )


# --- Questionnaires -----------------------------------------------------------------------


@transaction.atomic
def questionnaire_create(
    *,
    cohort: Cohort,
    by: User | None,
    title: str,
    kind: str,
    audience: str,
    intro: str = "",
    closes_at: datetime.datetime | None = None,
    reminder_days: int | None = 7,
    template_key: str = "",
) -> Questionnaire:
    lock_cohort(cohort, kind)
    questionnaire = Questionnaire(
        cohort=cohort,
        created_by=by,
        title=title,
        kind=kind,
        audience=audience,
        intro=intro,
        closes_at=closes_at,
        reminder_days=reminder_days,
        template_key=template_key,
    )
    questionnaire.full_clean(exclude=["cohort", "created_by"])
    _check_application_audience(questionnaire)
    questionnaire.save()
    return questionnaire


@transaction.atomic
def questionnaire_update(*, questionnaire: Questionnaire, **fields: object) -> Questionnaire:
    """Change the settings. Kind and audience are fixed once people have answered."""
    lock_cohort(questionnaire.cohort, questionnaire.kind)
    questionnaire = _lock(questionnaire)
    answered = questionnaire.responses.exists()
    for name, value in fields.items():
        if name not in QUESTIONNAIRE_FIELDS:
            raise ValueError(f"{name} cannot be changed here")
        if answered and name in ("kind", "audience") and getattr(questionnaire, name) != value:
            raise ValidationError(
                {name: _("People have already answered; what the questionnaire is and who it is for cannot change.")}
            )
        setattr(questionnaire, name, value)
    questionnaire.full_clean(exclude=["cohort", "created_by"])
    _check_application_audience(questionnaire)
    questionnaire.save()
    return questionnaire


@transaction.atomic
def questionnaire_delete(*, questionnaire: Questionnaire) -> None:
    questionnaire = _lock(questionnaire)
    count = questionnaire.responses.count()
    if count:
        raise ValidationError(
            ngettext(
                "%(n)d person has answered this questionnaire; it cannot be deleted. Set a closing date instead.",
                "%(n)d people have answered this questionnaire; it cannot be deleted. Set a closing date instead.",
                count,
            )
            % {"n": count}
        )
    questionnaire.delete()


@transaction.atomic
def questionnaire_duplicate(*, questionnaire: Questionnaire, by: User, title: str = "") -> Questionnaire:
    """Copy the questions (live ones), sections and choices; not the send rules or answers."""
    source = questionnaire
    if not title:
        suffix = " " + _("(copy)")
        limit = Questionnaire._meta.get_field("title").max_length - len(suffix)
        # A title at its maximum length still gets a copy, with the title shortened.
        title = source.title if len(source.title) <= limit else source.title[: limit - 1].rstrip() + "…"
        title += suffix
    copy = questionnaire_create(
        cohort=source.cohort,
        by=by,
        title=title,
        kind=source.kind,
        audience=source.audience,
        intro=source.intro,
        reminder_days=source.reminder_days,
    )
    sections = {}
    for section in source.sections.all():
        sections[section.pk] = Section.objects.create(
            questionnaire=copy, title=section.title, description=section.description, position=section.position
        )
    for question in source.questions.filter(retired_at__isnull=True).prefetch_related("choices"):
        choices = [c for c in question.choices.all() if c.retired_at is None]
        new = Question.objects.create(
            questionnaire=copy,
            section=sections.get(question.section_id),
            **{f: getattr(question, f) for f in QUESTION_FIELDS if f != "section"},
            key=question.key,
            position=question.position,
        )
        Choice.objects.bulk_create(
            Choice(question=new, value=c.value, label=c.label, position=c.position) for c in choices
        )
    return copy


# --- Sections -----------------------------------------------------------------------------


def _next_position(queryset: QuerySet) -> int:
    return (queryset.aggregate(top=Max("position"))["top"] or 0) + 1


@transaction.atomic
def section_create(*, questionnaire: Questionnaire, title: str, description: str = "") -> Section:
    questionnaire = _lock(questionnaire)
    section = Section(
        questionnaire=questionnaire,
        title=title,
        description=description,
        position=_next_position(questionnaire.sections.all()),
    )
    section.full_clean()
    section.save()
    return section


@transaction.atomic
def section_update(*, section: Section, title: str, description: str) -> Section:
    _lock(section.questionnaire)
    section.title, section.description = title, description
    section.full_clean()
    section.save()
    return section


@transaction.atomic
def section_delete(*, section: Section) -> None:
    """The section's questions stay, without a section."""
    _lock(section.questionnaire)
    section.delete()


# --- Questions ----------------------------------------------------------------------------


def answer_count(question: Question) -> int:
    return Answer.objects.filter(question=question).count()


def _check_question(question: Question) -> None:
    if question.section_id and question.section.questionnaire_id != question.questionnaire_id:
        raise ValidationError({"section": _("Choose a section of this questionnaire.")})
    if question.matching_key:
        question.matching_key = slugify(question.matching_key).replace("-", "_")
        clash = (
            Question.objects.filter(
                questionnaire_id=question.questionnaire_id,
                matching_key=question.matching_key,
                retired_at__isnull=True,
            )
            .exclude(pk=question.pk)
            .exists()
        )
        if clash:
            raise ValidationError(
                {"matching_key": _("Another question of this questionnaire already feeds this criterion.")}
            )
    if question.type != QuestionType.NUMBER:
        question.unit = ""
    if question.type != QuestionType.SCALE:
        question.scale_min_label = question.scale_max_label = ""
    question.full_clean(exclude=["questionnaire", "section", "key"])


def _apply_choices(question: Question, specs: Sequence[ChoiceSpec], answered_values: set[str]) -> None:
    existing = {c.pk: c for c in question.choices.all()}
    taken = {c.value for c in existing.values()}
    keep = []
    for spec in specs:
        label = spec.label.strip()
        if spec.pk is not None and spec.pk not in existing:
            raise ValidationError({"choices": _("One of the choices does not belong to this question.")})
        choice = existing.get(spec.pk) if spec.pk is not None else None
        if spec.delete:
            if choice is None:
                continue
            if choice.value in answered_values:
                raise ValidationError(
                    {
                        "choices": _(
                            "“%(label)s” has been chosen in answers; retire it instead of deleting it, "
                            "so those answers keep their meaning."
                        )
                        % {"label": choice.label}
                    }
                )
            choice.delete()
            continue
        if not label:
            if choice is None:
                continue
            raise ValidationError({"choices": _("Every choice needs a label.")})
        if choice is None:
            value = slugify(spec.value or label).replace("-", "_")[:50] or "choice"
            value = slug_key(value, taken, fallback="choice")
            taken.add(value)
            choice = Choice(question=question, value=value)
        choice.label = label[:200]
        if spec.retired and choice.retired_at is None:
            choice.retired_at = timezone.now()
        elif not spec.retired:
            choice.retired_at = None
        keep.append(choice)
    for position, choice in enumerate(keep, start=1):
        choice.position = position
        choice.save()
    live = [c for c in keep if c.retired_at is None]
    if question.type in CHOICE_TYPES and len(live) < 2:
        raise ValidationError({"choices": _("Offer at least two choices.")})
    if question.max_choices is not None and question.max_choices > len(live):
        raise ValidationError({"max_choices": _("The maximum cannot be above the number of choices.")})


def _answered_values(question: Question) -> set[str]:
    values = set()
    for value in Answer.objects.filter(question=question).values_list("value", flat=True):
        values.update(value if isinstance(value, list) else [value])
    return {v for v in values if isinstance(v, str)}


@transaction.atomic
def question_create(
    *, questionnaire: Questionnaire, choices: Sequence[ChoiceSpec] = (), key: str = "", **fields: object
) -> Question:
    """Add a question at the end (of its section, if it has one)."""
    unknown = set(fields) - set(QUESTION_FIELDS)
    if unknown:
        raise ValueError(f"unknown question fields: {sorted(unknown)}")
    # Locked, so that a form posted twice gets two distinct keys instead of a 500 on the second.
    questionnaire = _lock(questionnaire)
    taken = set(questionnaire.questions.values_list("key", flat=True))
    question = Question(
        questionnaire=questionnaire,
        key=slug_key(key or fields.get("text", ""), taken),
        position=_next_position(questionnaire.questions.all()),
        **fields,
    )
    _check_question(question)
    question.save()
    if question.type in CHOICE_TYPES:
        _apply_choices(question, choices, set())
    _touch(questionnaire)
    return question


@transaction.atomic
def question_update(*, question: Question, choices: Sequence[ChoiceSpec] | None = None, **fields: object) -> Question:
    """Change a question. Refused, with a message, when people have answered and the change
    would alter what their answers mean (type, removing a chosen choice, un-marking sensitive)."""
    questionnaire = _lock(question.questionnaire)
    question = Question.objects.select_for_update().get(pk=question.pk)
    question.questionnaire = questionnaire
    answered = answer_count(question)
    for name, value in fields.items():
        if name not in QUESTION_FIELDS:
            raise ValueError(f"{name} cannot be changed here")
        if answered and name == "type" and value != question.type:
            raise ValidationError(
                {
                    "type": _(
                        "People have answered this question, so its type cannot change. "
                        "Retire it and add a new question instead."
                    )
                }
            )
        if answered and name == "sensitive" and question.sensitive and not value:
            raise ValidationError({"sensitive": _("People answered this question in confidence; it stays sensitive.")})
        setattr(question, name, value)
    _check_question(question)
    question.save()
    if question.type in CHOICE_TYPES and choices is not None:
        _apply_choices(question, choices, _answered_values(question) if answered else set())
    elif question.type not in CHOICE_TYPES:
        question.choices.all().delete()
    _touch(questionnaire)
    return question


@transaction.atomic
def question_delete(*, question: Question) -> None:
    questionnaire = _lock(question.questionnaire)
    count = answer_count(question)
    if count:
        raise ValidationError(
            ngettext(
                "%(n)d person has answered this question; retire it instead, so that the answer is kept.",
                "%(n)d people have answered this question; retire it instead, so that their answers are kept.",
                count,
            )
            % {"n": count}
        )
    question.delete()
    _touch(questionnaire)


@transaction.atomic
def question_retire(*, question: Question, retired: bool = True) -> Question:
    """Take a question off the form (its answers stay readable), or bring it back."""
    questionnaire = _lock(question.questionnaire)
    question = Question.objects.select_for_update().get(pk=question.pk)
    question.questionnaire = questionnaire
    if retired and question.retired_at is None:
        question.retired_at = timezone.now()
    elif not retired and question.retired_at is not None:
        question.retired_at = None
        _check_question(question)
    else:
        return question
    question.save(update_fields=["retired_at"])
    _touch(question.questionnaire)
    return question


def _swap(items: list, index: int, direction: str) -> list:
    target = index - 1 if direction == "up" else index + 1
    if 0 <= target < len(items):
        items[index], items[target] = items[target], items[index]
    return items


@transaction.atomic
def question_move(*, question: Question, direction: str) -> Question:
    """Move a question up or down among the questions of its section."""
    if direction not in ("up", "down"):
        raise ValidationError(_("Move a question up or down."))
    _lock(question.questionnaire)
    # Re-read under the lock: another request may have moved it to another section meanwhile.
    question = Question.objects.get(pk=question.pk)
    siblings = list(
        Question.objects.select_for_update()
        .filter(questionnaire_id=question.questionnaire_id, section_id=question.section_id)
        .order_by("position", "pk")
    )
    index = next(i for i, q in enumerate(siblings) if q.pk == question.pk)
    positions = sorted(q.position for q in siblings)
    for position, item in zip(positions, _swap(siblings, index, direction), strict=True):
        if item.position != position:
            Question.objects.filter(pk=item.pk).update(position=position)
    # Positions may tie (questions made one by one in separate sections); make them distinct.
    if len(set(positions)) != len(positions):
        for position, item in enumerate(siblings, start=min(positions)):
            Question.objects.filter(pk=item.pk).update(position=position)
    question.refresh_from_db()
    return question


@transaction.atomic
def section_move(*, section: Section, direction: str) -> Section:
    if direction not in ("up", "down"):
        raise ValidationError(_("Move a section up or down."))
    _lock(section.questionnaire)
    siblings = list(Section.objects.select_for_update().filter(questionnaire_id=section.questionnaire_id))
    index = next(i for i, s in enumerate(siblings) if s.pk == section.pk)
    for position, item in enumerate(_swap(siblings, index, direction), start=1):
        Section.objects.filter(pk=item.pk).update(position=position)
    section.refresh_from_db()
    return section


# --- Send rules ---------------------------------------------------------------------------


RECURRING_FIELDS = ("repeat_every", "repeat_unit", "from_event", "from_date", "until_event", "until_date")


def send_rule_create(*, questionnaire: Questionnaire, **fields: object) -> SendRule:
    """Add a rule: on entering a phase, on a date counted from one of the cohort's dates, or
    recurring (every N weeks or months between two moments; each occurrence is a copy of
    the questionnaire sent once). Only the fields of the chosen trigger are kept."""
    from ..enums import RepeatBound, SendTrigger  # noqa: PLC0415 -- keeps the import list of this module short

    require_editable(questionnaire.cohort, questionnaire.kind)
    rule = SendRule(questionnaire=questionnaire, **fields)
    if rule.trigger == SendTrigger.PHASE:
        if not rule.phase:
            raise ValidationError({"phase": _("Choose the phase.")})
        rule.anchor, rule.offset = "", 0
    elif rule.trigger == SendTrigger.RECURRING:
        if questionnaire.kind == Kind.APPLICATION:
            raise ValidationError({"trigger": _("An application questionnaire is filled once; it cannot recur.")})
        rule.phase, rule.anchor, rule.offset = "", "", 0
        if rule.from_event != RepeatBound.FIXED:
            rule.from_date = None
        if rule.until_event != RepeatBound.FIXED:
            rule.until_date = None
    else:
        if not rule.anchor:
            raise ValidationError({"anchor": _("Choose the cohort date to count from.")})
        rule.phase = ""
    if rule.trigger != SendTrigger.RECURRING:
        rule.repeat_every, rule.repeat_unit = None, ""
        rule.from_event = rule.until_event = ""
        rule.from_date = rule.until_date = None
    rule.full_clean(exclude=["questionnaire"])
    rule.save()
    return rule


def send_rule_delete(*, rule: SendRule) -> None:
    """Deliveries already made stay (each person still gets the questionnaire only once)."""
    require_editable(rule.questionnaire.cohort, rule.questionnaire.kind)
    rule.delete()
