"""Emails, rendered from templates and sent by a Celery task after the transaction commits.

Each message has three templates: ``emails/<name>-subject.txt``, ``emails/<name>-body.txt``
and ``emails/<name>-body.html``. Each is rendered in its recipient's time zone: the one place
where an email's times are converted, so that templates only format (``|date``) and say
which zone with ``{{ TIME_ZONE }}``.
"""

from collections.abc import Iterable
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone

from .zones import zone_of


def email_render(*, template: str, context: dict, zone: ZoneInfo | None = None) -> dict:
    """The subject and bodies of one message, with times in ``zone`` (the site's if None)."""
    zone = zone or zone_of(None)
    with timezone.override(zone):
        context = {"site_name": settings.SITE_NAME, "site_url": settings.SITE_URL, "TIME_ZONE": zone.key, **context}
        subject = render_to_string(f"emails/{template}-subject.txt", context)
        return {
            # Headers must be one line, whatever the template's whitespace.
            "subject": " ".join(subject.split()),
            "body": render_to_string(f"emails/{template}-body.txt", context),
            "html": render_to_string(f"emails/{template}-body.html", context),
        }


def _by_zone(to: Iterable) -> dict[str, tuple[ZoneInfo, list[str]]]:
    """Recipients grouped by the time zone their email is rendered in: people in their own,
    plain addresses (no account yet) in the site's."""
    by_zone: dict[str, tuple[ZoneInfo, list[str]]] = {}
    for recipient in to:
        if isinstance(recipient, str):
            zone, address = zone_of(None), recipient
        else:
            zone, address = zone_of(recipient), recipient.email
        by_zone.setdefault(zone.key, (zone, []))[1].append(address)
    return by_zone


def email_queue(*, to: Iterable, template: str, context: dict) -> None:
    """Render now (while the objects are at hand), send from a worker once committed.

    ``to`` holds people (rendered in each one's time zone: one message per zone) or plain
    addresses of people without an account yet (rendered in the site's zone).

    Side effects: queues ``mentorship.send_email`` on commit, once per time zone among the
    recipients; nothing is sent if the surrounding transaction rolls back.
    """
    by_zone = _by_zone(to)
    from .tasks import task_send_email  # noqa: PLC0415 -- tasks import this module's callers

    for zone, addresses in by_zone.values():
        message = email_render(template=template, context=context, zone=zone)
        transaction.on_commit(
            lambda addresses=addresses, message=message: task_send_email.apply_async(
                kwargs={"to": addresses, **message}
            )
        )


def email_queue_many(*, messages: list[dict]) -> None:
    """Render a batch now, each message in its recipients' time zones, and hand it to one mail
    task once committed. Each message is ``{"to": [...], "template": ..., "context": {...},
    "key": ...}``; a message with a key is sent at most once, however often the batch is
    delivered.

    Side effects: queues ``mentorship.send_emails`` on commit.
    """
    rendered = []
    for m in messages:
        groups = _by_zone(m["to"])
        for zone, addresses in groups.values():
            key = m.get("key", "")
            if key and len(groups) > 1:
                key = f"{key}:{zone.key}"
            rendered.append(
                {"to": addresses, "key": key, **email_render(template=m["template"], context=m["context"], zone=zone)}
            )
    if not rendered:
        return
    from .tasks import task_send_emails  # noqa: PLC0415 -- tasks import this module's callers

    transaction.on_commit(lambda: task_send_emails.apply_async(kwargs={"messages": rendered}))
