"""Time-based work: the beat schedule is in the database from the first migration, and each
periodic task's last run is recorded so that coordinators see it happen.

The schedule itself is ``CELERY_BEAT_SCHEDULE`` in settings; beat (DatabaseScheduler) reads
it from django-celery-beat's tables, which ``beat_schedule_sync`` fills after every migrate.
"""

import logging

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

logger = logging.getLogger(__name__)

# What a coordinator reads on the cohort page: the periodic work that touches a cohort.
SHOWN_TO_COORDINATORS = (
    ("meetings.send_meeting_reminders", _("Meeting reminders")),
    ("meetings.send_log_reminders", _("Reminders to log meetings")),
    ("meetings.flag_pairs_at_risk", _("Pair health check")),
    ("meetings.send_monthly_checkin_reminders", _("Monthly check-in reminders")),
    ("questionnaires.send_due", _("Scheduled questionnaires")),
    ("questionnaires.send_reminders", _("Questionnaire reminders")),
)


def periodic_task_names() -> set[str]:
    return {entry["task"] for entry in settings.CELERY_BEAT_SCHEDULE.values()}


def beat_schedule_sync(**_kwargs) -> int:
    """Write the schedule into beat's tables (idempotent), so that a fresh install lists and
    runs every periodic task from its first start. Connected to post_migrate."""
    from django_celery_beat.schedulers import ModelEntry  # noqa: PLC0415 -- needs the app registry

    from .celery_app import app  # noqa: PLC0415

    for name, entry in settings.CELERY_BEAT_SCHEDULE.items():
        ModelEntry.from_entry(name, app=app, **entry)
    return len(settings.CELERY_BEAT_SCHEDULE)


def periodic_run_record(*, task: str, succeeded: bool, result: object) -> None:
    """Remember when a periodic task last finished (Celery's task_postrun signal)."""
    from .models import PeriodicRun  # noqa: PLC0415

    PeriodicRun.objects.update_or_create(
        task=task, defaults={"finished_at": timezone.now(), "succeeded": succeeded, "result": str(result)[:200]}
    )


def periodic_runs_shown() -> list[dict]:
    """The periodic work a coordinator sees, each with its last run (None: not yet)."""
    from .models import PeriodicRun  # noqa: PLC0415

    runs = {r.task: r for r in PeriodicRun.objects.filter(task__in=[t for t, _label in SHOWN_TO_COORDINATORS])}
    return [{"task": task, "label": label, "run": runs.get(task)} for task, label in SHOWN_TO_COORDINATORS]
