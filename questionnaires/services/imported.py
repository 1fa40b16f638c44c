"""Application answers brought in by the cohort's CSV import (``cohorts.hooks.AnswerImport``).

A form service's export writes answers as people read them: a choice's label (or its value),
several choices separated by semicolons, "Yes"/"No", a number with a decimal comma. Each
cell is turned into the raw input the fill-in form would post and checked by the same
validator (``clean_answer``), so an imported answer is exactly one the person could have
given; one that does not fit its question is refused with the validator's reason.
"""

from collections.abc import Callable, Iterable

from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _

from cohorts.hooks import ImportQuestion
from cohorts.models import Cohort, Enrollment

from ..enums import CHOICE_TYPES, Kind, QuestionType, ResponseStatus
from ..models import Answer, Question, Questionnaire, Response
from ..selectors import ordered_questions
from ..validators import NO, YES, CleanAnswer, clean_answer

MULTIPLE_SEPARATOR = ";"
YES_WORDS = {"yes", "y", "true", "1", "sí", "si", "x"}
NO_WORDS = {"no", "n", "false", "0"}


def _applications(cohort: Cohort) -> list[Questionnaire]:
    return list(Questionnaire.objects.filter(cohort=cohort, kind=Kind.APPLICATION).order_by("audience", "pk"))


def _hint(question: Question) -> str:
    if question.type in CHOICE_TYPES:
        labels = ", ".join(c.label for c in question.offered_choices)
        if question.type == QuestionType.MULTIPLE_CHOICE:
            return _("one or more of: %(labels)s (separated by ;)") % {"labels": labels}
        return _("one of: %(labels)s") % {"labels": labels}
    return {
        QuestionType.NUMBER: _("a number"),
        QuestionType.SCALE: _("1 to 5"),
        QuestionType.YES_NO: _("yes or no"),
        QuestionType.DATE: _("a date as YYYY-MM-DD"),
        QuestionType.TIME_ZONE: _("a time zone such as Europe/Madrid"),
        QuestionType.COUNTRY: _("a country code or name"),
    }.get(question.type, "")


def import_questions(cohort: Cohort) -> list[ImportQuestion]:
    """The live questions of the cohort's application questionnaires, questionnaire by
    questionnaire, in form order."""
    found = []
    for questionnaire in _applications(cohort):
        for question in ordered_questions(questionnaire=questionnaire):
            found.append(
                ImportQuestion(
                    id=question.pk,
                    text=question.text,
                    key=question.key,
                    group_id=questionnaire.pk,
                    group=questionnaire.title,
                    roles=questionnaire.roles,
                    type_label=str(question.get_type_display()),
                    hint=_hint(question),
                )
            )
    return found


def _key(text: str) -> str:
    return slugify(text or "").replace("-", "")


def _raw(question: Question, cell: str) -> object:
    """The form input a cell stands for; None when it is empty."""
    cell = cell.strip()
    if not cell:
        return None
    if question.type in CHOICE_TYPES:
        by_text = {}
        for choice in question.offered_choices:
            by_text.setdefault(_key(choice.value), str(choice.pk))
            by_text.setdefault(_key(choice.label), str(choice.pk))
        parts = (
            [p.strip() for p in cell.split(MULTIPLE_SEPARATOR)]
            if question.type == QuestionType.MULTIPLE_CHOICE
            else [cell]
        )
        picked = []
        for part in parts:
            if not part:
                continue
            pk = by_text.get(_key(part))
            if pk is None:
                offered = ", ".join(c.label for c in question.offered_choices)
                raise ValidationError(
                    _("“%(answer)s” is not one of the choices (%(offered)s).") % {"answer": part, "offered": offered},
                    code="unknown_choice",
                )
            picked.append(pk)
        return picked if question.type == QuestionType.MULTIPLE_CHOICE else picked[0]
    if question.type == QuestionType.YES_NO:
        word = cell.lower()
        return YES if word in YES_WORDS else NO if word in NO_WORDS else cell
    if question.type == QuestionType.COUNTRY and len(cell) > 2:
        from django_countries import countries  # noqa: PLC0415 -- only for names

        return countries.by_name(cell) or cell
    return cell


def import_cleaner(cohort: Cohort, question_ids: Iterable[int]) -> Callable[[int, str], CleanAnswer | None]:
    """``clean(question_id, cell)``: the answer a cell gives, None for an empty cell, or a
    ValidationError saying why it does not fit. The questions and their choices are read
    once, here."""
    wanted = set(question_ids)
    questions: dict[int, Question] = {}
    for questionnaire in _applications(cohort):
        for question in ordered_questions(questionnaire=questionnaire):
            if question.pk in wanted:
                questions[question.pk] = question

    def clean(question_id: int, cell: str) -> CleanAnswer | None:
        question = questions.get(question_id)
        if question is None:
            raise ValidationError(_("This question is no longer on the application form."), code="gone")
        return clean_answer(question, _raw(question, cell), choices=question.offered_choices)

    return clean


@transaction.atomic
def import_answers_store(cohort: Cohort, answers: dict[int, dict[int, CleanAnswer]]) -> int:
    """Store ``{enrollment id: {question id: answer}}`` as the people's application
    responses, in bulk: a response per person and questionnaire they have answers for,
    submitted when every required question of it is answered (they can be matched at
    once), else a draft they finish when they sign in. A person who already has a response
    to that questionnaire keeps it untouched. Returns the responses made."""
    if not answers:
        return 0
    questionnaires = {q.pk: q for q in _applications(cohort)}
    questions = {
        q.pk: q for q in Question.objects.filter(questionnaire__in=list(questionnaires), retired_at__isnull=True)
    }
    required: dict[int, set[int]] = {}
    for question in questions.values():
        if question.required:
            required.setdefault(question.questionnaire_id, set()).add(question.pk)
    roles = dict(Enrollment.objects.filter(pk__in=list(answers), cohort=cohort).values_list("pk", "role"))
    taken = set(
        Response.objects.filter(questionnaire__in=list(questionnaires), enrollment_id__in=list(roles)).values_list(
            "questionnaire_id", "enrollment_id"
        )
    )
    now = timezone.now()
    responses, rows = [], []
    for enrollment_id, given in answers.items():
        by_questionnaire: dict[int, dict[int, CleanAnswer]] = {}
        for question_id, answer in given.items():
            question = questions.get(question_id)
            if answer is None or question is None or enrollment_id not in roles:
                continue
            if roles[enrollment_id] not in questionnaires[question.questionnaire_id].roles:
                continue
            by_questionnaire.setdefault(question.questionnaire_id, {})[question_id] = answer
        for questionnaire_id, found in by_questionnaire.items():
            if (questionnaire_id, enrollment_id) in taken:
                continue
            complete = required.get(questionnaire_id, set()) <= set(found)
            response = Response(
                questionnaire_id=questionnaire_id,
                enrollment_id=enrollment_id,
                status=ResponseStatus.SUBMITTED if complete else ResponseStatus.DRAFT,
                revision=1,
                questionnaire_version=questionnaires[questionnaire_id].version,
                submitted_at=now if complete else None,
            )
            responses.append(response)
            rows.append((response, found))
    Response.objects.bulk_create(responses, batch_size=500)
    Answer.objects.bulk_create(
        [
            Answer(
                response=response,
                question_id=question_id,
                question_text=questions[question_id].text,
                value=answer.value,
                display=answer.display,
                utc_offset=answer.utc_offset,
            )
            for response, found in rows
            for question_id, answer in found.items()
        ],
        batch_size=1000,
    )
    return len(responses)


def import_review_url(enrollment: Enrollment) -> str | None:
    """The application form of a person whose answers were imported, to check them."""
    questionnaire = (
        Questionnaire.objects.filter(
            cohort_id=enrollment.cohort_id, kind=Kind.APPLICATION, responses__enrollment=enrollment
        )
        .order_by("pk")
        .first()
    )
    if questionnaire is None:
        return None
    return reverse("questionnaires:response-fill", kwargs={"pk": questionnaire.pk})
