"""Time-based work: the schedule is in beat's tables from the first migrate, each periodic
task's last run is recorded and shown on the cohort page, and the embedded default's folder
broker carries tasks to a real worker."""

import datetime
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection
from django.utils import timezone
from django_celery_beat.models import PeriodicTask

from cohorts.enums import CohortPhase
from meetings.enums import NotificationKind
from meetings.models import SentNotification
from mentorship.models import PeriodicRun
from mentorship.periodic import beat_schedule_sync
from questionnaires.tasks import task_send_due
from tests.factories import CohortFactory, EnrollmentFactory, MeetingFactory, PairFactory

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.django_db
def test_every_periodic_task_is_in_beats_schedule_from_the_first_migrate():
    names = set(PeriodicTask.objects.values_list("name", flat=True))
    tasks = dict(PeriodicTask.objects.values_list("name", "task"))

    assert names >= set(settings.CELERY_BEAT_SCHEDULE)
    assert {tasks[n] for n in settings.CELERY_BEAT_SCHEDULE} == {
        e["task"] for e in settings.CELERY_BEAT_SCHEDULE.values()
    }
    assert PeriodicTask.objects.get(name="meetings-send-meeting-reminders").crontab.minute == "*/5"


@pytest.mark.django_db
def test_syncing_the_schedule_again_changes_nothing():
    before = list(PeriodicTask.objects.order_by("name").values_list("name", "task", "crontab_id", "interval_id"))

    beat_schedule_sync()

    assert (
        list(PeriodicTask.objects.order_by("name").values_list("name", "task", "crontab_id", "interval_id")) == before
    )


@pytest.mark.django_db
def test_a_periodic_task_records_its_last_run():
    before = timezone.now()

    task_send_due.apply()

    run = PeriodicRun.objects.get(task="questionnaires.send_due")
    assert (run.succeeded, run.result) == (True, "0")
    assert run.finished_at >= before


@pytest.mark.django_db
def test_the_cohort_page_tells_the_coordinator_when_reminders_and_health_checks_last_ran(
    client, coordinator, viewer, organization
):
    cohort = CohortFactory(program__organization=organization)
    PeriodicRun.objects.create(
        task="meetings.send_meeting_reminders", finished_at=timezone.now() - datetime.timedelta(minutes=3)
    )
    client.force_login(coordinator)

    page = client.get(cohort.get_absolute_url()).content.decode()

    assert "Time-based work" in page
    assert "Meeting reminders" in page
    assert "3\xa0minutes ago" in page
    assert page.count("not yet") == 5  # the health check and the others have not run
    client.force_login(viewer)
    assert "Time-based work" not in client.get(cohort.get_absolute_url()).content.decode()
    participant = EnrollmentFactory(cohort=cohort).user
    client.force_login(participant)
    assert "Time-based work" not in client.get(cohort.get_absolute_url()).content.decode()


def test_run_embedded_needs_a_broker():
    env = {**os.environ, "CELERY_BROKER_URL": "", "DJANGO_DEBUG": "true"}
    result = subprocess.run(
        [sys.executable, "manage.py", "run_embedded"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )

    assert result.returncode != 0
    assert "Set CELERY_BROKER_URL (for example filesystem://)" in result.stderr


@pytest.mark.worker
@pytest.mark.django_db(transaction=True)
def test_a_worker_on_the_folder_broker_sends_a_meeting_reminder(tmp_path, organization):
    """The embedded default's broker: messages are files; a real worker takes them."""
    if connection.vendor != "postgresql":
        pytest.skip("a worker process cannot share the in-memory test database")
    cohort = CohortFactory(program__organization=organization, phase=CohortPhase.LAUNCH)
    meeting = MeetingFactory(pair=PairFactory(cohort=cohort), starts_at=timezone.now() + datetime.timedelta(days=2))
    db = connection.settings_dict
    env = {
        **os.environ,
        "DATABASE_URL": f"postgres://{db['USER']}:{db['PASSWORD']}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}",
        "CELERY_BROKER_URL": "filesystem://",
        "CELERY_RESULT_BACKEND": "",
        "DJANGO_BROKER_FOLDER": str(tmp_path / "broker"),
    }
    worker = subprocess.Popen(
        [sys.executable, "-m", "celery", "-A", "mentorship", "worker", "--pool", "solo", "--loglevel", "INFO"],
        cwd=ROOT,
        env=env,
        stdout=(tmp_path / "worker.log").open("w"),
        stderr=subprocess.STDOUT,
    )
    try:
        # Queue it as beat does: a message file in the folder, sent by another process.
        code = (
            "import django; django.setup(); from mentorship.celery_app import app; "
            "app.send_task('meetings.send_meeting_reminders')"
        )
        subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=env, check=True, timeout=120)
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline and not PeriodicRun.objects.filter(task="meetings.send_meeting_reminders"):
            time.sleep(0.5)
    finally:
        worker.send_signal(signal.SIGTERM)
        worker.wait(timeout=30)

    run = PeriodicRun.objects.get(task="meetings.send_meeting_reminders")
    assert (run.succeeded, run.result) == (True, "1")
    assert list(SentNotification.objects.values_list("kind", "meeting_id")) == [
        (NotificationKind.MEETING_REMINDER, meeting.pk)
    ]
