"""Invite people from a CSV file (name, email, role, optional capacity for mentors).

The file is stored on an ImportJob row and processed by a worker in chunks (the shared job
machinery claims it, beats for it and recovers it); each chunk commits its invitations
together with the job's counters, so a worker that dies half-way leaves a job that resumes
where it stopped, and nobody is invited twice (the database allows one invitation per email
and cohort).
"""

import csv
import io
import logging

from django.core.exceptions import ValidationError
from django.db import DatabaseError, transaction
from django.utils.translation import gettext as _

from mentorship.jobs import job_dispatch, job_execute, job_progress, job_retry
from mentorship.models import User

from ..models import Cohort, ImportJob
from ..phases import require_phase
from .invitations import invitation_create

logger = logging.getLogger(__name__)

MAX_ROWS = 20_000
MAX_BYTES = 5 * 1024 * 1024
CHUNK = 200

HEADER_ALIASES = {
    "name": "name",
    "full name": "name",
    "full_name": "name",
    "email": "email",
    "e-mail": "email",
    "email address": "email",
    "role": "role",
    "capacity": "capacity",
    "mentee capacity": "capacity",
}


def csv_read_header(content: str) -> list[str]:
    """Check the header; raises ValidationError naming what is wrong."""
    reader = csv.reader(io.StringIO(content))
    try:
        header = next(reader)
    except StopIteration:
        raise ValidationError(_("The file is empty.")) from None
    except csv.Error as error:
        raise ValidationError(_("The file is not a readable CSV file (%(error)s).") % {"error": error}) from None
    columns = [HEADER_ALIASES.get(h.strip().lower().lstrip("\ufeff"), h.strip().lower()) for h in header]
    missing = [c for c in ("name", "email", "role") if c not in columns]
    if missing:
        raise ValidationError(
            _("The first row must name the columns name, email, role (and optionally capacity); missing: %(missing)s.")
            % {"missing": ", ".join(missing)}
        )
    return columns


def csv_rows(content: str) -> list[dict]:
    columns = csv_read_header(content)
    reader = csv.reader(io.StringIO(content))
    next(reader)
    rows = []
    for number, values in enumerate(reader, start=2):
        if not any(v.strip() for v in values):
            continue
        row = {"row": number}
        for column, value in zip(columns, values, strict=False):
            row.setdefault(column, value.strip())
        rows.append(row)
    return rows


def import_job_create(*, cohort: Cohort, by: User, filename: str, content: str) -> ImportJob:
    """Store the file and queue its processing. Refuses an unreadable file at once.

    Side effects: queues ``cohorts.run_import`` after commit.
    """
    require_phase(cohort, "invite")
    if len(content.encode()) > MAX_BYTES:
        raise ValidationError(_("The file is larger than 5 MB."))
    try:
        rows = csv_rows(content)
    except csv.Error as error:
        raise ValidationError(_("The file is not a readable CSV file (%(error)s).") % {"error": error}) from None
    if not rows:
        raise ValidationError(_("The file has a header but no people."))
    if len(rows) > MAX_ROWS:
        raise ValidationError(_("The file has more than %(max)d people; split it.") % {"max": MAX_ROWS})
    job = ImportJob.objects.create(
        cohort=cohort, created_by=by, filename=filename[:255], content=content, total_rows=len(rows)
    )
    job_dispatch(job)
    return job


def _parse_capacity(raw: str) -> int | None:
    if not raw:
        return None
    try:
        return int(raw)
    except ValueError:
        raise ValidationError(
            {"capacity": _("Capacity must be a whole number, not “%(value)s”.") % {"value": raw}}
        ) from None


def import_job_run(*, import_job_id: int) -> ImportJob | None:
    """Process the rows not yet processed. Safe to call twice: a second call returns at once
    while the first is alive, and carries on after the rows stored when the first died.

    A failure is recorded on the job (the page shows it, with a button to resume) rather
    than raised: the person who uploaded must not get an error page for it.
    """

    def work(job: ImportJob) -> None:
        rows = csv_rows(ImportJob.objects.only("content").get(pk=job.pk).content)
        while _run_chunk(job.pk, rows):
            pass

    return job_execute(ImportJob, import_job_id, work, error_message="%(error)s")


@transaction.atomic
def _run_chunk(import_job_id: int, rows: list[dict]) -> bool:
    """Invite the next chunk of rows; False once every row is processed.

    The rows are chosen under the job's lock, from the count stored with the last chunk, so
    that a second worker on the same job continues after the first instead of repeating it.
    """
    job = ImportJob.objects.select_for_update(of=("self",)).select_related("cohort", "created_by").get(pk=import_job_id)
    chunk = rows[job.processed_rows : job.processed_rows + CHUNK]
    if not chunk:
        return False
    for row in chunk:
        email = row.get("email", "")
        try:
            # A savepoint per row: a row the database refuses must not undo the others.
            with transaction.atomic():
                invitation_create(
                    cohort=job.cohort,
                    email=email,
                    full_name=row.get("name", ""),
                    role=row.get("role", "").lower(),
                    capacity=_parse_capacity(row.get("capacity", "")),
                    by=job.created_by,
                    import_job=job,
                )
        except ValidationError as error:
            job.skipped_count += 1
            job.problems.append(
                {
                    "row": row["row"],
                    "email": email,
                    "reason": " ".join(error.messages),
                    "duplicate": _is_duplicate(error),
                }
            )
        except DatabaseError:
            logger.exception("Import %s: row %s refused by the database", import_job_id, row["row"])
            job.skipped_count += 1
            job.problems.append(
                {
                    "row": row["row"],
                    "email": email[:254],
                    "reason": _("This row could not be stored."),
                    "duplicate": False,
                }
            )
        else:
            job.invited_count += 1
        job.processed_rows += 1
    job.save(update_fields=["invited_count", "skipped_count", "problems", "processed_rows", "updated_at"])
    job_progress(ImportJob, job.pk)
    return True


def _is_duplicate(error: ValidationError) -> bool:
    errors = error.error_dict.values() if hasattr(error, "error_dict") else [error.error_list]
    return any(e.code == "duplicate" for group in errors for e in group)


def import_job_retry(*, job: ImportJob) -> ImportJob:
    """Queue a failed or stalled job again at once; it resumes after the rows already processed."""
    try:
        return job_retry(job)
    except ValidationError:
        raise ValidationError(_("Only a failed or stalled import can be resumed.")) from None
