"""Webhooks: an organization's systems told when something happens.

``webhook_emit`` is called by the service that made the change, inside its transaction: it
records one delivery per webhook subscribed to the event and queues the sending after
commit (nothing is sent for a change rolled back). ``webhook_deliver`` makes one attempt:

- the body is JSON; ``X-Mentorship-Signature: sha256=<hex>`` is the HMAC-SHA256 of the body
  with the webhook's secret, ``X-Mentorship-Event`` the event and ``X-Mentorship-Delivery``
  the delivery id (the same on every attempt, so that receivers can ignore a repeat);
- a 2xx answer delivers it; anything else is retried with a growing delay, up to
  ``WEBHOOK_MAX_ATTEMPTS``, and the status code and the answer's start are logged;
- ``WEBHOOK_DISABLE_AFTER`` failed attempts in a row (over any deliveries) disable the
  webhook and tell the organization's coordinators.

An attempt is claimed by a conditional update, so that a message delivered twice sends
once; a worker that dies after sending but before recording may send again (receivers
use the delivery id), which is the usual promise of webhooks: at least once.
"""

import datetime
import hashlib
import hmac
import json
import logging
import secrets

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.serializers.json import DjangoJSONEncoder
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from . import outbound
from .enums import OrgRole
from .models import DeliveryStatus, Organization, User, Webhook, WebhookDelivery, WebhookEvent
from .notifications import email_queue

logger = logging.getLogger(__name__)

SIGNATURE_HEADER = "X-Mentorship-Signature"
# A claimed attempt whose worker has not recorded it after this long is taken again.
CLAIM_TIMEOUT = datetime.timedelta(minutes=5)


def signature(*, secret: str, body: bytes) -> str:
    return "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


def _clean_events(events: list[str]) -> list[str]:
    chosen = [e for e in WebhookEvent.values if e in set(events)]
    if not chosen or len(chosen) != len(set(events)):
        raise ValidationError({"events": _("Choose at least one event from the list.")})
    return chosen


def webhook_create(*, organization: Organization, url: str, events: list[str], description: str, by: User) -> Webhook:
    """Register a URL for events. The secret is generated here and shown once by the caller."""
    url = url.strip()
    outbound.url_check(url)
    webhook = Webhook(
        organization=organization,
        url=url,
        events=_clean_events(events),
        description=description.strip(),
        secret=secrets.token_urlsafe(32),
        created_by=by,
    )
    webhook.full_clean()
    webhook.save()
    return webhook


def webhook_enable(*, webhook: Webhook) -> Webhook:
    """Turn a disabled webhook back on (after its receiver was fixed)."""
    outbound.url_check(webhook.url)
    Webhook.objects.filter(pk=webhook.pk).update(
        is_active=True, consecutive_failures=0, disabled_at=None, disabled_reason=""
    )
    webhook.refresh_from_db()
    return webhook


def webhook_delete(*, webhook: Webhook) -> None:
    webhook.delete()


def person_data(user: User) -> dict:
    return {"id": user.pk, "full_name": user.get_full_name(), "email": user.email}


def webhook_emit(*, organization_id: int, event: str, data: dict) -> list[WebhookDelivery]:
    """Record a delivery of ``event`` for each active webhook of the organization that asked
    for it, and queue them after commit. Cheap when there are none (one query)."""
    return webhook_emit_many(organization_id=organization_id, event=event, items=[data])


def webhook_emit_many(*, organization_id: int, event: str, items: list[dict]) -> list[WebhookDelivery]:
    """``webhook_emit`` for many events of one kind at once (a batch of pairs published): the
    webhooks are looked up once and the deliveries inserted in one statement."""
    if event not in WebhookEvent.values:
        raise ValueError(f"Unknown webhook event: {event!r}")
    hooks = [h for h in Webhook.objects.filter(organization_id=organization_id, is_active=True) if event in h.events]
    if not hooks or not items:
        return []
    now = timezone.now()
    deliveries = [
        WebhookDelivery(webhook=hook, event=event, payload={"data": data}, created_at=now, next_attempt_at=now)
        for data in items
        for hook in hooks
    ]
    WebhookDelivery.objects.bulk_create(deliveries)
    for delivery in deliveries:
        # The payload names its own delivery, so that a receiver can tell repeats apart.
        delivery.payload = {
            "id": delivery.pk,
            "event": event,
            "created_at": now.isoformat(),
            "data": delivery.payload["data"],
        }
    WebhookDelivery.objects.bulk_update(deliveries, ["payload"])
    ids = [d.pk for d in deliveries]
    transaction.on_commit(lambda: _queue(ids))
    return deliveries


def _queue(ids: list[int], countdown: int = 0) -> None:
    from .tasks import task_deliver_webhook  # noqa: PLC0415 -- tasks import this module

    for pk in ids:
        task_deliver_webhook.apply_async(kwargs={"delivery_id": pk}, countdown=countdown)


def _claim(delivery_id: int, now: datetime.datetime) -> bool:
    waiting = Q(status=DeliveryStatus.PENDING) | Q(status=DeliveryStatus.SENDING, claimed_at__lt=now - CLAIM_TIMEOUT)
    return bool(
        WebhookDelivery.objects.filter(waiting, pk=delivery_id, webhook__is_active=True).update(
            status=DeliveryStatus.SENDING, claimed_at=now, attempts=F("attempts") + 1
        )
    )


def retry_delay(attempts: int) -> int:
    """Seconds before the next attempt: 30 s, 1 min, 2 min, ... at most an hour."""
    return min(30 * 2 ** max(attempts - 1, 0), 3600)


def webhook_deliver(*, delivery_id: int, now: datetime.datetime | None = None) -> int | None:
    """Make one attempt. Returns the seconds after which to try again, or None when the
    delivery is done (delivered, failed for good, or not this worker's)."""
    now = now or timezone.now()
    if not _claim(delivery_id, now):
        return None
    delivery = WebhookDelivery.objects.select_related("webhook").get(pk=delivery_id)
    hook = delivery.webhook
    body = json.dumps(delivery.payload, cls=DjangoJSONEncoder, separators=(",", ":")).encode()
    headers = {
        "Content-Type": "application/json",
        SIGNATURE_HEADER: signature(secret=hook.secret, body=body),
        "X-Mentorship-Event": delivery.event,
        "X-Mentorship-Delivery": str(delivery.pk),
    }
    status, excerpt, error = None, "", ""
    try:
        answer = outbound.post(hook.url, body, headers)
        status, excerpt = answer.status, answer.excerpt
    except outbound.OutboundError as failure:
        error = str(failure)[:500]
    if status is not None and 200 <= status < 300:
        _record_success(delivery, status, excerpt)
        return None
    return _record_failure(delivery, status, excerpt, error or _("The receiver answered %(status)s.") % {"status": status})


def _record_success(delivery: WebhookDelivery, status: int, excerpt: str) -> None:
    now = timezone.now()
    with transaction.atomic():
        WebhookDelivery.objects.filter(pk=delivery.pk).update(
            status=DeliveryStatus.SUCCEEDED,
            response_status=status,
            response_excerpt=excerpt,
            error="",
            delivered_at=now,
            next_attempt_at=None,
        )
        Webhook.objects.filter(pk=delivery.webhook_id).update(consecutive_failures=0)


@transaction.atomic
def _record_failure(delivery: WebhookDelivery, status: int | None, excerpt: str, error: str) -> int | None:
    final = delivery.attempts >= settings.WEBHOOK_MAX_ATTEMPTS
    delay = None if final else retry_delay(delivery.attempts)
    WebhookDelivery.objects.filter(pk=delivery.pk).update(
        status=DeliveryStatus.FAILED if final else DeliveryStatus.PENDING,
        response_status=status,
        response_excerpt=excerpt,
        error=error[:500],
        next_attempt_at=None if final else timezone.now() + datetime.timedelta(seconds=delay),
    )
    Webhook.objects.filter(pk=delivery.webhook_id).update(consecutive_failures=F("consecutive_failures") + 1)
    hook = Webhook.objects.select_for_update().get(pk=delivery.webhook_id)
    if hook.is_active and hook.consecutive_failures >= settings.WEBHOOK_DISABLE_AFTER:
        _disable(hook, error)
        return None
    return delay


def _disable(hook: Webhook, error: str) -> None:
    reason = _("%(n)d deliveries in a row failed; the last: %(error)s") % {
        "n": hook.consecutive_failures,
        "error": error,
    }
    Webhook.objects.filter(pk=hook.pk).update(is_active=False, disabled_at=timezone.now(), disabled_reason=reason[:300])
    # What was waiting stays in the log as failed: nobody will send it now.
    hook.deliveries.filter(status=DeliveryStatus.PENDING).update(
        status=DeliveryStatus.FAILED, next_attempt_at=None, error=_("Not sent: the webhook was disabled.")
    )
    coordinators = User.objects.filter(
        org_memberships__organization_id=hook.organization_id, org_memberships__role=OrgRole.COORDINATOR, is_active=True
    )
    email_queue(
        to=list(coordinators.values_list("email", flat=True)),
        template="webhook-disabled",
        context={
            "organization": hook.organization,
            "webhook": hook,
            "reason": reason,
            "url": settings.SITE_URL + f"/orgs/{hook.organization.slug}/integrations/",
        },
    )
    logger.warning("Webhook %s disabled: %s", hook.pk, reason)


def webhook_deliveries_due(*, now: datetime.datetime | None = None) -> int:
    """Periodic: queue again the deliveries whose next attempt is due (their message was lost,
    or the attempt ran in-process where no delayed retry exists). Returns how many."""
    now = now or timezone.now()
    due = WebhookDelivery.objects.filter(
        Q(status=DeliveryStatus.PENDING, next_attempt_at__lte=now)
        | Q(status=DeliveryStatus.SENDING, claimed_at__lt=now - CLAIM_TIMEOUT),
        webhook__is_active=True,
    )
    ids = list(due.values_list("pk", flat=True)[:1000])
    _queue(ids)
    return len(ids)


def webhook_test_ping(*, webhook: Webhook) -> WebhookDelivery:
    """A delivery the coordinator asks for, to check the receiver: a real, signed attempt."""
    now = timezone.now()
    delivery = WebhookDelivery.objects.create(webhook=webhook, event="ping", payload={}, created_at=now, next_attempt_at=now)
    delivery.payload = {"id": delivery.pk, "event": "ping", "created_at": now.isoformat(), "data": {}}
    delivery.save(update_fields=["payload"])
    transaction.on_commit(lambda: _queue([delivery.pk]))
    return delivery
