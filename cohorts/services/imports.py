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
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.translation import gettext as _

from mentorship.jobs import job_dispatch, job_execute, job_progress, job_retry
from mentorship.models import User
from mentorship.notifications import email_queue_many

from ..enums import EnrollmentStatus, InvitationRole, InvitationStatus
from ..models import Cohort, Enrollment, ImportJob, ImportUpload, Invitation, SubcommitteeMember
from ..phases import require_open, require_phase
from .import_answers import ANSWER_ROLES, enrol_with_answers
from .invitations import duplicate_error, invitation_check_fields, invitation_create, invitation_message

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


def csv_rows(content: str, *, cells: bool = False) -> list[dict]:
    """The people of the file, a dict per row (its number, and name, email, role, capacity);
    with ``cells``, every cell of the row too (for the answers)."""
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
        if cells:
            row["cells"] = values
        rows.append(row)
    return rows


def import_file_check(*, cohort: Cohort, content: str) -> list[dict]:
    """The rows of a file fit to import, or a ValidationError saying what is wrong with it."""
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
    return rows


def import_job_create(
    *, cohort: Cohort, by: User, filename: str, content: str, mapping: list[dict] | None = None
) -> ImportJob:
    """Store the file and queue its processing. Refuses an unreadable file at once.
    ``mapping`` (checked by ``import_upload_confirm``) takes extra columns as answers.

    Side effects: queues ``cohorts.run_import`` after commit.
    """
    rows = import_file_check(cohort=cohort, content=content)
    job = ImportJob.objects.create(
        cohort=cohort,
        created_by=by,
        filename=filename[:255],
        content=content,
        total_rows=len(rows),
        mapping=mapping or [],
    )
    job_dispatch(job)
    return job


def import_start(*, cohort: Cohort, by: User, filename: str, content: str) -> ImportJob | ImportUpload:
    """An uploaded file: imported at once (an ImportJob) when it holds only people, or kept
    for its extra columns to be mapped to application questions (an ImportUpload) when the
    cohort has application questions to map them to."""
    from .import_answers import extra_columns, import_questions, import_upload_create  # noqa: PLC0415 -- it imports this module

    import_file_check(cohort=cohort, content=content)
    if extra_columns(content) and import_questions(cohort):
        return import_upload_create(cohort=cohort, by=by, filename=filename, content=content)
    return import_job_create(cohort=cohort, by=by, filename=filename, content=content)


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
        rows = csv_rows(ImportJob.objects.only("content").get(pk=job.pk).content, cells=bool(job.mapping))
        try:
            while _run_chunk(job.pk, rows):
                pass
        except ValidationError as error:
            # The cohort closed while the file was being imported: the job stops with the reason.
            raise RuntimeError(" ".join(error.messages)) from None

    return job_execute(ImportJob, import_job_id, work, error_message="%(error)s")


@transaction.atomic
def _run_chunk(import_job_id: int, rows: list[dict]) -> bool:
    """Invite the next chunk of rows; False once every row is processed.

    The rows are chosen under the job's lock, from the count stored with the last chunk, so
    that a second worker on the same job continues after the first instead of repeating it.
    The chunk costs a fixed number of queries, whatever its size: the people already there
    are looked up for all its rows at once, the new invitations inserted in one statement and
    their emails handed to the mail task in one batch (keyed, so a batch delivered twice
    sends nobody two emails). Only the rare row that re-invites somebody who withdrew, or one
    the database refuses, goes through the one-person path.
    """
    job = (
        ImportJob.objects.select_for_update(of=("self",))
        .select_related("cohort__program__organization", "created_by")
        .get(pk=import_job_id)
    )
    chunk = rows[job.processed_rows : job.processed_rows + CHUNK]
    if not chunk:
        return False
    require_open(job.cohort)
    outcomes = _invite_rows(job, chunk)
    for row, outcome in zip(chunk, outcomes, strict=True):
        if outcome is None or outcome.get("answers"):
            job.invited_count += 1
        else:
            job.skipped_count += 1
        if outcome is not None:
            job.problems.append({"row": row["row"], "email": row.get("email", "")[:254], **outcome})
    job.processed_rows += len(chunk)
    job.save(update_fields=["invited_count", "skipped_count", "problems", "processed_rows", "updated_at"])
    job_progress(ImportJob, job.pk)
    return True


def _problem(error: ValidationError) -> dict:
    return {"reason": " ".join(error.messages), "duplicate": _is_duplicate(error)}


def _invite_rows(job: ImportJob, chunk: list[dict]) -> list[dict | None]:
    """Invite the rows of one chunk: for each row None (invited) or its problem."""
    cohort = job.cohort
    outcomes: list[dict | None] = [None] * len(chunk)
    try:
        require_phase(cohort, "invite")
    except ValidationError as error:
        return [_problem(error)] * len(chunk)
    checked: dict[int, tuple[str, str, int | None]] = {}
    for index, row in enumerate(chunk):
        role = row.get("role", "").lower()
        try:
            capacity = _parse_capacity(row.get("capacity", ""))
            email, capacity = invitation_check_fields(
                cohort=cohort, email=row.get("email", ""), role=role, capacity=capacity
            )
        except ValidationError as error:
            outcomes[index] = _problem(error)
        else:
            checked[index] = (email, role, capacity)
    new, one_by_one, enrolled = _sort_rows(job, chunk, checked, outcomes)
    answer_problems: dict[int, dict] = {}
    try:
        with transaction.atomic():
            if job.mapping:
                withdrawn = {e for e, status in enrolled.items() if status == EnrollmentStatus.WITHDRAWN}
                found = enrol_with_answers(job=job, placed=[(inv, chunk[i]) for i, inv in new], withdrawn=withdrawn)
                answer_problems = {new[position][0]: problem for position, problem in found.items()}
            created = Invitation.objects.bulk_create([invitation for _index, invitation in new])
    except DatabaseError:
        # Another import of the same people at this moment, or a row the database refuses:
        # this chunk's new rows go one by one, each in its own savepoint.
        logger.warning("Import %s: a bulk insert was refused; inviting one by one", job.pk, exc_info=True)
        created, answer_problems = [], {}
        one_by_one += [index for index, _invitation in new]
    email_queue_many(
        messages=[
            {**invitation_message(invitation=invitation), "key": f"invitation:{invitation.token}"}
            for invitation in created
        ]
    )
    for index in sorted(one_by_one):
        outcomes[index] = _invite_one(job, chunk[index])
        if outcomes[index] is None and job.mapping and chunk[index].get("role", "").lower() in ANSWER_ROLES:
            outcomes[index] = {
                "reason": _("Invited, but the answers were not imported: this person had an invitation before."),
                "answers": True,
            }
    for index, problem in answer_problems.items():
        outcomes[index] = {"duplicate": False, **problem}
    return outcomes


def _sort_rows(
    job: ImportJob, chunk: list[dict], checked: dict[int, tuple[str, str, int | None]], outcomes: list
) -> tuple[list[tuple[int, Invitation]], list[int], dict[str, str]]:
    """Look up the people of the checked rows at once and sort the rows: a duplicate's
    problem goes into ``outcomes``; returns the new invitations (unsaved), the rows that go
    one by one, and the addresses already enrolled with their status."""
    cohort = job.cohort
    emails = {email for email, _role, _capacity in checked.values()}
    on_subcommittee = set(
        SubcommitteeMember.objects.filter(cohort=cohort)
        .annotate(address=Lower("user__email"))
        .filter(address__in=emails)
        .values_list("address", flat=True)
    )
    enrolled: dict[str, str] = dict(
        Enrollment.objects.filter(cohort=cohort)
        .annotate(address=Lower("user__email"))
        .filter(address__in=emails)
        .values_list("address", "status")
    )
    invited = {i.email: i for i in Invitation.objects.select_for_update().filter(cohort=cohort, email__in=emails)}
    new: list[tuple[int, Invitation]] = []
    one_by_one: list[int] = []
    seen: set[str] = set()
    now = timezone.now()
    for index, (email, role, capacity) in checked.items():
        existing = invited.get(email)
        if role == InvitationRole.SUBCOMMITTEE and email in on_subcommittee:
            outcomes[index] = _problem(
                duplicate_error(_("%(email)s is already on the subcommittee.") % {"email": email})
            )
        elif role != InvitationRole.SUBCOMMITTEE and enrolled.get(email, EnrollmentStatus.WITHDRAWN) != (
            EnrollmentStatus.WITHDRAWN
        ):
            outcomes[index] = _problem(duplicate_error(_("%(email)s is already in this cohort.") % {"email": email}))
        elif email in seen or (existing is not None and not _may_invite_again(existing, enrolled)):
            outcomes[index] = _problem(duplicate_error(_("%(email)s has already been invited.") % {"email": email}))
        elif existing is not None:
            # Invited again after withdrawing: rare, and the one-person path renews the link.
            one_by_one.append(index)
        else:
            row = chunk[index]
            new.append(
                (
                    index,
                    Invitation(
                        cohort=cohort,
                        email=email,
                        full_name=row.get("name", "").strip()[:150],
                        role=role,
                        capacity=capacity,
                        invited_by=job.created_by,
                        import_job=job,
                        sent_at=now,
                    ),
                )
            )
        seen.add(email)
    return new, one_by_one, enrolled


def _may_invite_again(invitation: Invitation, enrolled: dict[str, str]) -> bool:
    """As ``invitations._may_invite_again``, from the enrollments already looked up."""
    if invitation.status == InvitationStatus.REVOKED:
        return True
    if invitation.status == InvitationStatus.ACCEPTED and invitation.role != InvitationRole.SUBCOMMITTEE:
        return enrolled.get(invitation.email) == EnrollmentStatus.WITHDRAWN
    return False


def _invite_one(job: ImportJob, row: dict) -> dict | None:
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
        return _problem(error)
    except DatabaseError:
        logger.exception("Import %s: row %s refused by the database", job.pk, row["row"])
        return {"reason": _("This row could not be stored."), "duplicate": False}
    return None


def _is_duplicate(error: ValidationError) -> bool:
    errors = error.error_dict.values() if hasattr(error, "error_dict") else [error.error_list]
    return any(e.code == "duplicate" for group in errors for e in group)


def import_job_retry(*, job: ImportJob) -> ImportJob:
    """Queue a failed or stalled job again at once; it resumes after the rows already processed."""
    try:
        return job_retry(job)
    except ValidationError:
        raise ValidationError(_("Only a failed or stalled import can be resumed.")) from None
