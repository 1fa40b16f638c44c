import logging

from celery import shared_task

logger = logging.getLogger(__name__)


@shared_task(name="matching.run_round", acks_late=True)
def task_run_round(*, match_run_id: int) -> str | None:
    """Load, call the engine, store: see ``matching.services.runs.match_run_execute``."""
    from .models import MatchRun  # noqa: PLC0415 -- keep worker start-up light
    from .services.runs import match_run_execute  # noqa: PLC0415

    if not MatchRun.objects.filter(pk=match_run_id).exists():
        logger.warning("Match run %s is gone; nothing to do", match_run_id)
        return None
    run = match_run_execute(match_run_id=match_run_id)
    return run.status if run is not None else None


@shared_task(name="matching.publish", acks_late=True)
def task_publish(*, publish_job_id: int) -> str | None:
    """Publish approved proposals in batches: see ``matching.services.publishing.publish_job_run``."""
    from .services.publishing import publish_job_run  # noqa: PLC0415

    job = publish_job_run(publish_job_id=publish_job_id)
    return job.status if job is not None else None
