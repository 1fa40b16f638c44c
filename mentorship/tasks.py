import logging
import smtplib

from celery import shared_task
from django.core.mail import EmailMultiAlternatives

logger = logging.getLogger(__name__)


@shared_task(name="mentorship.ping")
def task_ping(*, value: str = "pong") -> str:
    """A round-trip check for operators: proves a worker picks up tasks and answers."""
    return value


@shared_task(
    name="mentorship.send_email",
    autoretry_for=(smtplib.SMTPException, ConnectionError, TimeoutError),
    retry_backoff=30,
    retry_backoff_max=600,
    max_retries=5,
)
def task_send_email(*, to: list[str], subject: str, body: str, html: str = "") -> int:
    message = EmailMultiAlternatives(subject=subject, body=body, to=to)
    if html:
        message.attach_alternative(html, "text/html")
    sent = message.send()
    logger.info("Sent %s to %d recipient(s)", subject, len(to))
    return sent


@shared_task(
    name="mentorship.send_emails",
    autoretry_for=(smtplib.SMTPException, ConnectionError, TimeoutError),
    retry_backoff=30,
    retry_backoff_max=600,
    max_retries=5,
)
def task_send_emails(*, messages: list[dict]) -> int:
    """Send a batch over one connection. A keyed message is claimed (a row with a unique
    key) before it goes out, so a batch delivered again skips what was sent; one that could
    not be sent gives its claim back, so the retry sends it."""
    from django.core.mail import get_connection  # noqa: PLC0415
    from django.db import IntegrityError, transaction  # noqa: PLC0415

    from .models import SentEmail  # noqa: PLC0415 -- models load after the worker starts

    sent = 0
    with get_connection() as connection:
        for item in messages:
            claim = None
            if item.get("key"):
                try:
                    with transaction.atomic():
                        claim = SentEmail.objects.create(key=item["key"][:200])
                except IntegrityError:
                    continue
            message = EmailMultiAlternatives(
                subject=item["subject"], body=item["body"], to=item["to"], connection=connection
            )
            if item.get("html"):
                message.attach_alternative(item["html"], "text/html")
            try:
                sent += message.send()
            except Exception:
                if claim is not None:
                    claim.delete()
                raise
    logger.info("Sent %d of a batch of %d email(s)", sent, len(messages))
    return sent


@shared_task(name="mentorship.recover_jobs")
def task_recover_jobs() -> dict[str, int]:
    """Periodic (beat): queue again, or give up, the long jobs whose worker died."""
    from .jobs import jobs_recover  # noqa: PLC0415 -- models load after the worker starts

    counts = jobs_recover()
    if any(counts.values()):
        logger.warning("Job recovery: %s", counts)
    return counts
