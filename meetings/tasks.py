"""Periodic tasks (Celery beat). Thin: each calls one service, which claims every
reminder or flag with a unique row before sending, so running a task twice sends nothing
twice."""

from celery import shared_task


@shared_task(name="meetings.send_meeting_reminders")
def task_meeting_reminders_send() -> int:
    from .services.reminders import meeting_reminders_send  # noqa: PLC0415 -- tasks load before models

    return meeting_reminders_send()


@shared_task(name="meetings.send_log_reminders")
def task_log_reminders_send() -> int:
    from .services.reminders import log_reminders_send  # noqa: PLC0415 -- tasks load before models

    return log_reminders_send()


@shared_task(name="meetings.flag_pairs_at_risk")
def task_pairs_at_risk_flag() -> int:
    from .services.reminders import pairs_at_risk_flag  # noqa: PLC0415 -- tasks load before models

    return pairs_at_risk_flag()


@shared_task(name="meetings.send_monthly_checkin_reminders")
def task_monthly_checkins_send() -> int:
    from .services.reminders import monthly_checkins_send  # noqa: PLC0415 -- tasks load before models

    return monthly_checkins_send()


@shared_task(name="meetings.refresh_pair_health")
def task_pairs_health_refresh() -> int:
    from .services.health import pairs_health_refresh_all  # noqa: PLC0415 -- tasks load before models

    return pairs_health_refresh_all()
