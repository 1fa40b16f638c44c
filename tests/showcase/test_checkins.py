"""Post-program check-ins at 6, 12 and 18 months: scheduled and sent by the questionnaires
app, fed by graduation, followed per cohort here."""

import datetime

import pytest
from django.core import mail

from cohorts.enums import CohortPhase
from questionnaires.enums import ResponseStatus
from questionnaires.models import Delivery, Questionnaire, SendRule
from questionnaires.scheduling import rule_send_date
from questionnaires.services.sending import reminders_send, rules_send_due
from showcase.selectors.checkins import checkin_people_page, checkins_by_cohort
from showcase.services.checkins import checkins_set_up
from showcase.services.graduation import pair_graduate
from tests.factories import CohortFactory, PairFactory, ResponseFactory

pytestmark = pytest.mark.django_db

D = datetime.date


def _closed_cohort(organization_program=None, *, ends_on: D):
    kwargs = {"program": organization_program} if organization_program else {}
    return CohortFactory(phase=CohortPhase.SHOWCASE, ends_on=ends_on, **kwargs)


def test_checkins_set_up_adds_the_three_surveys_once(coordinator, organization):
    cohort = _closed_cohort(ends_on=D(2026, 8, 31))

    created = checkins_set_up(cohort=cohort, by=coordinator)
    again = checkins_set_up(cohort=cohort, by=coordinator)

    assert sorted(q.template_key for q in created) == ["post_program_12m", "post_program_18m", "post_program_6m"]
    assert again == []
    checkins = checkins_by_cohort(cohorts=[cohort])[cohort.pk]
    assert {m: c.questionnaire.template_key for m, c in checkins.items()} == {
        6: "post_program_6m",
        12: "post_program_12m",
        18: "post_program_18m",
    }


@pytest.mark.parametrize(
    ("ends_on", "expected"),
    [
        # A cohort ending on 31 August gets its 6-month survey on the last day of February.
        (D(2026, 8, 31), {6: D(2027, 2, 28), 12: D(2027, 8, 31), 18: D(2028, 2, 29)}),
        (D(2027, 8, 31), {6: D(2028, 2, 29), 12: D(2028, 8, 31), 18: D(2029, 2, 28)}),
        (D(2026, 12, 31), {6: D(2027, 6, 30), 12: D(2027, 12, 31), 18: D(2028, 6, 30)}),
        (D(2026, 3, 31), {6: D(2026, 9, 30), 12: D(2027, 3, 31), 18: D(2027, 9, 30)}),
        (D(2026, 1, 15), {6: D(2026, 7, 15), 12: D(2027, 1, 15), 18: D(2027, 7, 15)}),
    ],
)
def test_checkins_are_scheduled_in_calendar_months_after_the_end(coordinator, ends_on, expected):
    cohort = _closed_cohort(ends_on=ends_on)
    checkins_set_up(cohort=cohort, by=coordinator)

    checkins = checkins_by_cohort(cohorts=[cohort])[cohort.pk]

    assert {m: c.send_on for m, c in checkins.items()} == expected
    rules = SendRule.objects.filter(questionnaire__cohort=cohort).select_related("questionnaire")
    assert sorted(rule_send_date(r, cohort) for r in rules) == sorted(expected.values())


def test_the_six_month_checkin_goes_to_graduates_on_the_last_day_of_february(
    coordinator, django_capture_on_commit_callbacks
):
    cohort = _closed_cohort(ends_on=D(2026, 8, 31))
    graduated, other = PairFactory(cohort=cohort), PairFactory(cohort=cohort)
    with django_capture_on_commit_callbacks(execute=True):
        pair_graduate(pair=graduated, by=coordinator, override_reason="Finished")
    checkins_set_up(cohort=cohort, by=coordinator)
    mail.outbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        before = rules_send_due(today=D(2027, 2, 27))
    with django_capture_on_commit_callbacks(execute=True):
        on_the_day = rules_send_due(today=D(2027, 2, 28))
    with django_capture_on_commit_callbacks(execute=True):
        next_day = rules_send_due(today=D(2027, 3, 1))

    assert (before, on_the_day, next_day) == (0, 2, 0)
    six = Questionnaire.objects.get(cohort=cohort, template_key="post_program_6m")
    assert set(Delivery.objects.filter(questionnaire=six).values_list("enrollment_id", flat=True)) == {
        graduated.mentee_id,
        graduated.mentor_id,
    }
    assert sorted(m.to[0] for m in mail.outbox) == sorted([graduated.mentee.user.email, graduated.mentor.user.email])
    assert other.mentee_id not in set(Delivery.objects.values_list("enrollment_id", flat=True))


def test_checkin_reminder_goes_to_graduates_who_did_not_answer(coordinator, django_capture_on_commit_callbacks):
    cohort = _closed_cohort(ends_on=D(2026, 8, 31))
    pair = PairFactory(cohort=cohort)
    with django_capture_on_commit_callbacks(execute=True):
        pair_graduate(pair=pair, by=coordinator, override_reason="Finished")
    checkins_set_up(cohort=cohort, by=coordinator)
    rules_send_due(today=D(2027, 2, 28))
    six = Questionnaire.objects.get(cohort=cohort, template_key="post_program_6m")
    ResponseFactory(questionnaire=six, enrollment=pair.mentee, status=ResponseStatus.SUBMITTED)
    sent_at = Delivery.objects.filter(questionnaire=six).first().sent_at
    mail.outbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        reminded = reminders_send(now=sent_at + datetime.timedelta(days=six.reminder_days))

    assert reminded == 1
    assert [m.to for m in mail.outbox] == [[pair.mentor.user.email]]


def test_checkin_people_page_tracks_who_answered(coordinator):
    cohort = _closed_cohort(ends_on=D(2026, 8, 31))
    pair = PairFactory(cohort=cohort)
    pair_graduate(pair=pair, by=coordinator, override_reason="Finished")
    checkins_set_up(cohort=cohort, by=coordinator)
    rules_send_due(today=D(2027, 3, 1))
    six = Questionnaire.objects.get(cohort=cohort, template_key="post_program_6m")
    ResponseFactory(questionnaire=six, enrollment=pair.mentee, status=ResponseStatus.SUBMITTED)
    checkins = checkins_by_cohort(cohorts=[cohort])[cohort.pk]

    _page, rows = checkin_people_page(cohort=cohort, checkins=checkins)

    answered = {enrollment.role: [cell.submitted_at is not None for cell in cells] for enrollment, cells in rows}
    assert answered == {"mentee": [True, False, False], "mentor": [False, False, False]}
    sent = {enrollment.role: [cell.sent_at is not None for cell in cells] for enrollment, cells in rows}
    assert sent == {"mentee": [True, False, False], "mentor": [True, False, False]}
    assert (checkins[6].delivered, checkins[6].submitted, checkins[6].rate) == (2, 1, 50.0)
