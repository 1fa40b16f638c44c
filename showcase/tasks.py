"""Celery tasks: thin wrappers that call one service each. Safe to run twice."""

import logging

from celery import shared_task

logger = logging.getLogger(__name__)


@shared_task(name="showcase.send_term_reminders")
def task_send_term_reminders() -> int:
    """Periodic (beat, daily): remind, once per term, those who have not said what they
    want at the end of their pair's term."""
    from .services.terms import term_reminders_send  # noqa: PLC0415 -- services import the models

    return term_reminders_send()
