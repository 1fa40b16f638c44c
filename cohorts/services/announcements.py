"""Announcements: a coordinator's message to the cohort or a segment of it.

``announcement_create`` stores the message and queues the job; ``announcement_send`` (the
job's work) fixes the recipients on its first run, then sends in chunks, each chunk in one
transaction with its delivery rows: a worker that dies half-way leaves whole chunks behind,
and the job resumes after them. A person already delivered to is skipped, so each person
gets it once even if the job runs twice.
"""

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from mentorship.jobs import job_dispatch, job_execute, job_progress, job_retry
from mentorship.markdown import render_markdown
from mentorship.models import User
from mentorship.notifications import email_queue

from .. import hooks
from ..enums import ParticipantRole
from ..models import Announcement, AnnouncementDelivery, Cohort
from .audience import audience

CHUNK = 200
SUBJECT_MAX = 200
BODY_MAX = 20_000


def audience_describe(*, cohort: Cohort, segment: str, option: str, role: str) -> str:
    chosen = hooks.segment(segment)
    label = str(chosen.label) if chosen else segment
    if chosen is not None and chosen.options is not None:
        label += ": " + dict(chosen.options(cohort)).get(option, option)
    if role and chosen is not None and chosen.by_role:
        label += " (" + str(ParticipantRole(role).label).lower() + ")"
    return label


class AnnouncementAlreadySent(Exception):
    """The preview's token was already used: ``announcement`` is the one it sent."""

    def __init__(self, announcement: Announcement):
        super().__init__(announcement.pk)
        self.announcement = announcement


def _sent_with(cohort: Cohort, send_token) -> Announcement | None:
    return Announcement.objects.filter(cohort=cohort, send_token=send_token).first() if send_token else None


def announcement_create(
    *,
    cohort: Cohort,
    by: User,
    subject: str,
    body: str,
    segment: str,
    option: str = "",
    role: str = "",
    send_token=None,
) -> Announcement:
    """Store the announcement and queue the job that sends it.

    ``send_token`` is the one-time token of the preview it is sent from: a second send with
    the same token (a double click, two requests at once) raises AnnouncementAlreadySent
    with the first announcement, and nothing more is stored or queued.

    Side effects: queues ``cohorts.send_announcement`` after commit.
    """
    if (earlier := _sent_with(cohort, send_token)) is not None:
        raise AnnouncementAlreadySent(earlier)
    subject, body = subject.strip(), body.strip()
    errors = {}
    if not subject or len(subject) > SUBJECT_MAX:
        errors["subject"] = _("Give a subject of at most %(n)d characters.") % {"n": SUBJECT_MAX}
    if not body or len(body) > BODY_MAX:
        errors["body"] = _("Write the message (at most %(n)d characters).") % {"n": BODY_MAX}
    if errors:
        raise ValidationError(errors)
    expected = audience(cohort=cohort, segment=segment, option=option, role=role).count()
    if not expected:
        raise ValidationError(_("Nobody is in this group at the moment: there is nobody to send it to."))
    try:
        # A savepoint: the unique index decides between two sends of one preview at once.
        with transaction.atomic():
            announcement = Announcement.objects.create(
                cohort=cohort,
                created_by=by,
                subject=subject,
                body=body,
                segment=segment,
                segment_option=option,
                role=role,
                audience_label=audience_describe(cohort=cohort, segment=segment, option=option, role=role)[:300],
                expected_count=expected,
                send_token=send_token,
                progress_message=_("Waiting for a worker"),
            )
    except IntegrityError:
        if (earlier := _sent_with(cohort, send_token)) is not None:
            raise AnnouncementAlreadySent(earlier) from None
        raise
    job_dispatch(announcement)
    return announcement


def announcement_send(*, announcement_id: int) -> Announcement | None:
    """The job's work. Safe to run twice, and to resume after a worker died."""

    def work(job: Announcement) -> None:
        _fix_recipients(job.pk)
        while _send_chunk(job.pk):
            pass

    return job_execute(Announcement, announcement_id, work)


@transaction.atomic
def _fix_recipients(announcement_id: int) -> None:
    job = Announcement.objects.select_for_update(of=("self",)).select_related("cohort").get(pk=announcement_id)
    if job.total_count:
        return
    ids = list(
        audience(cohort=job.cohort, segment=job.segment, option=job.segment_option, role=job.role)
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    job.recipient_ids, job.total_count = ids, len(ids)
    job.save(update_fields=["recipient_ids", "total_count", "updated_at"])


@transaction.atomic
def _send_chunk(announcement_id: int) -> bool:
    """Send to the next chunk of recipients; False once everyone is done."""
    job = (
        Announcement.objects.select_for_update(of=("self",))
        .select_related("cohort__program", "created_by")
        .get(pk=announcement_id)
    )
    chunk = job.recipient_ids[job.processed_count : job.processed_count + CHUNK]
    if not chunk:
        return False
    done = set(
        AnnouncementDelivery.objects.filter(announcement=job, user_id__in=chunk).values_list("user_id", flat=True)
    )
    # Someone who left (deactivated) since the recipients were fixed is not written to.
    people = list(User.objects.filter(pk__in=[pk for pk in chunk if pk not in done], is_active=True))
    AnnouncementDelivery.objects.bulk_create([AnnouncementDelivery(announcement=job, user=p) for p in people])
    if people:
        email_queue(
            to=people,
            template="announcement",
            context={
                "announcement": job,
                "cohort": job.cohort,
                "sender": job.created_by,
                "body_html": render_markdown(job.body),
                "url": job.get_absolute_url(),
            },
        )
    job.processed_count += len(chunk)
    job.sent_count += len(people)
    job.save(update_fields=["processed_count", "sent_count", "updated_at"])
    job_progress(
        Announcement,
        job.pk,
        message=_("%(done)d of %(total)d people") % {"done": job.processed_count, "total": job.total_count},
    )
    return True


def announcement_retry(*, announcement: Announcement) -> Announcement:
    try:
        return job_retry(announcement)
    except ValidationError:
        raise ValidationError(_("Only a failed or stalled announcement can be resumed.")) from None
