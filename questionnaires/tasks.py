"""Celery tasks: thin wrappers that call one service each. Safe to run twice."""

import logging

from celery import shared_task

logger = logging.getLogger(__name__)


@shared_task(name="questionnaires.send_due")
def task_send_due() -> int:
    """Periodic (beat): send the questionnaires whose send rules are due."""
    from .services.sending import rules_send_due  # noqa: PLC0415 -- services import the models

    sent = rules_send_due()
    logger.info("Sent %d questionnaire(s)", sent)
    return sent


@shared_task(name="questionnaires.send_reminders")
def task_send_reminders() -> int:
    """Periodic (beat): remind, once, those who have not answered."""
    from .services.sending import reminders_send  # noqa: PLC0415 -- services import the models

    reminded = reminders_send()
    logger.info("Sent %d questionnaire reminder(s)", reminded)
    return reminded


@shared_task(name="questionnaires.export_answers", acks_late=True)
def task_export_answers(*, export_job_id: int) -> None:
    from .services.exports import export_run  # noqa: PLC0415 -- services import the models

    if export_run(export_job_id=export_job_id) is None:
        logger.info("Export %s is gone or already taken", export_job_id)


@shared_task(name="questionnaires.delete_old_exports")
def task_delete_old_exports() -> int:
    from .services.exports import exports_delete_old  # noqa: PLC0415 -- services import the models

    return exports_delete_old()
