import logging

from celery import shared_task

logger = logging.getLogger(__name__)


@shared_task(name="cohorts.run_import", acks_late=True)
def task_run_import(*, import_job_id: int) -> None:
    from .models import ImportJob  # noqa: PLC0415 -- keep worker start-up light
    from .services.imports import import_job_run  # noqa: PLC0415

    if not ImportJob.objects.filter(pk=import_job_id).exists():
        logger.warning("Import %s is gone; nothing to do", import_job_id)
        return
    import_job_run(import_job_id=import_job_id)


@shared_task(name="cohorts.remind_training")
def task_remind_training(*, cohort_id: int) -> int:
    from .models import Cohort  # noqa: PLC0415
    from .services.training import training_remind_behind  # noqa: PLC0415

    cohort = Cohort.objects.filter(pk=cohort_id).first()
    if cohort is None:
        return 0
    return training_remind_behind(cohort=cohort)


@shared_task(
    name="cohorts.post_chat_message",
    max_retries=4,
    bind=True,
)
def task_post_chat_message(self, *, channel_id: int, text: str) -> None:
    from mentorship.outbound import OutboundError  # noqa: PLC0415

    from .services.chat import chat_message_post  # noqa: PLC0415

    try:
        chat_message_post(channel_id=channel_id, text=text)
    except OutboundError as error:
        if self.request.is_eager or self.request.retries >= self.max_retries:
            logger.warning("Chat message to channel %s not delivered: %s", channel_id, error)
            return
        raise self.retry(countdown=min(30 * 2**self.request.retries, 900)) from error


@shared_task(name="cohorts.send_announcement", acks_late=True)
def task_send_announcement(*, announcement_id: int) -> None:
    from .models import Announcement  # noqa: PLC0415
    from .services.announcements import announcement_send  # noqa: PLC0415

    if not Announcement.objects.filter(pk=announcement_id).exists():
        logger.warning("Announcement %s is gone; nothing to do", announcement_id)
        return
    announcement_send(announcement_id=announcement_id)
