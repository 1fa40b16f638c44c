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
