"""CSV exports of a questionnaire's answers, one row per person, written by a worker."""

import csv
import datetime
import io
import logging
import secrets
from zoneinfo import ZoneInfo

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _

from mentorship.jobs import job_dispatch, job_execute, job_progress, job_succeed
from mentorship.models import User
from mentorship.spreadsheets import csv_bytes, csv_safe
from mentorship.zones import local_iso, zone_of

from ..models import ExportJob, Questionnaire, Response

logger = logging.getLogger(__name__)

CHUNK = 500
# Exported files may hold sensitive answers: they are deleted after this many days.
KEEP_FOR = datetime.timedelta(days=7)


def export_request(*, questionnaire: Questionnaire, by: User, include_sensitive: bool) -> ExportJob:
    """Queue an export. Sensitive answers only for those who may read them.

    Side effects: queues ``questionnaires.export_answers`` after commit.
    """
    if not by.has_perm("questionnaires.export_answers", questionnaire):
        raise PermissionDenied
    if include_sensitive and not by.has_perm("questionnaires.view_sensitive_answers", questionnaire):
        raise ValidationError(_("You may not export sensitive answers."))
    job = ExportJob.objects.create(questionnaire=questionnaire, requested_by=by, include_sensitive=include_sensitive)
    job_dispatch(job)
    return job


def _columns(questionnaire: Questionnaire, include_sensitive: bool) -> list:
    from ..selectors import ordered_questions  # noqa: PLC0415 -- selectors import the models only

    questions = ordered_questions(questionnaire=questionnaire, include_retired=True)
    return [q for q in questions if include_sensitive or not q.sensitive]


def export_run(*, export_job_id: int) -> ExportJob | None:
    """Write the CSV of a queued export. Claimed through the shared job machinery, so a
    second delivery of the same job does nothing; a job whose worker died is claimed again
    and starts over (the file is written at the end, in one piece). A failure is recorded on
    the job, not raised."""

    def work(job: ExportJob) -> None:
        _write(ExportJob.objects.select_related("questionnaire__cohort__program", "requested_by").get(pk=job.pk))

    return job_execute(ExportJob, export_job_id, work, processed_rows=0)


def _write(job: ExportJob) -> None:
    # Times in the zone of the person who asked for the file (the one who downloads it).
    zone = zone_of(job.requested_by)
    with timezone.override(zone):
        _write_in(job, zone)


def _write_in(job: ExportJob, zone: ZoneInfo) -> None:
    questionnaire = job.questionnaire
    requester = job.requested_by
    # Checked again here: the requester may have lost the right since asking.
    sensitive = bool(
        job.include_sensitive
        and requester is not None
        and requester.has_perm("questionnaires.view_sensitive_answers", questionnaire)
    )
    questions = _columns(questionnaire, sensitive)
    responses = (
        Response.objects.filter(questionnaire=questionnaire)
        .select_related("enrollment__user")
        .prefetch_related("answers")
        .order_by("enrollment__role", "enrollment__user__full_name", "pk")
    )
    job.total_rows = responses.count()
    job_progress(ExportJob, job.pk, total_rows=job.total_rows)

    buffer = io.StringIO()
    writer = csv.writer(buffer)
    header = [_("Name"), _("Email"), _("Role"), _("Status"), _("Submitted (%(zone)s)") % {"zone": zone.key}]
    header += [q.text + (" " + _("(retired)") if q.retired_at else "") for q in questions]
    writer.writerow([csv_safe(cell) for cell in header])
    done = 0
    for response in responses.iterator(chunk_size=CHUNK):
        answers = {a.question_id: a.display for a in response.answers.all()}
        user = response.enrollment.user
        row = [
            user.full_name,
            user.email,
            response.enrollment.get_role_display(),
            response.get_status_display(),
            local_iso(response.submitted_at),
        ]
        row += [answers.get(q.pk, "") for q in questions]
        writer.writerow([csv_safe(cell) for cell in row])
        done += 1
        if done % CHUNK == 0:
            job_progress(ExportJob, job.pk, processed_rows=done)
    stamp = timezone.now().strftime("%Y%m%d-%H%M")
    # A random part: the file name must not be guessable. The title part is short, because
    # storage cuts names longer than the column from the end, which would cut the random part.
    title = slugify(questionnaire.title)[:40].strip("-") or "answers"
    name = f"{title}-{stamp}-{secrets.token_hex(8)}.csv"
    job.file.save(name, ContentFile(csv_bytes(buffer.getvalue())), save=False)
    job_succeed(ExportJob, job.pk, file=job.file.name, processed_rows=done)


def exports_delete_old(*, now: datetime.datetime | None = None) -> int:
    """Delete the files of exports finished more than KEEP_FOR ago; the job rows stay, so the
    page can say the file has expired. Returns how many files were deleted."""
    cutoff = (now or timezone.now()) - KEEP_FOR
    deleted = 0
    for job in ExportJob.objects.filter(finished_at__lt=cutoff).exclude(file=""):
        job.file.delete(save=False)
        ExportJob.objects.filter(pk=job.pk).update(file="")
        deleted += 1
    return deleted
