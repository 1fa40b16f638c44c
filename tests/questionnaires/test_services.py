import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from cohorts.enums import CohortPhase, EnrollmentStatus
from questionnaires.enums import Kind, QuestionType, ResponseStatus
from questionnaires.models import Answer, Choice, Questionnaire, Response
from questionnaires.services import builder, templating
from questionnaires.services.builder import ChoiceSpec
from questionnaires.services.responses import response_save
from questionnaires.signals import response_submitted
from tests.factories import DeliveryFactory, EnrollmentFactory, MentorEnrollmentFactory, QuestionnaireFactory

from .conftest import choice_id, question

pytestmark = pytest.mark.django_db


def _answers(application, track="backend", goals="Grow"):
    return {
        question(application, "career_track").pk: choice_id(application, "career_track", track),
        question(application, "goals").pk: goals,
    }


# --- Templates ------------------------------------------------------------------------------


def test_questionnaires_set_up_makes_every_template_once(cohort, coordinator):
    first = templating.questionnaires_set_up(cohort=cohort, by=coordinator)
    second = templating.questionnaires_set_up(cohort=cohort, by=coordinator)

    assert sorted(q.template_key for q in first) == sorted(
        [
            "mentee_application",
            "mentor_application",
            "first_meeting",
            "pre_program",
            "check_in",
            "match_feedback",
            "post_program_6m",
            "post_program_12m",
            "post_program_18m",
        ]
    )
    assert second == []
    feedback = cohort.questionnaires.get(kind=Kind.MATCH_FEEDBACK)
    good_fit = feedback.questions.get(key="good_fit")
    assert (good_fit.text, list(good_fit.choices.values_list("value", flat=True))) == (
        "Is this match a good fit?",
        ["yes", "not_sure", "no"],
    )


def test_post_program_templates_are_sent_6_12_and_18_months_after_the_end(cohort, coordinator):
    templating.questionnaires_set_up(cohort=cohort, by=coordinator)

    rules = sorted(
        cohort.questionnaires.filter(kind=Kind.POST_PROGRAM).values_list(
            "send_rules__offset", "send_rules__unit", "send_rules__anchor"
        )
    )

    assert rules == [(6, "months", "ends_on"), (12, "months", "ends_on"), (18, "months", "ends_on")]


def test_application_templates_mark_demographics_sensitive_and_feed_matching(cohort, coordinator):
    questionnaire = templating.questionnaire_from_template(
        cohort=cohort, template_key="mentee_application", by=coordinator
    )

    sensitive = set(questionnaire.questions.filter(sensitive=True).values_list("key", flat=True))
    keys = set(questionnaire.questions.exclude(matching_key="").values_list("matching_key", flat=True))
    assert sensitive == {"gender", "under_represented", "age_range"}
    assert keys == {"career_track", "geography", "values", "department", "seniority", "goals"}


def test_second_application_for_the_same_audience_is_refused(cohort, coordinator, application):
    with pytest.raises(ValidationError):
        templating.questionnaire_from_template(cohort=cohort, template_key="mentee_application", by=coordinator)
    with pytest.raises(ValidationError) as info:
        builder.questionnaire_create(
            cohort=cohort, by=coordinator, title="Both", kind=Kind.APPLICATION, audience="both"
        )

    assert "audience" in info.value.message_dict
    assert cohort.questionnaires.count() == 1


# --- Builder and versioning -----------------------------------------------------------------


def test_question_create_with_choices_gives_stable_slugs(application):
    new = builder.question_create(
        questionnaire=application,
        text="Favourite language?",
        type=QuestionType.SINGLE_CHOICE,
        required=True,
        choices=[ChoiceSpec(label="Python"), ChoiceSpec(label="Go"), ChoiceSpec(label="")],
    )

    assert new.key == "favourite_language"
    assert list(new.choices.values_list("value", "label")) == [("python", "Python"), ("go", "Go")]


def test_a_number_question_keeps_its_unit_and_shows_it_with_answers(application):
    years = builder.question_create(
        questionnaire=application, text="Years in tech?", type=QuestionType.NUMBER, unit="years in tech"
    )

    assert years.with_unit("18") == "18 (years in tech)"
    assert years.with_unit("") == ""


def test_a_unit_is_dropped_when_the_question_stops_being_a_number(application):
    years = builder.question_create(questionnaire=application, text="Years?", type=QuestionType.NUMBER, unit="years")

    builder.question_update(question=years, type=QuestionType.SHORT_TEXT)

    years.refresh_from_db()
    assert (years.type, years.unit, years.with_unit("ten")) == (QuestionType.SHORT_TEXT, "", "ten")


def test_choice_question_needs_two_choices(application):
    with pytest.raises(ValidationError) as info:
        builder.question_create(
            questionnaire=application, text="Pick", type=QuestionType.SINGLE_CHOICE, choices=[ChoiceSpec(label="Only")]
        )

    assert info.value.message_dict == {"choices": ["Offer at least two choices."]}
    assert not application.questions.filter(text="Pick").exists()


def test_type_change_is_blocked_once_answered(application, mentee):
    response_save(questionnaire=application, enrollment=mentee, answers=_answers(application), submit=True, revision=0)
    goals = question(application, "goals")

    with pytest.raises(ValidationError) as info:
        builder.question_update(question=goals, type=QuestionType.NUMBER)

    assert "type cannot change" in info.value.message_dict["type"][0]
    goals.refresh_from_db()
    assert goals.type == QuestionType.SHORT_TEXT


def test_type_change_is_allowed_before_any_answer(application):
    goals = question(application, "goals")

    builder.question_update(question=goals, type=QuestionType.LONG_TEXT)

    goals.refresh_from_db()
    assert goals.type == QuestionType.LONG_TEXT


def test_deleting_an_answered_question_is_blocked_retiring_keeps_answers(application, mentee):
    response_save(questionnaire=application, enrollment=mentee, answers=_answers(application), submit=True, revision=0)
    goals = question(application, "goals")

    with pytest.raises(ValidationError):
        builder.question_delete(question=goals)
    builder.question_retire(question=goals)

    goals.refresh_from_db()
    assert goals.retired_at is not None
    assert list(Answer.objects.filter(question=goals).values_list("display", flat=True)) == ["Grow"]


def test_removing_a_chosen_choice_is_blocked_but_an_unchosen_one_may_go(application, mentee):
    response_save(questionnaire=application, enrollment=mentee, answers=_answers(application), submit=True, revision=0)
    track = question(application, "career_track")
    backend, data = track.choices.get(value="backend"), track.choices.get(value="data")
    extra = Choice.objects.create(question=track, value="mobile", label="Mobile", position=3)
    specs = [
        ChoiceSpec(pk=backend.pk, label="Backend"),
        ChoiceSpec(pk=data.pk, label="Data"),
        ChoiceSpec(pk=extra.pk, label="Mobile", delete=True),
    ]

    builder.question_update(question=track, choices=specs)
    with pytest.raises(ValidationError) as info:
        builder.question_update(
            question=track,
            choices=[ChoiceSpec(pk=backend.pk, label="Backend", delete=True), ChoiceSpec(pk=data.pk, label="Data")],
        )

    assert "retire it instead" in info.value.message_dict["choices"][0]
    assert list(track.choices.values_list("value", flat=True)) == ["backend", "data"]


def test_rewording_keeps_the_text_answers_were_given_and_bumps_the_version(application, mentee):
    response_save(questionnaire=application, enrollment=mentee, answers=_answers(application), submit=True, revision=0)
    track = question(application, "career_track")

    builder.question_update(question=track, text="Which track do you want to grow in?")

    application.refresh_from_db()
    answer = Answer.objects.get(question=track)
    assert (answer.question_text, answer.display) == ("Career track?", "Backend")
    assert application.version == 2
    assert Response.objects.get().questionnaire_version == 1


def test_sensitive_question_stays_sensitive_once_answered(application, mentee):
    answers = {**_answers(application), question(application, "gender").pk: choice_id(application, "gender", "woman")}
    response_save(questionnaire=application, enrollment=mentee, answers=answers, submit=True, revision=0)

    with pytest.raises(ValidationError):
        builder.question_update(question=question(application, "gender"), sensitive=False)


def test_question_move_swaps_with_its_neighbour(application):
    goals = question(application, "goals")

    builder.question_move(question=goals, direction="up")

    assert list(application.questions.order_by("position").values_list("key", flat=True)) == [
        "goals",
        "career_track",
        "gender",
    ]


def test_questionnaire_with_responses_cannot_be_deleted(application, mentee):
    response_save(questionnaire=application, enrollment=mentee, answers=_answers(application), submit=False, revision=0)

    with pytest.raises(ValidationError):
        builder.questionnaire_delete(questionnaire=application)

    assert Questionnaire.objects.filter(pk=application.pk).exists()


def test_matching_key_is_unique_among_live_questions(application):
    with pytest.raises(ValidationError) as info:
        builder.question_create(
            questionnaire=application, text="Track again", type=QuestionType.SHORT_TEXT, matching_key="career_track"
        )

    assert "matching_key" in info.value.message_dict


# --- Filling in -----------------------------------------------------------------------------


def test_draft_then_submit(application, mentee):
    draft = response_save(
        questionnaire=application,
        enrollment=mentee,
        answers={question(application, "goals").pk: "Lead"},
        submit=False,
        revision=0,
    )

    submitted = response_save(
        questionnaire=application,
        enrollment=mentee,
        answers=_answers(application),
        submit=True,
        revision=draft.revision,
    )

    assert (submitted.status, submitted.revision) == (ResponseStatus.SUBMITTED, 2)
    assert dict(submitted.answers.values_list("question__key", "value")) == {"career_track": "backend", "goals": "Grow"}


def test_submit_requires_required_answers_and_changes_nothing(application, mentee):
    with pytest.raises(ValidationError) as info:
        response_save(
            questionnaire=application,
            enrollment=mentee,
            answers={question(application, "goals").pk: "x"},
            submit=True,
            revision=0,
        )

    assert info.value.message_dict == {
        str(question(application, "career_track").pk): ["This question needs an answer."]
    }
    assert Response.objects.count() == 0


def test_double_submission_is_refused_and_changes_nothing(application, mentee):
    response_save(questionnaire=application, enrollment=mentee, answers=_answers(application), submit=True, revision=0)

    with pytest.raises(ValidationError) as info:
        response_save(
            questionnaire=application, enrollment=mentee, answers=_answers(application, "data"), submit=True, revision=0
        )

    assert info.value.code == "stale"
    assert Answer.objects.get(question__key="career_track").value == "backend"
    assert Response.objects.get().revision == 1


def test_unknown_choice_and_foreign_question_are_refused(application, mentee):
    other = QuestionnaireFactory(cohort=application.cohort, kind=Kind.CHECK_IN)
    foreign = other.questions.create(key="x", text="X", type=QuestionType.SHORT_TEXT)

    with pytest.raises(ValidationError):
        response_save(
            questionnaire=application,
            enrollment=mentee,
            answers={question(application, "career_track").pk: "999999"},
            submit=False,
            revision=0,
        )
    with pytest.raises(ValidationError) as info:
        response_save(
            questionnaire=application, enrollment=mentee, answers={foreign.pk: "hello"}, submit=False, revision=0
        )

    assert info.value.code == "tampered"
    assert Response.objects.count() == 0


def test_submitted_response_may_be_edited_until_it_closes(application, mentee):
    first = response_save(
        questionnaire=application, enrollment=mentee, answers=_answers(application), submit=True, revision=0
    )
    second = response_save(
        questionnaire=application,
        enrollment=mentee,
        answers=_answers(application, "data"),
        submit=True,
        revision=first.revision,
    )
    Questionnaire.objects.filter(pk=application.pk).update(closes_at=timezone.now())
    application.refresh_from_db()

    with pytest.raises(ValidationError) as info:
        response_save(
            questionnaire=application,
            enrollment=mentee,
            answers=_answers(application),
            submit=True,
            revision=second.revision,
        )

    assert info.value.code == "closed"
    assert Answer.objects.get(question__key="career_track").value == "data"


def test_application_is_filled_only_in_the_fill_application_phases(application, mentee):
    application.cohort.phase = CohortPhase.LAUNCH
    application.cohort.save()

    with pytest.raises(ValidationError) as info:
        response_save(
            questionnaire=application, enrollment=mentee, answers=_answers(application), submit=True, revision=0
        )

    assert info.value.messages == ["Application questionnaires are filled during enrollment and training."]


def test_wrong_role_and_withdrawn_people_cannot_fill(application, cohort):
    mentor = MentorEnrollmentFactory(cohort=cohort)
    withdrawn = EnrollmentFactory(cohort=cohort, status=EnrollmentStatus.WITHDRAWN)

    for enrollment in (mentor, withdrawn):
        with pytest.raises(ValidationError):
            response_save(
                questionnaire=application, enrollment=enrollment, answers=_answers(application), submit=True, revision=0
            )

    assert Response.objects.count() == 0


def test_survey_needs_a_delivery(cohort, mentee):
    survey = QuestionnaireFactory(cohort=cohort, kind=Kind.CHECK_IN, audience="both")
    q = survey.questions.create(key="how", text="How?", type=QuestionType.SHORT_TEXT)

    with pytest.raises(ValidationError):
        response_save(questionnaire=survey, enrollment=mentee, answers={q.pk: "fine"}, submit=True, revision=0)
    DeliveryFactory(questionnaire=survey, enrollment=mentee)
    response = response_save(questionnaire=survey, enrollment=mentee, answers={q.pk: "fine"}, submit=True, revision=0)

    assert response.status == ResponseStatus.SUBMITTED


def test_response_submitted_is_sent_after_commit(application, mentee, django_capture_on_commit_callbacks):
    received = []

    def listener(sender, response, **kwargs):
        received.append((sender, response.pk, response.status))

    response_submitted.connect(listener)
    try:
        with django_capture_on_commit_callbacks(execute=True):
            draft = response_save(
                questionnaire=application, enrollment=mentee, answers=_answers(application), submit=False, revision=0
            )
        assert received == []
        with django_capture_on_commit_callbacks(execute=True):
            response_save(
                questionnaire=application,
                enrollment=mentee,
                answers=_answers(application),
                submit=True,
                revision=draft.revision,
            )
    finally:
        response_submitted.disconnect(listener)

    assert received == [(Response, draft.pk, ResponseStatus.SUBMITTED)]
