import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from cohorts.enums import CohortPhase
from mentorship.enums import OrgRole
from questionnaires.enums import ResponseStatus
from questionnaires.models import Answer, ExportJob, Question, Response
from questionnaires.services.responses import response_save
from questionnaires.tasks import task_export_answers
from tests.factories import (
    CohortFactory,
    DeliveryFactory,
    EnrollmentFactory,
    MembershipFactory,
    QuestionnaireFactory,
    SubcommitteeMemberFactory,
    UserFactory,
)

from ..conftest import choice_id, question

pytestmark = pytest.mark.django_db


def _fill_data(application, track="backend", goals="Grow", **extra):
    return {
        "revision": "0",
        f"q_{question(application, 'career_track').pk}": choice_id(application, "career_track", track),
        f"q_{question(application, 'goals').pk}": goals,
        **extra,
    }


def test_mentee_saves_a_draft_then_submits(client, application, mentee):
    client.force_login(mentee.user)
    url = reverse("questionnaires:response-fill", kwargs={"pk": application.pk})

    draft = client.post(url, {**_fill_data(application), "draft": "1"})
    page = client.get(url)
    submitted = client.post(url, {**_fill_data(application, "data"), "revision": "1", "submit": "1"})

    assert draft.status_code == 302 and submitted.status_code == 302
    assert 'value="Grow"' in page.content.decode()
    response = Response.objects.get()
    assert (response.status, response.revision) == (ResponseStatus.SUBMITTED, 2)
    assert Answer.objects.get(question__key="career_track").display == "Data"


def test_bad_answer_gets_a_message_next_to_its_field_and_saves_nothing(client, application, mentee):
    client.force_login(mentee.user)
    url = reverse("questionnaires:response-fill", kwargs={"pk": application.pk})

    page = client.post(url, {**_fill_data(application, goals="x" * 201), "submit": "1"})

    goals = question(application, "goals")
    assert page.status_code == 200
    assert page.context["form"].errors[f"q_{goals.pk}"] == ["Keep it to 200 characters (it has 201)."]
    assert (
        f'id="q_{goals.pk}_error" class="invalid-feedback d-block">Keep it to 200 characters' in page.content.decode()
    )
    assert Response.objects.count() == 0


@pytest.mark.parametrize(
    "tamper",
    ["unknown_choice", "foreign_question", "double_submit"],
)
def test_tampered_submissions_are_refused_and_change_nothing(client, application, mentee, tamper):
    client.force_login(mentee.user)
    url = reverse("questionnaires:response-fill", kwargs={"pk": application.pk})
    client.post(url, {**_fill_data(application), "submit": "1"})
    before = list(Answer.objects.values_list("question__key", "value").order_by("question__key"))
    data = {**_fill_data(application, "data"), "revision": "1", "submit": "1"}
    if tamper == "unknown_choice":
        data[f"q_{question(application, 'career_track').pk}"] = "987654"
    elif tamper == "foreign_question":
        other = QuestionnaireFactory(cohort=application.cohort, kind="check_in").questions.create(
            key="k", text="K", type="short_text"
        )
        data[f"q_{other.pk}"] = "sneaky"
    else:
        data["revision"] = "0"

    page = client.post(url, data)

    assert page.status_code == 200
    assert page.context["form"].errors
    assert list(Answer.objects.values_list("question__key", "value").order_by("question__key")) == before
    assert Response.objects.get().revision == 1


def test_nobody_fills_or_reads_another_persons_response(client, application, mentee, cohort):
    response = response_save(
        questionnaire=application,
        enrollment=mentee,
        answers={question(application, "goals").pk: "Mine"},
        submit=False,
        revision=0,
    )
    other = EnrollmentFactory(cohort=cohort)
    client.force_login(other.user)

    read = client.get(reverse("questionnaires:response-detail", kwargs={"pk": response.pk}))
    client.post(
        reverse("questionnaires:response-fill", kwargs={"pk": application.pk}),
        {**_fill_data(application), "draft": "1"},
    )

    assert read.status_code == 403
    assert list(Answer.objects.filter(response=response).values_list("value", flat=True)) == ["Mine"]
    assert Response.objects.get(enrollment=other).enrollment_id == other.pk


def test_other_organization_sees_nothing(client, application, mentee):
    stranger = MembershipFactory(role=OrgRole.COORDINATOR).user
    response = response_save(questionnaire=application, enrollment=mentee, answers={}, submit=False, revision=0)
    client.force_login(stranger)
    urls = [
        reverse("questionnaires:questionnaire-list", kwargs={"cohort_pk": application.cohort_id}),
        reverse("questionnaires:questionnaire-detail", kwargs={"pk": application.pk}),
        reverse("questionnaires:questionnaire-summary", kwargs={"pk": application.pk}),
        reverse("questionnaires:response-list", kwargs={"pk": application.pk}),
        reverse("questionnaires:response-detail", kwargs={"pk": response.pk}),
        reverse("questionnaires:question-update", kwargs={"pk": question(application, "goals").pk}),
        reverse("questionnaires:response-fill", kwargs={"pk": application.pk}),
    ]

    assert [client.get(url).status_code for url in urls] == [404] * len(urls)
    assert (
        client.post(
            reverse("questionnaires:question-delete", kwargs={"pk": question(application, "goals").pk})
        ).status_code
        == 404
    )
    assert Question.objects.filter(questionnaire=application).count() == 3


def test_subcommittee_reads_but_does_not_build_viewer_reads_summaries_only(client, application, viewer):
    member = SubcommitteeMemberFactory(cohort=application.cohort).user
    goals = question(application, "goals")
    answers_url = reverse("questionnaires:response-list", kwargs={"pk": application.pk})
    summary_url = reverse("questionnaires:questionnaire-summary", kwargs={"pk": application.pk})

    client.force_login(member)
    member_codes = [
        client.get(answers_url).status_code,
        client.post(reverse("questionnaires:question-delete", kwargs={"pk": goals.pk})).status_code,
    ]
    client.force_login(viewer)
    viewer_codes = [client.get(answers_url).status_code, client.get(summary_url).status_code]

    assert member_codes == [200, 403]
    assert viewer_codes == [403, 200]
    assert Question.objects.filter(pk=goals.pk).exists()


def test_coordinator_builds_from_a_template_and_reorders(client, coordinator, cohort):
    client.force_login(coordinator)

    made = client.post(
        reverse("questionnaires:questionnaire-create", kwargs={"cohort_pk": cohort.pk}), {"template": "check_in"}
    )
    questionnaire = cohort.questionnaires.get()
    second = questionnaire.questions.order_by("position")[1]
    client.post(reverse("questionnaires:question-move", kwargs={"pk": second.pk}), {"direction": "up"})

    assert made.status_code == 302
    assert list(questionnaire.questions.order_by("position").values_list("key", flat=True))[:2] == [
        "meetings_held",
        "going_well",
    ]


def test_coordinator_adds_a_choice_question(client, coordinator, application):
    client.force_login(coordinator)
    data = {
        "text": "Preferred language?",
        "help_text": "",
        "type": "multiple_choice",
        "required": "on",
        "section": "",
        "criterion": "__other__",
        "criterion_name": "languages",
        "max_choices": "2",
        "choices-TOTAL_FORMS": "3",
        "choices-INITIAL_FORMS": "0",
        "choices-MIN_NUM_FORMS": "0",
        "choices-MAX_NUM_FORMS": "50",
        "choices-0-label": "English",
        "choices-1-label": "Spanish",
        "choices-2-label": "",
    }

    page = client.post(reverse("questionnaires:question-create", kwargs={"pk": application.pk}), data)

    assert page.status_code == 302
    added = application.questions.get(text="Preferred language?")
    assert (added.matching_key, added.max_choices, list(added.choices.values_list("value", flat=True))) == (
        "languages",
        2,
        ["english", "spanish"],
    )


def test_blocked_type_change_shows_a_clear_message(client, coordinator, application, mentee):
    response_save(
        questionnaire=application,
        enrollment=mentee,
        answers={question(application, "goals").pk: "x"},
        submit=False,
        revision=0,
    )
    goals = question(application, "goals")
    client.force_login(coordinator)
    data = {
        "text": goals.text,
        "type": "number",
        "required": "on",
        "criterion": "",
        "choices-TOTAL_FORMS": "0",
        "choices-INITIAL_FORMS": "0",
        "choices-MIN_NUM_FORMS": "0",
        "choices-MAX_NUM_FORMS": "50",
    }

    page = client.post(reverse("questionnaires:question-update", kwargs={"pk": goals.pk}), data)

    assert page.status_code == 200
    assert page.context["form"].errors["type"] == [
        "People have answered this question, so its type cannot change. Retire it and add a new question instead."
    ]


def _queries(client, url) -> tuple[int, object]:
    with CaptureQueriesContext(connection) as captured:
        page = client.get(url)
    assert page.status_code == 200
    return len(captured), page


def test_response_list_costs_the_same_queries_for_1_and_4_people(client, coordinator, application):
    client.force_login(coordinator)
    url = reverse("questionnaires:response-list", kwargs={"pk": application.pk})
    counts = []
    for item_count in (1, 4):
        while Response.objects.count() < item_count:
            response_save(
                questionnaire=application,
                enrollment=EnrollmentFactory(cohort=application.cohort),
                answers={},
                submit=False,
                revision=0,
            )
        count, page = _queries(client, url)
        counts.append(count)
        assert page.context["page"].paginator.count == item_count

    assert counts[0] == counts[1]


def test_questionnaire_list_costs_the_same_queries_for_1_and_4(client, coordinator, cohort):
    client.force_login(coordinator)
    url = reverse("questionnaires:questionnaire-list", kwargs={"cohort_pk": cohort.pk})
    counts = []
    for item_count in (1, 4):
        while cohort.questionnaires.count() < item_count:
            QuestionnaireFactory(cohort=cohort, kind="check_in", audience="both")
        count, page = _queries(client, url)
        counts.append(count)
        assert len(page.context["questionnaires"]) == item_count

    assert counts[0] == counts[1]


def test_summary_costs_the_same_queries_for_1_and_4_responses(client, coordinator, application):
    client.force_login(coordinator)
    url = reverse("questionnaires:questionnaire-summary", kwargs={"pk": application.pk})
    counts = []
    for item_count in (1, 4):
        while Response.objects.count() < item_count:
            response_save(
                questionnaire=application,
                enrollment=EnrollmentFactory(cohort=application.cohort),
                answers={question(application, "career_track").pk: choice_id(application, "career_track", "data")},
                submit=True,
                revision=0,
            )
        count, page = _queries(client, url)
        counts.append(count)
        assert page.context["total"] == item_count

    assert counts[0] == counts[1]
    assert '<rect x="0" y="0" height="10" width="100.0">' in page.content.decode()


def test_export_page_is_for_coordinators_and_downloads_the_csv(
    client, coordinator, application, mentee, django_capture_on_commit_callbacks
):
    response_save(
        questionnaire=application,
        enrollment=mentee,
        answers={question(application, "goals").pk: "@risky"},
        submit=False,
        revision=0,
    )
    client.force_login(coordinator)

    with django_capture_on_commit_callbacks(execute=True):
        created = client.post(reverse("questionnaires:export-create", kwargs={"pk": application.pk}))
    job = application.export_jobs.get()
    status = client.get(reverse("questionnaires:export-detail", kwargs={"pk": job.pk}), HTTP_HX_REQUEST="true")
    download = client.get(reverse("questionnaires:export-download", kwargs={"pk": job.pk}))
    client.force_login(SubcommitteeMemberFactory(cohort=application.cohort).user)
    denied = client.get(reverse("questionnaires:export-download", kwargs={"pk": job.pk}))

    assert created.status_code == 302
    assert "Download the CSV (1 row)" in status.content.decode()
    assert b"'@risky" in b"".join(download.streaming_content)
    assert denied.status_code == 403


def test_participant_sees_only_their_questionnaires(client, application, mentee, cohort):
    other_cohort = CohortFactory(program=cohort.program, phase=CohortPhase.ENROLLMENT)
    client.force_login(mentee.user)

    mine = client.get(reverse("questionnaires:response-mine", kwargs={"cohort_pk": cohort.pk}))
    foreign = client.get(reverse("questionnaires:response-mine", kwargs={"cohort_pk": other_cohort.pk}))
    builder = client.get(reverse("questionnaires:questionnaire-detail", kwargs={"pk": application.pk}))

    assert [item.questionnaire for item in mine.context["items"]] == [application]
    assert (foreign.status_code, builder.status_code) == (404, 403)


def test_outsider_gets_404_for_fill(client, application):
    client.force_login(UserFactory())

    assert client.get(reverse("questionnaires:response-fill", kwargs={"pk": application.pk})).status_code == 404


def test_form_posted_without_its_revision_says_reload_and_saves_nothing(client, application, mentee):
    client.force_login(mentee.user)
    url = reverse("questionnaires:response-fill", kwargs={"pk": application.pk})
    data = {k: v for k, v in _fill_data(application).items() if k != "revision"}

    page = client.post(url, {**data, "submit": "1"})

    assert page.status_code == 200
    assert page.context["form"].errors["revision"] == ["This page is out of date; reload it and answer again."]
    assert "This page is out of date; reload it and answer again." in page.content.decode()
    assert Response.objects.count() == 0


def test_copy_of_a_questionnaire_whose_title_is_at_its_maximum(client, coordinator, cohort):
    source = QuestionnaireFactory(cohort=cohort, kind="check_in", audience="both", title="x" * 200)
    client.force_login(coordinator)

    page = client.post(reverse("questionnaires:questionnaire-duplicate", kwargs={"pk": source.pk}))

    copy = cohort.questionnaires.exclude(pk=source.pk).get()
    assert page.status_code == 302
    assert copy.title == "x" * 192 + "… (copy)"


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"trigger": "date", "anchor": "ends_on", "offset": "121", "unit": "months", "direction": "after"}, "offset"),
        ({"trigger": "date", "anchor": "ends_on", "offset": "32767", "unit": "days", "direction": "before"}, "offset"),
    ],
)
def test_send_rule_beyond_ten_years_is_refused_next_to_its_field(client, coordinator, cohort, data, field):
    survey = QuestionnaireFactory(cohort=cohort, kind="check_in", audience="both")
    client.force_login(coordinator)

    page = client.post(reverse("questionnaires:send-rule-create", kwargs={"pk": survey.pk}), data)

    assert page.status_code == 200
    assert list(page.context["form"].errors) == [field]
    assert survey.send_rules.count() == 0


def test_reminder_delay_is_bounded(client, coordinator, cohort):
    survey = QuestionnaireFactory(cohort=cohort, kind="check_in", audience="both", title="Check-in")
    client.force_login(coordinator)
    data = {"title": "Check-in", "kind": "check_in", "audience": "both", "reminder_days": "99999999999"}

    page = client.post(reverse("questionnaires:questionnaire-update", kwargs={"pk": survey.pk}), data)

    survey.refresh_from_db()
    assert page.status_code == 200
    assert list(page.context["form"].errors) == ["reminder_days"]
    assert survey.reminder_days == 7


def test_sending_an_application_outside_the_fill_phases_says_why(client, coordinator, application, mentee, cohort):
    cohort.phase = CohortPhase.DRAFT
    cohort.save()
    client.force_login(coordinator)

    page = client.post(reverse("questionnaires:questionnaire-send", kwargs={"pk": application.pk}), follow=True)

    assert [str(m) for m in page.context["messages"]] == [
        "Application questionnaires are filled during enrollment and training."
    ]
    assert application.deliveries.count() == 0


def test_download_of_a_file_that_is_gone_says_so(client, coordinator, application, mentee):
    job = ExportJob.objects.create(questionnaire=application, requested_by=coordinator)
    task_export_answers(export_job_id=job.pk)
    job.refresh_from_db()
    job.file.storage.delete(job.file.name)
    client.force_login(coordinator)

    page = client.get(reverse("questionnaires:export-download", kwargs={"pk": job.pk}), follow=True)

    assert page.redirect_chain[-1][0] == reverse("questionnaires:response-list", kwargs={"pk": application.pk})
    assert [str(m) for m in page.context["messages"]] == ["The file is no longer there; export the answers again."]


@pytest.mark.parametrize("item_count", [1, 3])
def test_builder_page_costs_a_fixed_number_of_queries(
    client, coordinator, cohort, item_count, django_assert_num_queries
):
    questionnaire = QuestionnaireFactory(cohort=cohort, kind="check_in", audience="both")
    for n in range(item_count):
        q = questionnaire.questions.create(key=f"q{n}", text=f"Q{n}?", type="single_choice", position=n)
        q.choices.create(value="a", label="A", position=1)
        q.choices.create(value="b", label="B", position=2)
        questionnaire.sections.create(title=f"S{n}", position=n)
        questionnaire.send_rules.create(trigger="date", anchor="ends_on", offset=n)
        recurring = questionnaire.send_rules.create(
            trigger="recurring", repeat_every=n + 1, repeat_unit="weeks", from_event="launch_on", until_event="ends_on"
        )
        copy = QuestionnaireFactory(cohort=cohort, kind="check_in", title=f"Occurrence {n}")
        recurring.occurrences.create(due_on=datetime.date(2027, 1, 1 + n), questionnaire=copy)
    client.force_login(coordinator)

    # Recurring rules add their occurrences, those occurrences' copies and the cohort's phase changes.
    with django_assert_num_queries(17):
        page = client.get(reverse("questionnaires:questionnaire-detail", kwargs={"pk": questionnaire.pk}))

    assert len(page.context["rules"]) == 2 * item_count


@pytest.mark.parametrize("item_count", [1, 3])
def test_my_questionnaires_cost_a_fixed_number_of_queries(
    client, cohort, mentee, item_count, django_assert_num_queries
):
    for n in range(item_count):
        survey = QuestionnaireFactory(cohort=cohort, kind="check_in", audience="both", title=f"Survey {n}")
        DeliveryFactory(questionnaire=survey, enrollment=mentee)
        response_save(questionnaire=survey, enrollment=mentee, answers={}, submit=False, revision=0)
    client.force_login(mentee.user)

    # 9 for the page, 6 for the cohort bar (the person's place in the cohort).
    with django_assert_num_queries(15):
        page = client.get(reverse("questionnaires:response-mine", kwargs={"cohort_pk": cohort.pk}))

    assert [item.questionnaire.title for item in page.context["items"]] == [f"Survey {n}" for n in range(item_count)]


def test_the_builder_counts_who_an_application_questionnaire_reaches(client, application, cohort, coordinator):
    """Not "Sent to 0 people" under "3 people have answered": an application questionnaire is
    open to everyone of its roles, so the page counts them and who submitted or started."""
    from cohorts.enums import EnrollmentStatus

    people = [EnrollmentFactory(cohort=cohort) for _ in range(4)]
    EnrollmentFactory(cohort=cohort, status=EnrollmentStatus.WITHDRAWN)
    EnrollmentFactory(cohort=cohort, role="mentor")  # not of its audience (mentees)
    for person in people[:2]:
        Response.objects.create(questionnaire=application, enrollment=person, status=ResponseStatus.SUBMITTED)
    Response.objects.create(questionnaire=application, enrollment=people[2], status=ResponseStatus.DRAFT)
    client.force_login(coordinator)

    page = client.get(reverse("questionnaires:questionnaire-detail", kwargs={"pk": application.pk}))

    text = " ".join(page.content.decode().split())
    assert "Open to 4 people of the cohort (mentees): 2 have submitted, 1 has started." in text
    assert "Sent to" not in text
    assert "3 people have answered." in text


def test_the_builder_of_a_sent_survey_counts_deliveries_and_answers(client, cohort, coordinator):
    survey = QuestionnaireFactory(cohort=cohort, kind="survey")
    people = [EnrollmentFactory(cohort=cohort) for _ in range(3)]
    for person in people:
        DeliveryFactory(questionnaire=survey, enrollment=person)
    Response.objects.create(questionnaire=survey, enrollment=people[0], status=ResponseStatus.SUBMITTED)
    client.force_login(coordinator)

    page = client.get(reverse("questionnaires:questionnaire-detail", kwargs={"pk": survey.pk}))

    assert "Sent to 3 people so far. 1 has answered." in " ".join(page.content.decode().split())
