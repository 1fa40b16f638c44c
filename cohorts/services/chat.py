"""A cohort's coordinator alerts in a chat tool, through a Slack-compatible incoming webhook.

Apps call ``chat_alert`` where they alert the coordinators (the health check's digest, a
failed job); the message is rendered now from ``chat/<alert>.txt`` (in the site's language:
a channel has no one reader) and posted after commit by a task, which tries again a few
times when the chat tool does not answer. Text from people (names, cohort names) is escaped
for Slack's markup (``&``, ``<``, ``>``), so that nobody can ping a whole channel with a name.
"""

import json

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.text import capfirst
from django.utils.translation import gettext as _

from mentorship import outbound
from mentorship.jobs import Job
from mentorship.models import User

from ..models import ChatAlert, ChatChannel, Cohort


def chat_escape(text: object) -> str:
    return str(text).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def chat_channel_set(*, cohort: Cohort, url: str, alerts: list[str], is_active: bool, by: User) -> ChatChannel:
    url = url.strip()
    outbound.url_check(url)
    chosen = [a for a in ChatAlert.values if a in set(alerts)]
    if len(chosen) != len(set(alerts)):
        raise ValidationError({"alerts": _("Choose alerts from the list.")})
    channel, _created = ChatChannel.objects.update_or_create(
        cohort=cohort,
        defaults={"url": url, "alerts": chosen, "is_active": is_active, "updated_by": by, "last_error": ""},
    )
    return channel


def chat_channel_remove(*, cohort: Cohort) -> None:
    ChatChannel.objects.filter(cohort=cohort).delete()


def chat_alert(*, cohort: Cohort, alert: str, context: dict) -> bool:
    """Post ``alert`` to the cohort's channel if it has one that wants it (after commit).
    Returns whether a message was queued."""
    channel = ChatChannel.objects.filter(cohort=cohort, is_active=True).first()
    if channel is None or alert not in channel.alerts:
        return False
    with translation.override(settings.LANGUAGE_CODE):
        text = render_to_string(
            f"chat/{alert}.txt", {"cohort": cohort, "site_url": settings.SITE_URL, **context}
        ).strip()
    from ..tasks import task_post_chat_message  # noqa: PLC0415 -- tasks import the services

    transaction.on_commit(lambda: task_post_chat_message.apply_async(kwargs={"channel_id": channel.pk, "text": text}))
    return True


def chat_message_post(*, channel_id: int, text: str) -> None:
    """One attempt; raises OutboundError (the task tries again) when the chat tool did not
    take the message. The last outcome is kept on the channel for the coordinator."""
    channel = ChatChannel.objects.filter(pk=channel_id, is_active=True).first()
    if channel is None:
        return
    body = json.dumps({"text": text}).encode()
    error = ""
    try:
        answer = outbound.post(channel.url, body, {"Content-Type": "application/json"})
        if not 200 <= answer.status < 300:
            error = _("The chat tool answered %(status)s: %(text)s") % {"status": answer.status, "text": answer.excerpt}
    except outbound.OutboundError as failure:
        error = str(failure)
    ChatChannel.objects.filter(pk=channel.pk).update(
        last_error=error[:500], **({} if error else {"last_sent_at": timezone.now()})
    )
    if error:
        raise outbound.OutboundError(error)


def chat_test(*, cohort: Cohort, by: User) -> bool:
    """Post a test message (whatever alerts the channel takes)."""
    channel = ChatChannel.objects.filter(cohort=cohort, is_active=True).first()
    if channel is None:
        return False
    text = _("Test from %(site)s: coordinator alerts of %(cohort)s will appear here (sent by %(name)s).") % {
        "site": settings.SITE_NAME,
        "cohort": chat_escape(cohort.name),
        "name": chat_escape(by.get_full_name()),
    }
    from ..tasks import task_post_chat_message  # noqa: PLC0415 -- tasks import the services

    transaction.on_commit(lambda: task_post_chat_message.apply_async(kwargs={"channel_id": channel.pk, "text": text}))
    return True


def chat_alert_job_failed(*, job: Job, reason: str) -> bool:
    """A failed background job of a cohort (matching run, import, export, publishing,
    announcement), posted to the cohort's channel if it takes failed-job alerts."""
    cohort = getattr(job, "cohort", None)
    if cohort is None:
        return False
    url = job.get_absolute_url() if hasattr(job, "get_absolute_url") else ""
    return chat_alert(
        cohort=cohort,
        alert=ChatAlert.FAILED_RUN,
        context={"job_name": capfirst(type(job)._meta.verbose_name), "reason": reason, "url": url},
    )
