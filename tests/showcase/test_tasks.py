import datetime

import pytest
from django.core import mail
from django.utils import timezone

from showcase.models import TermReminder
from showcase.tasks import task_send_term_reminders
from tests.factories import PairFactory

pytestmark = pytest.mark.django_db


def test_term_reminders_task_is_safe_to_run_twice(cohort, django_capture_on_commit_callbacks):
    pair = PairFactory(cohort=cohort, matched_at=timezone.now() - datetime.timedelta(days=85))

    with django_capture_on_commit_callbacks(execute=True):
        first = task_send_term_reminders.delay().get()
    with django_capture_on_commit_callbacks(execute=True):
        second = task_send_term_reminders.delay().get()

    assert (first, second) == (2, 0)
    assert sorted(m.to[0] for m in mail.outbox) == sorted([pair.mentee.user.email, pair.mentor.user.email])
    assert TermReminder.objects.count() == 2


def test_term_reminders_task_has_a_stable_name():
    assert task_send_term_reminders.name == "showcase.send_term_reminders"
