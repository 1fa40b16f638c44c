import csv
import datetime
import io
import re

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from cohorts.enums import CohortPhase
from cohorts.models import PairStatus
from mentorship.enums import JobStatus
from questionnaires.enums import Kind, QuestionType
from questionnaires.models import Delivery, ExportJob, SendRule
from questionnaires.scheduling import add_months, rule_is_due, rule_send_date
from questionnaires.services.exports import export_request
from questionnaires.services.responses import response_save
from questionnaires.services.sending import questionnaire_deliver, recipients
from questionnaires.tasks import task_export_answers, task_send_due, task_send_reminders
from tests.factories import (
    DeliveryFactory,
    EnrollmentFactory,
    PairFactory,
    QuestionnaireFactory,
    SendRuleFactory,
    SubcommitteeMemberFactory,
)

from .conftest import choice_id, question

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("day", "months", "expected"),
    [
        (datetime.date(2027, 8, 31), 6, datetime.date(2028, 2, 29)),
        (datetime.date(2026, 8, 31), 6, datetime.date(2027, 2, 28)),
        (datetime.date(2027, 1, 31), 1, datetime.date(2027, 2, 28)),
        (datetime.date(2027, 3, 31), -1, datetime.date(2027, 2, 28)),
        (datetime.date(2027, 6, 15), 18, datetime.date(2028, 12, 15)),
    ],
)
def test_add_months_clamps_at_month_ends(day, months, expected):
    assert add_months(day, months) == expected


def _survey(cohort, kind=Kind.CHECK_IN):
    survey = QuestionnaireFactory(cohort=cohort, kind=kind, audience="both", title="Check-in")
    survey.questions.create(key="how", text="How is it going?", type=QuestionType.SHORT_TEXT)
    return survey


def test_send_due_sends_each_person_once_even_run_twice(cohort, django_capture_on_commit_callbacks):
    pair = PairFactory(cohort=cohort)
    survey = _survey(cohort)
    cohort.launch_on = timezone.localdate() - datetime.timedelta(days=10)
    cohort.save()
    SendRuleFactory(questionnaire=survey, anchor="launch_on", offset=7, unit="days")

    with django_capture_on_commit_callbacks(execute=True):
        first = task_send_due()
        second = task_send_due()

    assert (first, second) == (2, 0)
    assert sorted(Delivery.objects.values_list("enrollment_id", flat=True)) == sorted([pair.mentor_id, pair.mentee_id])
    assert sorted(m.to[0] for m in mail.outbox) == sorted([pair.mentor.user.email, pair.mentee.user.email])
    assert mail.outbox[0].subject == f"Please answer “Check-in” ({cohort.name})"


def test_rule_not_yet_due_sends_nothing(cohort):
    PairFactory(cohort=cohort)
    survey = _survey(cohort)
    cohort.launch_on = timezone.localdate() - datetime.timedelta(days=3)
    cohort.save()
    rule = SendRuleFactory(questionnaire=survey, anchor="launch_on", offset=7, unit="days")

    assert task_send_due() == 0
    assert rule_is_due(rule, cohort, timezone.localdate() + datetime.timedelta(days=4)) is True


def test_phase_rule_sends_while_the_cohort_is_in_that_phase(cohort, mentee, application):
    SendRuleFactory(questionnaire=application, trigger="phase", phase=CohortPhase.ENROLLMENT, anchor="")

    assert task_send_due() == 1
    assert Delivery.objects.get().enrollment == mentee


def test_the_database_refuses_a_second_delivery(cohort, mentee, application):
    DeliveryFactory(questionnaire=application, enrollment=mentee)

    with pytest.raises(IntegrityError), transaction.atomic():
        Delivery.objects.create(questionnaire=application, enrollment=mentee)


def test_post_program_goes_to_graduates_only_when_some_graduated(cohort):
    graduated = PairFactory(cohort=cohort, status=PairStatus.GRADUATED)
    PairFactory(cohort=cohort, status=PairStatus.ENDED)
    survey = _survey(cohort, Kind.POST_PROGRAM)

    people = set(recipients(questionnaire=survey).values_list("pk", flat=True))

    assert people == {graduated.mentor_id, graduated.mentee_id}


def test_post_program_goes_once_the_cohort_ended_to_pairs_that_completed_under_the_rule(cohort):
    from meetings.enums import MeetingStatus
    from tests.factories import MeetingFactory

    program = cohort.program
    program.uses_showcase = program.graduation_requires_project = program.graduation_requires_final_survey = False
    program.graduation_min_contacts = 1
    program.save()
    completed, short = PairFactory(cohort=cohort), PairFactory(cohort=cohort)
    MeetingFactory(pair=completed, status=MeetingStatus.HELD, starts_at=timezone.now() - datetime.timedelta(days=3))
    EnrollmentFactory(cohort=cohort)
    survey = _survey(cohort, Kind.POST_PROGRAM)
    cohort.ends_on = timezone.localdate() + datetime.timedelta(days=1)
    cohort.save()

    before = list(recipients(questionnaire=survey))
    cohort.ends_on = timezone.localdate()
    cohort.save()
    after = set(recipients(questionnaire=survey).values_list("pk", flat=True))

    assert (before, after) == ([], {completed.mentor_id, completed.mentee_id})
    assert short.mentee_id not in after


def test_reminder_goes_once_to_those_who_have_not_submitted(cohort, application, django_capture_on_commit_callbacks):
    waiting, answered = EnrollmentFactory(cohort=cohort), EnrollmentFactory(cohort=cohort)
    sent = timezone.now() - datetime.timedelta(days=8)
    DeliveryFactory(questionnaire=application, enrollment=waiting, sent_at=sent)
    DeliveryFactory(questionnaire=application, enrollment=answered, sent_at=sent)
    response_save(
        questionnaire=application,
        enrollment=answered,
        answers={question(application, "career_track").pk: choice_id(application, "career_track", "data")},
        submit=True,
        revision=0,
    )

    with django_capture_on_commit_callbacks(execute=True):
        first, second = task_send_reminders(), task_send_reminders()

    assert (first, second) == (1, 0)
    assert [m.to for m in mail.outbox] == [[waiting.user.email]]
    assert mail.outbox[0].subject == "Reminder: “Mentee application” is waiting for your answers"


def test_reminder_waits_for_its_days(cohort, application, mentee):
    DeliveryFactory(questionnaire=application, enrollment=mentee, sent_at=timezone.now() - datetime.timedelta(days=6))

    assert task_send_reminders() == 0


# --- Exports --------------------------------------------------------------------------------


def _submit(application, enrollment, goals, gender="woman"):
    answers = {
        question(application, "career_track").pk: choice_id(application, "career_track", "backend"),
        question(application, "goals").pk: goals,
        question(application, "gender").pk: choice_id(application, "gender", gender),
    }
    response_save(questionnaire=application, enrollment=enrollment, answers=answers, submit=True, revision=0)


def _rows(job):
    job.refresh_from_db()
    with job.file.open("rb") as handle:
        content = handle.read()
    assert content.startswith("\ufeff".encode())
    return list(csv.reader(io.StringIO(content.decode("utf-8-sig"))))


def test_export_writes_one_row_per_person_without_sensitive_columns(
    application, mentee, coordinator, django_capture_on_commit_callbacks
):
    _submit(application, mentee, "=HYPERLINK(evil)")

    with django_capture_on_commit_callbacks(execute=True):
        job = export_request(questionnaire=application, by=coordinator, include_sensitive=False)

    rows = _rows(job)
    assert job.status == JobStatus.SUCCEEDED
    assert rows[0] == ["Name", "Email", "Role", "Status", "Submitted (UTC)", "Career track?", "Your goals?"]
    assert rows[1][:4] == [mentee.user.full_name, mentee.user.email, "Mentee", "Submitted"]
    assert rows[1][5:] == ["Backend", "'=HYPERLINK(evil)"]
    assert len(rows) == 2


def test_export_includes_sensitive_columns_only_when_asked(
    application, mentee, coordinator, django_capture_on_commit_callbacks
):
    _submit(application, mentee, "Lead")

    with django_capture_on_commit_callbacks(execute=True):
        job = export_request(questionnaire=application, by=coordinator, include_sensitive=True)

    rows = _rows(job)
    assert rows[0][-1] == "Gender?"
    assert rows[1][-1] == "Woman"


def test_export_task_runs_a_job_once(application, mentee, coordinator):
    _submit(application, mentee, "Lead")
    job = ExportJob.objects.create(questionnaire=application, requested_by=coordinator)

    task_export_answers(export_job_id=job.pk)
    first_file = ExportJob.objects.get(pk=job.pk).file.name
    task_export_answers(export_job_id=job.pk)

    job.refresh_from_db()
    assert (job.status, job.processed_rows, job.file.name) == (JobStatus.SUCCEEDED, 1, first_file)


def test_export_leaves_sensitive_out_when_the_requester_lost_the_right(application, mentee, coordinator):
    _submit(application, mentee, "Lead")
    member = SubcommitteeMemberFactory(cohort=application.cohort).user
    job = ExportJob.objects.create(questionnaire=application, requested_by=member, include_sensitive=True)
    member.subcommittee_seats.all().delete()

    task_export_answers(export_job_id=job.pk)

    assert _rows(job)[0][-1] == "Your goals?"


# --- Bounds, phases and what the emails say --------------------------------------------------


def test_rule_beyond_the_calendar_never_sends_and_breaks_nothing(cohort):
    PairFactory(cohort=cohort)
    survey = _survey(cohort)
    cohort.launch_on = timezone.localdate() - datetime.timedelta(days=30)
    cohort.save()
    # Saved before offsets were bounded (save() does not validate): 2730 years before launch.
    rule = SendRuleFactory(questionnaire=survey, anchor="launch_on", offset=32767, unit="months", direction="before")
    SendRuleFactory(questionnaire=survey, anchor="launch_on", offset=10, unit="days")

    sent = task_send_due()

    assert rule_send_date(rule, cohort) is None
    assert sent == 2


@pytest.mark.parametrize(
    ("offset", "unit", "valid"),
    [(120, "months", True), (121, "months", False), (3660, "days", True), (3661, "days", False)],
)
def test_send_rule_offsets_are_bounded_to_ten_years(cohort, offset, unit, valid):
    survey = _survey(cohort)
    rule = SendRule(questionnaire=survey, trigger="date", anchor="ends_on", offset=offset, unit=unit)

    errors = {}
    try:
        rule.full_clean()
    except ValidationError as error:
        errors = error.message_dict

    assert ("offset" not in errors) is valid


def test_reminders_skip_an_application_once_the_cohort_left_the_fill_phases(cohort, application, mentee):
    DeliveryFactory(questionnaire=application, enrollment=mentee, sent_at=timezone.now() - datetime.timedelta(days=8))
    cohort.phase = CohortPhase.LAUNCH
    cohort.save()

    assert task_send_reminders() == 0
    assert Delivery.objects.get().reminded_at is None


def test_application_is_not_sent_before_or_after_the_fill_phases(cohort, application, mentee):
    SendRuleFactory(questionnaire=application, trigger="date", anchor="enrollment_closes_on", offset=0)
    cohort.enrollment_closes_on = timezone.localdate()
    cohort.phase = CohortPhase.LAUNCH
    cohort.save()

    assert list(recipients(questionnaire=application)) == []
    assert task_send_due() == 0
    assert Delivery.objects.count() == 0


def test_only_a_run_that_sent_something_is_recorded_as_last_sent(cohort):
    PairFactory(cohort=cohort)
    survey = _survey(cohort)
    cohort.launch_on = timezone.localdate() - datetime.timedelta(days=10)
    cohort.save()
    rule = SendRuleFactory(questionnaire=survey, anchor="launch_on", offset=7, unit="days")
    task_send_due()
    rule.refresh_from_db()
    first = rule.last_sent_at

    task_send_due()

    rule.refresh_from_db()
    assert first is not None
    assert rule.last_sent_at == first


def test_emails_are_plain_text_without_html_escapes(cohort, django_capture_on_commit_callbacks):
    pair = PairFactory(cohort=cohort)
    survey = _survey(cohort)
    survey.title = "Mentors' check-in & <news>"
    survey.save()
    DeliveryFactory(questionnaire=survey, enrollment=pair.mentee, sent_at=timezone.now() - datetime.timedelta(days=8))

    with django_capture_on_commit_callbacks(execute=True):
        questionnaire_deliver(questionnaire=survey)
        task_send_reminders()

    sent, reminder = sorted(mail.outbox, key=lambda m: m.subject.startswith("Reminder"))
    assert sent.subject == f"Please answer “Mentors' check-in & <news>” ({cohort.name})"
    assert "“Mentors' check-in & <news>” of" in sent.body
    assert reminder.subject == "Reminder: “Mentors' check-in & <news>” is waiting for your answers"
    assert "“Mentors' check-in & <news>” of" in reminder.body
    assert "Mentors&#x27; check-in &amp; &lt;news&gt;" in sent.alternatives[0][0]


def test_export_file_name_keeps_its_random_part_for_long_titles(application, mentee, coordinator):
    application.title = "A very long questionnaire title " * 6
    application.save()
    _submit(application, mentee, "Lead")
    job = ExportJob.objects.create(questionnaire=application, requested_by=coordinator)

    task_export_answers(export_job_id=job.pk)

    job.refresh_from_db()
    assert job.status == JobStatus.SUCCEEDED
    assert re.fullmatch(r"exports/questionnaires/[a-z-]{1,40}-\d{8}-\d{4}-[0-9a-f]{16}\.csv", job.file.name)


def test_export_whose_worker_died_is_claimed_again_and_finished(
    application, mentee, coordinator, django_capture_on_commit_callbacks
):
    import datetime

    from django.utils import timezone

    from questionnaires.models import ExportJob
    from questionnaires.services.exports import export_run

    _submit(application, mentee, "Lead")
    job = ExportJob.objects.create(questionnaire=application, requested_by=coordinator, status=JobStatus.RUNNING)

    assert export_run(export_job_id=job.pk) is None
    ExportJob.objects.filter(pk=job.pk).update(updated_at=timezone.now() - datetime.timedelta(minutes=11))
    finished = export_run(export_job_id=job.pk)

    assert finished.status == JobStatus.SUCCEEDED
    assert len(_rows(finished)) == 2


def test_old_export_files_are_deleted_and_recent_ones_kept(
    application, mentee, coordinator, django_capture_on_commit_callbacks
):
    import datetime

    from django.utils import timezone

    from questionnaires.models import ExportJob
    from questionnaires.services.exports import exports_delete_old

    _submit(application, mentee, "Lead")
    with django_capture_on_commit_callbacks(execute=True):
        old = export_request(questionnaire=application, by=coordinator, include_sensitive=False)
        recent = export_request(questionnaire=application, by=coordinator, include_sensitive=False)
    old.refresh_from_db()
    recent.refresh_from_db()
    old_name = old.file.name
    ExportJob.objects.filter(pk=old.pk).update(finished_at=timezone.now() - datetime.timedelta(days=8))

    deleted = exports_delete_old()

    old.refresh_from_db()
    recent.refresh_from_db()
    assert (deleted, old.file.name, bool(recent.file.name)) == (1, "", True)
    assert not old.file.storage.exists(old_name)
    assert recent.file.storage.exists(recent.file.name)
