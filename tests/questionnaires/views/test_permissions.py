"""Every view of the app, tried by everyone who must not use it: nothing changes, and
people outside the cohort's organization (or cohort) are told nothing exists (404)."""

import pytest
from django.urls import reverse

from cohorts.enums import CohortPhase
from cohorts.models import PairStatus
from mentorship.enums import OrgRole
from questionnaires.models import Choice, Delivery, ExportJob, Question, Questionnaire, Response, Section, SendRule
from questionnaires.services.exports import export_request
from questionnaires.services.responses import response_save
from tests.factories import (
    CohortFactory,
    DeliveryFactory,
    EnrollmentFactory,
    MembershipFactory,
    PairFactory,
    QuestionnaireFactory,
    SectionFactory,
    SendRuleFactory,
    SubcommitteeMemberFactory,
)

from ..conftest import choice_id, question

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(application, cohort, coordinator, mentee):
    section = SectionFactory(questionnaire=application)
    survey = QuestionnaireFactory(cohort=cohort, kind="check_in", audience="both", title="Check-in")
    survey.questions.create(key="how", text="How is it going?", type="short_text")
    rule = SendRuleFactory(questionnaire=survey)
    response = response_save(
        questionnaire=application,
        enrollment=mentee,
        answers={question(application, "goals").pk: "Mine"},
        submit=False,
        revision=0,
    )
    job = export_request(questionnaire=application, by=coordinator, include_sensitive=True)
    return {
        "cohort": cohort,
        "questionnaire": application,
        "survey": survey,
        "question": question(application, "goals"),
        "section": section,
        "rule": rule,
        "response": response,
        "job": job,
    }


def _endpoints(w) -> list[tuple[str, str, dict]]:
    q, goals = w["questionnaire"].pk, w["question"].pk
    return [
        ("get", reverse("questionnaires:questionnaire-create", kwargs={"cohort_pk": w["cohort"].pk}), {}),
        (
            "post",
            reverse("questionnaires:questionnaire-create", kwargs={"cohort_pk": w["cohort"].pk}),
            {"template": "check_in"},
        ),
        ("post", reverse("questionnaires:questionnaire-setup", kwargs={"cohort_pk": w["cohort"].pk}), {}),
        (
            "post",
            reverse("questionnaires:questionnaire-update", kwargs={"pk": q}),
            {"title": "Hacked", "kind": "application", "audience": "mentee"},
        ),
        ("post", reverse("questionnaires:questionnaire-delete", kwargs={"pk": w["survey"].pk}), {}),
        ("post", reverse("questionnaires:questionnaire-duplicate", kwargs={"pk": w["survey"].pk}), {}),
        ("post", reverse("questionnaires:questionnaire-send", kwargs={"pk": w["survey"].pk}), {}),
        ("post", reverse("questionnaires:section-create", kwargs={"pk": q}), {"title": "New"}),
        ("post", reverse("questionnaires:section-update", kwargs={"pk": w["section"].pk}), {"title": "Hacked"}),
        ("post", reverse("questionnaires:section-delete", kwargs={"pk": w["section"].pk}), {}),
        ("post", reverse("questionnaires:section-move", kwargs={"pk": w["section"].pk}), {"direction": "up"}),
        (
            "post",
            reverse("questionnaires:question-create", kwargs={"pk": q}),
            {"text": "New?", "type": "short_text", "choices-TOTAL_FORMS": "0", "choices-INITIAL_FORMS": "0"},
        ),
        (
            "post",
            reverse("questionnaires:question-update", kwargs={"pk": goals}),
            {"text": "Hacked?", "type": "short_text", "choices-TOTAL_FORMS": "0", "choices-INITIAL_FORMS": "0"},
        ),
        ("post", reverse("questionnaires:question-delete", kwargs={"pk": goals}), {}),
        ("post", reverse("questionnaires:question-retire", kwargs={"pk": goals}), {"retired": "1"}),
        ("post", reverse("questionnaires:question-move", kwargs={"pk": goals}), {"direction": "up"}),
        (
            "post",
            reverse("questionnaires:send-rule-create", kwargs={"pk": w["survey"].pk}),
            {"trigger": "date", "anchor": "ends_on", "offset": "1", "unit": "days", "direction": "after"},
        ),
        ("post", reverse("questionnaires:send-rule-delete", kwargs={"pk": w["rule"].pk}), {}),
        ("post", reverse("questionnaires:export-create", kwargs={"pk": q}), {"include_sensitive": "on"}),
        ("get", reverse("questionnaires:export-detail", kwargs={"pk": w["job"].pk}), {}),
        ("get", reverse("questionnaires:export-download", kwargs={"pk": w["job"].pk}), {}),
        ("post", reverse("questionnaires:export-retry", kwargs={"pk": w["job"].pk}), {}),
        ("get", reverse("questionnaires:response-list", kwargs={"pk": q}), {}),
        ("get", reverse("questionnaires:response-detail", kwargs={"pk": w["response"].pk}), {}),
    ]


def _state():
    return (
        list(Questionnaire.objects.order_by("pk").values_list("pk", "title", "version")),
        list(Section.objects.order_by("pk").values_list("pk", "title", "position")),
        list(Question.objects.order_by("pk").values_list("pk", "text", "position", "retired_at")),
        Choice.objects.count(),
        SendRule.objects.count(),
        Delivery.objects.count(),
        list(ExportJob.objects.order_by("pk").values_list("pk", "status", "attempts")),
    )


def _people(w, viewer):
    cohort = w["cohort"]
    other_cohort = CohortFactory(program=cohort.program, phase=CohortPhase.ENROLLMENT)
    return {
        "participant": (EnrollmentFactory(cohort=cohort).user, 403),
        "viewer": (viewer, 403),
        "subcommittee": (SubcommitteeMemberFactory(cohort=cohort).user, 403),
        "coordinator of another organization": (MembershipFactory(role=OrgRole.COORDINATOR).user, 404),
        "participant of another cohort": (EnrollmentFactory(cohort=other_cohort).user, 404),
        "subcommittee of another cohort": (SubcommitteeMemberFactory(cohort=other_cohort).user, 404),
    }


@pytest.mark.parametrize(
    "who",
    [
        "participant",
        "viewer",
        "subcommittee",
        "coordinator of another organization",
        "participant of another cohort",
        "subcommittee of another cohort",
    ],
)
def test_builder_sending_and_export_are_refused_and_change_nothing(client, world, viewer, who):
    user, expected = _people(world, viewer)[who]
    endpoints = _endpoints(world)
    if who == "subcommittee":
        # The subcommittee reads every answer; it builds, sends and exports nothing.
        readable = {
            reverse("questionnaires:response-list", kwargs={"pk": world["questionnaire"].pk}),
            reverse("questionnaires:response-detail", kwargs={"pk": world["response"].pk}),
        }
        endpoints = [e for e in endpoints if e[1] not in readable]
    before = _state()
    client.force_login(user)

    codes = {url: getattr(client, method)(url, data).status_code for method, url, data in endpoints}

    assert codes == {url: expected for _, url, _ in endpoints}
    assert _state() == before


def test_partner_reads_the_submitted_application_without_its_sensitive_answers(client, application, cohort, mentee):
    answers = {
        question(application, "career_track").pk: choice_id(application, "career_track", "data"),
        question(application, "goals").pk: "Lead a team",
        question(application, "gender").pk: choice_id(application, "gender", "woman"),
    }
    response = response_save(questionnaire=application, enrollment=mentee, answers=answers, submit=True, revision=0)
    pair = PairFactory(cohort=cohort, mentee=mentee, status=PairStatus.ACTIVE)
    client.force_login(pair.mentor.user)

    page = client.get(reverse("questionnaires:response-detail", kwargs={"pk": response.pk}))

    assert [row["question"].key for row in page.context["rows"]] == ["career_track", "goals"]
    assert "Gender?" not in page.content.decode()
    assert "Woman" not in page.content.decode()


def test_partner_does_not_read_a_draft_application_or_a_survey(client, application, cohort, mentee):
    draft = response_save(
        questionnaire=application,
        enrollment=mentee,
        answers={question(application, "goals").pk: "Unfinished"},
        submit=False,
        revision=0,
    )
    survey = QuestionnaireFactory(cohort=cohort, kind="match_feedback", audience="both")
    fit = survey.questions.create(key="good_fit", text="Good fit?", type="short_text")
    DeliveryFactory(questionnaire=survey, enrollment=mentee)
    feedback = response_save(questionnaire=survey, enrollment=mentee, answers={fit.pk: "no"}, submit=True, revision=0)
    pair = PairFactory(cohort=cohort, mentee=mentee, status=PairStatus.ACTIVE)
    client.force_login(pair.mentor.user)

    codes = [
        client.get(reverse("questionnaires:response-detail", kwargs={"pk": draft.pk})).status_code,
        client.get(reverse("questionnaires:response-detail", kwargs={"pk": feedback.pk})).status_code,
    ]

    assert codes == [404, 403]


def test_ended_pair_no_longer_reads_the_application(client, application, cohort, mentee):
    response = response_save(questionnaire=application, enrollment=mentee, answers={}, submit=False, revision=0)
    Response.objects.filter(pk=response.pk).update(status="submitted")
    pair = PairFactory(cohort=cohort, mentee=mentee, status=PairStatus.ENDED)
    client.force_login(pair.mentor.user)

    page = client.get(reverse("questionnaires:response-detail", kwargs={"pk": response.pk}))

    assert page.status_code == 403


def _choice_post(question, rows, **extra):
    data = {
        "text": question.text,
        "type": question.type,
        "required": "on",
        "criterion": "",
        "choices-TOTAL_FORMS": str(len(rows)),
        "choices-INITIAL_FORMS": "0",
        **extra,
    }
    for index, (pk, label) in enumerate(rows):
        data[f"choices-{index}-pk"] = str(pk) if pk else ""
        data[f"choices-{index}-label"] = label
    return data


def test_choice_of_another_questionnaire_cannot_be_taken_over(client, coordinator, application, cohort):
    other = QuestionnaireFactory(cohort=cohort, kind="check_in", audience="both")
    foreign_question = other.questions.create(key="pick", text="Pick?", type="single_choice")
    foreign = foreign_question.choices.create(value="x", label="Foreign", position=1)
    foreign_question.choices.create(value="y", label="Other", position=2)
    track = question(application, "career_track")
    client.force_login(coordinator)

    page = client.post(
        reverse("questionnaires:question-update", kwargs={"pk": track.pk}),
        _choice_post(track, [(foreign.pk, "Hijacked"), (None, "Backend"), (None, "Data")]),
    )

    assert page.status_code == 200
    assert page.context["formset"].non_form_errors() == ["One of the choices does not belong to this question."]
    assert Choice.objects.get(pk=foreign.pk).question_id == foreign_question.pk
    assert Choice.objects.get(pk=foreign.pk).label == "Foreign"
    assert list(track.choices.values_list("value", flat=True)) == ["backend", "data"]


def test_section_of_another_questionnaire_is_refused_next_to_its_field(client, coordinator, application, cohort):
    foreign = SectionFactory(questionnaire=QuestionnaireFactory(cohort=cohort, kind="check_in", audience="both"))
    goals = question(application, "goals")
    client.force_login(coordinator)

    page = client.post(
        reverse("questionnaires:question-update", kwargs={"pk": goals.pk}),
        {**_choice_post(goals, []), "section": str(foreign.pk)},
    )

    goals.refresh_from_db()
    assert page.status_code == 200
    assert list(page.context["form"].errors) == ["section"]
    assert goals.section_id is None
