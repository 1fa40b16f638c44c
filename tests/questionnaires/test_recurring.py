"""Recurring send rules: every N weeks or months between two moments, each occurrence a
copy of the questionnaire sent once, reminded as any other."""

import datetime

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from cohorts.enums import CohortPhase
from cohorts.models import PhaseChange
from questionnaires.enums import Kind, QuestionType, RepeatBound, RepeatUnit, SendTrigger
from questionnaires.models import Delivery, Questionnaire, SendOccurrence
from questionnaires.scheduling import current_occurrence, next_occurrence, occurrences
from questionnaires.services.builder import send_rule_create
from questionnaires.services.sending import recurring_rule_send, reminders_send, rules_send_due
from tests.factories import PairFactory, QuestionnaireFactory

pytestmark = pytest.mark.django_db

D = datetime.date
LAUNCH, END = D(2027, 1, 31), D(2027, 4, 30)


# --- Dates ----------------------------------------------------------------------------------


def test_monthly_occurrences_clamp_at_month_ends_and_stop_at_the_end():
    days = occurrences(start=LAUNCH, end=END, every=1, unit=RepeatUnit.MONTHS, until=D(2027, 12, 31))

    assert days == [D(2027, 2, 28), D(2027, 3, 31), D(2027, 4, 30)]


def test_weekly_occurrences_until_today():
    days = occurrences(start=D(2027, 1, 4), end=None, every=2, unit=RepeatUnit.WEEKS, until=D(2027, 2, 14))

    assert days == [D(2027, 1, 18), D(2027, 2, 1)]


@pytest.mark.parametrize(
    ("today", "expected"),
    [
        (D(2027, 2, 27), None),  # before the first
        (D(2027, 2, 28), D(2027, 2, 28)),
        (D(2027, 3, 30), D(2027, 2, 28)),  # still the current one
        (D(2027, 4, 15), D(2027, 3, 31)),  # beat stopped in March: the current one only
        (D(2027, 5, 30), D(2027, 4, 30)),  # the last, until the next would have come
        (D(2027, 5, 31), None),  # a rule added long after the end sends nothing stale
    ],
)
def test_the_current_occurrence(today, expected):
    assert current_occurrence(start=LAUNCH, end=END, every=1, unit=RepeatUnit.MONTHS, today=today) == expected


def test_the_next_occurrence():
    def nxt(today):
        return next_occurrence(start=LAUNCH, end=END, every=1, unit=RepeatUnit.MONTHS, today=today)

    assert (nxt(D(2027, 1, 1)), nxt(D(2027, 3, 1)), nxt(D(2027, 4, 30))) == (D(2027, 2, 28), D(2027, 3, 31), None)
    assert next_occurrence(start=None, end=END, every=1, unit=RepeatUnit.MONTHS, today=LAUNCH) is None


# --- Sending --------------------------------------------------------------------------------


@pytest.fixture
def launched(cohort):
    cohort.phase = CohortPhase.LAUNCH
    cohort.launch_on, cohort.ends_on = LAUNCH, END
    cohort.save()
    return cohort


@pytest.fixture
def monthly(launched):
    survey = QuestionnaireFactory(
        cohort=launched, kind=Kind.CHECK_IN, audience="both", title="Monthly check-in", reminder_days=3
    )
    survey.questions.create(key="how", text="How is it going?", type=QuestionType.SHORT_TEXT)
    rule = send_rule_create(
        questionnaire=survey,
        trigger=SendTrigger.RECURRING,
        repeat_every=1,
        repeat_unit=RepeatUnit.MONTHS,
        from_event=RepeatBound.LAUNCH,
        until_event=RepeatBound.END,
    )
    return rule


def test_each_occurrence_is_a_copy_sent_once_even_when_the_task_runs_twice(
    launched, monthly, django_capture_on_commit_callbacks
):
    pair = PairFactory(cohort=launched)

    with django_capture_on_commit_callbacks(execute=True):
        before = rules_send_due(today=D(2027, 2, 27))
        first = rules_send_due(today=D(2027, 2, 28))
        again = rules_send_due(today=D(2027, 3, 1))
        second = rules_send_due(today=D(2027, 3, 31))

    copies = list(Questionnaire.objects.exclude(pk=monthly.questionnaire_id).order_by("pk"))
    assert (before, first, again, second) == (0, 2, 0, 2)
    assert [q.title for q in copies] == ["Monthly check-in · 2027-02-28", "Monthly check-in · 2027-03-31"]
    assert [(q.kind, q.audience, q.reminder_days) for q in copies] == [(Kind.CHECK_IN, "both", 3)] * 2
    assert [list(q.questions.values_list("text", flat=True)) for q in copies] == [["How is it going?"]] * 2
    assert list(SendOccurrence.objects.values_list("due_on", "questionnaire")) == [
        (D(2027, 2, 28), copies[0].pk),
        (D(2027, 3, 31), copies[1].pk),
    ]
    assert sorted(Delivery.objects.values_list("questionnaire", "enrollment")) == sorted(
        (q.pk, e) for q in copies for e in (pair.mentor_id, pair.mentee_id)
    )
    assert not Delivery.objects.filter(questionnaire=monthly.questionnaire).exists()
    assert len(mail.outbox) == 4


def test_a_pair_published_after_an_occurrence_gets_that_occurrence(launched, monthly):
    PairFactory(cohort=launched)
    recurring_rule_send(rule=monthly, today=D(2027, 2, 28))
    late = PairFactory(cohort=launched)

    sent = recurring_rule_send(rule=monthly, today=D(2027, 3, 2))

    assert sorted(d.enrollment_id for d in sent) == sorted([late.mentor_id, late.mentee_id])
    assert SendOccurrence.objects.count() == 1


def test_a_deleted_copy_is_not_sent_again(launched, monthly):
    PairFactory(cohort=launched)
    recurring_rule_send(rule=monthly, today=D(2027, 2, 28))
    SendOccurrence.objects.get().questionnaire.delete()

    assert recurring_rule_send(rule=monthly, today=D(2027, 3, 1)) == []
    assert Questionnaire.objects.count() == 1


def test_each_occurrence_is_reminded_once(launched, monthly, django_capture_on_commit_callbacks):
    PairFactory(cohort=launched)
    sent_at = timezone.now() - datetime.timedelta(days=4)
    with django_capture_on_commit_callbacks(execute=True):
        recurring_rule_send(rule=monthly, today=D(2027, 2, 28))
    Delivery.objects.update(sent_at=sent_at)
    mail.outbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        reminded = reminders_send(now=timezone.now())
        again = reminders_send(now=timezone.now())

    assert (reminded, again) == (2, 0)
    assert len(mail.outbox) == 2


def test_a_rule_from_the_day_the_cohort_launches_until_a_date(cohort):
    cohort.phase = CohortPhase.LAUNCH
    cohort.save()
    launched_at = timezone.make_aware(datetime.datetime(2027, 1, 4, 10))
    PhaseChange.objects.create(
        cohort=cohort, from_phase=CohortPhase.TRAINING, to_phase=CohortPhase.LAUNCH, changed_at=launched_at
    )
    PairFactory(cohort=cohort)
    survey = QuestionnaireFactory(cohort=cohort, kind=Kind.CHECK_IN, audience="both", title="Fortnightly")
    rule = send_rule_create(
        questionnaire=survey,
        trigger=SendTrigger.RECURRING,
        repeat_every=2,
        repeat_unit=RepeatUnit.WEEKS,
        from_event=RepeatBound.ENTERS_LAUNCH,
        until_event=RepeatBound.FIXED,
        until_date=D(2027, 2, 10),
    )

    sent = [
        len(recurring_rule_send(rule=rule, today=day))
        for day in (D(2027, 1, 17), D(2027, 1, 18), D(2027, 2, 2), D(2027, 2, 15))
    ]

    assert sent == [0, 2, 2, 0]
    assert list(SendOccurrence.objects.values_list("due_on", flat=True)) == [D(2027, 1, 18), D(2027, 2, 1)]


def test_nothing_is_sent_before_the_cohort_enters_the_starting_phase(cohort):
    PairFactory(cohort=cohort)
    survey = QuestionnaireFactory(cohort=cohort, kind=Kind.CHECK_IN)
    rule = send_rule_create(
        questionnaire=survey,
        trigger=SendTrigger.RECURRING,
        repeat_every=1,
        repeat_unit=RepeatUnit.WEEKS,
        from_event=RepeatBound.ENTERS_LAUNCH,
        until_event=RepeatBound.ENTERS_CLOSED,
    )

    assert recurring_rule_send(rule=rule, today=D(2030, 1, 1)) == []
    assert not SendOccurrence.objects.exists()


# --- Setting a rule up ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"repeat_every": None}, "repeat_every"),
        ({"repeat_every": 13}, "repeat_every"),
        ({"repeat_unit": ""}, "repeat_every"),
        ({"from_event": ""}, "from_event"),
        ({"until_event": RepeatBound.FIXED}, "until_date"),
        (
            {
                "from_event": RepeatBound.FIXED,
                "from_date": D(2027, 3, 1),
                "until_event": RepeatBound.FIXED,
                "until_date": D(2027, 3, 1),
            },
            "until_date",
        ),
    ],
)
def test_a_recurring_rule_needs_its_interval_and_bounds(cohort, fields, field):
    survey = QuestionnaireFactory(cohort=cohort, kind=Kind.CHECK_IN)
    given = {
        "trigger": SendTrigger.RECURRING,
        "repeat_every": 1,
        "repeat_unit": RepeatUnit.MONTHS,
        "from_event": RepeatBound.LAUNCH,
        "until_event": RepeatBound.END,
        **fields,
    }

    with pytest.raises(ValidationError) as error:
        send_rule_create(questionnaire=survey, **given)

    assert field in error.value.message_dict
    assert not survey.send_rules.exists()


def test_an_application_cannot_recur(cohort, application):
    with pytest.raises(ValidationError, match="cannot recur"):
        send_rule_create(
            questionnaire=application,
            trigger=SendTrigger.RECURRING,
            repeat_every=1,
            repeat_unit=RepeatUnit.MONTHS,
            from_event=RepeatBound.LAUNCH,
            until_event=RepeatBound.END,
        )


# --- Pages ----------------------------------------------------------------------------------


def test_the_coordinator_adds_a_monthly_rule_and_sees_its_occurrences(client, coordinator, launched):
    survey = QuestionnaireFactory(cohort=launched, kind=Kind.CHECK_IN, title="Monthly check-in")
    client.force_login(coordinator)
    url = reverse("questionnaires:send-rule-create", kwargs={"pk": survey.pk})

    defaults = {"unit": "days", "direction": "after", "offset": 0}
    refused = client.post(url, {"trigger": "recurring", "repeat_unit": "months", "from_event": "launch_on", **defaults})
    added = client.post(
        url,
        {
            "trigger": "recurring",
            "repeat_every": 1,
            "repeat_unit": "months",
            "from_event": "launch_on",
            "until_event": "fixed",
            "until_date": "2027-04-15",
            "unit": "days",
            "direction": "after",
            "offset": 0,
        },
    )
    rule = survey.send_rules.get()
    PairFactory(cohort=launched)
    recurring_rule_send(rule=rule, today=D(2027, 2, 28))
    page = client.get(survey.get_absolute_url()).content.decode()
    copy = SendOccurrence.objects.get().questionnaire
    copy_page = client.get(copy.get_absolute_url()).content.decode()

    assert refused.status_code == 200
    assert set(refused.context["form"].errors) == {"repeat_every", "until_event"}
    assert added.status_code == 302
    assert (rule.repeat_every, rule.repeat_unit, rule.from_event, rule.until_date) == (
        1,
        "months",
        "launch_on",
        D(2027, 4, 15),
    )
    assert "Every 1 months from the launch date until 2027-04-15" in page
    assert copy.get_absolute_url() in page
    assert survey.get_absolute_url() in copy_page
