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
def task_send_email(
    *, to: list[str], subject: str, body: str, html: str = "", attachments: list[dict] | None = None
) -> int:
    message = EmailMultiAlternatives(subject=subject, body=body, to=to)
    if html:
        message.attach_alternative(html, "text/html")
    _attach(message, attachments)
    sent = message.send()
    logger.info("Sent %s to %d recipient(s)", subject, len(to))
    return sent


def _attach(message: EmailMultiAlternatives, attachments: list[dict] | None) -> None:
    for attachment in attachments or ():
        message.attach(attachment["filename"], attachment["content"], attachment["mimetype"])


@shared_task(
    name="mentorship.send_emails",
    autoretry_for=(smtplib.SMTPException, ConnectionError, TimeoutError),
    retry_backoff=30,
    retry_backoff_max=600,
    max_retries=5,
)
def task_send_emails(*, messages: list[dict]) -> int:
    """Send a batch over one connection. The keyed messages are claimed first, in one
    statement (a row per key, unique), so a batch delivered again skips what this or an
    earlier delivery claimed; a message that could not be sent gives back its claim and those
    of the messages after it, so the retry sends them."""
    import uuid  # noqa: PLC0415

    from django.core.mail import get_connection  # noqa: PLC0415

    from .models import SentEmail  # noqa: PLC0415 -- models load after the worker starts

    delivery = uuid.uuid4().hex
    keys = [m["key"][:200] for m in messages if m.get("key")]
    SentEmail.objects.bulk_create([SentEmail(key=k, delivery=delivery) for k in keys], ignore_conflicts=True)
    mine = set(SentEmail.objects.filter(key__in=keys, delivery=delivery).values_list("key", flat=True))
    todo = [m for m in messages if not m.get("key") or m["key"][:200] in mine]
    sent = 0
    with get_connection() as connection:
        for position, item in enumerate(todo):
            message = EmailMultiAlternatives(
                subject=item["subject"], body=item["body"], to=item["to"], connection=connection
            )
            if item.get("html"):
                message.attach_alternative(item["html"], "text/html")
            _attach(message, item.get("attachments"))
            try:
                sent += message.send()
            except Exception:
                unsent = [m["key"][:200] for m in todo[position:] if m.get("key")]
                SentEmail.objects.filter(key__in=unsent, delivery=delivery).delete()
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


@shared_task(name="mentorship.send_digests")
def task_send_digests() -> int:
    from .notifications import digests_send  # noqa: PLC0415 -- notifications import this module

    return digests_send()


@shared_task(name="mentorship.prune_notifications")
def task_prune_notifications() -> int:
    from .notifications import notifications_prune  # noqa: PLC0415 -- notifications import this module

    deleted = notifications_prune()
    logger.info("Pruned %d old notification(s)", deleted)
    return deleted


@shared_task(name="mentorship.deliver_webhook", bind=True, max_retries=None, acks_late=True)
def task_deliver_webhook(self, *, delivery_id: int) -> str:
    """One attempt; a failed one is tried again later with a growing delay (the delivery row
    counts the attempts and says when the webhook gives up)."""
    from .webhooks import webhook_deliver  # noqa: PLC0415 -- webhooks import this module

    delay = webhook_deliver(delivery_id=delivery_id)
    if delay is None:
        return "done"
    if self.request.is_eager:
        # In-process there is no delayed retry: the periodic sweep sends it when it is due.
        return f"retry in {delay}s"
    raise self.retry(countdown=delay)


@shared_task(name="mentorship.retry_webhooks")
def task_retry_webhooks() -> int:
    from .webhooks import webhook_deliveries_due  # noqa: PLC0415 -- webhooks import this module

    return webhook_deliveries_due()
