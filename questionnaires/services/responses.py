"""Filling in: saving drafts and submitting responses."""

from collections.abc import Mapping

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from cohorts.enums import ACTIVE_ENROLLMENT_STATUSES
from cohorts.models import Enrollment
from cohorts.phases import require_phase
from mentorship.services import user_time_zone_fill

from ..enums import Kind, QuestionType, ResponseStatus
from ..models import Answer, Question, Questionnaire, Response
from ..signals import response_submitted
from ..validators import clean_answer

NEW = 0  # the revision a form carries before its response exists


def fill_problem(
    *, questionnaire: Questionnaire, enrollment: Enrollment | None, delivered: bool | None = None
) -> str | None:
    """Why this person cannot fill this questionnaire now, or None if they can.

    Application questionnaires are filled in the cohort's ``fill_application`` phases by
    everyone of their roles; every other questionnaire only by those it was sent to
    (``delivered``, looked up when not given). Nothing is filled after ``closes_at``.
    """
    if enrollment is None or enrollment.cohort_id != questionnaire.cohort_id:
        return _("You do not take part in this cohort.")
    if enrollment.status not in ACTIVE_ENROLLMENT_STATUSES:
        return _("Your place in this cohort is no longer active.")
    if enrollment.role not in questionnaire.roles:
        return _("This questionnaire is not for your role.")
    if questionnaire.is_closed:
        return _("This questionnaire closed on %(date)s; answers can no longer change.") % {
            "date": formats.date_format(timezone.localtime(questionnaire.closes_at), "DATETIME_FORMAT")
        }
    if questionnaire.kind == Kind.APPLICATION:
        try:
            require_phase(questionnaire.cohort, "fill_application")
        except ValidationError as error:
            return error.messages[0]
    elif not (delivered if delivered is not None else questionnaire.deliveries.filter(enrollment=enrollment).exists()):
        return _("This questionnaire has not been sent to you.")
    return None


def _submitted(response: Response, questions: list[Question], cleaned: dict) -> None:
    # A person who says where they are in a questionnaire (the application asks) sees their
    # times there until they choose a zone on their profile; their own choice always wins.
    zones = [
        cleaned[q.pk].value for q in questions if q.type == QuestionType.TIME_ZONE and cleaned.get(q.pk) is not None
    ]
    if zones:
        user_time_zone_fill(user=response.enrollment.user, time_zone=zones[0])
    transaction.on_commit(lambda: response_submitted.send(sender=Response, response=response))


def live_questions(questionnaire: Questionnaire) -> list[Question]:
    """The questions on the form, with their offered choices prefetched, in form order."""
    from ..selectors import form_questions  # noqa: PLC0415 -- selectors import services' neighbours

    return form_questions(questionnaire=questionnaire)


@transaction.atomic
def response_save(
    *,
    questionnaire: Questionnaire,
    enrollment: Enrollment | None,
    answers: Mapping[int, object],
    submit: bool,
    revision: int,
) -> Response:
    """Save a person's answers as a draft, or submit them.

    ``answers`` maps question ids to raw input (a string, or a list for multiple choice).
    ``revision`` is the one the form was rendered with: a form posted twice, or from an
    older tab, is refused. Any bad answer refuses the whole save, so nothing changes;
    the ValidationError maps question ids (as strings) to messages. Required questions are
    only enforced on submit; a submitted response can only be re-submitted, never turned
    back into a draft.

    Side effects: on submit, sends ``response_submitted`` after commit, and takes a
    time-zone answer as the person's time zone if they have none yet.
    """
    problem = fill_problem(questionnaire=questionnaire, enrollment=enrollment)
    if problem:
        raise ValidationError(problem, code="closed")
    response = Response.objects.filter(questionnaire=questionnaire, enrollment=enrollment).first()
    if response is None:
        if revision != NEW:
            raise ValidationError(_("These answers are out of date; reload the page."), code="stale")
        try:
            with transaction.atomic():
                response = Response.objects.create(questionnaire=questionnaire, enrollment=enrollment)
        except IntegrityError:
            raise ValidationError(_("These answers were already saved; reload the page."), code="stale") from None
    response = Response.objects.select_for_update().get(pk=response.pk)
    if response.revision != revision:
        if response.is_submitted:
            raise ValidationError(
                _("These answers were already submitted. Reload the page to see them and change them."), code="stale"
            )
        raise ValidationError(_("These answers were saved from another page; reload to see them."), code="stale")
    if response.is_submitted and not submit:
        raise ValidationError(_("Your answers are submitted; save your changes instead."), code="submitted")

    questions = live_questions(questionnaire)
    known = {q.pk for q in questions}
    if set(answers) - known:
        raise ValidationError(_("The form contained answers to questions that are not on it."), code="tampered")
    errors: dict[str, list[str]] = {}
    cleaned = {}
    for question in questions:
        try:
            cleaned[question.pk] = clean_answer(
                question,
                answers.get(question.pk),
                choices=question.offered_choices,
                required=submit and question.required,
            )
        except ValidationError as error:
            errors[str(question.pk)] = error.messages
    if errors:
        raise ValidationError(errors)

    existing = {a.question_id: a for a in response.answers.filter(question_id__in=known)}
    for question in questions:
        answer, old = cleaned[question.pk], existing.get(question.pk)
        if answer is None:
            if old is not None:
                old.delete()
            continue
        row = old or Answer(response=response, question=question)
        row.question_text = question.text
        row.value, row.display, row.utc_offset = answer.value, answer.display, answer.utc_offset
        row.save()

    response.revision += 1
    if submit:
        response.status = ResponseStatus.SUBMITTED
        response.submitted_at = timezone.now()
        response.questionnaire_version = questionnaire.version
    response.save()
    if submit:
        _submitted(response, questions, cleaned)
    return response
