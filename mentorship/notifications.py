"""Emails, rendered from templates and sent by a Celery task after the transaction commits.

Each message has three templates: ``emails/<name>-subject.txt``, ``emails/<name>-body.txt``
and ``emails/<name>-body.html``.
"""

from django.conf import settings
from django.db import transaction
from django.template.loader import render_to_string


def email_render(*, template: str, context: dict) -> dict:
    context = {"site_name": settings.SITE_NAME, "site_url": settings.SITE_URL, **context}
    subject = render_to_string(f"emails/{template}-subject.txt", context)
    return {
        # Headers must be one line, whatever the template's whitespace.
        "subject": " ".join(subject.split()),
        "body": render_to_string(f"emails/{template}-body.txt", context),
        "html": render_to_string(f"emails/{template}-body.html", context),
    }


def email_queue(*, to: list[str], template: str, context: dict) -> None:
    """Render now (while the objects are at hand), send from a worker once committed.

    Side effects: queues ``mentorship.send_email`` on commit; nothing is sent if the
    surrounding transaction rolls back.
    """
    if not to:
        return
    message = email_render(template=template, context=context)
    from .tasks import task_send_email  # noqa: PLC0415 -- tasks import this module's callers

    transaction.on_commit(lambda: task_send_email.apply_async(kwargs={"to": list(to), **message}))
